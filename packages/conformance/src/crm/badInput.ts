/**
 * Bad input to every command gives a `ValidationError` naming the field, and nothing
 * is written: the workspace's rows (every field) and events are exactly as before. The
 * same holds for commands refused because of the record's state (paying an order twice,
 * closing a closed thread: `ValidationError` on `status`), because of other records (a
 * dangling reference, a company still referenced), for a stale version or a duplicate
 * (`Conflict`), for a record of another workspace (`NotFound`, and that workspace is
 * unchanged too) and for a malformed read (`InvalidQuery`).
 */
import type { Vitest } from "@effect/vitest"
import { expect } from "@effect/vitest"
import {
  Activities,
  Associations,
  Companies,
  Contacts,
  Conversations,
  Customer360,
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

/** What `arrange` hands to `run`: the fixtures, and other workspaces to watch. */
type Arranged = Fixtures.Fixtures & {
  /**
   * Workspaces other than the current one that the command must leave unchanged as
   * well: the home of a foreign record it was handed.
   */
  readonly otherWorkspaces?: ReadonlyArray<Workspace.WorkspaceId>
}

interface Case {
  readonly command: string
  /** The field paths the error names, all of them and no others (a `ValidationError`'s issues). */
  readonly paths: ReadonlyArray<string>
  /** What the error must match when it is not a `ValidationError`. */
  readonly error?: { readonly _tag: "Conflict" | "NotFound" | "InvalidQuery"; readonly [key: string]: unknown }
  /** Text the error's message must contain, such as the id of the record in the way. */
  readonly mentions?: (f: Arranged) => string
  /**
   * Brings the seeded workspace into the state the command is refused in (an order
   * already fulfilled, a task already done) before the snapshot is taken; returns the
   * fixtures `run` gets, with the records it changed.
   */
  readonly arrange?: (f: Fixtures.Fixtures) => Effect.Effect<Arranged, unknown, Env>
  readonly run: (f: Arranged) => Effect.Effect<unknown, unknown, Env>
}

/** Seeds a second workspace and hands its records to `run` in place of the current one's. */
const foreignRecords = (_: Fixtures.Fixtures): Effect.Effect<Arranged, unknown, Env> =>
  Effect.gen(function*() {
    const workspace = Harness.freshWorkspaceId()
    const foreign = yield* Harness.inWorkspace(workspace, Fixtures.seed)
    return { ...foreign, otherWorkspaces: [workspace] }
  })

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
    command: "Orders.place (a negative unit price or discount: a discount is its own amount)",
    paths: ["lineItems.0.unitPrice.amountMinor", "lineItems.1.discount.amountMinor"],
    run: (f) =>
      Effect.flatMap(Orders.Orders, (o) =>
        o.place({
          contactId: f.contact.id,
          lineItems: [
            { sku: "TEA-1", name: "Tea", quantity: 3, unitPrice: { amountMinor: -500, currency: "EUR" } },
            { sku: "TEA-2", name: "Tea", quantity: 1, unitPrice: { amountMinor: 450, currency: "EUR" }, discount: { amountMinor: -1, currency: "EUR" } }
          ]
        }))
  },
  {
    command: "Orders.place (a discount larger than its line)",
    paths: ["lineItems.0.discount.amountMinor"],
    run: (f) =>
      Effect.flatMap(Orders.Orders, (o) =>
        o.place({
          contactId: f.contact.id,
          lineItems: [
            { sku: "TEA-1", name: "Tea", quantity: 2, unitPrice: { amountMinor: 450, currency: "EUR" }, discount: { amountMinor: 901, currency: "EUR" } }
          ]
        }))
  },
  {
    command: "Orders.place (quantity × unit price past the largest exact amount)",
    paths: ["lineItems.0.quantity", "lineItems.0.unitPrice.amountMinor"],
    run: (f) =>
      Effect.flatMap(Orders.Orders, (o) =>
        o.place({
          contactId: f.contact.id,
          lineItems: [
            { sku: "GOLD", name: "Gold", quantity: 1_000_000, unitPrice: { amountMinor: Number.MAX_SAFE_INTEGER, currency: "EUR" } },
            { sku: "TEA-1", name: "Tea", quantity: 1_000_000, unitPrice: { amountMinor: 1, currency: "EUR" } }
          ]
        }))
  },
  {
    command: "Orders.place (lines adding up past the largest exact amount)",
    paths: ["lineItems"],
    run: (f) =>
      Effect.flatMap(Orders.Orders, (o) =>
        o.place({
          contactId: f.contact.id,
          lineItems: [
            { sku: "GOLD", name: "Gold", quantity: 1, unitPrice: { amountMinor: Number.MAX_SAFE_INTEGER, currency: "EUR" } },
            { sku: "TEA-1", name: "Tea", quantity: 1, unitPrice: { amountMinor: 1, currency: "EUR" } }
          ]
        }))
  },
  {
    command: "Orders.refund (a negative amount)",
    paths: ["amountMinor"],
    run: (f) => Effect.flatMap(Orders.Orders, (o) => o.refund(f.order, { amountMinor: -100, currency: "EUR" }))
  },
  {
    command: "Products.create (a negative price)",
    paths: ["price.amountMinor"],
    run: () =>
      Effect.flatMap(Products.Products, (p) => p.create({ sku: "TEA-9", name: "Tea", price: { amountMinor: -450, currency: "EUR" } }))
  },
  {
    command: "Companies.update (a negative annual revenue)",
    paths: ["annualRevenue.amountMinor"],
    run: (f) =>
      Effect.flatMap(Companies.Companies, (c) => c.update(f.company, { annualRevenue: { amountMinor: -1, currency: "EUR" } }))
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
    command: "Contacts.create (dangling company)",
    paths: ["companyId"],
    run: () => Effect.flatMap(Contacts.Contacts, (c) => c.create({ firstName: "Z", companyId: "com_missing" }))
  },
  {
    command: "Companies.remove (still referenced)",
    paths: ["id"],
    // The seeded contact works at the company; the refusal names it.
    mentions: (f) => f.contact.id,
    run: (f) => Effect.flatMap(Companies.Companies, (c) => c.remove(f.company))
  },
  {
    command: "Companies.addToCommittee (same member and role twice)",
    paths: [],
    error: { _tag: "Conflict", reason: "unique-violation" },
    arrange: (f) =>
      Effect.as(Effect.flatMap(Companies.Companies, (c) => c.addToCommittee(f.company.id, f.contact.id, "champion")), f),
    run: (f) => Effect.flatMap(Companies.Companies, (c) => c.addToCommittee(f.company.id, f.contact.id, "champion"))
  },
  {
    command: "Associations.link (a kind that is not defined)",
    paths: ["to.collection"],
    run: (f) =>
      Effect.flatMap(Associations.Associations, (a) =>
        a.link({ from: { collection: "task", id: f.task.id }, to: { collection: "company", id: f.company.id } }))
  },
  {
    command: "Contacts.update (a contact of another workspace)",
    paths: [],
    error: { _tag: "NotFound", collection: "contact" },
    arrange: foreignRecords,
    run: (f) => Effect.flatMap(Contacts.Contacts, (c) => c.update(f.contact, { firstName: "Mallory" }))
  },
  {
    command: "Contacts.get (a contact of another workspace)",
    paths: [],
    error: { _tag: "NotFound", collection: "contact" },
    arrange: foreignRecords,
    run: (f) => Effect.flatMap(Contacts.Contacts, (c) => c.get(f.contact.id))
  },
  {
    command: "Orders.get (an order of another workspace)",
    paths: [],
    error: { _tag: "NotFound", collection: "order" },
    arrange: foreignRecords,
    run: (f) => Effect.flatMap(Orders.Orders, (o) => o.get(f.order.id))
  },
  {
    command: "Customer360.get (missing contact)",
    paths: [],
    error: { _tag: "NotFound", collection: "contact" },
    run: () => Effect.flatMap(Customer360.Customer360, (c) => c.get("con_nobody"))
  },
  {
    command: "Customer360.timeline (malformed cursor)",
    paths: [],
    error: { _tag: "InvalidQuery", path: "cursor" },
    run: (f) => Effect.flatMap(Customer360.Customer360, (c) => c.timeline(f.contact.id, { cursor: "abc" }))
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
  it.effect("the snapshot holds every field of every row and every event, page after page", () =>
    Harness.inFreshWorkspace(Effect.gen(function*() {
      const f = yield* Fixtures.seed
      const before = yield* Harness.snapshot
      const extra = 2 * Harness.snapshotPageSize + 1
      const notes = yield* Notes.Notes
      for (let i = 0; i < extra; i++) yield* notes.create({ body: `note ${i}`, contactId: f.contact.id })
      const after = yield* Harness.snapshot
      const notesIn = (s: typeof before) => s.rows.filter((r) => r.startsWith("note:")).length
      expect(notesIn(after)).toBe(notesIn(before) + extra)
      expect(after.rows.length).toBe(before.rows.length + extra)
      expect(after.events.length).toBe(before.events.length + extra)
      expect(after.events.slice(0, before.events.length)).toEqual(before.events)
      // Rows are recorded with every field, so a write that kept the version still shows.
      expect(before.rows.find((r) => r.startsWith(`contact:${f.contact.id}@`))).toContain(`"lastName":"Lovelace"`)
    })))

  for (const c of cases) {
    const title = c.error === undefined
      ? `bad input to ${c.command} is refused naming ${c.paths.join(", ")}, and nothing is written`
      : `${c.command} is refused with ${c.error._tag}, and nothing is written`
    it.effect(title, () =>
      Harness.inFreshWorkspace(Effect.gen(function*() {
        const seeded = yield* Fixtures.seed
        const fixtures: Arranged = c.arrange === undefined ? seeded : yield* c.arrange(seeded)
        const workspaces = [yield* Workspace.CurrentWorkspace, ...(fixtures.otherWorkspaces ?? [])]
        const snapshots = Effect.forEach(workspaces, (workspace) => Harness.inWorkspace(workspace, Harness.snapshot))
        const before = yield* snapshots
        const error = yield* Effect.flip(c.run(fixtures))
        expect(error).toMatchObject(c.error ?? { _tag: "ValidationError" })
        if (c.error === undefined) {
          const paths = (error as { issues: ReadonlyArray<{ path: string }> }).issues.map((i) => i.path)
          // Exactly these fields, in any order: a refusal names what is wrong and nothing else.
          expect([...paths].sort()).toEqual([...c.paths].sort())
        }
        if (c.mentions !== undefined) expect((error as Error).message).toContain(c.mentions(fixtures))
        expect(yield* snapshots).toEqual(before)
      })))
  }
}
