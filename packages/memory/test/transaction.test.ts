import { describe, expect, it } from "@effect/vitest"
import { Query, Store } from "@rapport/core"
import { Deferred, Effect, Either, Fiber, Option } from "effect"
import { event, ids, personRow, purchaseRow, StoreLayer, ws } from "./fixtures.js"

const run = <A, E>(effect: Effect.Effect<A, E, Store.Store>) => Effect.provide(effect, StoreLayer)

const purchasesOf = (personId: string) =>
  Effect.flatMap(Store.Store, (s) =>
    s.find(ws, { collection: "purchase", where: Query.eq("personId", personId) })).pipe(Effect.map((p) => ids(p.rows)))

describe("transactions", () => {
  it.effect("staged writes are visible inside the transaction and invisible outside until commit", () =>
    run(Effect.gen(function*() {
      const store = yield* Store.Store
      const staged = yield* Deferred.make<void>()
      const release = yield* Deferred.make<void>()
      const fiber = yield* store.transaction(Effect.gen(function*() {
        yield* store.insert(ws, "person", personRow("p1"))
        expect(Option.isSome(yield* store.get(ws, "person", "p1"))).toBe(true)
        yield* Deferred.succeed(staged, undefined)
        yield* Deferred.await(release)
      })).pipe(Effect.fork)
      yield* Deferred.await(staged)
      expect(Option.isNone(yield* store.get(ws, "person", "p1"))).toBe(true)
      expect((yield* store.find(ws, { collection: "person" })).rows).toEqual([])
      yield* Deferred.succeed(release, undefined)
      yield* Fiber.join(fiber)
      expect(Option.isSome(yield* store.get(ws, "person", "p1"))).toBe(true)
    })))

  it.effect("a failure rolls back rows, index entries and events", () =>
    run(Effect.gen(function*() {
      const store = yield* Store.Store
      yield* store.insert(ws, "person", personRow("p1"))
      const result = yield* store.transaction(Effect.gen(function*() {
        yield* store.insert(ws, "purchase", purchaseRow("o1", "p1"))
        yield* store.update(ws, "person", personRow("p1", { name: "changed" }, 2), 1)
        yield* store.append(ws, [event("p1")])
        // The transaction reads its own writes through the foreign-key index.
        expect(yield* purchasesOf("p1")).toEqual(["o1"])
        return yield* Effect.fail("boom" as const)
      })).pipe(Effect.either)
      expect(result).toEqual(Either.left("boom"))
      expect(yield* purchasesOf("p1")).toEqual([])
      const p1 = yield* store.get(ws, "person", "p1")
      expect(Option.getOrThrow(p1).version).toBe(1)
      expect(yield* store.readEvents(ws, { after: 0, limit: 10 })).toEqual([])
      const related = yield* store.find(ws, {
        collection: "person",
        where: Query.exists("purchase", "personId")
      })
      expect(related.rows).toEqual([])
    })))

  it.effect("a defect rolls back", () =>
    run(Effect.gen(function*() {
      const store = yield* Store.Store
      const exit = yield* store.transaction(
        Effect.zipRight(store.insert(ws, "person", personRow("p1")), Effect.die("bug"))
      ).pipe(Effect.exit)
      expect(exit._tag).toBe("Failure")
      expect(Option.isNone(yield* store.get(ws, "person", "p1"))).toBe(true)
    })))

  it.effect("interruption rolls back", () =>
    run(Effect.gen(function*() {
      const store = yield* Store.Store
      const staged = yield* Deferred.make<void>()
      const fiber = yield* store.transaction(Effect.gen(function*() {
        yield* store.insert(ws, "person", personRow("p1"))
        yield* store.append(ws, [event("p1")])
        yield* Deferred.succeed(staged, undefined)
        return yield* Effect.never
      })).pipe(Effect.fork)
      yield* Deferred.await(staged)
      yield* Fiber.interrupt(fiber)
      expect(Option.isNone(yield* store.get(ws, "person", "p1"))).toBe(true)
      expect(yield* store.readEvents(ws, { after: 0, limit: 10 })).toEqual([])
      // The id and unique keys it held are free again.
      yield* store.insert(ws, "person", personRow("p1"))
    })))

  it.effect("two concurrent updates of the same version: one wins, the other conflicts", () =>
    run(Effect.gen(function*() {
      const store = yield* Store.Store
      yield* store.insert(ws, "person", personRow("p1"))
      const bothStaged = yield* Deferred.make<void>()
      let staged = 0
      const attempt = (name: string) =>
        store.transaction(Effect.gen(function*() {
          const row = Option.getOrThrow(yield* store.get(ws, "person", "p1"))
          yield* store.update(ws, "person", { ...row, name, version: row.version + 1 }, row.version)
          if (++staged === 2) yield* Deferred.succeed(bothStaged, undefined)
          yield* Deferred.await(bothStaged)
          return name
        })).pipe(Effect.either)
      const [a, b] = yield* Effect.all([attempt("a"), attempt("b")], { concurrency: 2 })
      const results = [a, b]
      const wins = results.filter(Either.isRight)
      const losses = results.filter(Either.isLeft).map((l) => l.left)
      expect(wins).toHaveLength(1)
      expect(losses).toHaveLength(1)
      expect(losses[0]).toMatchObject({ _tag: "Conflict", reason: "stale-version", expectedVersion: 1, actualVersion: 2 })
      const stored = Option.getOrThrow(yield* store.get(ws, "person", "p1"))
      expect(stored.version).toBe(2)
      expect(stored.name).toBe(Either.getOrThrow(wins[0]!))
    })))

  it.effect("concurrent inserts of one unique key: the later commit conflicts", () =>
    run(Effect.gen(function*() {
      const store = yield* Store.Store
      const staged = yield* Deferred.make<void>()
      const slow = yield* store.transaction(Effect.gen(function*() {
        yield* store.insert(ws, "person", personRow("p1", { email: "a@x.org" }))
        yield* Deferred.await(staged)
      })).pipe(Effect.either, Effect.fork)
      yield* store.insert(ws, "person", personRow("p2", { email: "a@x.org" }))
      yield* Deferred.succeed(staged, undefined)
      const result = yield* Fiber.join(slow)
      expect(result).toMatchObject(Either.left({ _tag: "Conflict", reason: "unique-violation", id: "p1" }))
      expect(Option.isNone(yield* store.get(ws, "person", "p1"))).toBe(true)
    })))

  it.effect("event positions follow commit order, not append order", () =>
    run(Effect.gen(function*() {
      const store = yield* Store.Store
      const appended = yield* Deferred.make<void>()
      const release = yield* Deferred.make<void>()
      const early = yield* store.transaction(Effect.gen(function*() {
        yield* store.append(ws, [event("first-appended")])
        yield* Deferred.succeed(appended, undefined)
        yield* Deferred.await(release)
      })).pipe(Effect.fork)
      yield* Deferred.await(appended)
      yield* store.append(ws, [event("committed-first")])
      expect((yield* store.readEvents(ws, { after: 0, limit: 10 })).map((e) => e.recordId)).toEqual(["committed-first"])
      yield* Deferred.succeed(release, undefined)
      yield* Fiber.join(early)
      const events = yield* store.readEvents(ws, { after: 0, limit: 10 })
      expect(events.map((e) => [e.position, e.recordId])).toEqual([[1, "committed-first"], [2, "first-appended"]])
      expect(events[0]!.workspaceId).toBe(ws)
      // A reader that saw position 1 resumes and gets the late commit.
      expect((yield* store.readEvents(ws, { after: 1, limit: 10 })).map((e) => e.recordId)).toEqual(["first-appended"])
    })))

  it.effect("a nested transaction joins the outer one; its failure takes back only its own writes", () =>
    run(Effect.gen(function*() {
      const store = yield* Store.Store
      yield* store.transaction(Effect.gen(function*() {
        yield* store.insert(ws, "person", personRow("outer", { email: "o@x.org" }))
        yield* store.append(ws, [event("outer")])
        const inner = yield* store.transaction(Effect.gen(function*() {
          yield* store.insert(ws, "person", personRow("inner", { email: "i@x.org" }))
          yield* store.update(ws, "person", personRow("outer", { email: "changed@x.org" }, 2), 1)
          yield* store.append(ws, [event("inner")])
          return yield* Effect.fail("inner failed" as const)
        })).pipe(Effect.either)
        expect(Either.isLeft(inner)).toBe(true)
        // The outer write is back to what it was, and its unique key is its own again.
        const outer = Option.getOrThrow(yield* store.get(ws, "person", "outer"))
        expect([outer.version, outer.email]).toEqual([1, "o@x.org"])
        yield* store.insert(ws, "person", personRow("other", { email: "i@x.org" }))
        yield* store.transaction(store.insert(ws, "person", personRow("joined")))
      }))
      const all = yield* store.find(ws, { collection: "person" })
      expect(ids(all.rows)).toEqual(["joined", "other", "outer"])
      expect((yield* store.readEvents(ws, { after: 0, limit: 10 })).map((e) => e.recordId)).toEqual(["outer"])
    })))

  it.effect("writes from a fiber that outlives its transaction are refused", () =>
    run(Effect.gen(function*() {
      const store = yield* Store.Store
      const go = yield* Deferred.make<void>()
      const leaked = yield* store.transaction(
        Effect.forkDaemon(Effect.zipRight(Deferred.await(go), store.insert(ws, "person", personRow("late"))))
      )
      yield* Deferred.succeed(go, undefined)
      const result = yield* Fiber.join(leaked).pipe(Effect.either)
      expect(result).toMatchObject(Either.left({ _tag: "StoreError" }))
      expect(Option.isNone(yield* store.get(ws, "person", "late"))).toBe(true)
    })))

  it.effect("a commit that deleted a row other fibers then updated conflicts", () =>
    run(Effect.gen(function*() {
      const store = yield* Store.Store
      yield* store.insert(ws, "person", personRow("p1"))
      const staged = yield* Deferred.make<void>()
      const release = yield* Deferred.make<void>()
      const deleter = yield* store.transaction(Effect.gen(function*() {
        yield* store.remove(ws, "person", "p1", 1)
        yield* Deferred.succeed(staged, undefined)
        yield* Deferred.await(release)
      })).pipe(Effect.either, Effect.fork)
      yield* Deferred.await(staged)
      yield* store.update(ws, "person", personRow("p1", { name: "kept" }, 2), 1)
      yield* Deferred.succeed(release, undefined)
      expect(yield* Fiber.join(deleter)).toMatchObject(
        Either.left({ _tag: "Conflict", reason: "stale-version", expectedVersion: 1, actualVersion: 2 })
      )
      expect(Option.getOrThrow(yield* store.get(ws, "person", "p1")).name).toBe("kept")
    })))
})
