/**
 * The feed across workspaces: `readFeed` reads every workspace's committed events in one
 * order that grows in commit order, resumes exactly after a position and filters by type;
 * `readEvents` filters by type too; `awaitFeed` returns as soon as the feed has an event
 * past a position and is woken by a commit, not by polling; and under concurrent writers
 * in many workspaces a consumer following the feed sees every committed event exactly
 * once, in each workspace's commit order.
 */
import { expect } from "@effect/vitest"
import { type DomainEvent, Store } from "@rapport/core"
import { Effect, Fiber, Option } from "effect"
import { Boom, deadline, event, feedHead, freshWorkspace, type It } from "../internal/harness.js"
import { ACCOUNT } from "../TestCatalog.js"


/** Every event of the feed after `after` (of `types`), page by page. */
const readAll = (after: number, options: { readonly limit?: number; readonly types?: ReadonlyArray<string> } = {}) =>
  Effect.gen(function*() {
    const store = yield* Store.Store
    const out: Array<DomainEvent.StoredEvent> = []
    for (let from = after;;) {
      const page = yield* store.readFeed({ after: from, limit: options.limit ?? 100, types: options.types })
      if (page.length === 0) return out
      out.push(...page)
      from = page[page.length - 1]!.position
    }
  })

const ids = (events: ReadonlyArray<DomainEvent.StoredEvent>) => events.map((e) => e.recordId)

export const feedSuite = (it: It) => {
  it.effect("readFeed reads every workspace's events in one order, resumes exactly after a position, and filters by type", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const [a, b, c] = [freshWorkspace("feedA"), freshWorkspace("feedB"), freshWorkspace("feedC")]
      const ours = new Set([a, b, c])
      const start = yield* feedHead
      yield* store.append(a, [event("T1", ACCOUNT, "a1")])
      yield* store.transaction(Effect.gen(function*() {
        yield* store.append(b, [event("T2", ACCOUNT, "b1"), event("T1", ACCOUNT, "b2")])
        yield* store.append(c, [event("T3", ACCOUNT, "c1")])
      }))
      // A failed transaction's events never reach the feed.
      yield* Effect.flip(store.transaction(Effect.zipRight(store.append(b, [event("T1", ACCOUNT, "lost")]), Effect.fail(new Boom()))))
      yield* store.append(a, [event("T2", ACCOUNT, "a2")])

      const feed = (yield* readAll(start)).filter((e) => ours.has(e.workspaceId))
      expect(ids(feed)).toEqual(["a1", "b1", "b2", "c1", "a2"])
      for (let i = 1; i < feed.length; i++) expect(feed[i]!.position).toBeGreaterThan(feed[i - 1]!.position)
      // Within a workspace the feed is that workspace's log.
      for (const ws of [a, b, c]) {
        expect(ids(feed.filter((e) => e.workspaceId === ws))).toEqual(ids(yield* store.readEvents(ws, { after: 0, limit: 100 })))
      }
      // Resuming after any position, with any page size, continues exactly.
      for (let i = 0; i < feed.length; i++) {
        for (const limit of [1, 2, 10]) {
          const page = yield* store.readFeed({ after: feed[i]!.position, limit })
          expect(page.length).toBeLessThanOrEqual(limit)
          expect(ids(page.filter((e) => ours.has(e.workspaceId)))).toEqual(ids(feed.slice(i + 1, i + 1 + page.length)))
        }
      }
      const typed = (types: ReadonlyArray<string>) =>
        Effect.map(readAll(start, { types, limit: 1 }), (events) => ids(events.filter((e) => ours.has(e.workspaceId))))
      expect(yield* typed(["T1"])).toEqual(["a1", "b2"])
      expect(yield* typed(["T3", "T1", "T1"])).toEqual(["a1", "b2", "c1"])
      expect(yield* typed(["Nope"])).toEqual([])
      expect(yield* store.readFeed({ after: start, limit: 10, types: [] })).toEqual([])
      expect(yield* store.readFeed({ after: start, limit: 0 })).toEqual([])
      // readEvents filters by type the same way.
      expect(ids(yield* store.readEvents(b, { after: 0, limit: 10, types: ["T1"] }))).toEqual(["b2"])
      expect(ids(yield* store.readEvents(a, { after: 0, limit: 10, types: ["T2", "T2"] }))).toEqual(["a2"])
      expect(ids(yield* store.readEvents(a, { after: feed[0]!.position, limit: 10, types: ["T1", "T2"] }))).toEqual(["a2"])
      expect(yield* store.readEvents(a, { after: 0, limit: 10, types: [] })).toEqual([])
    }))

  it.effect("awaitFeed returns at once when the feed has an event past the position, false at the timeout, and a commit wakes it", () =>
    deadline(30, "awaitFeed was not woken")(Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace("await")
      const now = yield* feedHead
      expect(yield* store.awaitFeed({ after: now - 1, timeout: "1 hour" })).toBe(true)
      expect(yield* store.awaitFeed({ after: now, timeout: "30 millis" })).toBe(false)

      // Polling every hour: only the commit's signal can wake these in time.
      const never = { timeout: "1 hour", pollInterval: "1 hour" } as const
      const waiter = yield* Effect.fork(store.awaitFeed({ after: now, ...never }))
      yield* Effect.sleep("20 millis")
      yield* store.transaction(store.append(ws, [event("Woke", ACCOUNT, "w1")]))
      expect(yield* Fiber.join(waiter)).toBe(true)

      // A waiter for some types sleeps through commits of others.
      const before = yield* feedHead
      const typed = yield* Effect.fork(store.awaitFeed({ after: before, types: ["Wanted"], ...never }))
      yield* Effect.sleep("20 millis")
      yield* store.append(ws, [event("Other", ACCOUNT, "o1")])
      yield* Effect.sleep("50 millis")
      expect(Option.isNone(yield* Fiber.poll(typed))).toBe(true)
      yield* store.append(ws, [event("Wanted", ACCOUNT, "x1")])
      expect(yield* Fiber.join(typed)).toBe(true)
    })))

  it.effect("concurrent writers in many workspaces: a consumer following the feed sees every committed event once, in commit order", () =>
    deadline(90, "the feed consumer never saw the last event")(Effect.gen(function*() {
      const store = yield* Store.Store
      const workspaces = Array.from({ length: 5 }, (_, i) => freshWorkspace(`busy${i}`))
      const ours = new Set(workspaces)
      const done = freshWorkspace("done")
      const start = yield* feedHead

      // The consumer: waits, reads a small page, moves its one checkpoint, until "Done".
      const seen: Array<DomainEvent.StoredEvent> = []
      const consumer = yield* Effect.fork(Effect.gen(function*() {
        let after = start
        for (;;) {
          yield* store.awaitFeed({ after, timeout: "5 seconds", pollInterval: "200 millis" })
          const page = yield* store.readFeed({ after, limit: 7 })
          for (const e of page) {
            if (e.workspaceId === done) return
            if (ours.has(e.workspaceId)) seen.push(e)
          }
          if (page.length > 0) after = page[page.length - 1]!.position
        }
      }))

      // Four writers, 15 transactions each, over the five workspaces; every fifth fails.
      const committed: Array<string> = []
      yield* Effect.all(
        Array.from({ length: 4 }, (_, w) =>
          Effect.forEach(Array.from({ length: 15 }, (_, t) => t), (t) => {
            const first = workspaces[(w + t) % workspaces.length]!
            const second = workspaces[(w + 2 * t + 1) % workspaces.length]!
            const label = `w${w}t${t}`
            const body = Effect.gen(function*() {
              yield* store.append(first, [event("Busy", ACCOUNT, `${label}-0`), event("Busy", ACCOUNT, `${label}-1`)])
              yield* Effect.yieldNow()
              yield* store.append(second, [event("Busy", ACCOUNT, `${label}-2`)])
              if (t % 5 === 4) return yield* Effect.fail(new Boom())
            })
            return store.transaction(body).pipe(
              Effect.tap(() => Effect.sync(() => committed.push(`${label}-0`, `${label}-1`, `${label}-2`))),
              Effect.catchTag("Boom", () => Effect.void)
            )
          }, { discard: true })),
        { concurrency: "unbounded", discard: true }
      )
      yield* store.append(done, [event("Done", ACCOUNT, "done")])
      yield* Fiber.join(consumer)

      expect(ids(seen).sort()).toEqual([...committed].sort())
      for (let i = 1; i < seen.length; i++) expect(seen[i]!.position).toBeGreaterThan(seen[i - 1]!.position)
      for (const ws of workspaces) {
        const log = yield* store.readEvents(ws, { after: 0, limit: 1000 })
        expect(ids(seen.filter((e) => e.workspaceId === ws))).toEqual(ids(log))
      }
    })), 120_000)
}
