/**
 * References: a row's reference fields (`deal.accountId`, and the custom reference
 * `account.custom.referrer`) point at existing rows of its workspace when its write
 * commits, and a row still referred to cannot be removed. Serially the store refuses
 * with `Conflict` "missing-reference" / "still-referenced"; under concurrency, of a
 * write pointing at a row and a remove of that row at most one commits, so no
 * interleaving leaves a dangling reference.
 */
import { expect } from "@effect/vitest"
import { type Collection, Store } from "@rapport/core"
import { Deferred, Effect, Either, FastCheck as fc, Option, Ref } from "effect"
import { account, bump, deadline, deal, expectFailure, findAll, freshWorkspace, type It } from "../internal/harness.js"
import { ACCOUNT, DEAL } from "../TestCatalog.js"

/** How hard the race property pushes. */
export interface Options {
  /** Runs of the race property (default 25). */
  readonly numRuns?: number
  /** A fast-check seed to replay a failure. */
  readonly seed?: number
}

type Row = Collection.Row

const referrerOf = (row: Row): unknown => (row.custom as Record<string, unknown> | null | undefined)?.referrer

/** Every reference in the workspace that points at no row: `deal.accountId` and `account.custom.referrer`. */
export const danglingReferences = (ws: string) =>
  Effect.gen(function*() {
    const accounts = yield* findAll(ws, { collection: ACCOUNT })
    const deals = yield* findAll(ws, { collection: DEAL })
    const ids = new Set(accounts.map((a) => a.id))
    const out: Array<string> = []
    for (const d of deals) {
      if (typeof d.accountId === "string" && !ids.has(d.accountId)) out.push(`deal ${d.id} → account ${d.accountId}`)
    }
    for (const a of accounts) {
      const referrer = referrerOf(a)
      if (typeof referrer === "string" && !ids.has(referrer)) out.push(`account ${a.id} (custom.referrer) → account ${referrer}`)
    }
    return out
  })

/** A barrier: every party waits until `parties` have arrived. */
const barrier = (parties: number) =>
  Effect.map(Effect.all([Ref.make(0), Deferred.make<void>()]), ([count, open]) =>
    Effect.flatMap(Ref.updateAndGet(count, (n) => n + 1), (n) =>
      Effect.zipRight(n >= parties ? Deferred.succeed(open, undefined) : Effect.void, Deferred.await(open))))

/** One racing operation: a write pointing at target `t`, or the remove of `t`. */
interface Op {
  /** `deal`: insert a deal → t; `custom`: insert an account whose custom.referrer is t; `repoint`: move a deal to t; `remove`: remove t. */
  readonly kind: "deal" | "custom" | "repoint" | "remove"
  readonly target: number
  /** Outside any transaction (the store makes it atomic on its own), or in one that read the target first. */
  readonly bare: boolean
}

const scenario = fc.record({
  targets: fc.integer({ min: 1, max: 3 }),
  ops: fc.array(
    fc.record({
      kind: fc.constantFrom<Op["kind"]>("deal", "custom", "repoint", "remove", "remove"),
      target: fc.nat(2),
      bare: fc.boolean()
    }),
    { minLength: 2, maxLength: 7 }
  )
}).map(({ ops, targets }) => {
  const removed = new Set<number>()
  const out: Array<Op> = []
  for (const op of ops) {
    const target = op.target % targets
    // One remove per target: two removes of one row race on its version, which is not this suite's subject.
    if (op.kind === "remove") {
      if (removed.has(target)) continue
      removed.add(target)
    }
    out.push({ ...op, target })
  }
  return { targets, ops: out }
})

/** The reasons a write may lose a reference race with. */
const raceReasons = ["missing-reference", "still-referenced", "stale-version"]

export const referencesSuite = (it: It, options: Options = {}) => {
  const fastCheck = { numRuns: options.numRuns ?? 25, ...(options.seed === undefined ? {} : { seed: options.seed }) }

  it.effect("insert of a row referring to a missing row fails with Conflict \"missing-reference\" and writes nothing", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      const conflict = yield* expectFailure("Conflict")(store.insert(ws, DEAL, deal("d", { accountId: "nobody" })))
      expect(conflict.reason).toBe("missing-reference")
      expect(conflict.collection).toBe(DEAL)
      expect(conflict.id).toBe("d")
      expect(conflict.reference).toMatchObject({ field: "accountId", collection: ACCOUNT, id: "nobody" })
      expect(conflict.message).toContain("accountId")
      expect(conflict.message).toContain("nobody")
      expect(Option.isNone(yield* store.get(ws, DEAL, "d"))).toBe(true)
      // The same through a custom reference field.
      const custom = yield* expectFailure("Conflict")(
        store.insert(ws, ACCOUNT, account("a", { custom: { referrer: "nobody" } }))
      )
      expect(custom.reason).toBe("missing-reference")
      expect(custom.reference).toMatchObject({ field: "custom.referrer", collection: ACCOUNT, id: "nobody" })
      expect(Option.isNone(yield* store.get(ws, ACCOUNT, "a"))).toBe(true)
      // Inside a transaction that handles the failure and commits, the refused row is not written.
      yield* store.transaction(
        Effect.gen(function*() {
          yield* store.insert(ws, ACCOUNT, account("kept"))
          const inner = yield* Effect.flip(store.insert(ws, DEAL, deal("d", { accountId: "nobody" })))
          expect(inner._tag).toBe("Conflict")
        })
      )
      expect(Option.isSome(yield* store.get(ws, ACCOUNT, "kept"))).toBe(true)
      expect(Option.isNone(yield* store.get(ws, DEAL, "d"))).toBe(true)
      expect(yield* danglingReferences(ws)).toEqual([])
    }))

  it.effect("references are per workspace: a row of another workspace does not count", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const wsA = freshWorkspace("refA")
      const wsB = freshWorkspace("refB")
      yield* store.insert(wsA, ACCOUNT, account("only-in-A"))
      const conflict = yield* expectFailure("Conflict")(store.insert(wsB, DEAL, deal("d", { accountId: "only-in-A" })))
      expect(conflict.reason).toBe("missing-reference")
      yield* store.insert(wsA, DEAL, deal("d", { accountId: "only-in-A" }))
      // Removing in B a row of the same id is not held back by A's reference.
      yield* store.insert(wsB, ACCOUNT, account("only-in-A"))
      yield* store.remove(wsB, ACCOUNT, "only-in-A", 1)
    }))

  it.effect("remove of a row still referenced fails with Conflict \"still-referenced\" naming the referrer", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      yield* store.insert(ws, ACCOUNT, account("a"))
      yield* store.insert(ws, DEAL, deal("d", { accountId: "a" }))
      const conflict = yield* expectFailure("Conflict")(store.remove(ws, ACCOUNT, "a", 1))
      expect(conflict.reason).toBe("still-referenced")
      expect(conflict.collection).toBe(ACCOUNT)
      expect(conflict.id).toBe("a")
      expect(conflict.reference).toMatchObject({ field: "accountId", collection: DEAL, id: "d" })
      expect(conflict.message).toContain("deal d")
      expect(Option.isSome(yield* store.get(ws, ACCOUNT, "a"))).toBe(true)
      // A stale version or a missing row is reported as such, before any reference.
      expect((yield* expectFailure("Conflict")(store.remove(ws, ACCOUNT, "a", 7))).reason).toBe("stale-version")
      yield* expectFailure("NotFound")(store.remove(ws, ACCOUNT, "gone", 1))
      // Once the referrer is gone, the remove goes through.
      yield* store.remove(ws, DEAL, "d", 1)
      yield* store.remove(ws, ACCOUNT, "a", 1)
      expect(Option.isNone(yield* store.get(ws, ACCOUNT, "a"))).toBe(true)
    }))

  it.effect("a custom reference field holds its target too; a row referring to itself is no obstacle", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      yield* store.insert(ws, ACCOUNT, account("parent"))
      yield* store.insert(ws, ACCOUNT, account("child", { custom: { referrer: "parent", tier: "pro" } }))
      const conflict = yield* expectFailure("Conflict")(store.remove(ws, ACCOUNT, "parent", 1))
      expect(conflict.reason).toBe("still-referenced")
      expect(conflict.reference).toMatchObject({ field: "custom.referrer", collection: ACCOUNT, id: "child" })
      // A row may refer to itself, and removing it is not held back by that reference.
      yield* store.insert(ws, ACCOUNT, account("self", { custom: { referrer: "self" } }))
      yield* store.remove(ws, ACCOUNT, "self", 1)
      // Dropping the reference frees the target.
      const child = Option.getOrThrow(yield* store.get(ws, ACCOUNT, "child"))
      yield* store.update(ws, ACCOUNT, bump(child, { custom: { tier: "pro" } }), 1)
      yield* store.remove(ws, ACCOUNT, "parent", 1)
      expect(yield* danglingReferences(ws)).toEqual([])
    }))

  it.effect("update checks the references it changes, and only those", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      yield* store.insert(ws, ACCOUNT, account("a"))
      yield* store.insert(ws, ACCOUNT, account("b"))
      const d1 = deal("d", { accountId: "a" })
      yield* store.insert(ws, DEAL, d1)
      const moved = bump(d1, { accountId: "b" })
      yield* store.update(ws, DEAL, moved, 1)
      const conflict = yield* expectFailure("Conflict")(store.update(ws, DEAL, bump(moved, { accountId: "nobody" }), 2))
      expect(conflict.reason).toBe("missing-reference")
      expect(conflict.reference).toMatchObject({ field: "accountId", collection: ACCOUNT, id: "nobody" })
      expect(Option.getOrThrow(yield* store.get(ws, DEAL, "d"))).toEqual(moved)
      // A stale version is reported as such, even with a bad reference.
      expect((yield* expectFailure("Conflict")(store.update(ws, DEAL, bump(d1, { accountId: "nobody" }), 1))).reason)
        .toBe("stale-version")
      // Moved away from "a": "a" can go.
      yield* store.remove(ws, ACCOUNT, "a", 1)
      // A reference that already dangled (loaded without checks) does not block other changes.
      yield* Store.withoutReferenceChecks(store.insert(ws, DEAL, deal("legacy", { accountId: "long-gone" })))
      const legacy = Option.getOrThrow(yield* store.get(ws, DEAL, "legacy"))
      yield* store.update(ws, DEAL, bump(legacy, { stage: "won" }), 1)
      expect(Option.getOrThrow(yield* store.get(ws, DEAL, "legacy")).stage).toBe("won")
    }))

  it.effect("insertMany: rows may refer to each other; one missing reference refuses the whole batch", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      // "first" refers to "second", which comes later in the same batch.
      yield* store.insertMany(ws, ACCOUNT, [
        account("first", { custom: { referrer: "second" } }),
        account("second", { custom: { referrer: "first" } })
      ])
      yield* store.insertMany(ws, DEAL, [deal("d1", { accountId: "first" }), deal("d2", { accountId: "second" })])
      const conflict = yield* expectFailure("Conflict")(
        store.insertMany(ws, DEAL, [deal("d3", { accountId: "first" }), deal("d4", { accountId: "nobody" })])
      )
      expect(conflict.reason).toBe("missing-reference")
      expect(conflict.id).toBe("d4")
      expect(yield* store.getMany(ws, DEAL, ["d3", "d4"])).toEqual([])
      expect(yield* danglingReferences(ws)).toEqual([])
    }))

  it.effect("in a transaction the writer's own rows count: create and refer, then delete referrer and target", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      yield* store.transaction(
        Effect.gen(function*() {
          yield* store.insert(ws, ACCOUNT, account("a"))
          yield* store.insert(ws, DEAL, deal("d", { accountId: "a" }))
          expect((yield* expectFailure("Conflict")(store.remove(ws, ACCOUNT, "a", 1))).reason).toBe("still-referenced")
        })
      )
      yield* store.transaction(
        Effect.gen(function*() {
          yield* store.remove(ws, DEAL, "d", 1)
          yield* store.remove(ws, ACCOUNT, "a", 1)
          // Gone for this transaction too: a new reference to it is refused.
          expect((yield* expectFailure("Conflict")(store.insert(ws, DEAL, deal("e", { accountId: "a" })))).reason)
            .toBe("missing-reference")
        })
      )
      expect(yield* store.getMany(ws, ACCOUNT, ["a"])).toEqual([])
      expect(yield* store.getMany(ws, DEAL, ["d", "e"])).toEqual([])
    }))

  it.effect("withoutReferenceChecks loads rows that dangle and removes rows still referenced", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      yield* Store.withoutReferenceChecks(
        Effect.gen(function*() {
          yield* store.insert(ws, DEAL, deal("orphan", { accountId: "missing" }))
          yield* store.insertMany(ws, ACCOUNT, [account("a", { custom: { referrer: "missing" } })])
          yield* store.insert(ws, DEAL, deal("d", { accountId: "a" }))
          yield* store.remove(ws, ACCOUNT, "a", 1)
        })
      )
      expect((yield* danglingReferences(ws)).length).toBe(2)
      // Checks are back on outside it.
      expect((yield* expectFailure("Conflict")(store.insert(ws, DEAL, deal("x", { accountId: "missing" })))).reason)
        .toBe("missing-reference")
    }))

  it.effect("two transactions open at once: one refers to a row, the other removes it; exactly one commits", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      for (const first of ["refer", "remove"] as const) {
        const ws = freshWorkspace()
        yield* store.insert(ws, ACCOUNT, account("a"))
        const bothRead = yield* barrier(2)
        const committed = yield* Deferred.make<void>()
        const refer = store.transaction(
          Effect.gen(function*() {
            expect(Option.isSome(yield* store.get(ws, ACCOUNT, "a"))).toBe(true)
            yield* bothRead
            if (first === "remove") yield* Deferred.await(committed)
            yield* store.insert(ws, DEAL, deal("d", { accountId: "a" }))
          })
        ).pipe(Effect.ensuring(first === "refer" ? Deferred.succeed(committed, undefined) : Effect.void), Effect.either)
        const remove = store.transaction(
          Effect.gen(function*() {
            const page = yield* store.find(ws, { collection: DEAL, where: { _tag: "Compare", field: "accountId", op: "eq", value: "a" } })
            expect(page.rows).toEqual([])
            yield* bothRead
            if (first === "refer") yield* Deferred.await(committed)
            yield* store.remove(ws, ACCOUNT, "a", 1)
          })
        ).pipe(Effect.ensuring(first === "remove" ? Deferred.succeed(committed, undefined) : Effect.void), Effect.either)
        const [referred, removed] = yield* Effect.all([refer, remove], { concurrency: "unbounded" }).pipe(
          deadline(20, "a referring transaction and a removing one")
        )
        const outcomes = [referred, removed]
        expect(outcomes.filter(Either.isRight).length, `${first} first: exactly one commits`).toBe(1)
        for (const loss of outcomes.filter(Either.isLeft)) {
          expect(loss.left).toMatchObject({ _tag: "Conflict" })
          expect(raceReasons).toContain((loss.left as { reason: string }).reason)
        }
        expect(yield* danglingReferences(ws), `${first} first`).toEqual([])
      }
    }))

  it.effect.prop(
    "race: concurrent writes referring to rows and removes of those rows never leave a dangling reference",
    { s: scenario },
    ({ s }) =>
      Effect.gen(function*() {
        const store = yield* Store.Store
        const ws = freshWorkspace("race")
        const targets = Array.from({ length: s.targets }, (_, i) => `t${i}`)
        yield* store.insertMany(ws, ACCOUNT, [...targets.map((id) => account(id)), account("spare")])
        const repoints = s.ops.flatMap((op, i) => (op.kind === "repoint" ? [deal(`r${i}`, { accountId: "spare" })] : []))
        if (repoints.length > 0) yield* store.insertMany(ws, DEAL, repoints)
        const arrive = yield* barrier(s.ops.length)
        const write = (op: Op, i: number) => {
          const t = targets[op.target]!
          switch (op.kind) {
            case "deal":
              return store.insert(ws, DEAL, deal(`n${i}`, { accountId: t }))
            case "custom":
              return store.insert(ws, ACCOUNT, account(`c${i}`, { custom: { referrer: t } }))
            case "repoint":
              return store.update(ws, DEAL, bump(deal(`r${i}`, { accountId: "spare" }), { accountId: t }), 1)
            case "remove":
              return store.remove(ws, ACCOUNT, t, 1)
          }
        }
        const run = (op: Op, i: number) =>
          op.bare
            ? Effect.zipRight(arrive, write(op, i))
            : store.transaction(
              Effect.gen(function*() {
                // Read what a service's checks read, then write once every party has read.
                yield* store.get(ws, ACCOUNT, targets[op.target]!)
                yield* arrive
                yield* write(op, i)
              })
            )
        const outcomes = yield* Effect.all(s.ops.map((op, i) => Effect.either(run(op, i))), {
          concurrency: "unbounded"
        }).pipe(deadline(60, "racing reference writes and removes"))

        expect(yield* danglingReferences(ws), JSON.stringify(s)).toEqual([])
        expect(outcomes.some(Either.isRight), "some operation commits").toBe(true)
        for (const [i, outcome] of outcomes.entries()) {
          if (Either.isLeft(outcome)) {
            expect(outcome.left, JSON.stringify(s.ops[i])).toMatchObject({ _tag: "Conflict" })
            expect(raceReasons).toContain((outcome.left as { reason: string }).reason)
          }
        }
        // Each operation's effect is there exactly when it committed, and the committed
        // ones are compatible with some serial order: a target removed has no referrer.
        for (const [i, op] of s.ops.entries()) {
          const ok = Either.isRight(outcomes[i]!)
          const t = targets[op.target]!
          switch (op.kind) {
            case "deal":
              expect(Option.isSome(yield* store.get(ws, DEAL, `n${i}`))).toBe(ok)
              break
            case "custom":
              expect(Option.isSome(yield* store.get(ws, ACCOUNT, `c${i}`))).toBe(ok)
              break
            case "repoint": {
              const row = Option.getOrThrow(yield* store.get(ws, DEAL, `r${i}`))
              expect([row.accountId, row.version]).toEqual(ok ? [t, 2] : ["spare", 1])
              break
            }
            case "remove": {
              expect(Option.isNone(yield* store.get(ws, ACCOUNT, t))).toBe(ok)
              if (ok) {
                const referred = s.ops.some((other, j) => other.kind !== "remove" && other.target === op.target && Either.isRight(outcomes[j]!))
                expect(referred, `${t} was removed and referred to`).toBe(false)
              }
              break
            }
          }
        }
      }),
    { timeout: 180_000, fastCheck }
  )
}
