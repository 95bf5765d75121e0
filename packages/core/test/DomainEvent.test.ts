import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import { Effect, Either, ParseResult, Schema } from "effect"
import * as Actor from "../src/Actor.js"
import * as Contact from "../src/Contact.js"
import * as DomainEvent from "../src/DomainEvent.js"
import * as Records from "../src/Records.js"

const stored = (type: string, payload: unknown, position = 7) =>
  new DomainEvent.StoredEvent({
    position,
    workspaceId: "acme",
    type,
    collection: "deal",
    recordId: "deal_1",
    version: 3,
    occurredAt: 1_000,
    actor: Actor.user("usr_1"),
    subjects: ["deal:deal_1", "contact:con_1"],
    payload: payload as DomainEvent.StoredEvent["payload"]
  })

const StageChanged = DomainEvent.define("StageChanged", Schema.Struct({ from: Schema.String, to: Schema.String, ms: Schema.NonNegativeInt }))
const Won = DomainEvent.define("Won", Schema.Struct({ amountMinor: Schema.Int }))
const Moves = DomainEvent.union(StageChanged, Won)

const issues = <A>(result: Either.Either<A, ParseResult.ParseError>) =>
  Either.isLeft(result) ? ParseResult.ArrayFormatter.formatErrorSync(result.left).map((i) => ({ path: i.path, message: i.message })) : []

describe("DomainEvent.define", () => {
  it("decodes an event of its type, keeping what the store recorded and typing the payload", () => {
    const event = stored("StageChanged", { from: "new", to: "won", ms: 60_000 })
    const decoded = StageChanged.decode(event)
    expect(decoded).toEqual(Either.right({ ...event, payload: { from: "new", to: "won", ms: 60_000 } }))
    const typed = Either.getOrThrow(decoded)
    expectTypeOf(typed.type).toEqualTypeOf<"StageChanged">()
    expectTypeOf(typed.payload).toEqualTypeOf<{ readonly from: string; readonly to: string; readonly ms: number }>()
    expect(typed.actor).toEqual(Actor.user("usr_1"))
    expect(StageChanged.is(event)).toBe(true)
    expect(StageChanged.types).toEqual(new Set(["StageChanged"]))
  })

  it("refuses an event of another type with a ParseError at [\"type\"]", () => {
    const event = stored("Won", { from: "new", to: "won", ms: 1 })
    expect(issues(StageChanged.decode(event))).toEqual([{ path: ["type"], message: "Expected \"StageChanged\", actual \"Won\"" }])
    expect(StageChanged.is(event)).toBe(false)
  })

  it("refuses a malformed payload with a ParseError naming the path of each bad field", () => {
    const wrongField = StageChanged.decode(stored("StageChanged", { from: "new", to: 3, ms: 1 }))
    expect(issues(wrongField)).toEqual([{ path: ["payload", "to"], message: "Expected string, actual 3" }])
    // The tree names the event type at its root.
    expect(ParseResult.TreeFormatter.formatErrorSync(Either.getOrThrow(Either.flip(wrongField)))).toMatch(/^StageChanged\n/)
    expect(issues(StageChanged.decode(stored("StageChanged", { from: "new", to: "won" })))).toEqual([
      { path: ["payload", "ms"], message: "is missing" }
    ])
    expect(issues(StageChanged.decode(stored("StageChanged", { from: "new", to: "won", ms: -1 }))).map((i) => i.path)).toEqual([
      ["payload", "ms"]
    ])
    expect(StageChanged.is(stored("StageChanged", { from: "new", to: 3, ms: 1 }))).toBe(false)
    expect(StageChanged.is(stored("StageChanged", null))).toBe(false)
  })

  it.effect("is an Effect in Effect.gen: a bad payload fails with its ParseError", () =>
    Effect.gen(function*() {
      const ok = yield* StageChanged.decode(stored("StageChanged", { from: "a", to: "b", ms: 0 }))
      expect(ok.payload.to).toBe("b")
      const failed = yield* Effect.flip(StageChanged.decode(stored("StageChanged", { from: "a" })))
      expect(failed._tag).toBe("ParseError")
    }))

  it("make builds the event to append; the compiler checks its payload against the schema", () => {
    expect(StageChanged.make({ from: "new", to: "won", ms: 5 })).toEqual({ type: "StageChanged", payload: { from: "new", to: "won", ms: 5 } })
    // @ts-expect-error: `to` is a string
    StageChanged.make({ from: "new", to: 1, ms: 5 })
    // @ts-expect-error: `ms` is missing
    StageChanged.make({ from: "new", to: "won" })
  })
})

describe("DomainEvent.union", () => {
  it("decodes any of its types into a union discriminated on type", () => {
    const events = [stored("Won", { amountMinor: 900 }, 1), stored("StageChanged", { from: "a", to: "b", ms: 2 }, 2)]
    const decoded = events.map((e) => Either.getOrThrow(Moves.decode(e)))
    expectTypeOf(decoded[0]!).toEqualTypeOf<
      DomainEvent.Event<"StageChanged", { readonly from: string; readonly to: string; readonly ms: number }> | DomainEvent.Event<
        "Won",
        { readonly amountMinor: number }
      >
    >()
    const described = decoded.map((e) => (e.type === "Won" ? `won ${e.payload.amountMinor}` : `${e.payload.from} → ${e.payload.to}`))
    expect(described).toEqual(["won 900", "a → b"])
    expect(Moves.types).toEqual(new Set(["StageChanged", "Won"]))
    expect(events.filter(Moves.is).length).toBe(2)
  })

  it("refuses another type with a ParseError at [\"type\"] listing its types", () => {
    const event = stored("Lost", { reason: "budget" })
    expect(issues(Moves.decode(event))).toEqual([{ path: ["type"], message: "Expected \"StageChanged\" | \"Won\", actual \"Lost\"" }])
    expect(Moves.is(event)).toBe(false)
  })

  it("reports a malformed payload of a member on its path, as the member's own decoder does", () => {
    const event = stored("Won", { amountMinor: 1.5 })
    expect(issues(Moves.decode(event))).toEqual(issues(Won.decode(event)))
    expect(issues(Moves.decode(event)).map((i) => i.path)).toEqual([["payload", "amountMinor"]])
    expect(Moves.is(event)).toBe(false)
  })

  it("collects the definitions of other unions, and refuses two definitions of one type", () => {
    const all = DomainEvent.union(...Moves.definitions, DomainEvent.define("Lost", Schema.Struct({ reason: Schema.String })))
    expect([...all.types]).toEqual(["StageChanged", "Won", "Lost"])
    expect(Either.isRight(all.decode(stored("Lost", { reason: "budget" })))).toBe(true)
    expect(() => DomainEvent.union(Won, DomainEvent.define("Won", Schema.Struct({})))).toThrow("Won is defined twice")
  })

  it("EventOf and PayloadOf name the decoded types", () => {
    expectTypeOf<DomainEvent.PayloadOf<typeof Won>>().toEqualTypeOf<{ readonly amountMinor: number }>()
    expectTypeOf<DomainEvent.EventOf<typeof Moves>["type"]>().toEqualTypeOf<"StageChanged" | "Won">()
  })
})

describe("the payload shapes Records writes", () => {
  it("recordPayload decodes the record as stored, in the model's encoded form", () => {
    const Created = DomainEvent.define("ContactCreated", DomainEvent.recordPayload(Contact.Contact))
    const record = {
      id: "con_1",
      version: 1,
      createdAt: 1,
      updatedAt: 1,
      firstName: "Ada",
      lastName: null,
      emails: ["ada@example.com"],
      phones: [],
      lifecycleStage: "lead",
      ownerId: null,
      companyId: null,
      tags: [],
      consentStatus: "unknown",
      consentSource: null,
      consentAt: null,
      source: null,
      campaign: null,
      custom: { plan: "pro" }
    }
    const decoded = Either.getOrThrow(Created.decode(stored("ContactCreated", { record })))
    expect(decoded.payload.record).toEqual(record)
    expectTypeOf(decoded.payload.record.lifecycleStage).toEqualTypeOf<Contact.LifecycleStage>()
    const bad = Created.decode(stored("ContactCreated", { record: { ...record, lifecycleStage: "prospect" } }))
    // One issue per literal refused, all on the one path.
    expect(new Set(issues(bad).map((i) => i.path.join(".")))).toEqual(new Set(["payload.record.lifecycleStage"]))
  })

  it("changesPayload decodes `changes` with the command's own fields", () => {
    const Retired = DomainEvent.define("WidgetRetired", DomainEvent.changesPayload({ reason: Schema.String }))
    const payload = { reason: "old", changes: { status: { from: "active", to: "retired" }, retiredAt: { from: null, to: 5 } } }
    expect(Either.getOrThrow(Retired.decode(stored("WidgetRetired", payload))).payload).toEqual(payload)
    expect(issues(Retired.decode(stored("WidgetRetired", { reason: "old", changes: { status: { to: "x" } } }))).map((i) => i.path))
      .toEqual([["payload", "changes", "status", "from"]])
    // The change a patch returns carries the payload less `changes`, which changeRow adds.
    expect(Records.change(Retired, { status: "retired" }, { reason: "old" })).toEqual({
      fields: { status: "retired" },
      eventType: "WidgetRetired",
      payload: { reason: "old" }
    })
    // @ts-expect-error: `reason` is a string
    Records.change(Retired, {}, { reason: 1 })
  })
})
