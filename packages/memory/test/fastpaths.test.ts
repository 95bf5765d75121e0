/**
 * The store's shortcuts give the answers of the plain passes: counts read from an index,
 * indexes built on first use and then kept in step, commits that skip re-checking.
 */
import { describe, expect, it } from "@effect/vitest"
import { Query, Store } from "@rapport/core"
import { Effect, Either } from "effect"
import { personRow, purchaseRow, StoreLayer, ws } from "./fixtures.js"

const byTeam = Query.aggregate("person", {
  groupBy: [{ _tag: "Field", as: "team", field: "team" }],
  measures: [{ _tag: "Count", as: "n" }, { _tag: "Count", as: "m" }]
})
// The same grouping with a `where` every row meets: the plain pass.
const byTeamScanned = Query.aggregate("person", {
  where: Query.gte("version", 0),
  groupBy: [{ _tag: "Field", as: "team", field: "team" }],
  measures: [{ _tag: "Count", as: "n" }, { _tag: "Count", as: "m" }]
})

describe("MemoryStore shortcuts", () => {
  it.effect("a count grouped by an indexed field matches the pass, in and out of transactions", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      yield* store.insertMany(ws, "person", [
        personRow("a", { team: "blue" }),
        personRow("b", { team: "red" }),
        personRow("c", { team: "blue" }),
        personRow("d"),
        personRow("e", { team: "green" })
      ])
      const expected = [{ team: "blue", n: 2, m: 2 }, { team: "green", n: 1, m: 1 }, { team: "red", n: 1, m: 1 }, {
        team: null,
        n: 1,
        m: 1
      }]
      expect(yield* store.aggregate(ws, byTeam)).toEqual(expected)
      expect(yield* store.aggregate(ws, byTeamScanned)).toEqual(expected)
      // The index is built now; later writes keep it in step.
      yield* store.update(ws, "person", personRow("e", { team: "blue" }, 2), 1)
      yield* store.remove(ws, "person", "b", 1)
      yield* store.update(ws, "person", personRow("d", { team: "red" }, 2), 1)
      const after = [{ team: "blue", n: 3, m: 3 }, { team: "red", n: 1, m: 1 }]
      expect(yield* store.aggregate(ws, byTeam)).toEqual(after)
      expect(yield* store.aggregate(ws, byTeamScanned)).toEqual(after)
      const found = yield* store.find(ws, Query.find("person", { where: Query.eq("team", "blue") }))
      expect(found.rows.map((r) => r.id)).toEqual(["a", "c", "e"])
      // Inside a transaction that staged writes, its own rows count too.
      const inside = yield* store.transaction(Effect.gen(function*() {
        yield* store.insert(ws, "person", personRow("f", { team: "red" }))
        yield* store.remove(ws, "person", "a", 1)
        return [yield* store.aggregate(ws, byTeam), yield* store.aggregate(ws, byTeamScanned)] as const
      }))
      const staged = [{ team: "blue", n: 2, m: 2 }, { team: "red", n: 2, m: 2 }]
      expect(inside).toEqual([staged, staged])
      expect(yield* store.aggregate(ws, byTeam)).toEqual(staged)
      expect(yield* store.aggregate(ws, Query.aggregate("person", {
        groupBy: [{ _tag: "Field", as: "team", field: "team" }],
        measures: [{ _tag: "Count", as: "n" }],
        limit: 1
      }))).toEqual([{ team: "blue", n: 2 }])
    }).pipe(Effect.provide(StoreLayer)))

  it.effect("mixed measures keep their order", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      yield* store.insertMany(ws, "person", [personRow("a"), personRow("b")])
      yield* store.insertMany(ws, "purchase", [
        purchaseRow("p1", "a", { amount: 5, status: "paid" }),
        purchaseRow("p2", "a", { amount: 7, status: "paid" }),
        purchaseRow("p3", "b", { amount: 1, status: "open" })
      ])
      const rows = yield* store.aggregate(ws, Query.aggregate("purchase", {
        groupBy: [{ _tag: "Field", as: "status", field: "status" }],
        measures: [{ _tag: "Sum", as: "sum", field: "amount" }, { _tag: "Count", as: "n" }, { _tag: "Max", as: "max", field: "amount" }]
      }))
      expect(rows).toEqual([{ status: "open", sum: 1, n: 1, max: 1 }, { status: "paid", sum: 12, n: 2, max: 7 }])
    }).pipe(Effect.provide(StoreLayer)))

  it.effect("a transaction with no other commit meanwhile still refuses what the writes refused", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      yield* store.insert(ws, "person", personRow("a", { email: "a@x" }))
      const duplicate = yield* Effect.either(store.transaction(store.insert(ws, "person", personRow("a"))))
      expect(Either.isLeft(duplicate)).toBe(true)
      const taken = yield* Effect.either(store.transaction(store.insert(ws, "person", personRow("b", { email: "a@x" }))))
      expect(Either.isLeft(taken)).toBe(true)
      // Freed and taken again in one transaction: fine.
      yield* store.transaction(Effect.gen(function*() {
        yield* store.update(ws, "person", personRow("a", { email: "other@x" }, 2), 1)
        yield* store.insert(ws, "person", personRow("b", { email: "a@x" }))
      }))
      const b = yield* store.get(ws, "person", "b")
      expect(b._tag === "Some" && b.value.email).toBe("a@x")
    }).pipe(Effect.provide(StoreLayer)))
})
