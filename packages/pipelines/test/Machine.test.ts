import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import { Errors } from "@rapport/core"
import { Effect, Either, FastCheck as fc, Schema } from "effect"
import * as Machine from "../src/Machine.js"

interface Ticket {
  readonly resolution: string | null
  readonly vip: boolean
}

const ticket = Machine.make({
  id: "ticket",
  initial: "new",
  states: {
    new: { on: { ASSIGN: "open", CLOSE: "closed" }, meta: { slaRunning: true } },
    open: {
      on: {
        WAIT: "pending",
        RESOLVE: { target: "solved", guard: "hasResolution", effects: [{ type: "notify", to: "requester" }] },
        ESCALATE: [
          { target: "urgent", guard: "isVip", effects: [{ type: "page", team: "tier2" }] },
          { target: "open", guard: "hasResolution" }
        ]
      },
      meta: { slaRunning: true }
    },
    urgent: { on: { RESOLVE: { target: "solved", guard: "hasResolution" } }, meta: { slaRunning: true } },
    pending: { on: { REPLY: "open", CLOSE: "closed" }, meta: { slaRunning: false } },
    solved: { on: { REOPEN: "open", CLOSE: "closed" }, meta: { slaRunning: false } },
    closed: { final: true, meta: { slaRunning: false } }
  }
}, {
  guards: {
    hasResolution: (t: Ticket) => t.resolution !== null,
    isVip: (t: Ticket) => t.vip
  }
})

const unresolved: Ticket = { resolution: null, vip: false }
const resolved: Ticket = { resolution: "fixed", vip: false }

const taken = <A, E>(result: Either.Either<A, E>): A => {
  if (Either.isLeft(result)) throw new Error(`expected a transition, got ${String(result.left)}`)
  return result.right
}

const refused = <A>(result: Either.Either<A, Machine.InvalidTransition>): Machine.InvalidTransition => {
  if (Either.isRight(result)) throw new Error(`expected InvalidTransition, got ${JSON.stringify(result.right)}`)
  expect(result.left).toBeInstanceOf(Machine.InvalidTransition)
  expect(result.left._tag).toBe("InvalidTransition")
  return result.left
}

const fields = (error: Machine.InvalidTransition) => ({
  machine: error.machine,
  from: error.from,
  to: error.to,
  event: error.event,
  guard: error.guard,
  reason: error.reason
})

describe("Machine.make", () => {
  it("keeps the definition as data, states in declaration order, and each state's meta", () => {
    expect(ticket.id).toBe("ticket")
    expect(ticket.initial).toBe("new")
    expect(ticket.states).toEqual(["new", "open", "urgent", "pending", "solved", "closed"])
    expect(ticket.meta.pending).toEqual({ slaRunning: false })
    expect(JSON.parse(JSON.stringify(ticket.definition))).toEqual(ticket.definition)
    expect(Schema.encodeSync(Machine.Definition)(ticket.definition)).toEqual(ticket.definition)
  })

  it("gives undefined meta to states without one", () => {
    const m = Machine.make({ id: "m", initial: "a", states: { a: { on: { GO: "b" } }, b: { final: true } } })
    expect(m.meta).toEqual({ a: undefined, b: undefined })
  })

  it("builds a sound ticket machine", () => {
    expect(Machine.validate(ticket)).toEqual([])
  })
})

describe("Machine.transition", () => {
  it("follows a plain target and returns no effects", () => {
    expect(taken(Machine.transition(ticket, "new", { type: "ASSIGN" }, unresolved))).toEqual({
      machine: "ticket",
      from: "new",
      to: "open",
      event: "ASSIGN",
      effects: []
    })
  })

  it("returns the effects of a guarded transition, and names the guard that passed", () => {
    expect(taken(Machine.transition(ticket, "open", { type: "RESOLVE" }, resolved))).toEqual({
      machine: "ticket",
      from: "open",
      to: "solved",
      event: "RESOLVE",
      guard: "hasResolution",
      effects: [{ type: "notify", to: "requester" }]
    })
  })

  it("refuses when the guard fails, naming from, to, event and guard", () => {
    const error = refused(Machine.transition(ticket, "open", { type: "RESOLVE" }, unresolved))
    expect(fields(error)).toEqual({
      machine: "ticket",
      from: "open",
      to: "solved",
      event: "RESOLVE",
      guard: "hasResolution",
      reason: "guard-rejected"
    })
    expect(error.message).toBe("ticket: open → solved on RESOLVE refused by guard hasResolution")
  })

  it("takes the first candidate whose guard passes", () => {
    const vip = taken(Machine.transition(ticket, "open", { type: "ESCALATE" }, { resolution: "x", vip: true }))
    expect([vip.to, vip.guard, vip.effects]).toEqual(["urgent", "isVip", [{ type: "page", team: "tier2" }]])
    const normal = taken(Machine.transition(ticket, "open", { type: "ESCALATE" }, resolved))
    expect([normal.to, normal.guard, normal.effects]).toEqual(["open", "hasResolution", []])
  })

  it("reports the first rejecting guard when every candidate is rejected", () => {
    const error = refused(Machine.transition(ticket, "open", { type: "ESCALATE" }, unresolved))
    expect([error.reason, error.to, error.guard]).toEqual(["guard-rejected", "urgent", "isVip"])
  })

  it("refuses an event the state does not handle", () => {
    const error = refused(Machine.transition(ticket, "new", { type: "WAIT" }, unresolved))
    expect(fields(error)).toEqual({
      machine: "ticket",
      from: "new",
      to: undefined,
      event: "WAIT",
      guard: undefined,
      reason: "no-transition"
    })
    expect(error.message).toBe("ticket: no transition from new on WAIT")
  })

  it("refuses every event in a final state", () => {
    const error = refused(Machine.transition(ticket, "closed", { type: "REOPEN" }, unresolved))
    expect([error.reason, error.from, error.event]).toEqual(["final-state", "closed", "REOPEN"])
    expect(error.message).toBe("ticket: closed is final; REOPEN refused")
  })

  it("allows self-transitions", () => {
    const m = Machine.make({ id: "m", initial: "a", states: { a: { on: { PING: "a" } } } })
    expect(taken(Machine.transition(m, "a", { type: "PING" })).to).toBe("a")
  })

  it("passes the context and the whole event (payload included) to guards", () => {
    const seen: Array<unknown> = []
    const m = Machine.make({
      id: "m",
      initial: "a",
      states: { a: { on: { GO: { target: "b", guard: "big" } } }, b: { final: true } }
    }, {
      guards: {
        big: (limit: number, event) => {
          seen.push([limit, event])
          return typeof event.amount === "number" && event.amount > limit
        }
      }
    })
    expect(Machine.can(m, "a", { type: "GO", amount: 5 }, 10)).toBe(false)
    expect(Machine.can(m, "a", { type: "GO", amount: 50 }, 10)).toBe(true)
    expect(seen).toEqual([[10, { type: "GO", amount: 5 }], [10, { type: "GO", amount: 50 }]])
  })

  it("only considers transitions to the state an event names in `to`", () => {
    const m = Machine.make({
      id: "m",
      initial: "a",
      states: { a: { on: { GO: ["b", "c"] } }, b: { final: true }, c: { final: true } }
    })
    expect(taken(Machine.transition(m, "a", { type: "GO" })).to).toBe("b")
    expect(taken(Machine.transition(m, "a", { type: "GO", to: "c" })).to).toBe("c")
    const error = refused(Machine.transition(m, "a", { type: "GO", to: "a" }))
    expect([error.reason, error.to]).toEqual(["no-transition", "a"])
    expect(error.message).toBe("m: no transition from a to a on GO")
  })

  it("refuses a `to` that names no state, saying so and listing the machine's states", () => {
    const m = Machine.make({
      id: "m",
      initial: "a",
      states: { a: { on: { GO: ["b", "c"] } }, b: { final: true }, c: { final: true } }
    })
    const loose = m as unknown as Machine.Machine<string, Machine.Event, unknown>
    const error = refused(Machine.transition(loose, "a", { type: "GO", to: "z" }))
    expect(fields(error)).toEqual({
      machine: "m",
      from: "a",
      to: "z",
      event: "GO",
      guard: undefined,
      reason: "unknown-requested-state"
    })
    expect(error.states).toEqual(["a", "b", "c"])
    expect(error.message).toBe("m: z does not exist in m, which has a, b, c; GO from a refused")
    expect(Machine.can(loose, "a", { type: "GO", to: "z" })).toBe(false)
    // Whatever the event, and a name is never looked up in Object.prototype.
    expect(refused(Machine.transition(loose, "a", { type: "OTHER", to: "z" })).reason).toBe("unknown-requested-state")
    expect(refused(Machine.transition(loose, "a", { type: "GO", to: "toString" })).reason).toBe("unknown-requested-state")
    // A state that exists but is not a move from here stays a no-transition; a final
    // state stays final; an unknown current state is reported first.
    expect(refused(Machine.transition(m, "a", { type: "GO", to: "a" })).reason).toBe("no-transition")
    expect(refused(Machine.transition(loose, "b", { type: "GO", to: "z" })).reason).toBe("final-state")
    expect(refused(Machine.transition(loose, "y", { type: "GO", to: "z" })).reason).toBe("unknown-state")
    // The error keeps the list through its schema.
    const encoded = Schema.encodeSync(Machine.InvalidTransition)(error)
    expect(encoded).toMatchObject({ reason: "unknown-requested-state", states: ["a", "b", "c"] })
    expect(Schema.decodeUnknownSync(Machine.InvalidTransition)(encoded).message).toBe(error.message)
  })

  it("a definition's unknown target is still the definition's fault when the event names it", () => {
    const m = Machine.fromDefinition({ id: "loaded", initial: "a", states: { a: { on: { GO: "ghost" } } } })
    expect(refused(Machine.transition(m, "a", { type: "GO", to: "ghost" })).reason).toBe("unknown-target")
  })

  it("is total on untyped input: unknown states, malformed events", () => {
    const loose = ticket as unknown as Machine.Machine<string, Machine.Event, unknown>
    expect(refused(Machine.transition(loose, "nowhere", { type: "ASSIGN" })).reason).toBe("unknown-state")
    expect(refused(Machine.transition(loose, "nowhere", { type: "ASSIGN" })).message).toBe(
      "ticket: unknown state nowhere"
    )
    for (const event of [null, undefined, 42, "ASSIGN", {}, { type: 1 }, { type: "toString" }, { type: "constructor" }]) {
      expect(refused(Machine.transition(loose, "new", event as any)).reason).toBe("no-transition")
    }
    expect(refused(Machine.transition(loose, "toString", { type: "ASSIGN" })).reason).toBe("unknown-state")
  })

  it("refuses unknown targets and unknown guards of untyped definitions", () => {
    const m = Machine.fromDefinition({
      id: "loaded",
      initial: "a",
      states: { a: { on: { GO: "ghost", CHECK: { target: "a", guard: "nope" }, PROTO: { target: "a", guard: "toString" } } } }
    })
    const ghost = refused(Machine.transition(m, "a", { type: "GO" }))
    expect([ghost.reason, ghost.to]).toEqual(["unknown-target", "ghost"])
    expect(ghost.message).toBe("loaded: a on GO targets unknown state ghost")
    const nope = refused(Machine.transition(m, "a", { type: "CHECK" }))
    expect([nope.reason, nope.to, nope.guard]).toEqual(["unknown-guard", "a", "nope"])
    expect(nope.message).toBe("loaded: a to a on CHECK uses unknown guard nope")
    // A guard name is looked up in the table itself, never in Object.prototype.
    expect(refused(Machine.transition(m, "a", { type: "PROTO" })).reason).toBe("unknown-guard")
  })

  it.effect("is an Effect inside Effect.gen: a refusal fails with InvalidTransition", () =>
    Effect.gen(function*() {
      const step = yield* Machine.transition(ticket, "new", { type: "ASSIGN" }, unresolved)
      expect(step.to).toBe("open")
      const error = yield* Effect.flip(Machine.transition(ticket, "open", { type: "RESOLVE" }, unresolved))
      expect(error._tag).toBe("InvalidTransition")
      const recovered = yield* Machine.transition(ticket, "closed", { type: "REOPEN" }, unresolved).pipe(
        Effect.catchTag("InvalidTransition", (e) => Effect.succeed(e.reason))
      )
      expect(recovered).toBe("final-state")
    }))

  it("never runs effects: they come back as the same data", () => {
    const effects = [{ type: "notify", run: () => expect.fail("the kernel ran an effect") }]
    const m = Machine.make({ id: "m", initial: "a", states: { a: { on: { GO: { target: "a", effects } } } } })
    expect(taken(Machine.transition(m, "a", { type: "GO" })).effects).toEqual(effects)
  })
})

describe("InvalidTransition", () => {
  it("encodes and decodes with its schema", () => {
    const error = new Machine.InvalidTransition({
      machine: "sales",
      from: "proposal",
      to: "won",
      event: "move",
      guard: "hasAmount",
      reason: "guard-rejected"
    })
    const encoded = Schema.encodeSync(Machine.InvalidTransition)(error)
    expect(encoded).toEqual({
      _tag: "InvalidTransition",
      machine: "sales",
      from: "proposal",
      to: "won",
      event: "move",
      guard: "hasAmount",
      reason: "guard-rejected"
    })
    expect(Schema.decodeUnknownSync(Machine.InvalidTransition)(encoded)).toEqual(error)
    expect(error.message).toBe("sales: proposal → won on move refused by guard hasAmount")
  })
})

describe("Machine.can / isFinal / edges / available", () => {
  it("can agrees with transition", () => {
    expect(Machine.can(ticket, "open", { type: "RESOLVE" }, resolved)).toBe(true)
    expect(Machine.can(ticket, "open", { type: "RESOLVE" }, unresolved)).toBe(false)
  })

  it("isFinal", () => {
    expect(Machine.isFinal(ticket, "closed")).toBe(true)
    expect(Machine.isFinal(ticket, "open")).toBe(false)
  })

  it("edges lists every arrow in declaration order", () => {
    expect(Machine.edges(ticket).map((e) => `${e.from} -${e.event}${e.guard ? `[${e.guard}]` : ""}-> ${e.to}`)).toEqual([
      "new -ASSIGN-> open",
      "new -CLOSE-> closed",
      "open -WAIT-> pending",
      "open -RESOLVE[hasResolution]-> solved",
      "open -ESCALATE[isVip]-> urgent",
      "open -ESCALATE[hasResolution]-> open",
      "urgent -RESOLVE[hasResolution]-> solved",
      "pending -REPLY-> open",
      "pending -CLOSE-> closed",
      "solved -REOPEN-> open",
      "solved -CLOSE-> closed"
    ])
  })

  it("available lists the arrows whose guards pass", () => {
    const arrows = (t: Ticket) => Machine.available(ticket, "open", t).map((e) => `${e.event}->${e.to}`)
    expect(arrows(unresolved)).toEqual(["WAIT->pending"])
    expect(arrows(resolved)).toEqual(["WAIT->pending", "RESOLVE->solved", "ESCALATE->open"])
    expect(arrows({ resolution: null, vip: true })).toEqual(["WAIT->pending", "ESCALATE->urgent"])
    expect(Machine.available(ticket, "closed", resolved)).toEqual([])
  })
})

describe("Machine.validate", () => {
  it("reports dead ends and unreachable states", () => {
    const m = Machine.make({
      id: "m",
      initial: "a",
      states: { a: { on: { GO: "b" } }, b: {}, orphan: { final: true } }
    })
    const problems = Machine.validate(m)
    expect(problems).toEqual([new Machine.DeadEnd({ state: "b" }), new Machine.UnreachableState({ state: "orphan" })])
    expect(problems.map((p) => p.message)).toEqual([
      "b is not final but has no transition",
      "orphan cannot be reached from the initial state"
    ])
  })

  it("counts a state with only an empty candidate list as a dead end", () => {
    const m = Machine.fromDefinition({ id: "m", initial: "a", states: { a: { on: { GO: [] } } } })
    expect(Machine.validate(m)).toEqual([new Machine.DeadEnd({ state: "a" })])
  })

  it("reports what only an untyped definition can get wrong", () => {
    const m = Machine.fromDefinition({
      id: "loaded",
      initial: "start",
      states: {
        a: { on: { GO: ["ghost", { target: "b", guard: "missing" }] } },
        b: { final: true, on: { BACK: "a", AGAIN: "b" } }
      }
    }, { guards: {} })
    const problems = Machine.validate(m)
    expect(problems).toEqual([
      new Machine.UnknownInitial({ initial: "start" }),
      new Machine.UnknownTarget({ state: "a", event: "GO", target: "ghost" }),
      new Machine.UnknownGuard({ state: "a", event: "GO", guard: "missing" }),
      new Machine.UnreachableState({ state: "a" }),
      new Machine.FinalWithTransitions({ state: "b", events: ["BACK", "AGAIN"] }),
      new Machine.UnreachableState({ state: "b" })
    ])
    expect(problems.map((p) => p.message)).toEqual([
      "initial state start is not defined",
      "a on GO targets undefined state ghost",
      "a on GO uses unknown guard missing",
      "a cannot be reached from the initial state",
      "final state b has transitions on BACK, AGAIN",
      "b cannot be reached from the initial state"
    ])
  })

  it("problems encode with the Problem schema", () => {
    const problems = Machine.validate(
      Machine.fromDefinition({ id: "m", initial: "a", states: { a: {}, b: { final: true } } })
    )
    const encoded = Schema.encodeSync(Schema.Array(Machine.Problem))(problems)
    expect(encoded).toEqual([{ _tag: "DeadEnd", state: "a" }, { _tag: "UnreachableState", state: "b" }])
    expect(Schema.decodeUnknownSync(Schema.Array(Machine.Problem))(encoded)).toEqual(problems)
  })
})

describe("Machine.decode", () => {
  it("loads a stored definition that behaves like the original", () => {
    const stored = JSON.stringify(ticket.definition)
    const table = ticket.guards as { readonly [name: string]: Machine.Guard<Ticket, Machine.Event> }
    const loaded = taken(Machine.decode<Ticket>(JSON.parse(stored), { guards: table }))
    expect(Machine.validate(loaded)).toEqual([])
    expect(loaded.definition).toEqual(ticket.definition)
    expect(taken(Machine.transition(loaded, "open", { type: "RESOLVE" }, resolved))).toEqual(
      taken(Machine.transition(ticket, "open", { type: "RESOLVE" }, resolved))
    )
  })

  it("refuses malformed JSON with a ValidationError naming the fields", () => {
    const result = Machine.decode({
      id: "x",
      initial: 1,
      states: { a: { final: "yes", on: { GO: { guard: "g" } } } }
    })
    if (Either.isRight(result)) throw new Error("expected a ValidationError")
    expect(result.left).toBeInstanceOf(Errors.ValidationError)
    expect(result.left.operation).toBe("Machine.decode")
    const paths = result.left.issues.map((i) => i.path)
    expect(paths).toContain("initial")
    expect(paths).toContain("states.a.final")
    expect(paths.some((p) => p.startsWith("states.a.on.GO"))).toBe(true)
  })
})

describe("Machine.stages", () => {
  interface Deal {
    readonly amountMinor: number | null
  }
  const sales = Machine.stages({
    id: "sales",
    open: ["new", "qualified", "proposal", "negotiation"],
    closed: ["won", "lost"],
    moves: { skip: true, back: true, reopen: ["negotiation"] },
    enter: { won: { guard: "hasAmount", effects: [{ type: "notify", to: "finance" }] }, lost: { effects: [{ type: "survey" }] } },
    meta: { new: { probability: 10, rotDays: 14 }, won: { probability: 100 }, lost: { probability: 0 } }
  }, { guards: { hasAmount: (deal: Deal) => deal.amountMinor !== null } })
  const deal: Deal = { amountMinor: 5000 }
  const move = (from: Machine.StateOf<typeof sales>, to: Machine.StateOf<typeof sales>, d: Deal = deal) =>
    Machine.transition(sales, from, { type: "move", to }, d)

  it("allows forward, skip, back, close and the listed reopen moves", () => {
    expect(taken(move("new", "qualified")).to).toBe("qualified")
    expect(taken(move("new", "negotiation")).to).toBe("negotiation")
    expect(taken(move("proposal", "new")).to).toBe("new")
    expect(taken(move("qualified", "lost")).effects).toEqual([{ type: "survey" }])
    expect(taken(move("lost", "negotiation")).to).toBe("negotiation")
    expect(Machine.validate(sales)).toEqual([])
  })

  it("refuses moves the rules do not allow, naming the requested stage", () => {
    const error = refused(move("won", "new"))
    expect(fields(error)).toEqual({
      machine: "sales",
      from: "won",
      to: "new",
      event: "move",
      guard: undefined,
      reason: "no-transition"
    })
    expect(error.message).toBe("sales: no transition from won to new on move")
    expect(refused(move("won", "lost")).reason).toBe("no-transition")
    expect(refused(move("new", "new")).reason).toBe("no-transition")
  })

  it("refuses a move to a stage it does not have, naming the machine and listing its stages", () => {
    const error = refused(Machine.transition(sales, "new", { type: "move", to: "inquiry" as never }, deal))
    expect(fields(error)).toEqual({
      machine: "sales",
      from: "new",
      to: "inquiry",
      event: "move",
      guard: undefined,
      reason: "unknown-requested-state"
    })
    expect(error.states).toEqual(["new", "qualified", "proposal", "negotiation", "won", "lost"])
    expect(error.message).toBe(
      "sales: inquiry does not exist in sales, which has new, qualified, proposal, negotiation, won, lost; move from new refused"
    )
    expect(Machine.can(sales, "new", { type: "move", to: "inquiry" as never }, deal)).toBe(false)
  })

  it("guards entering a stage, and returns its effects", () => {
    expect(fields(refused(move("proposal", "won", { amountMinor: null })))).toEqual({
      machine: "sales",
      from: "proposal",
      to: "won",
      event: "move",
      guard: "hasAmount",
      reason: "guard-rejected"
    })
    expect(taken(move("proposal", "won"))).toEqual({
      machine: "sales",
      from: "proposal",
      to: "won",
      event: "move",
      guard: "hasAmount",
      effects: [{ type: "notify", to: "finance" }]
    })
  })

  it("carries stage metadata", () => {
    expect(sales.meta.new).toEqual({ probability: 10, rotDays: 14 })
    expect(sales.meta.won).toEqual({ probability: 100 })
    expect(sales.meta.qualified).toBeUndefined()
    expect(sales.definition.states.new?.meta).toEqual({ probability: 10, rotDays: 14 })
  })

  it("defaults to forward moves only, with closed stages final", () => {
    const strict = Machine.stages({ id: "strict", open: ["a", "b", "c"], closed: ["done", "dropped"] })
    expect(Machine.edges(strict).map((e) => `${e.from}->${e.to}`)).toEqual([
      "a->b",
      "a->done",
      "a->dropped",
      "b->c",
      "b->done",
      "b->dropped",
      "c->done",
      "c->dropped"
    ])
    expect(Machine.isFinal(strict, "done")).toBe(true)
    expect(refused(Machine.transition(strict, "done", { type: "move", to: "a" })).reason).toBe("final-state")
    expect(Machine.validate(strict)).toEqual([])
  })

  it("reopen: true reopens to any open stage", () => {
    const m = Machine.stages({ id: "m", open: ["a", "b"], closed: ["x"], moves: { forward: false, reopen: true } })
    expect(Machine.edges(m).map((e) => `${e.from}->${e.to}`)).toEqual(["a->x", "b->x", "x->a", "x->b"])
  })

  it("a single open stage without closed stages is final", () => {
    const m = Machine.stages({ id: "m", open: ["only"] })
    expect(Machine.isFinal(m, "only")).toBe(true)
    expect(Machine.validate(m)).toEqual([])
  })

  it.prop(
    "allows exactly the moves its rules describe",
    [
      fc.integer({ min: 1, max: 6 }),
      fc.integer({ min: 0, max: 3 }),
      fc.record({ forward: fc.boolean(), skip: fc.boolean(), back: fc.boolean() }),
      fc.oneof(fc.boolean(), fc.array(fc.nat({ max: 5 }), { maxLength: 3 }))
    ],
    ([openCount, closedCount, rules, reopenSpec]) => {
      const open = Array.from({ length: openCount }, (_, i) => `o${i}`) as [string, ...Array<string>]
      const closed = Array.from({ length: closedCount }, (_, i) => `c${i}`)
      const reopen = typeof reopenSpec === "boolean"
        ? reopenSpec
        : [...new Set(reopenSpec.filter((i) => i < openCount).map((i) => `o${i}`))]
      const m = Machine.stages({ id: "p", open, closed, moves: { ...rules, reopen } })
      const expected = (from: string, to: string): boolean => {
        const i = open.indexOf(from)
        const j = open.indexOf(to)
        if (i >= 0) {
          if (j < 0) return true // closing
          return j === i + 1 ? rules.forward : j > i + 1 ? rules.skip : j < i ? rules.back : false
        }
        if (j < 0) return false
        return reopen === true || (Array.isArray(reopen) && reopen.includes(to))
      }
      for (const from of [...open, ...closed]) {
        for (const to of [...open, ...closed]) {
          expect(Machine.can(m, from, { type: "move", to })).toBe(expected(from, to))
        }
      }
      const problems = Machine.validate(m)
      expect(problems.filter((p) => p._tag !== "UnreachableState" && p._tag !== "DeadEnd")).toEqual([])
    },
    { fastCheck: { numRuns: 300 } }
  )
})

// ---------------------------------------------------------------------------
// Properties over random (untyped) machines
// ---------------------------------------------------------------------------

const namePool = ["a", "b", "c", "d", "e", "closed won", "end", "constructor", "s1"]
const eventPool = ["GO", "BACK", "NEXT", "toString"]
const guardPool = ["yes", "no", "ctx", "missing"]

const guards: Record<string, Machine.Guard<boolean, Machine.Event>> = {
  yes: () => true,
  no: () => false,
  ctx: (context) => context
}

const arbTarget = (states: ReadonlyArray<string>) =>
  fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...states) }, { weight: 1, arbitrary: fc.constant("ghost") })

const arbCandidate = (states: ReadonlyArray<string>) =>
  fc.oneof(
    arbTarget(states),
    fc.record(
      {
        target: arbTarget(states),
        guard: fc.constantFrom(...guardPool),
        effects: fc.array(fc.record({ type: fc.constantFrom("notify", "log") }), { maxLength: 2 })
      },
      { requiredKeys: ["target"] }
    )
  )

const arbDefinition: fc.Arbitrary<Machine.Definition> = fc
  .uniqueArray(fc.constantFrom(...namePool), { minLength: 1, maxLength: 7 })
  .chain((states) =>
    fc.record({
      id: fc.constant("random"),
      initial: fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...states) }, { weight: 1, arbitrary: fc.constant("ghost") }),
      states: fc.tuple(
        ...states.map((name) =>
          fc.tuple(
            fc.constant(name),
            fc.record(
              {
                final: fc.oneof({ weight: 1, arbitrary: fc.constant(true) }, { weight: 4, arbitrary: fc.constant(false) }),
                on: fc.dictionary(
                  fc.constantFrom(...eventPool),
                  fc.oneof(arbCandidate(states), fc.array(arbCandidate(states), { maxLength: 3 })),
                  { maxKeys: 3 }
                )
              },
              { requiredKeys: [] }
            )
          )
        )
      ).map((entries) => Object.fromEntries(entries))
    })
  )

const arbEvent = fc.oneof(
  { weight: 4, arbitrary: fc.record({ type: fc.constantFrom(...eventPool, "OTHER") }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constantFrom(...eventPool), to: fc.constantFrom(...namePool, "ghost") }) },
  { weight: 1, arbitrary: fc.anything() }
)

/** A random machine, a state (mostly one of its own) and an event (mostly one it handles). */
const arbCase = arbDefinition.chain((definition) =>
  fc.oneof(
    { weight: 9, arbitrary: fc.constantFrom(...Object.keys(definition.states)) },
    { weight: 1, arbitrary: fc.constantFrom("ghost", "toString") }
  ).chain((state) => {
    const on = definition.states[state]?.on ?? {}
    const handled = Object.keys(on)
    const targets = Object.values(on).flatMap((spec) =>
      (Array.isArray(spec) ? spec : [spec]).map((c: string | { readonly target: string }) =>
        typeof c === "string" ? c : c.target
      )
    )
    const own = handled.length === 0 ? [] : [
      { weight: 6, arbitrary: fc.record({ type: fc.constantFrom(...handled) }) },
      ...(targets.length === 0 ? [] : [{
        weight: 3,
        arbitrary: fc.record({ type: fc.constantFrom(...handled), to: fc.constantFrom(...targets) })
      }])
    ]
    return fc.tuple(
      fc.constant(definition),
      fc.constant(state),
      fc.oneof({ weight: 3, arbitrary: arbEvent }, ...own) as fc.Arbitrary<unknown>,
      fc.boolean()
    )
  })
)

/** Reachability computed independently of the kernel: targets read from the raw JSON. */
const bfs = (definition: Machine.Definition): Set<string> => {
  const declared = new Set(Object.keys(definition.states))
  const seen = new Set<string>()
  if (!declared.has(definition.initial)) return seen
  const queue = [definition.initial]
  seen.add(definition.initial)
  while (queue.length > 0) {
    const state = definition.states[queue.shift()!]!
    for (const spec of Object.values(state.on ?? {})) {
      const list = Array.isArray(spec) ? spec : [spec]
      for (const c of list as ReadonlyArray<string | { readonly target: string }>) {
        const target = typeof c === "string" ? c : c.target
        if (declared.has(target) && !seen.has(target)) {
          seen.add(target)
          queue.push(target)
        }
      }
    }
  }
  return seen
}

describe("Machine properties", () => {
  it.prop(
    "transition never throws, and a taken transition goes to a declared state along a declared edge",
    [arbCase],
    ([[definition, state, event, context]]) => {
      const m = Machine.fromDefinition(definition, { guards })
      const result = Machine.transition(m, state, event as Machine.Event, context)
      if (Either.isRight(result)) {
        const step = result.right
        expect(m.states).toContain(step.to)
        expect(step.from).toBe(state)
        expect(Machine.isFinal(m, state)).toBe(false)
        expect(
          Machine.edges(m).some((e) => e.from === state && e.event === step.event && e.to === step.to && e.guard === step.guard)
        ).toBe(true)
      } else {
        expect(result.left).toBeInstanceOf(Machine.InvalidTransition)
        expect(result.left.from).toBe(state)
        expect(typeof result.left.message).toBe("string")
      }
      expect(Machine.can(m, state, event as Machine.Event, context)).toBe(Either.isRight(result))
    },
    { fastCheck: { numRuns: 500 } }
  )

  it.prop(
    "final states refuse every event",
    [arbDefinition, arbEvent],
    ([definition, event]) => {
      const m = Machine.fromDefinition(definition, { guards })
      for (const state of m.states.filter((s) => Machine.isFinal(m, s))) {
        const result = Machine.transition(m, state, event as Machine.Event, true)
        expect(Either.isLeft(result) && result.left.reason).toBe("final-state")
      }
    }
  )

  it.prop(
    "validate reports exactly the states BFS cannot reach, and exactly the dead ends",
    [arbDefinition],
    ([definition]) => {
      const m = Machine.fromDefinition(definition, { guards })
      const problems = Machine.validate(m)
      const reachable = bfs(definition)
      const unreachable = problems.filter((p) => p._tag === "UnreachableState").map((p) => p.state)
      expect(unreachable).toEqual(Object.keys(definition.states).filter((s) => !reachable.has(s)))
      const deadEnds = problems.filter((p) => p._tag === "DeadEnd").map((p) => p.state)
      expect(deadEnds).toEqual(
        Object.entries(definition.states)
          .filter(([, s]) =>
            s.final !== true && Object.values(s.on ?? {}).every((spec) => Array.isArray(spec) && spec.length === 0)
          )
          .map(([name]) => name)
      )
      expect(problems.some((p) => p._tag === "UnknownInitial")).toBe(!(definition.initial in definition.states))
      const unknownTargets = problems.filter((p) => p._tag === "UnknownTarget")
      expect(unknownTargets.length).toBe(Machine.edges(m).filter((e) => e.to === "ghost").length)
      const unknownGuards = problems.filter((p) => p._tag === "UnknownGuard")
      expect(unknownGuards.length).toBe(Machine.edges(m).filter((e) => e.guard === "missing").length)
    },
    { fastCheck: { numRuns: 500 } }
  )

  it.prop(
    "a definition survives a JSON round trip: same problems, same transitions, same diagram",
    [arbCase],
    ([[definition, state, event, context]]) => {
      const m = Machine.fromDefinition(definition, { guards })
      const loaded = taken(Machine.decode<boolean>(JSON.parse(JSON.stringify(m.definition)), { guards }))
      expect(Machine.validate(loaded)).toEqual(Machine.validate(m))
      expect(Machine.toMermaid(loaded)).toBe(Machine.toMermaid(m))
      const e = (typeof event === "object" && event !== null ? JSON.parse(JSON.stringify(event)) : event) as Machine.Event
      expect(Machine.transition(loaded, state, e, context)).toEqual(Machine.transition(m, state, e, context))
    },
    { fastCheck: { numRuns: 300 } }
  )
})

// ---------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------

describe("types follow the definition", () => {
  type TicketState = "new" | "open" | "urgent" | "pending" | "solved" | "closed"
  type TicketEvent = "ASSIGN" | "CLOSE" | "WAIT" | "RESOLVE" | "ESCALATE" | "REPLY" | "REOPEN"

  it("infers state names, event names, the context and per-state meta", () => {
    expectTypeOf<Machine.StateOf<typeof ticket>>().toEqualTypeOf<TicketState>()
    expectTypeOf<Machine.EventOf<typeof ticket>>().toEqualTypeOf<Machine.Event<TicketEvent, TicketState>>()
    expectTypeOf<Machine.ContextOf<typeof ticket>>().toEqualTypeOf<Ticket>()
    expectTypeOf(ticket.meta.pending).toEqualTypeOf<{ readonly slaRunning: false }>()
    expectTypeOf(ticket.initial).toEqualTypeOf<TicketState>()
    const step = taken(Machine.transition(ticket, "new", { type: "ASSIGN" }, unresolved))
    expectTypeOf(step.to).toEqualTypeOf<TicketState>()
    expectTypeOf(step.event).toEqualTypeOf<TicketEvent>()
  })

  it("rejects unknown events, states and missing context at compile time", () => {
    // @ts-expect-error not an event of this machine
    Machine.transition(ticket, "new", { type: "NOT_AN_EVENT" }, unresolved)
    // @ts-expect-error not a state of this machine
    Machine.transition(ticket, "nowhere", { type: "ASSIGN" }, unresolved)
    // @ts-expect-error the guards need a Ticket
    Machine.transition(ticket, "new", { type: "ASSIGN" })
    // @ts-expect-error a wrong context
    Machine.transition(ticket, "new", { type: "ASSIGN" }, { vip: true })
    // @ts-expect-error `to` names a state
    Machine.transition(ticket, "new", { type: "ASSIGN", to: "nowhere" }, unresolved)
    expect(true).toBe(true)
  })

  it("rejects targets and an initial state that do not exist", () => {
    Machine.make({
      id: "m",
      initial: "a",
      states: {
        // @ts-expect-error "bb" is not a state
        a: { on: { GO: "bb" } },
        b: { final: true }
      }
    })
    Machine.make({
      id: "m",
      initial: "a",
      states: {
        // @ts-expect-error "bb" is not a state
        a: { on: { GO: [{ target: "bb" }] } },
        b: { final: true }
      }
    })
    Machine.make({
      id: "m",
      // @ts-expect-error "c" is not a state
      initial: "c",
      states: { a: { on: { GO: "b" } }, b: { final: true } }
    })
    expect(true).toBe(true)
  })

  it("requires an implementation for every guard the definition names", () => {
    const definition = {
      id: "m",
      initial: "a",
      states: { a: { on: { GO: { target: "b", guard: "ok" } } }, b: { final: true } }
    } as const
    // @ts-expect-error the guard table is missing
    Machine.make(definition)
    // @ts-expect-error "ok" is not implemented
    Machine.make(definition, { guards: { other: () => true } })
    const m = Machine.make(definition, { guards: { ok: (n: number, event) => n > 0 && event.type === "GO" } })
    expectTypeOf<Machine.ContextOf<typeof m>>().toEqualTypeOf<number>()
    // A machine without guards takes no context.
    const free = Machine.make({ id: "f", initial: "a", states: { a: { on: { GO: "a" } } } })
    expectTypeOf(Machine.transition(free, "a", { type: "GO" })).toEqualTypeOf<
      Either.Either<Machine.Transition<"a", "GO">, Machine.InvalidTransition>
    >()
  })

  it("stage machines: typed stages, move events, guards and meta", () => {
    const m = Machine.stages({
      id: "s",
      open: ["a", "b"],
      closed: ["won"],
      enter: { won: { guard: "paid" } },
      meta: { a: { probability: 10 } }
    }, { guards: { paid: (d: { paid: boolean }) => d.paid } })
    expectTypeOf<Machine.StateOf<typeof m>>().toEqualTypeOf<"a" | "b" | "won">()
    expectTypeOf<Machine.EventOf<typeof m>>().toEqualTypeOf<Machine.Move<"a" | "b" | "won">>()
    expectTypeOf(m.meta.a).toEqualTypeOf<{ probability: number }>()
    expectTypeOf(m.meta.won).toEqualTypeOf<undefined>()
    Machine.transition(m, "a", { type: "move", to: "won" }, { paid: true })
    // @ts-expect-error not a stage
    Machine.transition(m, "a", { type: "move", to: "lost" }, { paid: true })
    // @ts-expect-error a move names its stage
    Machine.transition(m, "a", { type: "move" }, { paid: true })
    // @ts-expect-error reopen names open stages
    Machine.stages({ id: "s", open: ["a"], closed: ["z"], moves: { reopen: ["z"] } })
    // @ts-expect-error meta of a stage that does not exist
    Machine.stages({ id: "s", open: ["a"], meta: { b: 1 } })
    // @ts-expect-error the guard "paid" is not implemented
    Machine.stages({ id: "s", open: ["a"], closed: ["won"], enter: { won: { guard: "paid" } } })
    expect(true).toBe(true)
  })
})
