/**
 * A small seeded customer for the Crm suite: a user, a company, a contact working
 * there, a product, a paid order, a conversation and an open task.
 */
import {
  Activities,
  Companies,
  Contacts,
  Conversations,
  Notes,
  Orders,
  Products,
  Tasks,
  Teams,
  Users
} from "@rapport/core"
import { Effect } from "effect"

export const seed = Effect.gen(function*() {
  const users = yield* Users.Users
  const companies = yield* Companies.Companies
  const contacts = yield* Contacts.Contacts
  const products = yield* Products.Products
  const orders = yield* Orders.Orders
  const conversations = yield* Conversations.Conversations
  const tasks = yield* Tasks.Tasks
  const notes = yield* Notes.Notes
  const activities = yield* Activities.Activities

  const agent = yield* users.create({ name: "Grace Hopper", email: "grace@acme.test", role: "agent" })
  const team = yield* Effect.flatMap(Teams.Teams, (t) => t.create({ name: "Support", memberIds: [agent.id], leadId: agent.id }))
  const company = yield* companies.create({ name: "Analytical Engines Ltd", domain: "engines.test", employees: 42 })
  const contact = yield* contacts.create({
    firstName: "Ada",
    lastName: "Lovelace",
    emails: ["Ada@Engines.test"],
    phones: ["+44 20 7946 0000"],
    companyId: company.id,
    ownerId: agent.id,
    tags: ["VIP"],
    custom: { plan: "pro", seats: 12 }
  })
  const product = yield* products.create({ sku: "TEA-1", name: "Green tea", price: { amountMinor: 450, currency: "EUR" } })
  const placed = yield* orders.place({
    contactId: contact.id,
    lineItems: [
      { sku: "TEA-1", name: "Green tea", quantity: 3, unitPrice: { amountMinor: 450, currency: "EUR" } },
      { sku: "CUP-1", name: "Cup", quantity: 1, unitPrice: { amountMinor: 1299, currency: "EUR" } }
    ]
  })
  const order = yield* orders.pay(placed)
  const conversation = yield* conversations.start(
    { contactId: contact.id, channel: "email", subject: "Where is my tea?" },
    { authorKind: "customer", body: "Ordered last week, nothing yet." }
  )
  const task = yield* tasks.create({ title: "Call Ada back", contactId: contact.id, assigneeId: agent.id, dueAt: 86_400_000 })
  const note = yield* notes.create({ body: "Prefers email.", contactId: contact.id })
  const activity = yield* activities.log({ type: "call", direction: "inbound", occurredAt: 1_000, durationSeconds: 300, contactId: contact.id })
  return { agent, team, company, contact, product, order, conversation, task, note, activity }
})

export type Fixtures = Effect.Effect.Success<typeof seed>
