/**
 * Event order under late commits: `readEvents` positions grow in commit order, so a
 * consumer resuming after the last position it read never skips an event, even one
 * whose transaction appended early and committed late.
 *
 * A fast-check property forces the late commit instead of hoping for it: "late"
 * transactions append and then stay open; "prompt" transactions append and commit
 * meanwhile; a consumer reads after every step; then the late ones commit, in a random
 * order, with the consumer reading between commits. An adapter that hands out positions
 * at append time (a plain sequence, without ordering appends by commit) lets a prompt
 * transaction commit a position above a late one's, the consumer moves past it, and the
 * late event is never read. A correct adapter either assigns positions at commit (the
 * memory store) or makes later appends wait for the open transaction (PostgreSQL's
 * advisory lock, SQLite's single writer), so every wait below is bounded and "still
 * blocked" is an accepted outcome: a slow machine can only make the test weaker, never
 * make it fail.
 *
 * The same property runs on the feed across workspaces (`readFeed`): the late
 * transactions append in one workspace and the prompt ones in another, and the consumer
 * follows the feed with one checkpoint. An adapter that orders positions by commit only
 * within a workspace (a per-workspace lock) fails it.
 */
import { expect } from "@effect/vitest"
import { type DomainEvent, Store } from "@rapport/core"
import { Deferred, Effect, FastCheck as fc, Fiber, Option } from "effect"
import { deadline, event, feedHead, freshWorkspace, type It } from "../internal/harness.js"
import { ACCOUNT } from "../TestCatalog.js"

/** How hard the property pushes. */
export interface Options {
  /** Runs of the property (default 12). */
  readonly numRuns?: number
  /** A fast-check seed to replay a failure. */
  readonly seed?: number
}

/** One writer's transaction: how many events it appends. */
const transactionArb = fc.integer({ min: 1, max: 3 })

const scenario = fc.record({
  /** Events committed before the race. */
  before: fc.integer({ min: 0, max: 3 }),
  /** Transactions that append, then stay open until released. */
  late: fc.array(transactionArb, { minLength: 1, maxLength: 3 }),
  /** Transactions that append and commit while the late ones are open. */
  prompt: fc.array(transactionArb, { minLength: 1, maxLength: 3 }),
  /** Sort keys giving the order in which the late transactions commit. */
  releaseKeys: fc.array(fc.nat(1_000), { minLength: 3, maxLength: 3 }),
  /** The consumer's page size. */
  pageSize: fc.integer({ min: 1, max: 4 })
})

/** How long one bounded wait may poll: 40 rounds of 5 ms. */
const ROUNDS = 40

export const eventOrderSuite = (it: It, options: Options = {}) => {
  const fastCheck = { numRuns: options.numRuns ?? 12, ...(options.seed === undefined ? {} : { seed: options.seed }) }

  const property = (feed: boolean) => ({ s }: { readonly s: typeof scenario extends fc.Arbitrary<infer A> ? A : never }) =>
      deadline(30, "late-commit ordering (a transaction never finished)")(Effect.gen(function*() {
        const store = yield* Store.Store
        const ws = freshWorkspace("order")
        // On the feed, the prompt transactions write to another workspace.
        const promptWs = feed ? freshWorkspace("order") : ws
        const ours = new Set([ws, promptWs])
        const read = (after: number, limit: number) =>
          feed
            ? Effect.map(store.readFeed({ after, limit }), (page) => ({ page, mine: page.filter((e) => ours.has(e.workspaceId)) }))
            : Effect.map(store.readEvents(ws, { after, limit }), (page) => ({ page, mine: page }))
        const eventsOf = (label: string, count: number) =>
          Array.from({ length: count }, (_, k) =>
            event("Tick", ACCOUNT, `${label}-${k}`, { occurredAt: k, subjects: [`account:${label}-${k}`] }))

        // The consumer: reads pages after the last position it saw until a page is empty.
        const seen: Array<DomainEvent.StoredEvent> = []
        const start = feed ? yield* feedHead : 0
        let after = start
        const drain = Effect.gen(function*() {
          for (;;) {
            const { mine, page } = yield* read(after, s.pageSize)
            expect(page.length).toBeLessThanOrEqual(s.pageSize)
            if (page.length === 0) return
            seen.push(...mine)
            after = page[page.length - 1]!.position
          }
        })

        // A bounded wait. Once one expires the store is making writers wait for each
        // other (the correct path), so later waits only yield: the run stays short.
        let serialized = false
        const waitFor = (done: Effect.Effect<boolean>) =>
          Effect.gen(function*() {
            const rounds = serialized ? 0 : ROUNDS
            for (let i = 0; i <= rounds; i++) {
              if (yield* done) return
              yield* Effect.yieldNow()
              if (i < rounds) yield* Effect.sleep("5 millis")
            }
            serialized = true
          })
        const finished = (fiber: Fiber.RuntimeFiber<unknown, unknown>) => Effect.map(Fiber.poll(fiber), Option.isSome)

        if (s.before > 0) yield* store.append(ws, eventsOf("before", s.before))
        yield* drain

        // Late transactions: append (a position is drawn, or the append waits), then stay open.
        const late = yield* Effect.forEach(s.late, (count, i) =>
          Effect.gen(function*() {
            const appended = yield* Deferred.make<void>()
            const release = yield* Deferred.make<void>()
            const fiber = yield* Effect.fork(store.transaction(Effect.gen(function*() {
              yield* store.append(ws, eventsOf(`late${i}`, count))
              yield* Deferred.succeed(appended, undefined)
              yield* Deferred.await(release)
            })))
            yield* waitFor(Deferred.isDone(appended))
            yield* drain
            return { fiber, release }
          }))

        // Prompt transactions append and commit (or wait for the late ones) meanwhile.
        const prompt = yield* Effect.forEach(s.prompt, (count, i) =>
          Effect.gen(function*() {
            const fiber = yield* Effect.fork(store.transaction(store.append(promptWs, eventsOf(`prompt${i}`, count))))
            yield* waitFor(finished(fiber))
            yield* drain
            return fiber
          }))

        // The late transactions commit, in a random order, the consumer reading in between.
        const order = late.map((_, i) => i).sort((a, b) => s.releaseKeys[a]! - s.releaseKeys[b]! || a - b)
        for (const i of order) {
          yield* Deferred.succeed(late[i]!.release, undefined)
          yield* waitFor(finished(late[i]!.fiber))
          yield* drain
        }
        yield* Effect.forEach(late, ({ fiber }) => Fiber.join(fiber), { discard: true })
        yield* Effect.forEach(prompt, (fiber) => Fiber.join(fiber), { discard: true })
        yield* drain

        // Every committed event, read once from the start.
        const all: Array<DomainEvent.StoredEvent> = []
        for (let from = start;;) {
          const { mine, page } = yield* read(from, 100)
          if (page.length === 0) break
          all.push(...mine)
          from = page[page.length - 1]!.position
        }
        const expected = [
          ...eventsOf("before", s.before),
          ...s.late.flatMap((count, i) => eventsOf(`late${i}`, count)),
          ...s.prompt.flatMap((count, i) => eventsOf(`prompt${i}`, count))
        ].map((e) => e.recordId)
        const context = JSON.stringify(s)
        expect([...all.map((e) => e.recordId)].sort(), `every committed event is in the log: ${context}`)
          .toEqual([...expected].sort())
        // The incremental consumer saw exactly the log: nothing skipped, nothing twice.
        expect(seen.map((e) => e.recordId), `the consumer skipped or repeated an event: ${context}`)
          .toEqual(all.map((e) => e.recordId))
        expect(seen.map((e) => e.position)).toEqual(all.map((e) => e.position))
        for (let i = 1; i < all.length; i++) expect(all[i]!.position).toBeGreaterThan(all[i - 1]!.position)
        // One transaction's events are contiguous, in the order it appended them.
        const ids = all.map((e) => e.recordId)
        for (const [label, count] of [
          ...s.late.map((c, i) => [`late${i}`, c] as const),
          ...s.prompt.map((c, i) => [`prompt${i}`, c] as const)
        ]) {
          const start = ids.indexOf(`${label}-0`)
          expect(ids.slice(start, start + count), `${label} is contiguous: ${context}`)
            .toEqual(Array.from({ length: count }, (_, k) => `${label}-${k}`))
        }
      }))

  it.effect.prop(
    "late commits: a consumer resuming after the last position it read sees every event exactly once, in commit order",
    { s: scenario },
    property(false),
    { timeout: 120_000, fastCheck }
  )

  it.effect.prop(
    "late commits across workspaces: a consumer of the feed resuming after the last position it read sees every event exactly once, in commit order",
    { s: scenario },
    property(true),
    { timeout: 120_000, fastCheck }
  )
}
