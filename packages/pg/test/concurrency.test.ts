import { expect, layer } from "@effect/vitest"
import { TestCatalog } from "@rapport/conformance"
import { Store } from "@rapport/core"
import { Effect, Either, Layer, Option, TestServices } from "effect"
import { freshStore } from "./layer.js"

const account = (id: string) => ({
  id, version: 1, createdAt: 1, updatedAt: 1, handle: id, name: id, nickname: null, score: null, seats: 0, active: null,
  lastSeenAt: null, since: null, revenue: null, tags: [], profile: null, custom: {}
})

layer(Layer.provideMerge(freshStore("concurrency", { maxConnections: 30 }), TestCatalog.layer), { timeout: "60 seconds" })(
  "PostgreSQL under concurrent writers",
  (it) => {
    it.effect("8 writers, 150 transactions each on 100 records, lose no update; every failure is a Conflict", () =>
      TestServices.provideLive(Effect.gen(function*() {
        const store = yield* Store.Store
        const ws = `lu_${Math.random().toString(36).slice(2)}`
        const ids = Array.from({ length: 100 }, (_, i) => `r${i}`)
        yield* store.insertMany(ws, TestCatalog.ACCOUNT, ids.map(account))
        const successes = new Map<string, number>()
        const failures: Array<string> = []
        // A fixed amount of work, not a time budget: the outcome must not depend on speed.
        const writer = Effect.gen(function*() {
          for (let attempt = 0; attempt < 150; attempt++) {
            const id = ids[Math.floor(Math.random() * ids.length)]!
            const result = yield* Effect.either(store.transaction(Effect.gen(function*() {
              const row = Option.getOrThrow(yield* store.get(ws, TestCatalog.ACCOUNT, id))
              yield* store.update(ws, TestCatalog.ACCOUNT, { ...row, seats: (row.seats as number) + 1, version: row.version + 1 }, row.version)
            })))
            if (Either.isRight(result)) successes.set(id, (successes.get(id) ?? 0) + 1)
            else failures.push(result.left._tag)
          }
        })
        yield* Effect.all(Array.from({ length: 8 }, () => writer), { concurrency: "unbounded" })
        expect(failures.every((t) => t === "Conflict")).toBe(true)
        const rows = yield* store.getMany(ws, TestCatalog.ACCOUNT, ids)
        for (const row of rows) {
          expect(row.seats).toBe(successes.get(row.id) ?? 0)
          expect(row.version).toBe((successes.get(row.id) ?? 0) + 1)
        }
      })), 60_000)
  }
)
