/**
 * The customer 360 brings a contact's records together, and its timeline pages
 * through everything that happened to the contact, newest first, exactly once.
 * (A missing contact and a malformed cursor are refused in badInput.ts.)
 */
import type { Vitest } from "@effect/vitest"
import { expect } from "@effect/vitest"
import { Companies, Conversations, Customer360, Errors, Notes } from "@rapport/core"
import { Effect, Exit } from "effect"
import * as Fixtures from "./fixtures.js"
import * as Harness from "./harness.js"

type It = Vitest.MethodsNonLive<Harness.Services>

export const customerViewSuite = (it: It) => {
  it.effect("the customer 360 gathers company, orders with totals, conversations, tasks and activities", () =>
    Harness.inFreshWorkspace(Effect.gen(function*() {
      const f = yield* Fixtures.seed
      const view = yield* Effect.flatMap(Customer360.Customer360, (c) => c.get(f.contact.id))
      expect(view.contact.id).toBe(f.contact.id)
      expect(view.company?.id).toBe(f.company.id)
      expect(view.orders.recent.map((o) => o.id)).toEqual([f.order.id])
      expect(view.orders.totals).toEqual([
        { currency: "EUR", orders: 1, totalMinor: 2649, refundedMinor: 0, firstPlacedAt: f.order.placedAt, lastPlacedAt: f.order.placedAt }
      ])
      expect(view.conversations.recent.map((c) => c.id)).toEqual([f.conversation.id])
      expect(view.conversations.open).toBe(1)
      expect(view.openTasks.map((t) => t.id)).toEqual([f.task.id])
      expect(view.recentActivities.map((a) => a.id)).toEqual([f.activity.id])
      const types = view.timeline.entries.map((e) => e.type)
      for (const t of ["ContactCreated", "OrderPlaced", "OrderPaid", "ConversationStarted", "MessageAdded", "TaskCreated", "NoteCreated", "ActivityLogged"]) {
        expect(types).toContain(t)
      }
      // Events about other records (the company itself, the user) are not the contact's.
      expect(types).not.toContain("UserCreated")
      expect(types).not.toContain("CompanyCreated")
    })))

  it.effect("counts every open conversation, not only the first page of them", () =>
    Harness.inFreshWorkspace(Effect.gen(function*() {
      const f = yield* Fixtures.seed
      const conversations = yield* Conversations.Conversations
      // More threads than any page the view loads (it used to count the first 100 only).
      for (let i = 0; i < 104; i++) yield* conversations.start({ contactId: f.contact.id, channel: "email" })
      const closed = yield* conversations.start({ contactId: f.contact.id, channel: "chat" })
      yield* conversations.close(closed)
      const view = yield* Effect.flatMap(Customer360.Customer360, (c) => c.get(f.contact.id, { recent: 3 }))
      expect(view.conversations.open).toBe(105)
      expect(view.conversations.recent).toHaveLength(3)
    })), 120_000)

  it.effect("a failing store is an error of the view, not a missing company", () =>
    Harness.inFreshWorkspace(Effect.gen(function*() {
      const f = yield* Fixtures.seed
      const companies = yield* Companies.Companies
      const broken = new Errors.StoreError({ operation: "Companies.get", detail: "the disk is on fire" })
      const view = yield* Customer360.make.pipe(
        Effect.provideService(Companies.Companies, { ...companies, get: () => Effect.fail(broken) })
      )
      const exit = yield* Effect.exit(view.get(f.contact.id))
      expect(exit).toStrictEqual(Exit.fail(broken))
    })))

  it.effect("the timeline pages newest first with no entry twice or missing", () =>
    Harness.inFreshWorkspace(Effect.gen(function*() {
      const f = yield* Fixtures.seed
      const notes = yield* Notes.Notes
      for (let i = 0; i < 23; i++) yield* notes.create({ body: `note ${i}`, contactId: f.contact.id })
      const c360 = yield* Customer360.Customer360
      const all = yield* c360.timeline(f.contact.id, { limit: 500 })
      const seen: Array<number> = []
      let cursor: string | null | undefined = undefined
      do {
        const page: Customer360.Service extends { timeline: (...a: any) => Effect.Effect<infer P, any, any> } ? P : never =
          yield* c360.timeline(f.contact.id, { limit: 7, ...(cursor ? { cursor } : {}) })
        seen.push(...page.entries.map((e) => e.position))
        cursor = page.nextCursor
      } while (cursor !== null)
      expect(seen).toEqual(all.entries.map((e) => e.position))
      expect([...seen].sort((a, b) => b - a)).toEqual(seen)
      expect(new Set(seen).size).toBe(seen.length)
      expect(seen.length).toBeGreaterThan(23)
    })))
}
