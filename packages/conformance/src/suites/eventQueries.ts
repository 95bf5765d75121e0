/**
 * The event log as a collection (`EventCollection`): finds and aggregates over a
 * workspace's committed events answer like the reference evaluator over the same events
 * as rows, on every store; the collection is read-only, shows committed events only, and
 * never another workspace's.
 */
import { expect } from "@effect/vitest"
import type { Collection, DomainEvent } from "@rapport/core"
import { Actor, Catalog, EventCollection, Query, Store } from "@rapport/core"
import { Effect, FastCheck as fc } from "effect"
import { account, event, freshWorkspace, type It } from "../internal/harness.js"
import * as Reference from "../internal/reference.js"
import * as TestCatalog from "../TestCatalog.js"
import { ACCOUNT, DEAL } from "../TestCatalog.js"

const E = EventCollection.name
const HOUR = 3_600_000
const T0 = Date.UTC(2026, 2, 28, 20) // the evening before Europe's spring change

const TYPES = ["DealCreated", "DealStageChanged", "DealWon", "AccountUpdated", "NoteAdded"] as const

/** Picks the `i`-th value of a cycle (a stride keeps the payload fields from moving in step). */
const cycle = <A>(values: ReadonlyArray<A>, i: number, stride: number): A => values[(i * stride) % values.length]!

/**
 * Payloads as `Store.append` takes them: unchecked. Each declared field (TestCatalog's
 * `events`) mostly holds its kind, but also other JSON types, fractions and integers past
 * 2^53 where integers are declared, objects where scalars are, and nothing at all, so that
 * every store must read them type-guarded to agree.
 */
const payloadOf = (i: number): Collection.Json => {
  const fields: Record<string, Collection.Json | undefined> = {
    i,
    from: cycle(["lead", null, "proposal", 3], i, 5),
    to: cycle(["proposal", "won", "lead", "Won", 7, true, undefined, { stage: "won" }], i, 3),
    amountMinor: cycle([2500, -300, 0, 2500, "2500", 1.5, 2 ** 60, true, null, 120, undefined], i, 7),
    at: cycle([T0 + i * HOUR, T0 - 2 * HOUR, "yesterday", T0 + 30 * HOUR + 0.5], i, 3),
    won: cycle([true, false, "true", 1, false], i, 2),
    score: cycle([0.5, 3, -1.25, "x", 1e300], i, 3),
    code: cycle(["A", 1, "B"], i, 1),
    nested: cycle([{ level: 2, label: "b" }, { level: 1, label: "a" }, "flat", null, { level: "2", label: 3 }, [1]], i, 5)
  }
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Collection.Json
}

/** A deterministic, varied log: types, records, actors, subjects, times around a DST change, payloads. */
const log = (): ReadonlyArray<DomainEvent.NewEvent> =>
  Array.from({ length: 40 }, (_, i) => {
    const type = TYPES[(i * 7) % TYPES.length]!
    const record = `d${i % 6}`
    const base = event(type, type.startsWith("Deal") ? DEAL : ACCOUNT, record, {
      version: 1 + (i % 4),
      occurredAt: T0 + i * 3 * HOUR + (i % 3) * 60_000,
      subjects: i % 4 === 0 ? [`deal:${record}`, "account:a1"] : [`deal:${record}`],
      payload: payloadOf(i)
    })
    return i % 3 === 0 ? { ...base, actor: Actor.user(`usr_${i % 2}`) } : base
  })

const seed = (ws: string) =>
  Effect.gen(function*() {
    const store = yield* Store.Store
    const events = log()
    for (let i = 0; i < events.length; i += 7) yield* store.append(ws, events.slice(i, i + 7))
    const stored = yield* store.readEvents(ws, { after: 0, limit: 1000 })
    return { [E]: stored.map(EventCollection.row) } as Reference.Dataset
  })

const findAll = (ws: string, query: Query.Find) =>
  Effect.gen(function*() {
    const store = yield* Store.Store
    const rows: Array<Collection.Row> = []
    let cursor: string | undefined
    do {
      const page = yield* store.find(ws, { ...query, ...(cursor === undefined ? {} : { cursor }) })
      rows.push(...page.rows)
      cursor = page.nextCursor ?? undefined
    } while (cursor !== undefined)
    return rows
  })

const filterArb = fc.record({
  types: fc.option(fc.subarray([...TYPES], { minLength: 1 }), { nil: undefined }),
  actorKind: fc.option(fc.constantFrom("user", "system"), { nil: undefined }),
  from: fc.option(fc.integer({ min: 0, max: 130 }), { nil: undefined }),
  record: fc.option(fc.constantFrom("d0", "d1", "d5", "dx"), { nil: undefined }),
  subject: fc.option(fc.constantFrom("account:a1", "deal:d2"), { nil: undefined }),
  payload: fc.option(
    fc.constantFrom<Query.Expr>(
      Query.eq("payload.to", "won"),
      Query.isIn("payload.to", ["won", "lead"]),
      Query.gte("payload.amountMinor", 0),
      Query.lt("payload.amountMinor", 1000),
      Query.isNull("payload.amountMinor"),
      Query.not(Query.isNull("payload.nested.level")),
      Query.eq("payload.won", true),
      Query.eq("payload.won", false),
      Query.between("payload.at", T0, T0 + 48 * HOUR),
      Query.gt("payload.score", 0),
      Query.startsWith("payload.nested.label", "a"),
      Query.eq("payload.from", "lead")
    ),
    { nil: undefined }
  ),
  order: fc.constantFrom<ReadonlyArray<Query.Order>>(
    [],
    [{ field: "position", direction: "desc" }],
    [{ field: "occurredAt", direction: "asc" }, { field: "type", direction: "desc" }],
    [{ field: "actorId", direction: "asc" }],
    [{ field: "payload.amountMinor", direction: "desc" }],
    [{ field: "payload.to", direction: "asc" }, { field: "payload.score", direction: "desc" }],
    [{ field: "payload.at", direction: "asc" }]
  ),
  limit: fc.integer({ min: 1, max: 12 }),
  group: fc.constantFrom("type", "actorKind", "recordId", "day", "payload.to", "payload.won", "payload.nested.level", "payload.at"),
  measure: fc.constantFrom("version", "payload.amountMinor", "payload.score", "payload.nested.level")
})

const whereOf = (f: typeof filterArb extends fc.Arbitrary<infer A> ? A : never): Query.Expr =>
  Query.and(
    ...(f.types === undefined ? [] : [Query.isIn("type", f.types)]),
    ...(f.actorKind === undefined ? [] : [Query.eq("actorKind", f.actorKind)]),
    ...(f.from === undefined ? [] : [Query.gte("occurredAt", T0 + f.from * HOUR)]),
    ...(f.record === undefined ? [] : [Query.eq("recordId", f.record)]),
    ...(f.subject === undefined ? [] : [Query.has("subjects", f.subject)]),
    ...(f.payload === undefined ? [] : [f.payload])
  )

export const eventQueriesSuite = (it: It) => {
  it.effect("finds and aggregates over the event log answer like the reference, paging included", () =>
    Effect.gen(function*() {
      const catalog = yield* Catalog.Catalog
      const store = yield* Store.Store
      const ws = freshWorkspace("evq")
      const data = yield* seed(ws)
      // Another workspace's events never show.
      yield* store.append(freshWorkspace("evq-other"), [event("DealCreated", DEAL, "d0")])
      const now = T0

      const history = Query.find(E, {
        where: Query.and(Query.eq("recordId", "d1"), Query.isIn("type", ["DealCreated", "DealStageChanged", "DealWon"])),
        orderBy: [{ field: "occurredAt", direction: "desc" }]
      })
      const rows = yield* findAll(ws, history)
      expect(rows.length).toBeGreaterThan(0)
      expect(rows).toEqual(Reference.find(catalog, ws, data, history, now))
      for (const row of rows) expect(row.recordId).toBe("d1")

      const byDay = Query.aggregate(E, {
        where: Query.startsWith("type", "Deal"),
        groupBy: [{ _tag: "Bucket", as: "day", field: "occurredAt", unit: "day", timeZone: "Europe/Berlin" }],
        measures: [{ _tag: "Count", as: "events" }, { _tag: "Min", as: "first", field: "occurredAt" }]
      })
      expect(yield* store.aggregate(ws, byDay)).toEqual(Reference.aggregate(catalog, ws, data, byDay, now))

      const byActor = Query.aggregate(E, {
        groupBy: [{ _tag: "Field", as: "kind", field: "actorKind" }, { _tag: "Field", as: "who", field: "actorId" }],
        measures: [{ _tag: "Count", as: "events" }, { _tag: "Max", as: "last", field: "position" }]
      })
      expect(yield* store.aggregate(ws, byActor)).toEqual(Reference.aggregate(catalog, ws, data, byActor, now))

      // Ids sort like positions.
      const all = yield* findAll(ws, Query.find(E, { limit: 7 }))
      expect(all.map((r) => r.position)).toEqual([...all.map((r) => r.position as number)].sort((a, b) => a - b))
      expect(all.length).toBe(data[E]!.length)
    }))

  it.effect.prop(
    "random filters, orders, pages and groups over the event log give the reference's answer",
    { f: filterArb },
    ({ f }) =>
      Effect.gen(function*() {
        const catalog = yield* Catalog.Catalog
        const store = yield* Store.Store
        const ws = freshWorkspace("evqp")
        const data = yield* seed(ws)
        const where = whereOf(f)
        const query = Query.find(E, { where, orderBy: f.order, limit: f.limit })
        expect(yield* findAll(ws, query)).toEqual(Reference.find(catalog, ws, data, query, T0))
        const group: Query.GroupKey = f.group === "day"
          ? { _tag: "Bucket", as: "g", field: "occurredAt", unit: "day", timeZone: "America/New_York" }
          : f.group === "payload.at"
          ? { _tag: "Bucket", as: "g", field: "payload.at", unit: "day", timeZone: "Europe/Berlin" }
          : { _tag: "Field", as: "g", field: f.group }
        const aggregate = Query.aggregate(E, {
          where,
          groupBy: [group],
          measures: [
            { _tag: "Count", as: "n" },
            { _tag: "Sum", as: "sum", field: f.measure },
            { _tag: "Max", as: "max", field: f.measure },
            { _tag: "CountDistinct", as: "distinct", field: f.measure }
          ]
        })
        expect(yield* store.aggregate(ws, aggregate)).toEqual(Reference.aggregate(catalog, ws, data, aggregate, T0))
      }),
    { timeout: 120_000, fastCheck: { numRuns: 25 } }
  )

  it.effect("payload fields read as their declared kind, and null where an event holds another type", () =>
    Effect.gen(function*() {
      const catalog = yield* Catalog.Catalog
      const store = yield* Store.Store
      const ws = freshWorkspace("evqpl")
      const put = (payload: Collection.Json) => event("DealStageChanged", DEAL, "d1", { payload })
      yield* store.append(ws, [
        put({ to: "won", amountMinor: 2500, at: T0, won: true, nested: { level: 2 } }),
        put({ to: 7, amountMinor: "2500", at: "today", won: "true", nested: "flat" }),
        put({ to: "won", amountMinor: 1.5, nested: { level: 2.5 } }),
        put({ to: { stage: "won" }, amountMinor: 2 ** 60, nested: [{ level: 2 }] }),
        put(null),
        put([1, 2])
      ])
      const stored = yield* store.readEvents(ws, { after: 0, limit: 100 })
      const data: Reference.Dataset = { [E]: stored.map(EventCollection.row) }
      const positions = (rows: ReadonlyArray<Collection.Row>) => rows.map((r) => r.position)
      const at = (i: number) => stored[i]!.position

      const won = yield* findAll(ws, Query.find(E, { where: Query.eq("payload.to", "won") }))
      expect(positions(won)).toEqual([at(0), at(2)])
      // The row carries the payload as appended.
      expect(won[0]!.payload).toEqual({ to: "won", amountMinor: 2500, at: T0, won: true, nested: { level: 2 } })
      // Only the first event holds an integer amount: "2500", 1.5 and 2^60 read null.
      const amounts = yield* findAll(ws, Query.find(E, { where: Query.not(Query.isNull("payload.amountMinor")) }))
      expect(positions(amounts)).toEqual([at(0)])
      const levels = yield* findAll(ws, Query.find(E, { where: Query.gte("payload.nested.level", 1) }))
      expect(positions(levels)).toEqual([at(0)])

      const byTo = Query.aggregate(E, {
        groupBy: [{ _tag: "Field", as: "to", field: "payload.to" }],
        measures: [{ _tag: "Count", as: "n" }, { _tag: "Sum", as: "amount", field: "payload.amountMinor" }]
      })
      const rows = yield* store.aggregate(ws, byTo)
      expect(rows).toHaveLength(2)
      expect(rows).toEqual(expect.arrayContaining([{ to: null, n: 4, amount: 0 }, { to: "won", n: 2, amount: 2500 }]))
      expect(rows).toEqual(Reference.aggregate(catalog, ws, data, byTo, T0))
      const byDay = Query.aggregate(E, {
        groupBy: [{ _tag: "Bucket", as: "day", field: "payload.at", unit: "day", timeZone: "Europe/Berlin" }],
        measures: [{ _tag: "Count", as: "n" }]
      })
      expect(yield* store.aggregate(ws, byDay)).toEqual(Reference.aggregate(catalog, ws, data, byDay, T0))
    }))

  it.effect("payload fields the catalog does not declare, or declares with two kinds, are refused", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace("evqpr")
      for (const field of ["payload.nope", "payload.code", "payload.nested", "payload"]) {
        const error = yield* Effect.flip(store.find(ws, Query.find(E, { where: Query.eq(field, "x") })))
        expect(error._tag).toBe("InvalidQuery")
        expect(error.message).toContain(field)
      }
      // A value of another kind than the field's is refused, not compared.
      const wrong = yield* Effect.flip(store.find(ws, Query.find(E, { where: Query.eq("payload.amountMinor", "2500") })))
      expect(wrong._tag).toBe("InvalidQuery")
    }))

  it.effect("the events naming a record: related measures and exists by subject answer like the reference", () =>
    Effect.gen(function*() {
      const catalog = yield* Catalog.Catalog
      const store = yield* Store.Store
      const ws = freshWorkspace("evqs")
      const ids = ["a1", "a2", "a3", "a4"]
      for (const id of ids) yield* store.insert(ws, ACCOUNT, account(id))
      // The log names a1 often, a2 twice, a3 once in another collection's name, a4 never.
      yield* store.append(ws, [
        event("DealStageChanged", DEAL, "d1", { subjects: ["deal:d1", "account:a1"], payload: { to: "won", amountMinor: 500 } }),
        event("DealStageChanged", DEAL, "d2", { subjects: ["account:a1", "account:a2"], payload: { to: "lost", amountMinor: 200 } }),
        event("AccountUpdated", ACCOUNT, "a1", { subjects: ["account:a1"], payload: { amountMinor: 7 } }),
        event("DealStageChanged", DEAL, "d3", { subjects: ["account:a2"], payload: { to: "won", amountMinor: "900" } }),
        event("NoteAdded", DEAL, "a3", { subjects: ["deal:a3"] })
      ])
      const stored = yield* store.readEvents(ws, { after: 0, limit: 100 })
      const data: Reference.Dataset = {
        [E]: stored.map(EventCollection.row),
        [ACCOUNT]: (yield* findAll(ws, Query.find(ACCOUNT)))
      }
      const members = (where: Query.Expr) =>
        Effect.map(findAll(ws, Query.find(ACCOUNT, { where, orderBy: [{ field: "id", direction: "asc" }] })), (rows) => rows.map((r) => r.id))
      const cases: ReadonlyArray<readonly [Query.Expr, ReadonlyArray<string>]> = [
        [Query.exists(E, "subjects"), ["a1", "a2"]],
        [Query.notExists(E, "subjects"), ["a3", "a4"]],
        [Query.related(E, "subjects", { op: "gte", value: 3 }), ["a1"]],
        [Query.related(E, "subjects", { where: Query.eq("type", "DealStageChanged"), op: "eq", value: 2 }), ["a1", "a2"]],
        [Query.exists(E, "subjects", Query.eq("payload.to", "won")), ["a1", "a2"]],
        // a2's second amount is text: it reads null, so a2's sum is 200.
        [Query.related(E, "subjects", { measure: { _tag: "Sum", field: "payload.amountMinor" }, op: "gte", value: 500 }), ["a1"]],
        [Query.related(E, "subjects", { measure: { _tag: "Max", field: "position" }, op: "gte", value: stored.at(-2)!.position }), ["a2"]],
        [Query.related(E, "subjects", { measure: { _tag: "Sum", field: "payload.amountMinor" }, op: "lt", value: 100 }), ["a3", "a4"]]
      ]
      for (const [where, expected] of cases) {
        expect(yield* members(where), JSON.stringify(where)).toEqual(expected)
        const query = Query.find(ACCOUNT, { where, orderBy: [{ field: "id", direction: "asc" }] })
        expect(Reference.find(catalog, ws, data, query, T0).map((r) => r.id), JSON.stringify(where)).toEqual(expected)
      }
      // An aggregate over accounts with such a filter, and one inside a measure's filter.
      const byActivity = Query.aggregate(ACCOUNT, {
        measures: [
          { _tag: "Count", as: "active", filter: Query.exists(E, "subjects") },
          { _tag: "Count", as: "all" }
        ]
      })
      expect(yield* store.aggregate(ws, byActivity)).toEqual([{ active: 2, all: 4 }])
      // Link rows make no sense there: refused, naming the place.
      const via = yield* Effect.flip(store.find(ws, Query.find(ACCOUNT, {
        where: Query.exists(E, "subjects", undefined, Query.via(TestCatalog.LINK, "fromId", "toId"))
      })))
      expect(via._tag).toBe("InvalidQuery")
      expect(via.message).toContain("via")
    }))

  it.effect("the event log is read-only, and queries see committed events only", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace("evqw")
      const written = yield* Effect.flip(store.insert(ws, E, { id: "x", version: 1, createdAt: 0, updatedAt: 0 }))
      expect(written._tag).toBe("StoreError")
      expect(written.message).toMatch(/event log/)
      const count = Query.aggregate(E, { measures: [{ _tag: "Count", as: "n" }] })
      const inside = yield* store.transaction(Effect.gen(function*() {
        yield* store.append(ws, [event("DealCreated", DEAL, "d1")])
        return (yield* store.aggregate(ws, count))[0]!.n
      }))
      expect(inside).toBe(0)
      expect((yield* store.aggregate(ws, count))[0]!.n).toBe(1)
    }))
}
