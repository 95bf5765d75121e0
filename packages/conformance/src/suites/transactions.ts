/**
 * transaction: all or nothing (state and events), nested calls join, reads inside see
 * their own writes, other fibers see nothing until commit.
 */
import { expect } from "@effect/vitest"
import { Query, Store } from "@rapport/core"
import { Deferred, Effect, Exit, Fiber, Option } from "effect"
import {
  account,
  Boom,
  bump,
  deadline,
  deal,
  event,
  expectFailure,
  findIds,
  freshWorkspace,
  insertAccounts,
  type It
} from "../internal/harness.js"
import { ACCOUNT, DEAL } from "../TestCatalog.js"

export const transactionsSuite = (it: It) => {
  it.effect("a committed transaction makes every write and event visible", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      const result = yield* store.transaction(
        Effect.gen(function*() {
          yield* store.insert(ws, ACCOUNT, account("a"))
          yield* store.insert(ws, DEAL, deal("d", { accountId: "a" }))
          yield* store.append(ws, [event("AccountCreated", ACCOUNT, "a"), event("DealCreated", DEAL, "d")])
          return 42
        })
      )
      expect(result).toBe(42)
      expect(Option.isSome(yield* store.get(ws, ACCOUNT, "a"))).toBe(true)
      expect(Option.isSome(yield* store.get(ws, DEAL, "d"))).toBe(true)
      expect((yield* store.readEvents(ws, { after: 0, limit: 10 })).map((e) => e.type)).toEqual([
        "AccountCreated",
        "DealCreated"
      ])
    }))

  it.effect("a failure inside leaves nothing written and appends no event, and the error comes out as is", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      const existing = account("kept", { name: "before" })
      yield* store.insert(ws, ACCOUNT, existing)
      const exit = yield* Effect.exit(store.transaction(
        Effect.gen(function*() {
          yield* store.insert(ws, ACCOUNT, account("a"))
          yield* store.update(ws, ACCOUNT, bump(existing, { name: "after" }), 1)
          yield* store.insert(ws, DEAL, deal("d"))
          yield* store.append(ws, [event("AccountCreated", ACCOUNT, "a")])
          yield* store.remove(ws, DEAL, "d", 1)
          return yield* Effect.fail(new Boom())
        })
      ))
      expect(Exit.isFailure(exit) && exit.cause._tag === "Fail" && exit.cause.error instanceof Boom).toBe(true)
      expect(Option.isNone(yield* store.get(ws, ACCOUNT, "a"))).toBe(true)
      expect(Option.getOrThrow(yield* store.get(ws, ACCOUNT, "kept"))).toEqual(existing)
      expect(yield* findIds(ws, Query.find(ACCOUNT))).toEqual(["kept"])
      expect(yield* findIds(ws, Query.find(DEAL))).toEqual([])
      expect(yield* store.readEvents(ws, { after: 0, limit: 10 })).toEqual([])
      expect(yield* store.eventsFor(ws, { subject: "account:a", limit: 10 })).toEqual([])
      // The workspace keeps working after the rollback.
      yield* store.update(ws, ACCOUNT, bump(existing, { name: "after" }), 1)
      yield* store.insert(ws, ACCOUNT, account("a"))
    }))

  it.effect("a store error inside (a conflict) rolls back the earlier writes of the transaction", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      yield* store.insert(ws, ACCOUNT, account("taken", { handle: "h" }))
      const conflict = yield* expectFailure("Conflict")(store.transaction(
        Effect.gen(function*() {
          yield* store.insert(ws, ACCOUNT, account("first"))
          yield* store.append(ws, [event("AccountCreated", ACCOUNT, "first")])
          yield* store.insert(ws, ACCOUNT, account("second", { handle: "h" }))
        })
      ))
      expect(conflict.reason).toBe("unique-violation")
      expect(Option.isNone(yield* store.get(ws, ACCOUNT, "first"))).toBe(true)
      expect(yield* store.readEvents(ws, { after: 0, limit: 10 })).toEqual([])
    }))

  it.effect("a defect inside rolls back too", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      const exit = yield* Effect.exit(store.transaction(
        Effect.gen(function*() {
          yield* store.insert(ws, ACCOUNT, account("a"))
          yield* store.append(ws, [event("AccountCreated", ACCOUNT, "a")])
          return yield* Effect.die(new Error("bug"))
        })
      ))
      expect(Exit.isFailure(exit)).toBe(true)
      expect(Option.isNone(yield* store.get(ws, ACCOUNT, "a"))).toBe(true)
      expect(yield* store.readEvents(ws, { after: 0, limit: 10 })).toEqual([])
    }))

  it.effect("an interrupted transaction leaves nothing written", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      const written = yield* Deferred.make<void>()
      const fiber = yield* Effect.fork(store.transaction(
        Effect.gen(function*() {
          yield* store.insert(ws, ACCOUNT, account("a"))
          yield* store.append(ws, [event("AccountCreated", ACCOUNT, "a")])
          yield* Deferred.succeed(written, undefined)
          return yield* Effect.never
        })
      ))
      yield* Deferred.await(written)
      yield* Fiber.interrupt(fiber)
      expect(Option.isNone(yield* store.get(ws, ACCOUNT, "a"))).toBe(true)
      expect(yield* store.readEvents(ws, { after: 0, limit: 10 })).toEqual([])
      yield* store.insert(ws, ACCOUNT, account("a"))
    }).pipe(deadline(10, "interrupting a transaction, then reading")))

  it.effect("nested transactions join the outer one: an outer failure undoes the inner writes", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      const exit = yield* Effect.exit(store.transaction(
        Effect.gen(function*() {
          yield* store.insert(ws, ACCOUNT, account("outer"))
          yield* store.transaction(
            Effect.gen(function*() {
              yield* store.insert(ws, ACCOUNT, account("inner"))
              yield* store.append(ws, [event("AccountCreated", ACCOUNT, "inner")])
            })
          )
          // The inner commit is not a commit: the outer transaction sees it, and owns it.
          expect(Option.isSome(yield* store.get(ws, ACCOUNT, "inner"))).toBe(true)
          return yield* Effect.fail(new Boom())
        })
      ))
      expect(Exit.isFailure(exit)).toBe(true)
      expect(yield* findIds(ws, Query.find(ACCOUNT))).toEqual([])
      expect(yield* store.readEvents(ws, { after: 0, limit: 10 })).toEqual([])
    }))

  it.effect("nested transactions that succeed commit with the outer one", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      yield* store.transaction(
        Effect.gen(function*() {
          yield* store.insert(ws, ACCOUNT, account("outer"))
          yield* store.transaction(store.transaction(store.insert(ws, ACCOUNT, account("inner"))))
        })
      )
      expect(yield* findIds(ws, Query.find(ACCOUNT))).toEqual(["inner", "outer"])
    }))

  it.effect("reads inside a transaction see its own writes", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      const base = account("b", { seats: 1 })
      yield* store.insert(ws, ACCOUNT, base)
      yield* store.transaction(
        Effect.gen(function*() {
          yield* store.insert(ws, ACCOUNT, account("a", { seats: 5 }))
          yield* store.update(ws, ACCOUNT, bump(base, { seats: 7 }), 1)
          yield* store.insert(ws, DEAL, deal("d", { accountId: "a" }))
          yield* store.append(ws, [event("AccountCreated", ACCOUNT, "a")])
          expect(Option.getOrThrow(yield* store.get(ws, ACCOUNT, "a")).seats).toBe(5)
          expect(Option.getOrThrow(yield* store.get(ws, ACCOUNT, "b"))).toEqual(bump(base, { seats: 7 }))
          expect((yield* store.getMany(ws, ACCOUNT, ["b", "a"])).map((r) => r.id)).toEqual(["b", "a"])
          expect(yield* findIds(ws, Query.find(ACCOUNT, { where: Query.gt("seats", 4) }))).toEqual(["a", "b"])
          expect(yield* findIds(ws, Query.find(ACCOUNT, { where: Query.exists(DEAL, "accountId") }))).toEqual(["a"])
          expect(yield* store.aggregate(ws, Query.aggregate(ACCOUNT, { measures: [{ _tag: "Sum", as: "s", field: "seats" }] })))
            .toEqual([{ s: 12 }])
          // A second write of the same row inside the transaction sees the first.
          yield* store.update(ws, ACCOUNT, bump(bump(base, { seats: 7 }), { seats: 8 }), 2)
          const stale = yield* expectFailure("Conflict")(store.update(ws, ACCOUNT, bump(base, { seats: 9 }), 1))
          expect(stale.reason).toBe("stale-version")
          yield* store.remove(ws, DEAL, "d", 1)
          expect(Option.isNone(yield* store.get(ws, DEAL, "d"))).toBe(true)
        })
      )
      expect(Option.getOrThrow(yield* store.get(ws, ACCOUNT, "b")).version).toBe(3)
      expect(Option.isNone(yield* store.get(ws, DEAL, "d"))).toBe(true)
    }))

  it.effect("other fibers do not see uncommitted writes or events", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      yield* insertAccounts(ws, [account("x", { seats: 1 })])
      const written = yield* Deferred.make<void>()
      const proceed = yield* Deferred.make<void>()
      const writer = yield* Effect.fork(store.transaction(
        Effect.gen(function*() {
          yield* store.insert(ws, ACCOUNT, account("new", { seats: 2 }))
          yield* store.update(ws, ACCOUNT, bump(account("x", { seats: 1 }), { seats: 100 }), 1)
          yield* store.append(ws, [event("AccountCreated", ACCOUNT, "new")])
          yield* Deferred.succeed(written, undefined)
          yield* Deferred.await(proceed)
        })
      ))
      yield* Deferred.await(written)
      const outside = Effect.gen(function*() {
        expect(Option.isNone(yield* store.get(ws, ACCOUNT, "new"))).toBe(true)
        expect(Option.getOrThrow(yield* store.get(ws, ACCOUNT, "x")).seats).toBe(1)
        expect(yield* findIds(ws, Query.find(ACCOUNT))).toEqual(["x"])
        expect(yield* store.aggregate(ws, Query.aggregate(ACCOUNT, { measures: [{ _tag: "Count", as: "n" }] })))
          .toEqual([{ n: 1 }])
        expect(yield* store.readEvents(ws, { after: 0, limit: 10 })).toEqual([])
      })
      yield* outside.pipe(deadline(5, "a read outside an open transaction blocked until it committed"))
      yield* Deferred.succeed(proceed, undefined)
      yield* Fiber.join(writer)
      expect(yield* findIds(ws, Query.find(ACCOUNT))).toEqual(["new", "x"])
      expect((yield* store.readEvents(ws, { after: 0, limit: 10 })).length).toBe(1)
    }))
}
