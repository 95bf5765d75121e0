/**
 * Bad input to every command gives a `ValidationError` naming the field, and nothing
 * is written: the workspace's rows and events are exactly as before. The same holds
 * for commands refused because of the record's state (paying an order twice, closing a
 * closed thread: `ValidationError` on `status`) and for a stale version (`Conflict`).
 */
import type { Vitest } from "@effect/vitest"
import { expect } from "@effect/vitest"
import {
  Activities,
  Associations,
  Companies,
  Contacts,
  Conversations,
  Notes,
  Orders,
  Products,
  Tasks,
  Teams,
  Users,
  Workspace
} from "@rapport/core"
import { Effect } from "effect"
import * as Fixtures from "./fixtures.js"
import * as Harness from "./harness.js"

type It = Vitest.MethodsNonLive<Harness.Services>

type Env = Harness.Services | Workspace.CurrentWorkspace

interface Case {
  readonly command: string
  /** The field paths the error must name (a `ValidationError`'s issues). */
  readonly paths: ReadonlyArray<string>
  /** What the error must match when it is not a `ValidationError`. */
  readonly error?: { readonly _tag: "Conflict"; readonly [key: string]: unknown }
  /**
   * Brings the seeded workspace into the state the command is refused in (an order
   * already fulfilled, a task already done) before the snapshot is taken; returns the
   * fixtures `run` gets, with the records it changed.
   */
  readonly arrange?: (f: Fixtures.Fixtures) => Effect.Effect<Fixtures.Fixtures, unknown, Env>
  readonly run: (f: Fixtures.Fixtures) => Effect.Effect<unknown, unknown, Env>
}

// Inputs arrive from outside (HTTP bodies, imports), so the cases deliberately pass
// values the static types would reject.
const loose = (value: unknown): any => value

const cases: ReadonlyArray<Case> = [
  {
    command: "Contacts.create",
    paths: ["firstName", "emails.0", "phones.0", "lifecycleStage"],
    run: () =>
      Effect.flatMap(Contacts.Contacts, (c) =>
        c.create(loose({ firstName: "  ", emails: ["not-an-email"], phones: ["12"], lifecycleStage: "whale" })))
  },
  {
    command: "Contacts.create (unknown field)",
    paths: ["nickname"],
    run: () => Effect.flatMap(Contacts.Contacts, (c) => c.create(loose({ firstName: "Ada", nickname: "A" })))
  },
  {
    command: "Contacts.create (custom fields)",
    paths: ["custom.plan", "custom.seats", "custom.renewsOn", "custom.interests", "custom.unknown"],
    run: () =>
      Effect.flatMap(Contacts.Contacts, (c) =>
        c.create(loose({
          firstName: "Ada",
          custom: { plan: "platinum", seats: "many", renewsOn: "2026-02-30", interests: ["tea", "tea"], unknown: 1 }
        })))
  },
  {
    command: "Contacts.update",
    paths: ["emails.0"],
    run: (f) => Effect.flatMap(Contacts.Contacts, (c) => c.update(f.contact, loose({ emails: ["nope"] })))
  },
  {
    command: "Contacts.update (consent is its own command)",
    paths: ["consentStatus"],
    run: (f) => Effect.flatMap(Contacts.Contacts, (c) => c.update(f.contact, loose({ consentStatus: "granted" })))
  },
  {
    command: "Contacts.setConsent",
    paths: ["status", "source"],
    run: (f) => Effect.flatMap(Contacts.Contacts, (c) => c.setConsent(f.contact, loose({ status: "maybe", source: "" })))
  },
  {
    command: "Contacts.addTags",
    paths: ["0"],
    run: (f) => Effect.flatMap(Contacts.Contacts, (c) => c.addTags(f.contact, [" "]))
  },
  {
    command: "Companies.create",
    paths: ["name", "domain", "employees"],
    run: () => Effect.flatMap(Companies.Companies, (c) => c.create(loose({ name: "", domain: "http://x", employees: -3 })))
  },
  {
    command: "Companies.update",
    paths: ["annualRevenue.currency"],
    run: (f) =>
      Effect.flatMap(Companies.Companies, (c) => c.update(f.company, loose({ annualRevenue: { amountMinor: 1, currency: "euro" } })))
  },
  {
    command: "Users.create",
    paths: ["email", "role"],
    run: () => Effect.flatMap(Users.Users, (u) => u.create(loose({ name: "X", email: "x", role: "god" })))
  },
  {
    command: "Teams.create",
    paths: ["memberIds.0"],
    run: () => Effect.flatMap(Teams.Teams, (t) => t.create(loose({ name: "Tier 2", memberIds: ["con_1"] })))
  },
  {
    command: "Activities.log",
    paths: ["type", "occurredAt"],
    run: () => Effect.flatMap(Activities.Activities, (a) => a.log(loose({ type: "fax", occurredAt: 1.5 })))
  },
  {
    command: "Activities.log (call details on an email)",
    paths: ["durationSeconds"],
    run: () => Effect.flatMap(Activities.Activities, (a) => a.log({ type: "email", occurredAt: 1, durationSeconds: 60 }))
  },
  {
    command: "Notes.create",
    paths: ["body", "contactId"],
    run: () => Effect.flatMap(Notes.Notes, (n) => n.create(loose({ body: "", contactId: "ord_1" })))
  },
  {
    command: "Tasks.create",
    paths: ["title", "dueAt", "priority"],
    run: () => Effect.flatMap(Tasks.Tasks, (t) => t.create(loose({ title: "", dueAt: "tomorrow", priority: "asap" })))
  },
  {
    command: "Tasks.create (dangling assignee)",
    paths: ["assigneeId"],
    run: () => Effect.flatMap(Tasks.Tasks, (t) => t.create({ title: "Call", assigneeId: "usr_nobody" }))
  },
  {
    command: "Products.create",
    paths: ["sku", "price.amountMinor"],
    run: () =>
      Effect.flatMap(Products.Products, (p) =>
        p.create(loose({ sku: "has space", name: "Tea", price: { amountMinor: 4.5, currency: "EUR" } })))
  },
  {
    command: "Orders.place",
    paths: ["lineItems.0.quantity", "lineItems.1.unitPrice.currency"],
    run: (f) =>
      Effect.flatMap(Orders.Orders, (o) =>
        o.place(loose({
          contactId: f.contact.id,
          lineItems: [
            { sku: "TEA-1", name: "Tea", quantity: 0, unitPrice: { amountMinor: 450, currency: "EUR" } },
            { sku: "TEA-2", name: "Tea", quantity: 1, unitPrice: { amountMinor: 450, currency: "eur" } }
          ]
        })))
  },
  {
    command: "Orders.place (mixed currencies)",
    paths: ["lineItems.1.unitPrice.currency"],
    run: (f) =>
      Effect.flatMap(Orders.Orders, (o) =>
        o.place({
          contactId: f.contact.id,
          lineItems: [
            { sku: "TEA-1", name: "Tea", quantity: 1, unitPrice: { amountMinor: 450, currency: "EUR" } },
            { sku: "TEA-2", name: "Tea", quantity: 1, unitPrice: { amountMinor: 450, currency: "USD" } }
          ]
        }))
  },
  {
    command: "Orders.place (no lines, unknown contact)",
    paths: ["lineItems"],
    run: (f) => Effect.flatMap(Orders.Orders, (o) => o.place({ contactId: f.contact.id, lineItems: [] }))
  },
  {
    command: "Orders.place (dangling contact)",
    paths: ["contactId"],
    run: () =>
      Effect.flatMap(Orders.Orders, (o) =>
        o.place({
          contactId: "con_nobody",
          lineItems: [{ sku: "TEA-1", name: "Tea", quantity: 1, unitPrice: { amountMinor: 450, currency: "EUR" } }]
        }))
  },
  {
    command: "Orders.refund",
    paths: ["currency"],
    run: (f) => Effect.flatMap(Orders.Orders, (o) => o.refund(f.order, { amountMinor: 100, currency: "USD" }))
  },
  {
    command: "Conversations.start",
    paths: ["channel", "contactId"],
    run: () => Effect.flatMap(Conversations.Conversations, (c) => c.start(loose({ contactId: "x", channel: "pigeon" })))
  },
  {
    command: "Conversations.addMessage",
    paths: ["authorKind", "body"],
    run: (f) =>
      Effect.flatMap(Conversations.Conversations, (c) => c.addMessage(f.conversation.id, loose({ authorKind: "cat", body: "" })))
  },
  {
    command: "Associations.link",
    paths: ["label"],
    run: (f) =>
      Effect.flatMap(Associations.Associations, (a) =>
        a.link({ from: { collection: "contact", id: f.contact.id }, to: { collection: "company", id: f.company.id }, label: "cfo" }))
  },
  {
    command: "Users.update",
    paths: ["role"],
    run: (f) => Effect.flatMap(Users.Users, (u) => u.update(f.agent, loose({ role: "owner" })))
  },
  {
    command: "Teams.update",
    paths: ["leadId"],
    run: (f) => Effect.flatMap(Teams.Teams, (t) => t.update(f.team, loose({ leadId: "team_x" })))
  },
  {
    command: "Notes.update",
    paths: ["body"],
    run: (f) => Effect.flatMap(Notes.Notes, (n) => n.update(f.note, { body: "   " }))
  },
  {
    command: "Tasks.update",
    paths: ["priority", "dueAt"],
    run: (f) => Effect.flatMap(Tasks.Tasks, (t) => t.update(f.task, loose({ priority: "asap", dueAt: -1.5 })))
  },
  {
    command: "Tasks.update (status has its own commands)",
    paths: ["status"],
    run: (f) => Effect.flatMap(Tasks.Tasks, (t) => t.update(f.task, loose({ status: "done" })))
  },
  {
    command: "Activities.update",
    paths: ["recordingUrl"],
    run: (f) => Effect.flatMap(Activities.Activities, (a) => a.update(f.activity, { recordingUrl: "ftp://calls/1.mp3" }))
  },
  {
    command: "Products.update",
    paths: ["sku", "price.currency"],
    run: (f) =>
      Effect.flatMap(Products.Products, (p) => p.update(f.product, loose({ sku: "", price: { amountMinor: 1, currency: "E" } })))
  },
  {
    command: "Conversations.assign",
    paths: ["assigneeId"],
    run: (f) => Effect.flatMap(Conversations.Conversations, (c) => c.assign(f.conversation, "con_1"))
  },
  {
    command: "Contacts.removeTags",
    paths: [""],
    run: (f) => Effect.flatMap(Contacts.Contacts, (c) => c.removeTags(f.contact, []))
  },
  {
    command: "Companies.addToCommittee",
    paths: ["label"],
    run: (f) =>
      Effect.flatMap(Companies.Companies, (c) => c.addToCommittee(f.company.id, f.contact.id, loose("cheerleader")))
  },
  {
    command: "Associations.link (dangling)",
    paths: ["to.id"],
    run: (f) =>
      Effect.flatMap(Associations.Associations, (a) =>
        a.link({ from: { collection: "contact", id: f.contact.id }, to: { collection: "company", id: "com_nobody" }, label: "user" }))
  },
  {
    command: "Conversations.start (bad first message)",
    paths: ["firstMessage.authorKind", "firstMessage.body"],
    run: (f) =>
      Effect.flatMap(Conversations.Conversations, (c) =>
        c.start({ contactId: f.contact.id, channel: "email" }, loose({ authorKind: "cat", body: "" })))
  },
  {
    command: "Conversations.start (bad thread and first message)",
    paths: ["channel", "firstMessage.visibility", "firstMessage.mood"],
    run: (f) =>
      Effect.flatMap(Conversations.Conversations, (c) =>
        c.start(
          loose({ contactId: f.contact.id, channel: "pigeon" }),
          loose({ authorKind: "customer", body: "Hi", visibility: "loud", mood: "grumpy" })
        ))
  },
  {
    command: "Conversations.start (dangling contact, good first message)",
    paths: ["contactId"],
    run: () =>
      Effect.flatMap(Conversations.Conversations, (c) =>
        c.start({ contactId: "con_nobody", channel: "email" }, { authorKind: "customer", body: "Hello?" }))
  },
  {
    command: "Conversations.close (already closed)",
    paths: ["status"],
    arrange: (f) =>
      Effect.map(
        Effect.flatMap(Conversations.Conversations, (c) => c.close(f.conversation)),
        (conversation) => ({ ...f, conversation })
      ),
    run: (f) => Effect.flatMap(Conversations.Conversations, (c) => c.close(f.conversation))
  },
  {
    command: "Conversations.reopen (open)",
    paths: ["status"],
    run: (f) => Effect.flatMap(Conversations.Conversations, (c) => c.reopen(f.conversation))
  },
  {
    command: "Orders.pay (already paid)",
    paths: ["status"],
    run: (f) => Effect.flatMap(Orders.Orders, (o) => o.pay(f.order))
  },
  {
    command: "Orders.pay (fulfilled)",
    paths: ["status"],
    arrange: (f) => Effect.map(Effect.flatMap(Orders.Orders, (o) => o.fulfil(f.order)), (order) => ({ ...f, order })),
    run: (f) => Effect.flatMap(Orders.Orders, (o) => o.pay(f.order))
  },
  {
    command: "Orders.fulfil (not paid)",
    paths: ["status"],
    arrange: (f) =>
      Effect.map(
        Effect.flatMap(Orders.Orders, (o) =>
          o.place({
            contactId: f.contact.id,
            lineItems: [{ sku: "TEA-1", name: "Tea", quantity: 1, unitPrice: { amountMinor: 450, currency: "EUR" } }]
          })),
        (order) => ({ ...f, order })
      ),
    run: (f) => Effect.flatMap(Orders.Orders, (o) => o.fulfil(f.order))
  },
  {
    command: "Orders.cancel (fulfilled)",
    paths: ["status"],
    arrange: (f) => Effect.map(Effect.flatMap(Orders.Orders, (o) => o.fulfil(f.order)), (order) => ({ ...f, order })),
    run: (f) => Effect.flatMap(Orders.Orders, (o) => o.cancel(f.order))
  },
  {
    command: "Orders.refund (more than paid)",
    paths: ["amountMinor"],
    run: (f) =>
      Effect.flatMap(Orders.Orders, (o) => o.refund(f.order, { amountMinor: f.order.total.amountMinor + 1, currency: "EUR" }))
  },
  {
    command: "Orders.refund (more than is left after a partial refund)",
    paths: ["amountMinor"],
    arrange: (f) =>
      Effect.map(
        Effect.flatMap(Orders.Orders, (o) => o.refund(f.order, { amountMinor: 1000, currency: "EUR" })),
        (order) => ({ ...f, order })
      ),
    run: (f) => Effect.flatMap(Orders.Orders, (o) => o.refund(f.order, { amountMinor: 2000, currency: "EUR" }))
  },
  {
    command: "Tasks.complete (already done)",
    paths: ["status"],
    arrange: (f) => Effect.map(Effect.flatMap(Tasks.Tasks, (t) => t.complete(f.task)), (task) => ({ ...f, task })),
    run: (f) => Effect.flatMap(Tasks.Tasks, (t) => t.complete(f.task))
  },
  {
    command: "Tasks.cancel (done)",
    paths: ["status"],
    arrange: (f) => Effect.map(Effect.flatMap(Tasks.Tasks, (t) => t.complete(f.task)), (task) => ({ ...f, task })),
    run: (f) => Effect.flatMap(Tasks.Tasks, (t) => t.cancel(f.task))
  },
  {
    command: "Tasks.reopen (open)",
    paths: ["status"],
    run: (f) => Effect.flatMap(Tasks.Tasks, (t) => t.reopen(f.task))
  },
  {
    command: "Contacts.findByEmail (malformed email)",
    paths: [""],
    run: () => Effect.flatMap(Contacts.Contacts, (c) => c.findByEmail("not-an-email"))
  },
  {
    command: "Tasks.remove (stale version)",
    paths: [],
    error: { _tag: "Conflict", reason: "stale-version", expectedVersion: 1, actualVersion: 2 },
    // The caller's copy of the task (version 1) is out of date once someone renames it.
    arrange: (f) =>
      Effect.as(Effect.flatMap(Tasks.Tasks, (t) => t.update(f.task, { title: "Call Ada back today" })), f),
    run: (f) => Effect.flatMap(Tasks.Tasks, (t) => t.remove(f.task))
  }
]

export const badInputSuite = (it: It) => {
  for (const c of cases) {
    const title = c.error === undefined
      ? `bad input to ${c.command} is refused naming ${c.paths.join(", ")}, and nothing is written`
      : `${c.command} is refused with ${c.error._tag}, and nothing is written`
    it.effect(title, () =>
      Harness.inFreshWorkspace(Effect.gen(function*() {
        const seeded = yield* Fixtures.seed
        const fixtures = c.arrange === undefined ? seeded : yield* c.arrange(seeded)
        const before = yield* Harness.snapshot
        const error = yield* Effect.flip(c.run(fixtures))
        expect(error).toMatchObject(c.error ?? { _tag: "ValidationError" })
        if (c.error === undefined) {
          const paths = (error as { issues: ReadonlyArray<{ path: string }> }).issues.map((i) => i.path)
          for (const path of c.paths) expect(paths).toContain(path)
        }
        expect(yield* Harness.snapshot).toEqual(before)
      })))
  }
}
