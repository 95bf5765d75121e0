/**
 * No lost updates: two writers on one record in transactions opened before either
 * commits: exactly one wins, the other gets `Conflict` "stale-version".
 */
import { expect } from "@effect/vitest"
import { Store } from "@rapport/core"
import { Deferred, Effect, Either, Option } from "effect"
import { account, bump, deadline, event, freshWorkspace, type It } from "../internal/harness.js"
import { ACCOUNT } from "../TestCatalog.js"

export const concurrencySuite = (it: It) => {
  it.effect("two concurrent transactions update one record: exactly one wins, the other conflicts", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      const v1 = account("acc", { name: "v1", seats: 0 })
      yield* store.insert(ws, ACCOUNT, v1)
      const readyA = yield* Deferred.make<void>()
      const readyB = yield* Deferred.make<void>()
      const writer = (name: string, mine: Deferred.Deferred<void>, theirs: Deferred.Deferred<void>) =>
        store.transaction(
          Effect.gen(function*() {
            const current = Option.getOrThrow(yield* store.get(ws, ACCOUNT, "acc"))
            expect(current.version).toBe(1)
            yield* Deferred.succeed(mine, undefined)
            yield* Deferred.await(theirs)
            yield* store.update(ws, ACCOUNT, bump(current, { name }), current.version)
            yield* store.append(ws, [event("AccountUpdated", ACCOUNT, "acc", { version: 2, payload: { name } })])
            return name
          })
        ).pipe(Effect.either)
      const [a, b] = yield* Effect.all([writer("A", readyA, readyB), writer("B", readyB, readyA)], {
        concurrency: "unbounded"
      }).pipe(deadline(10, "two transactions could not both be open at once"))
      const wins = [a, b].filter(Either.isRight).map((e) => e.right)
      const losses = [a, b].filter(Either.isLeft).map((e) => e.left)
      expect(wins.length, "exactly one writer wins").toBe(1)
      expect(losses.length).toBe(1)
      const loss = losses[0] as { readonly _tag: string; readonly reason?: string }
      expect(loss._tag).toBe("Conflict")
      expect(loss.reason).toBe("stale-version")
      const stored = Option.getOrThrow(yield* store.get(ws, ACCOUNT, "acc"))
      expect(stored.version).toBe(2)
      expect(stored.name).toBe(wins[0])
      const events = yield* store.readEvents(ws, { after: 0, limit: 10 })
      expect(events.map((e) => e.payload)).toEqual([{ name: wins[0] }])
    }))

  it.effect("many concurrent read-modify-write increments, retried on conflict, lose no update", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      yield* store.insert(ws, ACCOUNT, account("counter", { seats: 0 }))
      const increment = store.transaction(
        Effect.gen(function*() {
          const current = Option.getOrThrow(yield* store.get(ws, ACCOUNT, "counter"))
          yield* Effect.yieldNow()
          yield* store.update(ws, ACCOUNT, bump(current, { seats: (current.seats as number) + 1 }), current.version)
        })
      ).pipe(
        Effect.retry({ while: (e) => e._tag === "Conflict", times: 100 })
      )
      yield* Effect.all(Array.from({ length: 8 }, () => increment), { concurrency: "unbounded" }).pipe(
        deadline(20, "concurrent increments")
      )
      const stored = Option.getOrThrow(yield* store.get(ws, ACCOUNT, "counter"))
      expect(stored.seats).toBe(8)
      expect(stored.version).toBe(9)
    }))

  it.effect("a version-guarded update with a stale version fails and writes nothing, inside a transaction too", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      const v1 = account("acc", { name: "v1" })
      yield* store.insert(ws, ACCOUNT, v1)
      const v2 = bump(v1, { name: "v2" })
      yield* store.update(ws, ACCOUNT, v2, 1)
      const result = yield* store.transaction(
        Effect.gen(function*() {
          yield* store.append(ws, [event("AccountUpdated", ACCOUNT, "acc")])
          yield* store.update(ws, ACCOUNT, bump(v1, { name: "lost" }), 1)
        })
      ).pipe(Effect.flip)
      expect(result._tag).toBe("Conflict")
      expect((result as { reason?: string }).reason).toBe("stale-version")
      expect(Option.getOrThrow(yield* store.get(ws, ACCOUNT, "acc"))).toEqual(v2)
      expect(yield* store.readEvents(ws, { after: 0, limit: 10 })).toEqual([])
    }))

  it.effect("concurrent inserts of one unique key: exactly one succeeds", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      const results = yield* Effect.all(
        Array.from({ length: 5 }, (_, i) =>
          store.transaction(
            Effect.zipRight(Effect.yieldNow(), store.insert(ws, ACCOUNT, account(`acc${i}`, { handle: "same" })))
          ).pipe(Effect.either)),
        { concurrency: "unbounded" }
      ).pipe(deadline(10, "concurrent inserts"))
      expect(results.filter(Either.isRight).length).toBe(1)
      for (const r of results.filter(Either.isLeft)) {
        expect(r.left).toMatchObject({ _tag: "Conflict", reason: "unique-violation" })
      }
    }))
}
