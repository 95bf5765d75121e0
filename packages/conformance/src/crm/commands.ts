/**
 * Commands do what they say: versions, events with the state, domain rules, unique
 * keys, tenancy. Refusals (bad input, dangling or still-used references, duplicate
 * committee members, records of another workspace) are in badInput.ts, which also
 * proves that they write nothing.
 */
import type { Vitest } from "@effect/vitest"
import { expect } from "@effect/vitest"
import {
  Associations,
  Companies,
  Contacts,
  Conversations,
  Customer360,
  Orders,
  Store,
  Tasks,
  Users,
  Workspace
} from "@rapport/core"
import { Effect, Exit } from "effect"
import * as Fixtures from "./fixtures.js"
import * as Harness from "./harness.js"

type It = Vitest.MethodsNonLive<Harness.Services>

const eventsOf = (workspaceId: string) =>
  Effect.flatMap(Store.Store, (store) => store.readEvents(workspaceId, { after: 0, limit: 10_000 }))

export const commandsSuite = (it: It) => {
  it.effect("create normalises input, starts at version 1 and appends its event in the same workspace", () =>
    Harness.inFreshWorkspace(Effect.gen(function*() {
      const contacts = yield* Contacts.Contacts
      const ada = yield* contacts.create({ firstName: " Ada ", emails: ["ADA@Example.com"], tags: ["Vip"] })
      expect(ada.version).toBe(1)
      expect(ada.firstName).toBe("Ada")
      expect(ada.emails).toEqual(["ada@example.com"])
      expect(ada.tags).toEqual(["vip"])
      expect(ada.lifecycleStage).toBe("lead")
      expect(ada.lastName).toBeNull()
      expect(ada.custom).toEqual({})
      const events = yield* eventsOf(yield* Workspace.CurrentWorkspace)
      expect(events.map((e) => [e.type, e.recordId, e.version])).toEqual([["ContactCreated", ada.id, 1]])
      expect(events[0]!.subjects).toEqual([`contact:${ada.id}`])
      expect((yield* contacts.get(ada.id)).id).toBe(ada.id)
    })))

  it.effect("update records only the changed fields; a no-op writes nothing; a stale version conflicts", () =>
    Harness.inFreshWorkspace(Effect.gen(function*() {
      const contacts = yield* Contacts.Contacts
      const ws = yield* Workspace.CurrentWorkspace
      const ada = yield* contacts.create({ firstName: "Ada", lifecycleStage: "lead" })
      const customer = yield* contacts.update(ada, { lifecycleStage: "customer", firstName: "Ada" })
      expect(customer.version).toBe(2)
      const events = yield* eventsOf(ws)
      expect(events[1]!.type).toBe("ContactUpdated")
      expect(events[1]!.payload).toEqual({ changes: { lifecycleStage: { from: "lead", to: "customer" } } })
      const same = yield* contacts.update(customer, { lifecycleStage: "customer" })
      expect(same.version).toBe(2)
      expect((yield* eventsOf(ws)).length).toBe(2)
      const before = yield* Harness.snapshot
      const stale = yield* Effect.exit(contacts.update(ada, { lifecycleStage: "evangelist" }))
      expect(stale).toMatchObject({ _tag: "Failure" })
      if (Exit.isFailure(stale)) {
        expect(stale.cause).toMatchObject({ error: { _tag: "Conflict", reason: "stale-version", expectedVersion: 1, actualVersion: 2 } })
      }
      expect(yield* Harness.snapshot).toEqual(before)
    })))

  it.effect("custom fields are validated, merged on update, removable with null and queryable", () =>
    Harness.inFreshWorkspace(Effect.gen(function*() {
      const contacts = yield* Contacts.Contacts
      const a = yield* contacts.create({ firstName: "A", custom: { plan: "pro", seats: 3, renewsOn: "2027-01-31" } })
      yield* contacts.create({ firstName: "B", custom: { plan: "free" } })
      const a2 = yield* contacts.update(a, { custom: { seats: 5, renewsOn: null } })
      expect(a2.custom).toEqual({ plan: "pro", seats: 5 })
      const pros = yield* contacts.find({ where: { _tag: "Compare", field: "custom.plan", op: "eq", value: "pro" } })
      expect(pros.items.map((c) => c.firstName)).toEqual(["A"])
      const bySeats = yield* contacts.find({ orderBy: [{ field: "custom.seats", direction: "desc" }] })
      expect(bySeats.items.map((c) => c.firstName)).toEqual(["A", "B"])
    })))

  it.effect("unique keys: a second user with the same email conflicts", () =>
    Harness.inFreshWorkspace(Effect.gen(function*() {
      const users = yield* Users.Users
      yield* users.create({ name: "Grace", email: "grace@acme.test" })
      const before = yield* Harness.snapshot
      const dup = yield* Effect.flip(users.create({ name: "Other Grace", email: "GRACE@acme.test" }))
      expect(dup).toMatchObject({ _tag: "Conflict", reason: "unique-violation" })
      expect(yield* Harness.snapshot).toEqual(before)
    })))

  // Refused transitions and over-refunds are in badInput.ts, which also proves they write nothing.
  it.effect("orders: exact totals, the status machine, refunds up to the total", () =>
    Harness.inFreshWorkspace(Effect.gen(function*() {
      const { company, order } = yield* Fixtures.seed
      const orders = yield* Orders.Orders
      expect(order.total).toMatchObject({ amountMinor: 3 * 450 + 1299, currency: "EUR" })
      expect(order.status).toBe("paid")
      expect(order.companyId).toBe(company.id)
      const fulfilled = yield* orders.fulfil(order)
      expect(fulfilled.fulfilledAt).not.toBeNull()
      const partly = yield* orders.refund(fulfilled, { amountMinor: 1000, currency: "EUR" })
      expect(partly.status).toBe("partially_refunded")
      const rest = yield* orders.refund(partly, { amountMinor: 3 * 450 + 1299 - 1000, currency: "EUR" })
      expect(rest.status).toBe("refunded")
      expect(rest.refunded.amountMinor).toBe(rest.total.amountMinor)
      const [totals] = yield* orders.totalsFor(order.contactId)
      expect(totals).toMatchObject({ currency: "EUR", orders: 1, totalMinor: 2649, refundedMinor: 2649 })
    })))

  it.effect("orders: a discount comes off its line; totals past 2^53 come back exact (a bigint) in totalsFor and the customer 360", () =>
    Harness.inFreshWorkspace(Effect.gen(function*() {
      const { contact } = yield* Fixtures.seed
      const orders = yield* Orders.Orders
      const discounted = yield* orders.place({
        contactId: contact.id,
        lineItems: [
          { sku: "TEA-1", name: "Tea", quantity: 3, unitPrice: { amountMinor: 500, currency: "JPY" }, discount: { amountMinor: 200, currency: "JPY" } },
          { sku: "CUP-1", name: "Cup", quantity: 1, unitPrice: { amountMinor: 0, currency: "JPY" } }
        ]
      })
      expect(discounted.total).toMatchObject({ amountMinor: 1300, currency: "JPY" })
      expect(discounted.lineItems[0]!.discount).toMatchObject({ amountMinor: 200, currency: "JPY" })
      // Three orders at the largest exact amount: their sum is past 2^53.
      const max = Number.MAX_SAFE_INTEGER
      for (let i = 0; i < 3; i++) {
        yield* orders.place({
          contactId: contact.id,
          lineItems: [{ sku: "GOLD", name: "Gold", quantity: 1, unitPrice: { amountMinor: max, currency: "JPY" } }]
        })
      }
      const totals = yield* orders.totalsFor(contact.id)
      const jpy = totals.find((t) => t.currency === "JPY")
      expect(jpy).toMatchObject({ orders: 4, totalMinor: 3n * BigInt(max) + 1300n, refundedMinor: 0 })
      const view = yield* Effect.flatMap(Customer360.Customer360, (c) => c.get(contact.id))
      expect(view.orders.totals.find((t) => t.currency === "JPY")?.totalMinor).toBe(3n * BigInt(max) + 1300n)
    })))

  it.effect("conversations count messages, and a customer reply reopens a closed thread", () =>
    Harness.inFreshWorkspace(Effect.gen(function*() {
      const { agent, conversation } = yield* Fixtures.seed
      const conversations = yield* Conversations.Conversations
      expect(conversation.messageCount).toBe(1)
      const replied = yield* conversations.addMessage(conversation.id, { authorKind: "agent", authorId: agent.id, body: "On its way." })
      expect(replied.conversation.messageCount).toBe(2)
      const closed = yield* conversations.close(replied.conversation)
      const { conversation: reopened } = yield* conversations.addMessage(closed.id, { authorKind: "customer", body: "Still nothing!" })
      expect(reopened.status).toBe("open")
      const messages = yield* conversations.messages(conversation.id)
      expect(messages.items.map((m) => m.authorKind)).toEqual(["customer", "agent", "customer"])
      // Racing messages both land: the thread's counter update retries on conflict.
      yield* Effect.all([
        conversations.addMessage(conversation.id, { authorKind: "customer", body: "1" }),
        conversations.addMessage(conversation.id, { authorKind: "customer", body: "2" })
      ], { concurrency: 2 })
      expect((yield* conversations.get(conversation.id)).messageCount).toBe(5)
    })))

  // Refused transitions (complete twice, ...) are in badInput.ts.
  it.effect("tasks complete, reopen and list by contact", () =>
    Harness.inFreshWorkspace(Effect.gen(function*() {
      const { contact, task } = yield* Fixtures.seed
      const tasks = yield* Tasks.Tasks
      const done = yield* tasks.complete(task)
      expect(done.status).toBe("done")
      expect(done.completedAt).not.toBeNull()
      expect(yield* tasks.openFor(contact.id)).toEqual([])
      const twice = yield* Effect.flip(tasks.complete(done))
      expect(twice.message).toBe("Tasks.complete: status: the task is done, so it cannot be marked done")
      const open = yield* tasks.reopen(done)
      expect(open.completedAt).toBeNull()
      expect((yield* tasks.openFor(contact.id)).map((t) => t.id)).toEqual([task.id])
      const again = yield* Effect.flip(tasks.reopen(open))
      expect(again.message).toBe("Tasks.reopen: status: the task is open, so it cannot be reopened")
    })))

  // A duplicate member and an undefined kind of association are refused in badInput.ts.
  it.effect("associations: buying committee roles from both sides", () =>
    Harness.inFreshWorkspace(Effect.gen(function*() {
      const { company, contact } = yield* Fixtures.seed
      const companies = yield* Companies.Companies
      const links = yield* Associations.Associations
      yield* companies.addToCommittee(company.id, contact.id, "champion")
      yield* companies.addToCommittee(company.id, contact.id, "decision_maker")
      const committee = yield* companies.committee(company.id)
      expect(committee.map((m) => [m.contact.id, [...m.roles].sort()])).toEqual([[contact.id, ["champion", "decision_maker"]]])
      const fromContact = yield* links.from({ collection: "contact", id: contact.id })
      expect(fromContact.map((l) => l.label).sort()).toEqual(["champion", "decision_maker"])
    })))

  // Getting or updating a record of another workspace (NotFound) is in badInput.ts.
  it.effect("tenancy: finds and totals do not see the records of another workspace", () =>
    Effect.gen(function*() {
      const { contact } = yield* Harness.inFreshWorkspace(Fixtures.seed)
      yield* Harness.inFreshWorkspace(Effect.gen(function*() {
        const contacts = yield* Contacts.Contacts
        const orders = yield* Orders.Orders
        expect((yield* contacts.find()).items).toEqual([])
        expect(yield* orders.totalsFor(contact.id)).toEqual([])
      }))
    }))
}
