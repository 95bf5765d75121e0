/**
 * Tenancy: two workspaces holding the same ids never see each other's rows or events.
 */
import { expect } from "@effect/vitest"
import type { Collection } from "@rapport/core"
import { Query, Store } from "@rapport/core"
import { Effect, Option } from "effect"
import {
  account,
  bump,
  deal,
  event,
  findIds,
  freshWorkspace,
  insertAccounts,
  insertDeals,
  type It
} from "../internal/harness.js"
import { ACCOUNT, DEAL } from "../TestCatalog.js"

const seed = (ws: string, label: string, dealsOfP1: number) =>
  Effect.gen(function*() {
    const store = yield* Store.Store
    const rows: ReadonlyArray<Collection.Row> = [
      account("p1", { name: `${label}-1`, seats: label === "A" ? 1 : 100, handle: "shared-handle" }),
      account("p2", { name: `${label}-2`, seats: label === "A" ? 2 : 200 })
    ]
    yield* insertAccounts(ws, rows)
    yield* insertDeals(ws, Array.from({ length: dealsOfP1 }, (_, i) => deal(`d${i}`, { accountId: "p1", amount: 10 })))
    yield* store.append(ws, [
      event(`${label}Created`, ACCOUNT, "p1", { payload: { label } }),
      event(`${label}Touched`, ACCOUNT, "p1", { payload: { label } })
    ])
    return rows
  })

export const tenancySuite = (it: It) => {
  it.effect("identical ids in two workspaces: every read stays in its workspace", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const wsA = freshWorkspace("A")
      const wsB = freshWorkspace("B")
      const rowsA = yield* seed(wsA, "A", 1)
      const rowsB = yield* seed(wsB, "B", 3)
      // get / getMany
      expect(Option.getOrThrow(yield* store.get(wsA, ACCOUNT, "p1"))).toEqual(rowsA[0])
      expect(Option.getOrThrow(yield* store.get(wsB, ACCOUNT, "p1"))).toEqual(rowsB[0])
      expect(yield* store.getMany(wsA, ACCOUNT, ["p2", "p1"])).toEqual([rowsA[1], rowsA[0]])
      expect(Option.isNone(yield* store.get(freshWorkspace(), ACCOUNT, "p1"))).toBe(true)
      // find
      const pageA = yield* store.find(wsA, Query.find(ACCOUNT))
      expect(pageA.rows).toEqual(rowsA)
      expect(yield* findIds(wsA, Query.find(ACCOUNT, { where: Query.startsWith("name", "B") }))).toEqual([])
      expect(yield* findIds(wsA, Query.find(DEAL))).toEqual(["d0"])
      expect(yield* findIds(wsB, Query.find(DEAL, { limit: 1 }))).toEqual(["d0", "d1", "d2"])
      // related conditions count only the workspace's own children
      const many = Query.related(DEAL, "accountId", { op: "gte", value: 2 })
      expect(yield* findIds(wsA, Query.find(ACCOUNT, { where: many }))).toEqual([])
      expect(yield* findIds(wsB, Query.find(ACCOUNT, { where: many }))).toEqual(["p1"])
      const sum = Query.related(DEAL, "accountId", { measure: { _tag: "Sum", field: "amount" }, op: "eq", value: 10 })
      expect(yield* findIds(wsA, Query.find(ACCOUNT, { where: sum }))).toEqual(["p1"])
      expect(yield* findIds(wsB, Query.find(ACCOUNT, { where: sum }))).toEqual([])
      // aggregate
      expect(
        yield* store.aggregate(wsA, Query.aggregate(ACCOUNT, {
          measures: [{ _tag: "Count", as: "n" }, { _tag: "Sum", as: "seats", field: "seats" }]
        }))
      ).toEqual([{ n: 2, seats: 3 }])
      expect(
        yield* store.aggregate(wsA, Query.aggregate(DEAL, {
          groupBy: [{ _tag: "Field", as: "account", field: "accountId" }],
          measures: [{ _tag: "Count", as: "n" }]
        }))
      ).toEqual([{ account: "p1", n: 1 }])
      // events
      const eventsA = yield* store.readEvents(wsA, { after: 0, limit: 100 })
      expect(eventsA.map((e) => e.type)).toEqual(["ACreated", "ATouched"])
      expect(eventsA.every((e) => e.workspaceId === wsA)).toBe(true)
      expect((yield* store.eventsFor(wsB, { subject: "account:p1", limit: 100 })).map((e) => e.type)).toEqual([
        "BTouched",
        "BCreated"
      ])
      expect(yield* store.readEvents(freshWorkspace(), { after: 0, limit: 100 })).toEqual([])
    }))

  it.effect("writes stay in their workspace: same ids and unique keys, updates and removes", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const wsA = freshWorkspace("A")
      const wsB = freshWorkspace("B")
      const rowsA = yield* seed(wsA, "A", 0)
      const rowsB = yield* seed(wsB, "B", 0)
      yield* store.update(wsA, ACCOUNT, bump(rowsA[0]!, { name: "changed" }), 1)
      expect(Option.getOrThrow(yield* store.get(wsB, ACCOUNT, "p1"))).toEqual(rowsB[0])
      yield* store.remove(wsA, ACCOUNT, "p2", 1)
      expect(Option.getOrThrow(yield* store.get(wsB, ACCOUNT, "p2"))).toEqual(rowsB[1])
      // B's row is still at version 1, whatever A did.
      yield* store.update(wsB, ACCOUNT, bump(rowsB[0]!, { name: "B changed" }), 1)
      const missing = yield* Effect.flip(store.update(wsB, ACCOUNT, bump(account("only-in-A")), 1))
      expect(missing._tag).toBe("NotFound")
    }))

  it.effect("a workspace id that cannot key a statement is refused by every operation, and nothing is written", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      for (const bad of ["", "ws\u0000x", "ws\uD800"]) {
        const refusals = [
          yield* Effect.flip(store.insert(bad, ACCOUNT, account("p1"))),
          yield* Effect.flip(store.insertMany(bad, ACCOUNT, [account("p2")])),
          yield* Effect.flip(store.get(bad, ACCOUNT, "p1")),
          yield* Effect.flip(store.getMany(bad, ACCOUNT, ["p1"])),
          yield* Effect.flip(store.update(bad, ACCOUNT, bump(account("p1")), 1)),
          yield* Effect.flip(store.remove(bad, ACCOUNT, "p1", 1)),
          yield* Effect.flip(store.find(bad, Query.find(ACCOUNT))),
          yield* Effect.flip(store.aggregate(bad, Query.aggregate(ACCOUNT, { measures: [{ _tag: "Count", as: "n" }] }))),
          yield* Effect.flip(store.append(bad, [event("Touched", ACCOUNT, "p1")])),
          yield* Effect.flip(store.readEvents(bad, { after: 0, limit: 10 })),
          yield* Effect.flip(store.eventsFor(bad, { subject: `${ACCOUNT}:p1`, limit: 10 }))
        ]
        for (const refusal of refusals) {
          expect(refusal._tag).toBe("StoreError")
          expect(refusal.message).toMatch(/workspace id/)
        }
      }
      // The refusals wrote nothing anywhere: a good workspace next to them is still empty.
      expect(yield* findIds(ws, Query.find(ACCOUNT))).toEqual([])
    }))
}
