import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import { Either } from "effect"
import * as Machine from "../src/Machine.js"
import * as Pipeline from "../src/Pipeline.js"

const empty: Pipeline.DealFacts = { amount: null, closeDate: null, contactId: null, companyId: null, ownerId: null, lostReason: null }
const priced: Pipeline.DealFacts = { ...empty, amount: { amountMinor: 100, currency: "EUR" }, closeDate: "2026-12-01" }

const hiring = Pipeline.define({
  id: "hiring",
  name: "Recruiting",
  stages: ["sourced", "screen", "interview", "offer"],
  won: "hired",
  lost: "rejected",
  moves: { skip: true, back: true },
  requires: { offer: ["amount", "closeDate"] },
  rotAfterDays: { screen: 3, interview: 7 }
})

describe("Pipeline.b2b", () => {
  it("has the default stages, probabilities and forecast categories", () => {
    expect(Pipeline.b2b.stages).toEqual(["new", "qualified", "proposal", "negotiation", "closed_won", "closed_lost"])
    expect(Pipeline.b2b.open).toEqual(["new", "qualified", "proposal", "negotiation"])
    expect(Pipeline.b2b.stages.map((s) => Pipeline.b2b.meta[s].probability)).toEqual([10, 25, 50, 75, 100, 0])
    expect(Pipeline.b2b.stages.map((s) => Pipeline.b2b.meta[s].forecastCategory)).toEqual([
      "pipeline", "pipeline", "best_case", "commit", "closed", "closed"
    ])
    expect(Pipeline.b2b.meta.proposal.requires).toEqual(["amount", "closeDate"])
    expect(Pipeline.b2b.meta.closed_lost.requires).toEqual(["lostReason"])
    expect(Pipeline.b2b.meta.new.rotAfterDays).toBe(7)
    expect(Pipeline.b2b.meta.closed_won.rotAfterDays).toBeNull()
  })

  it("is a sound machine", () => {
    expect(Machine.validate(Pipeline.b2b.machine)).toEqual([])
    expect(Machine.validate(hiring.machine)).toEqual([])
  })

  it("derives guards from required fields", () => {
    const refused = Pipeline.check(Pipeline.b2b, "qualified", "proposal", empty)
    expect(Either.isLeft(refused) && refused.left.guard).toBe("requires amount and closeDate")
    expect(Either.isLeft(refused) && refused.left.reason).toBe("guard-rejected")
    expect(Either.isRight(Pipeline.check(Pipeline.b2b, "qualified", "proposal", priced))).toBe(true)
    expect(Either.isLeft(Pipeline.check(Pipeline.b2b, "new", "closed_lost", empty))).toBe(true)
    expect(Either.isRight(Pipeline.check(Pipeline.b2b, "new", "closed_lost", { ...empty, lostReason: "budget" }))).toBe(true)
    expect(Pipeline.missing(Pipeline.b2b, "negotiation", { amount: 5 })).toEqual(["closeDate"])
  })

  it("allows skips, back moves and reopening, not self moves", () => {
    expect(Either.isRight(Pipeline.check(Pipeline.b2b, "new", "negotiation", priced))).toBe(true)
    expect(Either.isRight(Pipeline.check(Pipeline.b2b, "negotiation", "new", empty))).toBe(true)
    expect(Either.isRight(Pipeline.check(Pipeline.b2b, "closed_won", "proposal", priced))).toBe(true)
    expect(Either.isLeft(Pipeline.check(Pipeline.b2b, "new", "new", empty))).toBe(true)
    expect(Either.isLeft(Pipeline.check(Pipeline.b2b, "closed_won", "closed_lost", { ...priced, lostReason: "x" }))).toBe(true)
  })
})

describe("Pipeline.define", () => {
  it("defines a recruiting pipeline in a few lines, forward-only by default", () => {
    expect(hiring.meta.sourced.probability).toBe(10)
    expect(hiring.meta.offer.probability).toBe(90)
    expect(hiring.meta.hired.probability).toBe(100)
    expect(hiring.meta.screen.rotAfterDays).toBe(3)
    const plain = Pipeline.define({ id: "p", name: "P", stages: ["a", "b", "c"], won: "w", lost: "l" })
    expect(Either.isRight(Pipeline.check(plain, "a", "b", empty))).toBe(true)
    expect(Either.isLeft(Pipeline.check(plain, "a", "c", empty))).toBe(true)
    expect(Either.isLeft(Pipeline.check(plain, "b", "a", empty))).toBe(true)
    const closed = Pipeline.check(plain, "w", "a", empty)
    expect(Either.isLeft(closed) && closed.left.reason).toBe("final-state")
  })

  it("overrides forecast categories per stage", () => {
    const p = Pipeline.define({ id: "p", name: "P", stages: ["a", "b"], won: "w", lost: "l", forecast: { a: "commit" } })
    expect(p.meta.a.forecastCategory).toBe("commit")
    expect(p.meta.b.forecastCategory).toBe("commit") // 90 %
  })

  it("throws on definitions that contradict themselves", () => {
    expect(() => Pipeline.define({ id: "p", name: "P", stages: ["a", "a"], won: "w", lost: "l" })).toThrow(/distinct/)
    expect(() => Pipeline.define({ id: "p", name: "P", stages: ["a"], won: "a", lost: "l" })).toThrow(/distinct/)
    expect(() => Pipeline.define({ id: "p", name: "P", stages: ["a"], won: "w", lost: "l", probability: { a: 120 } })).toThrow(/probability/)
    expect(() => Pipeline.define({ id: "p", name: "P", stages: ["a"], won: "w", lost: "l", rotAfterDays: { a: 0 } })).toThrow(/rotAfterDays/)
  })

  it("types follow the definition", () => {
    expectTypeOf<Pipeline.StageOf<typeof Pipeline.b2b>>().toEqualTypeOf<
      "new" | "qualified" | "proposal" | "negotiation" | "closed_won" | "closed_lost"
    >()
    expectTypeOf<Pipeline.OpenStageOf<typeof hiring>>().toEqualTypeOf<"sourced" | "screen" | "interview" | "offer">()
    // @ts-expect-error: "proposl" is not a stage
    Pipeline.check(Pipeline.b2b, "new", "proposl", empty)
    Pipeline.define({
      id: "p",
      name: "P",
      stages: ["a", "b"],
      won: "w",
      lost: "l",
      // @ts-expect-error: "c" is not a stage
      requires: { c: ["amount"] }
    })
    Pipeline.define({
      id: "p",
      name: "P",
      stages: ["a"],
      won: "w",
      lost: "l",
      // @ts-expect-error: "price" is not a field a stage can require
      requires: { a: ["price"] }
    })
  })

  it("draws the pipeline", () => {
    const diagram = Machine.toMermaid(hiring.machine)
    expect(diagram).toContain("interview --> offer : move [requires amount and closeDate]")
    expect(diagram).toContain("offer --> rejected : move [requires lostReason]")
  })

  it("categoryFor maps probabilities", () => {
    expect([0, 39, 40, 69, 70, 100].map(Pipeline.categoryFor)).toEqual([
      "pipeline", "pipeline", "best_case", "best_case", "commit", "commit"
    ])
  })
})
