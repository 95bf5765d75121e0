/**
 * get, getMany, insert, update, remove: rows come back exactly as written, versions
 * guard every write, unique keys and ids are enforced.
 */
import { expect } from "@effect/vitest"
import { Store } from "@rapport/core"
import { Effect, Option } from "effect"
import { ACCOUNT, DEAL } from "../TestCatalog.js"
import { account, bump, deal, expectFailure, freshWorkspace, insertAccounts, type It, money } from "../internal/harness.js"

const full = account("acc-1", {
  handle: "ada",
  name: "Ada Lovelace 😀 — Émile ß \uFFFD",
  nickname: "ada",
  score: -12.75,
  seats: Number.MAX_SAFE_INTEGER,
  active: false,
  lastSeenAt: -86_400_000,
  since: "2024-02-29",
  revenue: money(Number.MAX_SAFE_INTEGER, "EUR"),
  tags: ["vip", "VIP", "😀", ""],
  profile: { nested: { list: [1, "two", null, true], empty: {} }, "key with spaces": "ü" },
  custom: {
    tier: "pro",
    quota: 2.5,
    vip: true,
    renewsOn: "2025-12-31",
    mrr: { amountMinor: 4200, currency: "USD" },
    interests: ["tea", "cocoa"],
    note: "line\nbreak \"quoted\" 'single' \\ backslash",
    referrer: "acc-1"
  }
})

export const crudSuite = (it: It) => {
  it.effect("insert then get returns the row exactly, every field kind included", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      yield* store.insert(ws, ACCOUNT, full)
      const got = yield* store.get(ws, ACCOUNT, full.id)
      expect(Option.getOrThrow(got)).toEqual(full)
    }))

  it.effect("a row with every nullable field null and empty lists round-trips", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      const bare = account("acc-bare")
      yield* store.insert(ws, ACCOUNT, bare)
      expect(Option.getOrThrow(yield* store.get(ws, ACCOUNT, bare.id))).toEqual(bare)
      const d = deal("deal-bare")
      yield* store.insert(ws, DEAL, d)
      expect(Option.getOrThrow(yield* store.get(ws, DEAL, d.id))).toEqual(d)
    }))

  it.effect("get of a missing id (or another collection's id) is None", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      yield* store.insert(ws, ACCOUNT, account("x"))
      expect(Option.isNone(yield* store.get(ws, ACCOUNT, "nope"))).toBe(true)
      expect(Option.isNone(yield* store.get(ws, DEAL, "x"))).toBe(true)
    }))

  it.effect("getMany returns the existing rows in the order of the ids asked for", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      const rows = ["a", "b", "c", "d"].map((id) => account(id, { name: id.toUpperCase() }))
      yield* insertAccounts(ws, rows)
      const got = yield* store.getMany(ws, ACCOUNT, ["d", "missing", "a", "c"])
      expect(got).toEqual([rows[3], rows[0], rows[2]])
      expect(yield* store.getMany(ws, ACCOUNT, [])).toEqual([])
      expect(yield* store.getMany(ws, ACCOUNT, ["missing"])).toEqual([])
      expect(yield* store.getMany(ws, DEAL, ["a"])).toEqual([])
    }))

  it.effect("update replaces the row and bumps the version; get sees the new row", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      yield* store.insert(ws, ACCOUNT, full)
      const v2 = bump(full, { name: "Renamed", nickname: null, tags: [], custom: { tier: "free" }, revenue: null })
      yield* store.update(ws, ACCOUNT, v2, 1)
      expect(Option.getOrThrow(yield* store.get(ws, ACCOUNT, full.id))).toEqual(v2)
      const v3 = bump(v2, { handle: "ada" })
      yield* store.update(ws, ACCOUNT, v3, 2)
      expect(Option.getOrThrow(yield* store.get(ws, ACCOUNT, full.id)).version).toBe(3)
    }))

  it.effect("update with a stale version fails with Conflict stale-version and writes nothing", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      const v1 = account("acc", { name: "one" })
      yield* store.insert(ws, ACCOUNT, v1)
      const v2 = bump(v1, { name: "two" })
      yield* store.update(ws, ACCOUNT, v2, 1)
      const conflict = yield* expectFailure("Conflict")(store.update(ws, ACCOUNT, bump(v1, { name: "stale" }), 1))
      expect(conflict.reason).toBe("stale-version")
      expect(conflict.collection).toBe(ACCOUNT)
      expect(conflict.id).toBe("acc")
      const ahead = yield* expectFailure("Conflict")(
        store.update(ws, ACCOUNT, { ...v2, name: "ahead", version: 9 }, 8)
      )
      expect(ahead.reason).toBe("stale-version")
      expect(Option.getOrThrow(yield* store.get(ws, ACCOUNT, "acc"))).toEqual(v2)
    }))

  it.effect("update of a missing row fails with NotFound", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      const error = yield* expectFailure("NotFound")(store.update(ws, ACCOUNT, bump(account("ghost")), 1))
      expect(error.id).toBe("ghost")
      expect(Option.isNone(yield* store.get(ws, ACCOUNT, "ghost"))).toBe(true)
    }))

  it.effect("remove deletes the row; a stale version conflicts; a missing row is NotFound", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      const v1 = account("acc")
      yield* store.insert(ws, ACCOUNT, v1)
      yield* store.update(ws, ACCOUNT, bump(v1), 1)
      const stale = yield* expectFailure("Conflict")(store.remove(ws, ACCOUNT, "acc", 1))
      expect(stale.reason).toBe("stale-version")
      expect(Option.isSome(yield* store.get(ws, ACCOUNT, "acc"))).toBe(true)
      yield* store.remove(ws, ACCOUNT, "acc", 2)
      expect(Option.isNone(yield* store.get(ws, ACCOUNT, "acc"))).toBe(true)
      expect((yield* store.find(ws, { collection: ACCOUNT })).rows).toEqual([])
      yield* expectFailure("NotFound")(store.remove(ws, ACCOUNT, "acc", 2))
      yield* expectFailure("NotFound")(store.update(ws, ACCOUNT, bump(bump(v1)), 2))
    }))

  it.effect("insertMany writes every row, or none when one conflicts; an empty list does nothing", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      const rows = Array.from({ length: 250 }, (_, i) => account(`bulk-${i.toString().padStart(3, "0")}`, { score: i }))
      yield* store.insertMany(ws, ACCOUNT, rows)
      yield* store.insertMany(ws, ACCOUNT, [])
      const page = yield* store.find(ws, { collection: ACCOUNT, orderBy: [{ field: "id", direction: "asc" }] })
      expect(page.rows).toEqual(rows)
      // The last row repeats an existing id: nothing of the batch is written.
      const batch = [account("bulk-new-1"), account("bulk-new-2"), account("bulk-000", { handle: "fresh" })]
      const conflict = yield* expectFailure("Conflict")(store.insertMany(ws, ACCOUNT, batch))
      expect(conflict.reason).toBe("duplicate-id")
      expect(Option.isNone(yield* store.get(ws, ACCOUNT, "bulk-new-1"))).toBe(true)
      // A unique key repeated inside one batch conflicts too.
      const twins = [account("twin-1", { handle: "same" }), account("twin-2", { handle: "same" })]
      expect((yield* expectFailure("Conflict")(store.insertMany(ws, ACCOUNT, twins))).reason).toBe("unique-violation")
      expect((yield* store.getMany(ws, ACCOUNT, ["twin-1", "twin-2"])).length).toBe(0)
    }))

  it.effect("insert of an existing id fails with Conflict duplicate-id and writes nothing", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      const first = account("acc", { name: "first" })
      yield* store.insert(ws, ACCOUNT, first)
      const conflict = yield* expectFailure("Conflict")(
        store.insert(ws, ACCOUNT, account("acc", { name: "second", handle: "other-handle" }))
      )
      expect(conflict.reason).toBe("duplicate-id")
      expect(conflict.id).toBe("acc")
      expect(Option.getOrThrow(yield* store.get(ws, ACCOUNT, "acc"))).toEqual(first)
      // The same id in another collection is another record.
      yield* store.insert(ws, DEAL, deal("acc"))
    }))

  it.effect("a taken unique key fails with Conflict unique-violation on insert and update, and writes nothing", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      const a = account("a", { handle: "taken" })
      const b = account("b", { handle: "free" })
      yield* insertAccounts(ws, [a, b])
      const onInsert = yield* expectFailure("Conflict")(store.insert(ws, ACCOUNT, account("c", { handle: "taken" })))
      expect(onInsert.reason).toBe("unique-violation")
      expect(Option.isNone(yield* store.get(ws, ACCOUNT, "c"))).toBe(true)
      const onUpdate = yield* expectFailure("Conflict")(store.update(ws, ACCOUNT, bump(b, { handle: "taken" }), 1))
      expect(onUpdate.reason).toBe("unique-violation")
      expect(Option.getOrThrow(yield* store.get(ws, ACCOUNT, "b"))).toEqual(b)
      // Keys compare exactly: another case is another key.
      yield* store.insert(ws, ACCOUNT, account("d", { handle: "TAKEN" }))
      // A row keeps its own key across updates.
      yield* store.update(ws, ACCOUNT, bump(a, { name: "still a" }), 1)
    }))

  it.effect("a removed row frees its unique key", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      yield* store.insert(ws, ACCOUNT, account("a", { handle: "k" }))
      yield* store.remove(ws, ACCOUNT, "a", 1)
      yield* store.insert(ws, ACCOUNT, account("b", { handle: "k" }))
      expect(Option.isSome(yield* store.get(ws, ACCOUNT, "b"))).toBe(true)
    }))

  it.effect("a released unique key can be taken by another row after an update", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      const a = account("a", { handle: "k1" })
      yield* store.insert(ws, ACCOUNT, a)
      yield* store.update(ws, ACCOUNT, bump(a, { handle: "k2" }), 1)
      yield* store.insert(ws, ACCOUNT, account("b", { handle: "k1" }))
      const conflict = yield* expectFailure("Conflict")(store.insert(ws, ACCOUNT, account("c", { handle: "k2" })))
      expect(conflict.reason).toBe("unique-violation")
    }))
}
