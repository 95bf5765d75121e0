import { expect, layer } from "@effect/vitest"
import { TestCatalog } from "@rapport/conformance"
import { Actor, Store } from "@rapport/core"
import { Effect, Either, Layer, Option, TestServices } from "effect"
import { freshStore } from "./layer.js"

const account = (id: string) => ({
  id, version: 1, createdAt: 1, updatedAt: 1, handle: id, name: id, nickname: null, score: null, seats: 0, active: null,
  lastSeenAt: null, since: null, revenue: null, tags: [], profile: null, custom: {}
})

layer(Layer.provideMerge(freshStore("concurrency", { maxConnections: 30 }), TestCatalog.layer), { timeout: "60 seconds" })(
  "PostgreSQL under concurrent writers",
  (it) => {
    it.effect("a consumer polling readEvents sees every event exactly once, in order, despite late commits", () =>
      TestServices.provideLive(Effect.gen(function*() {
        const store = yield* Store.Store
        const ws = `ev_${Math.random().toString(36).slice(2)}`
        const writers = 8
        const perWriter = 15
        let done = false
        const writer = (w: number) =>
          Effect.forEach(Array.from({ length: perWriter }, (_, i) => i), (i) =>
            store.transaction(Effect.gen(function*() {
              yield* store.append(ws, [{
                type: "Tick", collection: "account", recordId: `${w}-${i}`, version: 1, occurredAt: i,
                actor: Actor.system, subjects: [`account:${w}-${i}`], payload: { w, i }
              }])
              // Some transactions commit late, after others that appended later started.
              if ((w + i) % 3 === 0) yield* Effect.sleep(`${5 + ((w * 7 + i) % 20)} millis`)
            })), { discard: true })
        const seen: Array<number> = []
        const ids: Array<string> = []
        const consumer = Effect.gen(function*() {
          let after = 0
          for (;;) {
            const finished = done
            const page = yield* store.readEvents(ws, { after, limit: 7 })
            for (const e of page) {
              seen.push(e.position)
              ids.push(e.recordId)
            }
            if (page.length > 0) after = page[page.length - 1]!.position
            else if (finished) return
            else yield* Effect.sleep("2 millis")
          }
        })
        const fiber = yield* Effect.fork(consumer)
        yield* Effect.all(Array.from({ length: writers }, (_, w) => writer(w)), { concurrency: "unbounded" })
        done = true
        yield* fiber.await
        expect(ids.length).toBe(writers * perWriter)
        expect(new Set(ids).size).toBe(writers * perWriter)
        for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThan(seen[i - 1]!)
      })), 60_000)

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
