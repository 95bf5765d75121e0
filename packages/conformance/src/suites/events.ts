/**
 * The event log: positions grow, `readEvents` resumes exactly after a position,
 * `eventsFor` pages newest first, and events of failed transactions never appear.
 */
import { expect } from "@effect/vitest"
import { Actor, type DomainEvent, Store } from "@rapport/core"
import { Effect } from "effect"
import { Boom, event, freshWorkspace, type It } from "../internal/harness.js"
import { ACCOUNT, DEAL } from "../TestCatalog.js"

const sample: ReadonlyArray<DomainEvent.NewEvent> = [
  event("AccountCreated", ACCOUNT, "a", { occurredAt: 1 }),
  event("DealCreated", DEAL, "d1", { occurredAt: 2, subjects: ["deal:d1", "account:a"] }),
  event("AccountCreated", ACCOUNT, "b", { occurredAt: 3 }),
  event("AccountUpdated", ACCOUNT, "a", { version: 2, occurredAt: 4, payload: { changes: { name: { from: "x", to: "y" } } } }),
  event("DealCreated", DEAL, "d2", { occurredAt: 5, subjects: ["deal:d2", "account:b", "account:a"] }),
  event("AccountDeleted", ACCOUNT, "b", { version: 3, occurredAt: 6 }),
  event("AccountUpdated", ACCOUNT, "a", { version: 3, occurredAt: 7 })
]

const appendOneByOne = (ws: string, events: ReadonlyArray<DomainEvent.NewEvent>) =>
  Effect.flatMap(Store.Store, (store) => Effect.forEach(events, (e) => store.append(ws, [e]), { discard: true }))

export const eventsSuite = (it: It) => {
  it.effect("appended events come back with every field, in order, with increasing positions", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      const rich = event("ContactCreated", ACCOUNT, "a", {
        version: 1,
        occurredAt: 1_700_000_000_123,
        subjects: ["account:a", "deal:d1"],
        payload: { nested: [1, "😀", null, true, { deep: "É" }], n: -1.5 }
      })
      const withUser = { ...event("Touched", ACCOUNT, "a"), actor: Actor.user("usr_1") }
      yield* store.append(ws, [rich, withUser])
      yield* store.append(ws, [])
      const events = yield* store.readEvents(ws, { after: 0, limit: 10 })
      expect(events.length).toBe(2)
      const [first, second] = events
      expect({
        type: first!.type,
        collection: first!.collection,
        recordId: first!.recordId,
        version: first!.version,
        occurredAt: first!.occurredAt,
        subjects: first!.subjects,
        payload: first!.payload,
        workspaceId: first!.workspaceId,
        actor: { kind: first!.actor.kind, id: first!.actor.id }
      }).toEqual({
        type: "ContactCreated",
        collection: ACCOUNT,
        recordId: "a",
        version: 1,
        occurredAt: 1_700_000_000_123,
        subjects: ["account:a", "deal:d1"],
        payload: { nested: [1, "😀", null, true, { deep: "É" }], n: -1.5 },
        workspaceId: ws,
        actor: { kind: "system", id: null }
      })
      expect({ kind: second!.actor.kind, id: second!.actor.id }).toEqual({ kind: "user", id: "usr_1" })
      expect(first!.position).toBeGreaterThan(0)
      expect(second!.position).toBeGreaterThan(first!.position)
      expect(Number.isSafeInteger(first!.position)).toBe(true)
    }))

  it.effect("readEvents after a position resumes exactly, oldest first, at most limit", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      yield* store.append(ws, sample.slice(0, 3))
      yield* appendOneByOne(ws, sample.slice(3))
      const all = yield* store.readEvents(ws, { after: 0, limit: 100 })
      expect(all.map((e) => e.occurredAt)).toEqual([1, 2, 3, 4, 5, 6, 7])
      for (let i = 1; i < all.length; i++) expect(all[i]!.position).toBeGreaterThan(all[i - 1]!.position)
      // Resume after every position, with every limit.
      for (let i = 0; i < all.length; i++) {
        for (const limit of [1, 2, 3, 100]) {
          const after = all[i]!.position
          const page = yield* store.readEvents(ws, { after, limit })
          expect(page.map((e) => e.position)).toEqual(all.slice(i + 1, i + 1 + limit).map((e) => e.position))
        }
      }
      // Reading page by page visits every event exactly once.
      const seen: Array<number> = []
      let after = 0
      for (;;) {
        const page = yield* store.readEvents(ws, { after, limit: 2 })
        if (page.length === 0) break
        seen.push(...page.map((e) => e.occurredAt))
        after = page[page.length - 1]!.position
      }
      expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7])
      expect(yield* store.readEvents(ws, { after: all[all.length - 1]!.position, limit: 10 })).toEqual([])
      // Events appended later continue after the last position read.
      yield* store.append(ws, [event("Later", ACCOUNT, "c", { occurredAt: 8 })])
      expect((yield* store.readEvents(ws, { after, limit: 10 })).map((e) => e.type)).toEqual(["Later"])
    }))

  it.effect("eventsFor returns the events naming a subject, newest first, paged with before", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      yield* appendOneByOne(ws, sample)
      const forA = yield* store.eventsFor(ws, { subject: "account:a", limit: 100 })
      // a is named by events 1, 2 (as a second subject), 4, 5 (third subject), 7.
      expect(forA.map((e) => e.occurredAt)).toEqual([7, 5, 4, 2, 1])
      for (let i = 1; i < forA.length; i++) expect(forA[i]!.position).toBeLessThan(forA[i - 1]!.position)
      const forB = yield* store.eventsFor(ws, { subject: "account:b", limit: 100 })
      expect(forB.map((e) => e.occurredAt)).toEqual([6, 5, 3])
      expect((yield* store.eventsFor(ws, { subject: "deal:d1", limit: 100 })).map((e) => e.occurredAt)).toEqual([2])
      expect(yield* store.eventsFor(ws, { subject: "account:zzz", limit: 100 })).toEqual([])
      // A subject is matched whole, never as a prefix.
      expect(yield* store.eventsFor(ws, { subject: "account:", limit: 100 })).toEqual([])
      // Paging with before.
      const seen: Array<number> = []
      let before: number | undefined = undefined
      for (;;) {
        const page: ReadonlyArray<DomainEvent.StoredEvent> = yield* store.eventsFor(ws, {
          subject: "account:a",
          limit: 2,
          ...(before === undefined ? {} : { before })
        })
        expect(page.length).toBeLessThanOrEqual(2)
        if (page.length === 0) break
        seen.push(...page.map((e) => e.occurredAt))
        before = page[page.length - 1]!.position
      }
      expect(seen).toEqual([7, 5, 4, 2, 1])
      // before is exclusive; before: undefined means all.
      const p4 = forA[2]!.position
      expect((yield* store.eventsFor(ws, { subject: "account:a", before: p4, limit: 100 })).map((e) => e.occurredAt))
        .toEqual([2, 1])
      expect((yield* store.eventsFor(ws, { subject: "account:a", before: undefined, limit: 1 })).map((e) => e.occurredAt))
        .toEqual([7])
    }))

  it.effect("events appended in a failed transaction never appear, and positions stay ordered after it", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      yield* store.append(ws, [event("Kept1", ACCOUNT, "a")])
      yield* Effect.flip(store.transaction(
        Effect.zipRight(store.append(ws, [event("Lost", ACCOUNT, "a"), event("Lost", ACCOUNT, "a")]), Effect.fail(new Boom()))
      ))
      yield* store.transaction(store.append(ws, [event("Kept2", ACCOUNT, "a")]))
      const all = yield* store.readEvents(ws, { after: 0, limit: 10 })
      expect(all.map((e) => e.type)).toEqual(["Kept1", "Kept2"])
      expect(all[1]!.position).toBeGreaterThan(all[0]!.position)
      expect((yield* store.eventsFor(ws, { subject: "account:a", limit: 10 })).map((e) => e.type)).toEqual([
        "Kept2",
        "Kept1"
      ])
      // Resuming after the first kept event yields the second, nothing lost in between.
      expect((yield* store.readEvents(ws, { after: all[0]!.position, limit: 10 })).map((e) => e.type)).toEqual(["Kept2"])
    }))
}
