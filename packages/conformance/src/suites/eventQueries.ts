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
import { event, freshWorkspace, type It } from "../internal/harness.js"
import * as Reference from "../internal/reference.js"
import { ACCOUNT, DEAL } from "../TestCatalog.js"

const E = EventCollection.name
const HOUR = 3_600_000
const T0 = Date.UTC(2026, 2, 28, 20) // the evening before Europe's spring change

const TYPES = ["DealCreated", "DealStageChanged", "DealWon", "AccountUpdated", "NoteAdded"] as const

/** A deterministic, varied log: types, records, actors, subjects and times around a DST change. */
const log = (): ReadonlyArray<DomainEvent.NewEvent> =>
  Array.from({ length: 40 }, (_, i) => {
    const type = TYPES[(i * 7) % TYPES.length]!
    const record = `d${i % 6}`
    const base = event(type, type.startsWith("Deal") ? DEAL : ACCOUNT, record, {
      version: 1 + (i % 4),
      occurredAt: T0 + i * 3 * HOUR + (i % 3) * 60_000,
      subjects: i % 4 === 0 ? [`deal:${record}`, "account:a1"] : [`deal:${record}`],
      payload: { i }
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
  order: fc.constantFrom<ReadonlyArray<Query.Order>>(
    [],
    [{ field: "position", direction: "desc" }],
    [{ field: "occurredAt", direction: "asc" }, { field: "type", direction: "desc" }],
    [{ field: "actorId", direction: "asc" }]
  ),
  limit: fc.integer({ min: 1, max: 12 }),
  group: fc.constantFrom("type", "actorKind", "recordId", "day")
})

const whereOf = (f: typeof filterArb extends fc.Arbitrary<infer A> ? A : never): Query.Expr =>
  Query.and(
    ...(f.types === undefined ? [] : [Query.isIn("type", f.types)]),
    ...(f.actorKind === undefined ? [] : [Query.eq("actorKind", f.actorKind)]),
    ...(f.from === undefined ? [] : [Query.gte("occurredAt", T0 + f.from * HOUR)]),
    ...(f.record === undefined ? [] : [Query.eq("recordId", f.record)]),
    ...(f.subject === undefined ? [] : [Query.has("subjects", f.subject)])
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
          : { _tag: "Field", as: "g", field: f.group }
        const aggregate = Query.aggregate(E, {
          where,
          groupBy: [group],
          measures: [{ _tag: "Count", as: "n" }, { _tag: "Sum", as: "versions", field: "version" }]
        })
        expect(yield* store.aggregate(ws, aggregate)).toEqual(Reference.aggregate(catalog, ws, data, aggregate, T0))
      }),
    { timeout: 120_000, fastCheck: { numRuns: 25 } }
  )

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
