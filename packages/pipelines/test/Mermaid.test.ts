import { describe, expect, it } from "@effect/vitest"
import { FastCheck as fc } from "effect"
import * as Machine from "../src/Machine.js"

const ticket = Machine.make({
  id: "ticket",
  initial: "new",
  states: {
    new: { on: { ASSIGN: "open" } },
    open: {
      on: {
        WAIT: "pending",
        RESOLVE: { target: "solved", guard: "hasResolution", effects: [{ type: "notify" }, { type: "log" }] }
      }
    },
    pending: { on: { REPLY: "open" } },
    solved: { final: true }
  }
}, { guards: { hasResolution: (t: { resolution: string | null }) => t.resolution !== null } })

describe("Machine.toMermaid", () => {
  it("renders a stateDiagram-v2 with guards as labels and [*] for initial and final states", () => {
    expect(Machine.toMermaid(ticket)).toBe(
      [
        "stateDiagram-v2",
        "  [*] --> new",
        "  new --> open : ASSIGN",
        "  open --> pending : WAIT",
        "  open --> solved : RESOLVE [hasResolution]",
        "  pending --> open : REPLY",
        "  solved --> [*]",
        ""
      ].join("\n")
    )
  })

  it("adds a direction and, on request, the effects", () => {
    const text = Machine.toMermaid(ticket, { direction: "LR", effects: true })
    expect(text.split("\n").slice(0, 2)).toEqual(["stateDiagram-v2", "  direction LR"])
    expect(text).toContain("  open --> solved : RESOLVE [hasResolution] / notify, log\n")
    expect(text).toContain("  new --> open : ASSIGN\n")
  })

  it("aliases names that are not plain identifiers, avoiding clashes with real state names", () => {
    const m = Machine.fromDefinition({
      id: "m",
      initial: "new lead",
      states: {
        "new lead": { on: { GO: "end", JUMP: { target: "s0", guard: "g" } } },
        end: { final: true },
        s0: { on: { X: "ghost" } }
      }
    }, { guards: { g: () => true } })
    expect(Machine.toMermaid(m)).toBe(
      [
        "stateDiagram-v2",
        "  state \"new lead\" as _s0",
        "  state \"end\" as s1",
        "  [*] --> _s0",
        "  _s0 --> s1 : GO",
        "  _s0 --> s0 : JUMP [g]",
        "  s0 --> ghost : X",
        "  s1 --> [*]",
        ""
      ].join("\n")
    )
  })

  it("escapes characters Mermaid would read as syntax", () => {
    const m = Machine.fromDefinition({
      id: "m",
      initial: "a",
      states: { a: { on: { "GO;now #1 %%": { target: "b\nc", guard: "say \"hi\"" } } }, "b\nc": { final: true } }
    }, { guards: {} })
    const text = Machine.toMermaid(m)
    expect(text).toContain("  state \"b c\" as s1\n")
    expect(text).toContain("  a --> s1 : GO#59;now #35;1 #37;#37; [say #quot;hi#quot;]\n")
  })

  it("renders a stage pipeline", () => {
    const sales = Machine.stages({
      id: "sales",
      open: ["lead", "proposal"],
      closed: ["won", "lost"],
      moves: { back: true },
      enter: { won: { guard: "hasAmount" } }
    }, { guards: { hasAmount: () => true } })
    expect(Machine.toMermaid(sales)).toBe(
      [
        "stateDiagram-v2",
        "  [*] --> lead",
        "  lead --> proposal : move",
        "  lead --> won : move [hasAmount]",
        "  lead --> lost : move",
        "  proposal --> lead : move",
        "  proposal --> won : move [hasAmount]",
        "  proposal --> lost : move",
        "  won --> [*]",
        "  lost --> [*]",
        ""
      ].join("\n")
    )
  })

  const names = ["a", "b", "s0", "s1", "_s1", "end", "state", "two words", "x;y", "q\"", "#", "Ω"]
  const arbDefinition: fc.Arbitrary<Machine.Definition> = fc
    .uniqueArray(fc.constantFrom(...names), { minLength: 1, maxLength: 8 })
    .chain((states) =>
      fc.record({
        id: fc.constant("random"),
        initial: fc.constantFrom(...states, "ghost"),
        states: fc.tuple(
          ...states.map((name) =>
            fc.tuple(
              fc.constant(name),
              fc.record({
                final: fc.boolean(),
                on: fc.dictionary(
                  fc.constantFrom("GO", "a;b", "c#d", "e%f", "BACK"),
                  fc.array(
                    fc.record({
                      target: fc.constantFrom(...states, "ghost", "other one"),
                      guard: fc.constantFrom("g", "h;i", "j\"k")
                    }, { requiredKeys: ["target"] }),
                    { minLength: 1, maxLength: 3 }
                  ),
                  { maxKeys: 3 }
                )
              }, { requiredKeys: [] })
            )
          )
        ).map((entries) => Object.fromEntries(entries))
      })
    )

  const unescape = (text: string) =>
    text.replace(/#35;|#59;|#quot;|#37;/g, (e) => ({ "#35;": "#", "#59;": ";", "#quot;": "\"", "#37;": "%" })[e]!)

  it.prop(
    "mentions every transition exactly once, with unique ids per state, deterministically",
    [arbDefinition],
    ([definition]) => {
      const m = Machine.fromDefinition(definition)
      const text = Machine.toMermaid(m)
      expect(Machine.toMermaid(Machine.fromDefinition(structuredClone(definition)))).toBe(text)
      const lines = text.split("\n")
      expect(lines[0]).toBe("stateDiagram-v2")
      expect(lines.at(-1)).toBe("")

      // Map ids back to names: aliased states are declared, the others are their own id.
      const alias = new Map<string, string>()
      for (const line of lines) {
        const match = /^ {2}state "(.*)" as (\S+)$/.exec(line)
        if (match) {
          expect(alias.has(match[2]!)).toBe(false)
          alias.set(match[2]!, unescape(match[1]!))
        }
      }
      const nameOf = (id: string) => alias.get(id) ?? id
      // Distinct states never share an id.
      const declared = new Set(alias.keys())
      for (const state of m.states) if (!alias.has(state)) expect(declared.has(state)).toBe(false)

      const arrows = lines
        .map((line) => /^ {2}(\S+) --> (\S+) : (.*)$/.exec(line))
        .filter((match) => match !== null)
        .map((match) => `${nameOf(match[1]!)} -> ${nameOf(match[2]!)} : ${unescape(match[3]!)}`)
      const expected = Machine.edges(m).map((e) =>
        `${e.from} -> ${e.to} : ${e.event}${e.guard === undefined ? "" : ` [${e.guard}]`}`
      )
      expect(arrows).toEqual(expected)

      const finals = lines.filter((line) => line.endsWith(" --> [*]")).map((line) => nameOf(line.trim().split(" ")[0]!))
      expect(finals).toEqual(m.states.filter((s) => Machine.isFinal(m, s)))
      expect(lines.filter((line) => line.startsWith("  [*] --> ")).map((line) => nameOf(line.slice(10)))).toEqual([
        definition.initial
      ])
    },
    { fastCheck: { numRuns: 300 } }
  )
})
