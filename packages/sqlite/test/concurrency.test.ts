import { expect, layer } from "@effect/vitest"
import { TestCatalog } from "@rapport/conformance"
import { Store } from "@rapport/core"
import { Effect, Either, Layer, Option, TestServices } from "effect"
import { SqliteStore } from "../src/index.js"

const account = (id: string, handle = id) => ({
  id, version: 1, createdAt: 1, updatedAt: 1, handle, name: id, nickname: null, score: null, seats: 0, active: null,
  lastSeenAt: null, since: null, revenue: null, tags: [], profile: null, custom: {}
})

layer(Layer.provideMerge(SqliteStore.layer({ filename: ":memory:" }), TestCatalog.layer))("SQLite under concurrent writers", (it) => {
  it.effect("8 writers, 100 transactions each on 20 records, lose no update; every failure is a Conflict", () =>
    TestServices.provideLive(Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = `lu_${Math.random().toString(36).slice(2)}`
      const ids = Array.from({ length: 20 }, (_, i) => `r${i}`)
      yield* store.insertMany(ws, TestCatalog.ACCOUNT, ids.map((id) => account(id)))
      const successes = new Map<string, number>()
      const failures: Array<string> = []
      // A fixed amount of work, not a time budget: the outcome must not depend on speed.
      const writer = Effect.gen(function*() {
        for (let attempt = 0; attempt < 100; attempt++) {
          const id = ids[Math.floor(Math.random() * ids.length)]!
          const result = yield* Effect.either(store.transaction(Effect.gen(function*() {
            const row = Option.getOrThrow(yield* store.get(ws, TestCatalog.ACCOUNT, id))
            yield* Effect.yieldNow()
            yield* store.update(ws, TestCatalog.ACCOUNT, { ...row, seats: (row.seats as number) + 1, version: row.version + 1 }, row.version)
          })))
          if (Either.isRight(result)) successes.set(id, (successes.get(id) ?? 0) + 1)
          else failures.push(result.left._tag)
        }
      })
      yield* Effect.all(Array.from({ length: 8 }, () => writer), { concurrency: "unbounded" })
      expect(failures.every((t) => t === "Conflict")).toBe(true)
      const rows = yield* store.getMany(ws, TestCatalog.ACCOUNT, ids)
      expect([...successes.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(0)
      for (const row of rows) expect(row.seats).toBe(successes.get(row.id) ?? 0)
    })), 30_000)

  it.effect("insertMany writes many batches all or nothing", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = `bulk_${Math.random().toString(36).slice(2)}`
      const rows = Array.from({ length: 4_500 }, (_, i) => account(`b${String(i).padStart(5, "0")}`))
      yield* store.insertMany(ws, TestCatalog.ACCOUNT, rows)
      expect((yield* store.aggregate(ws, { collection: TestCatalog.ACCOUNT, measures: [{ _tag: "Count", as: "n" }] }))).toEqual([{ n: 4_500 }])
      const more = [...Array.from({ length: 3_000 }, (_, i) => account(`c${i}`)), account("c-last", "b00001")]
      const error = yield* Effect.flip(store.insertMany(ws, TestCatalog.ACCOUNT, more))
      expect(error).toMatchObject({ _tag: "Conflict", reason: "unique-violation", id: "c-last" })
      expect((yield* store.aggregate(ws, { collection: TestCatalog.ACCOUNT, measures: [{ _tag: "Count", as: "n" }] }))).toEqual([{ n: 4_500 }])
    }))
})
