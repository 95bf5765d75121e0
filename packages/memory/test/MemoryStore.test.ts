import { describe, expect, it } from "@effect/vitest"
import { Collection, DomainEvent, Query, Store } from "@rapport/core"
import { Effect, Either, Option, TestClock } from "effect"
import { event, ids, personRow, purchaseRow, StoreLayer, ws } from "./fixtures.js"

const run = <A, E>(effect: Effect.Effect<A, E, Store.Store>) => Effect.provide(effect, StoreLayer)

const DAY = 86_400_000

describe("writes", () => {
  it.effect("insert refuses a taken id and a taken unique key, and writes nothing", () =>
    run(Effect.gen(function*() {
      const store = yield* Store.Store
      yield* store.insert(ws, "person", personRow("p1", { email: "a@x.org", team: "red" }))
      expect(yield* Effect.flip(store.insert(ws, "person", personRow("p1")))).toMatchObject({
        _tag: "Conflict",
        reason: "duplicate-id"
      })
      const unique = yield* Effect.flip(store.insert(ws, "person", personRow("p2", { email: "a@x.org" })))
      expect(unique).toMatchObject({ _tag: "Conflict", reason: "unique-violation", id: "p2" })
      expect(unique._tag === "Conflict" && unique.detail).toContain("email")
      // A composite key collides only when every part is equal and none is null.
      expect(yield* Effect.flip(store.insert(ws, "person", personRow("p3", { name: "p1", team: "red" })))).toMatchObject({
        reason: "unique-violation"
      })
      yield* store.insert(ws, "person", personRow("p4", { name: "p1", team: "blue" }))
      yield* store.insert(ws, "person", personRow("p5", { name: "x" }))
      yield* store.insert(ws, "person", personRow("p6", { name: "x" }))
      expect(Option.isNone(yield* store.get(ws, "person", "p2"))).toBe(true)
    })))

  it.effect("update and remove check existence and version; a row keeps its own unique key", () =>
    run(Effect.gen(function*() {
      const store = yield* Store.Store
      yield* store.insert(ws, "person", personRow("p1", { email: "a@x.org" }))
      yield* store.insert(ws, "person", personRow("p2", { email: "b@x.org" }))
      expect(yield* Effect.flip(store.update(ws, "person", personRow("nope", {}, 2), 1))).toMatchObject({ _tag: "NotFound" })
      expect(yield* Effect.flip(store.update(ws, "person", personRow("p1", {}, 3), 2))).toMatchObject({
        _tag: "Conflict",
        reason: "stale-version",
        expectedVersion: 2,
        actualVersion: 1
      })
      expect(yield* Effect.flip(store.update(ws, "person", personRow("p1", { email: "b@x.org" }, 2), 1))).toMatchObject({
        reason: "unique-violation"
      })
      yield* store.update(ws, "person", personRow("p1", { email: "a@x.org", name: "renamed" }, 2), 1)
      // The old key is released when it changes.
      yield* store.update(ws, "person", personRow("p2", { email: "c@x.org" }, 2), 1)
      yield* store.insert(ws, "person", personRow("p3", { email: "b@x.org" }))
      expect(yield* Effect.flip(store.remove(ws, "person", "p1", 1))).toMatchObject({ reason: "stale-version" })
      yield* store.remove(ws, "person", "p1", 2)
      expect(yield* Effect.flip(store.remove(ws, "person", "p1", 2))).toMatchObject({ _tag: "NotFound" })
      yield* store.insert(ws, "person", personRow("p4", { email: "a@x.org" }))
    })))

  it.effect("an unknown collection is a StoreError", () =>
    run(Effect.gen(function*() {
      const store = yield* Store.Store
      expect(yield* Effect.flip(store.insert(ws, "nope", personRow("p1")))).toMatchObject({ _tag: "StoreError" })
      expect(yield* Effect.flip(store.get(ws, "nope", "p1"))).toMatchObject({ _tag: "StoreError" })
    })))

  it.effect("stored rows are frozen copies", () =>
    run(Effect.gen(function*() {
      const store = yield* Store.Store
      const row = { ...personRow("p1"), tags: ["a"] } as { -readonly [K in keyof Collection.Row]: Collection.Row[K] }
      yield* store.insert(ws, "person", row)
      row.name = "mutated"
      ;(row.tags as Array<string>).push("b")
      const stored = Option.getOrThrow(yield* store.get(ws, "person", "p1"))
      expect([stored.name, stored.tags]).toEqual(["p1", ["a"]])
      expect(Object.isFrozen(stored) && Object.isFrozen(stored.tags)).toBe(true)
    })))

  it.effect("workspaces never see each other's rows or events", () =>
    run(Effect.gen(function*() {
      const store = yield* Store.Store
      yield* store.insert("ws_a", "person", personRow("p1", { email: "a@x.org" }))
      yield* store.append("ws_a", [event("p1")])
      // Same id and unique key in another workspace: no conflict.
      yield* store.insert("ws_b", "person", personRow("p1", { email: "a@x.org" }))
      yield* store.insert("ws_b", "purchase", purchaseRow("o1", "p1"))
      expect(Option.isSome(yield* store.get("ws_b", "person", "p1"))).toBe(true)
      expect((yield* store.find("ws_c", { collection: "person" })).rows).toEqual([])
      expect(yield* store.readEvents("ws_b", { after: 0, limit: 10 })).toEqual([])
      expect(yield* store.eventsFor("ws_b", { subject: "person:p1", limit: 10 })).toEqual([])
      const withPurchases = yield* store.find("ws_a", { collection: "person", where: Query.exists("purchase", "personId") })
      expect(withPurchases.rows).toEqual([])
    })))
})

describe("find", () => {
  const seed = Effect.gen(function*() {
    const store = yield* Store.Store
    const people = [
      personRow("p1", { name: "Ada", team: "red", score: 3, tags: ["vip"], email: "ada@x.org" }),
      personRow("p2", { name: "bob", team: "blue", score: 1, tags: [] }),
      personRow("p3", { name: "Cy", team: null, score: null, tags: ["vip", "new"] }),
      personRow("p4", { name: "Émile", team: "red", score: 2, tags: ["new"] }),
      personRow("p5", { name: "😀", team: "blue", score: 3 })
    ]
    for (const p of people) yield* store.insert(ws, "person", p)
    return store
  })

  it.effect("filters with the Query semantics", () =>
    run(Effect.gen(function*() {
      const store = yield* seed
      const q = (where: Query.Expr) =>
        Effect.map(store.find(ws, { collection: "person", where }), (p) => ids(p.rows))
      expect(yield* q(Query.eq("team", "red"))).toEqual(["p1", "p4"])
      expect(yield* q(Query.neq("team", "red"))).toEqual(["p2", "p5"])
      expect(yield* q(Query.not(Query.eq("team", "red")))).toEqual(["p2", "p3", "p5"])
      expect(yield* q(Query.isIn("team", []))).toEqual([])
      expect(yield* q(Query.notIn("team", []))).toEqual(["p1", "p2", "p4", "p5"])
      expect(yield* q(Query.notIn("team", ["red"]))).toEqual(["p2", "p5"])
      expect(yield* q(Query.between("score", 2, 3))).toEqual(["p1", "p4", "p5"])
      expect(yield* q(Query.gt("name", "Z"))).toEqual(["p2", "p4", "p5"])
      expect(yield* q(Query.contains("name", "A", { caseInsensitive: true }))).toEqual(["p1"])
      expect(yield* q(Query.startsWith("name", "é", { caseInsensitive: true }))).toEqual(["p4"])
      expect(yield* q(Query.has("tags", "vip"))).toEqual(["p1", "p3"])
      expect(yield* q(Query.hasAny("tags", ["new", "zzz"]))).toEqual(["p3", "p4"])
      expect(yield* q(Query.hasAny("tags", []))).toEqual([])
      expect(yield* q(Query.and())).toEqual(["p1", "p2", "p3", "p4", "p5"])
      expect(yield* q(Query.or())).toEqual([])
      expect(yield* q(Query.and(Query.isIn("team", ["red", "blue"]), Query.gte("score", 3)))).toEqual(["p1", "p5"])
      expect(yield* q(Query.isIn("id", ["p5", "p1", "zz"]))).toEqual(["p1", "p5"])
    })))

  it.effect("sorts nulls last in both directions, text by code point, and pages exactly", () =>
    run(Effect.gen(function*() {
      const store = yield* seed
      const all = (orderBy: ReadonlyArray<Query.Order>, limit?: number) =>
        Effect.gen(function*() {
          const seen: Array<string> = []
          let cursor: string | undefined
          do {
            const page: Store.Page = yield* store.find(ws, {
              collection: "person",
              orderBy,
              ...(limit === undefined ? {} : { limit }),
              ...(cursor === undefined ? {} : { cursor })
            })
            seen.push(...ids(page.rows))
            cursor = page.nextCursor ?? undefined
          } while (cursor !== undefined)
          return seen
        })
      expect(yield* all([{ field: "score", direction: "asc" }])).toEqual(["p2", "p4", "p1", "p5", "p3"])
      expect(yield* all([{ field: "score", direction: "desc" }])).toEqual(["p1", "p5", "p4", "p2", "p3"])
      expect(yield* all([{ field: "score", direction: "desc" }], 2)).toEqual(["p1", "p5", "p4", "p2", "p3"])
      expect(yield* all([{ field: "team", direction: "desc" }], 1)).toEqual(["p1", "p4", "p2", "p5", "p3"])
      // Code points: "A" < "C" < "b" < "É" < "😀".
      expect(yield* all([{ field: "name", direction: "asc" }], 3)).toEqual(["p1", "p3", "p2", "p4", "p5"])
      const last = yield* store.find(ws, { collection: "person", limit: 5 })
      expect(last.nextCursor).toBeNull()
    })))

  it.effect("refuses a bad query with InvalidQuery", () =>
    run(Effect.gen(function*() {
      const store = yield* seed
      expect(yield* Effect.flip(store.find(ws, { collection: "person", where: Query.eq("nope", 1) }))).toMatchObject({
        _tag: "InvalidQuery",
        path: "where"
      })
    })))

  it.effect("related: counts, sums and extremes over the purchases pointing at a person", () =>
    run(Effect.gen(function*() {
      const store = yield* seed
      yield* TestClock.setTime(100 * DAY)
      const purchases = [
        purchaseRow("o1", "p1", { placedAt: 99 * DAY, amount: 10 }),
        purchaseRow("o2", "p1", { placedAt: 50 * DAY, amount: 20 }),
        purchaseRow("o3", "p1", { placedAt: 5 * DAY, amount: 30 }),
        purchaseRow("o4", "p2", { placedAt: 98 * DAY, amount: 5, status: "cancelled" }),
        purchaseRow("o5", "p4", { placedAt: 11 * DAY, amount: 7 })
      ]
      for (const p of purchases) yield* store.insert(ws, "purchase", p)
      const q = (where: Query.Expr) =>
        Effect.map(store.find(ws, { collection: "person", where }), (p) => ids(p.rows))
      const recent = Query.withinLast("placedAt", 90, "day")
      expect(yield* q(Query.related("purchase", "personId", { where: recent, op: "gte", value: 2 }))).toEqual(["p1"])
      expect(yield* q(Query.related("purchase", "personId", { where: recent, op: "eq", value: 0 }))).toEqual(["p3", "p5"])
      expect(yield* q(Query.related("purchase", "personId", { measure: { _tag: "Sum", field: "amount" }, op: "eq", value: 0 })))
        .toEqual(["p3", "p5"])
      expect(yield* q(Query.related("purchase", "personId", { measure: { _tag: "Sum", field: "amount" }, op: "gt", value: 6 })))
        .toEqual(["p1", "p4"])
      // Min over no rows is null, so the condition is false, even for `neq`.
      expect(
        yield* q(Query.related("purchase", "personId", { measure: { _tag: "Min", field: "amount" }, op: "neq", value: 10 }))
      ).toEqual(["p2", "p4"])
      expect(
        yield* q(Query.related("purchase", "personId", {
          where: Query.neq("status", "cancelled"),
          measure: { _tag: "Max", field: "total.amountMinor" },
          op: "gte",
          value: 100
        }))
      ).toEqual(["p1", "p4"])
      // Moving the clock moves the window.
      yield* TestClock.adjust(10 * DAY)
      expect(yield* q(Query.related("purchase", "personId", { where: recent, op: "gte", value: 1 }))).toEqual(["p1", "p2"])
    })))
})

describe("aggregate", () => {
  it.effect("groups, measures and orders like SQL", () =>
    run(Effect.gen(function*() {
      const store = yield* Store.Store
      yield* store.insertMany(ws, "person", [personRow("p1"), personRow("p2")])
      for (const p of [
        purchaseRow("o1", "p1", { status: "paid", amount: 10, placedAt: Date.UTC(2026, 0, 31, 23, 30) }),
        purchaseRow("o2", "p1", { status: "paid", amount: 20, placedAt: Date.UTC(2026, 1, 1, 12) }),
        purchaseRow("o3", "p2", { status: "open", amount: 5, placedAt: Date.UTC(2026, 1, 2) }),
        purchaseRow("o4", "p2", { status: "open", amount: 7, placedAt: Date.UTC(2026, 2, 1) })
      ]) yield* store.insert(ws, "purchase", p)
      const byStatus = yield* store.aggregate(ws, {
        collection: "purchase",
        groupBy: [{ _tag: "Field", as: "status", field: "status" }],
        measures: [
          { _tag: "Count", as: "n" },
          { _tag: "Sum", as: "sum", field: "amount" },
          { _tag: "Avg", as: "avg", field: "amount" },
          { _tag: "Min", as: "first", field: "placedAt" }
        ],
        orderBy: [{ field: "sum", direction: "desc" }]
      })
      expect(byStatus).toEqual([
        { status: "paid", n: 2, sum: 30, avg: 15, first: Date.UTC(2026, 0, 31, 23, 30) },
        { status: "open", n: 2, sum: 12, avg: 6, first: Date.UTC(2026, 1, 2) }
      ])
      // 23:30 UTC on 31 January is already February in Berlin.
      const byMonth = yield* store.aggregate(ws, {
        collection: "purchase",
        groupBy: [{ _tag: "Bucket", as: "month", field: "placedAt", unit: "month", timeZone: "Europe/Berlin" }],
        measures: [{ _tag: "Count", as: "n" }],
        limit: 1
      })
      expect(byMonth).toEqual([{ month: "2026-02-01", n: 3 }])
      const none = yield* store.aggregate(ws, {
        collection: "purchase",
        where: Query.eq("status", "refunded"),
        measures: [
          { _tag: "Count", as: "n" },
          { _tag: "Sum", as: "sum", field: "amount" },
          { _tag: "Avg", as: "avg", field: "amount" },
          { _tag: "Max", as: "max", field: "status" }
        ]
      })
      expect(none).toEqual([{ n: 0, sum: 0, avg: null, max: null }])
    })))

  it.effect("null is a group of its own, sorted last", () =>
    run(Effect.gen(function*() {
      const store = yield* Store.Store
      for (const [id, team] of [["a", "red"], ["b", null], ["c", "blue"], ["d", null]] as const) {
        yield* store.insert(ws, "person", personRow(id, { team }))
      }
      const rows = yield* store.aggregate(ws, {
        collection: "person",
        groupBy: [{ _tag: "Field", as: "team", field: "team" }],
        measures: [{ _tag: "Count", as: "n" }]
      })
      expect(rows).toEqual([{ team: "blue", n: 1 }, { team: "red", n: 1 }, { team: null, n: 2 }])
    })))
})

describe("events", () => {
  it.effect("reads a workspace's log in order and a subject's timeline newest first", () =>
    run(Effect.gen(function*() {
      const store = yield* Store.Store
      yield* store.append(ws, [event("p1"), event("p2", ["person:p1"])])
      yield* store.append("ws_other", [event("p1")])
      yield* store.append(ws, [event("p1")])
      const log = yield* store.readEvents(ws, { after: 0, limit: 10 })
      expect(log.map((e) => e.position)).toEqual([1, 2, 4])
      expect(log[0]).toBeInstanceOf(DomainEvent.StoredEvent)
      expect((yield* store.readEvents(ws, { after: 1, limit: 1 })).map((e) => e.position)).toEqual([2])
      const timeline = yield* store.eventsFor(ws, { subject: "person:p1", limit: 10 })
      expect(timeline.map((e) => e.position)).toEqual([4, 2, 1])
      expect((yield* store.eventsFor(ws, { subject: "person:p1", before: 4, limit: 1 })).map((e) => e.position))
        .toEqual([2])
    })))

  it.effect("a malformed event is a StoreError and appends nothing", () =>
    run(Effect.gen(function*() {
      const store = yield* Store.Store
      const bad = { ...event("p1"), version: 1.5 }
      const result = yield* store.append(ws, [event("p1"), bad]).pipe(Effect.either)
      expect(Either.isLeft(result) && result.left._tag).toBe("StoreError")
      expect(yield* store.readEvents(ws, { after: 0, limit: 10 })).toEqual([])
    })))
})
