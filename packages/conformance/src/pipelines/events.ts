/**
 * Typed domain events over the store under test: a workspace runs every command of
 * core and of the pipelines that writes an event, then the whole log is read back.
 * Every event must decode with the definition of its type (`CrmEvents`,
 * `PipelinesEvents`), and every type written must have one: a command that starts
 * writing a new event type without a `DomainEvent.define` for it fails here, as does a
 * definition whose schema drifts from what its writer stores (on any engine: the
 * payloads are read back as each store returns them).
 */
import type { Vitest } from "@effect/vitest"
import { expect } from "@effect/vitest"
import {
  Activities,
  Associations,
  type Catalog,
  Companies,
  Contacts,
  Conversations,
  Crm,
  CrmEvents,
  DomainEvent,
  IdGenerator,
  Notes,
  Orders,
  Products,
  Store,
  Tasks,
  Teams,
  Users,
  Workspace
} from "@rapport/core"
import { Collections, Deals, type Escalation, Leads, Pipeline, PipelinesEvents, SlaPolicy, Tickets } from "@rapport/pipelines"
import { Duration, Effect, Layer, ParseResult, TestClock } from "effect"
import * as Fixtures from "../crm/fixtures.js"
import * as Harness from "../crm/harness.js"

const T0 = Date.UTC(2026, 2, 2, 9, 0) // Monday 2 March 2026, 09:00 UTC

const policies = [
  SlaPolicy.unsafeMake({
    id: "urgent",
    name: "Urgent",
    position: 0,
    conditions: { priority: ["urgent"] },
    targets: [{ metric: "first_reply", minutes: 10 }, { metric: "resolution", minutes: 60 }]
  }),
  SlaPolicy.unsafeMake({
    id: "standard",
    name: "Standard",
    position: 10,
    targets: [{ metric: "first_reply", minutes: 60 }, { metric: "resolution", minutes: 8 * 60 }]
  })
]

const escalations: ReadonlyArray<Escalation.Rule> = [
  { id: "frt-breach", when: { _tag: "Breach", metrics: ["first_reply"] }, then: { raisePriority: "step", notify: ["team"] } }
]

export const makeLayer = <E>(store: Layer.Layer<Store.Store, E, Catalog.Catalog>) =>
  Layer.mergeAll(
    Leads.layer.pipe(Layer.provideMerge(Deals.layer([Pipeline.b2b]))),
    Tickets.layer({ policies, escalations })
  ).pipe(
    Layer.provideMerge(
      Crm.layer({ store, customFields: Harness.customFields, collections: Collections.all, ids: IdGenerator.layerSequential })
    )
  )

/** What the suite's tests have in their context. */
export type Services = Layer.Layer.Success<ReturnType<typeof makeLayer<never>>>

type It = Vitest.MethodsNonLive<Services>

/** Every event type Rapport's own packages write, with its definition. */
const known = DomainEvent.union(...CrmEvents.all.definitions, ...PipelinesEvents.all.definitions)

const minutes = (n: number) => TestClock.adjust(Duration.minutes(n))

/** Every command that appends an event, at least once each. */
const everyCommand = Effect.gen(function*() {
  const seeded = yield* Fixtures.seed
  const users = yield* Users.Users
  const teams = yield* Teams.Teams
  const contacts = yield* Contacts.Contacts
  const companies = yield* Companies.Companies
  const links = yield* Associations.Associations
  const activities = yield* Activities.Activities
  const notes = yield* Notes.Notes
  const tasks = yield* Tasks.Tasks
  const products = yield* Products.Products
  const orders = yield* Orders.Orders
  const conversations = yield* Conversations.Conversations

  const temp = yield* users.create({ name: "Temp", email: "temp@acme.test", role: "agent" })
  yield* users.remove(yield* users.update(temp, { name: "Temp Worker" }))
  const night = yield* teams.create({ name: "Night shift" })
  yield* teams.remove(yield* teams.update(night, { name: "Nights" }))

  let ada = yield* contacts.update(seeded.contact, { lifecycleStage: "customer" })
  ada = yield* contacts.addTags(ada, ["tea"])
  ada = yield* contacts.removeTags(ada, ["tea"])
  ada = yield* contacts.setConsent(ada, { status: "granted", source: "form" })
  const spare = yield* contacts.create({ firstName: "Spare", custom: { vip: true } })
  yield* contacts.remove(spare)

  yield* companies.update(seeded.company, { employees: 43 })
  yield* companies.remove(yield* companies.create({ name: "Gone Ltd" }))
  const champion = yield* companies.addToCommittee(seeded.company.id, ada.id, "champion")
  yield* links.unlink(champion)
  yield* links.link({ from: { collection: "contact", id: ada.id }, to: { collection: "company", id: seeded.company.id }, label: "decision_maker" })

  yield* activities.remove(yield* activities.update(seeded.activity, { subject: "Asked about the tea" }))
  yield* notes.remove(yield* notes.update(seeded.note, { body: "Prefers email, mornings." }))

  let task = yield* tasks.update(seeded.task, { title: "Call Ada back today" })
  task = yield* tasks.complete(task)
  task = yield* tasks.reopen(task)
  task = yield* tasks.cancel(task)
  yield* tasks.remove(task)

  yield* products.remove(yield* products.update(seeded.product, { name: "Sencha" }))

  const fulfilled = yield* orders.fulfil(seeded.order)
  yield* orders.refund(fulfilled, { amountMinor: 450, currency: "EUR" })
  yield* orders.cancel(
    yield* orders.place({
      contactId: ada.id,
      lineItems: [{ sku: "CUP-1", name: "Cup", quantity: 2, unitPrice: { amountMinor: 1299, currency: "EUR" } }]
    })
  )

  let thread = (yield* conversations.addMessage(seeded.conversation.id, { authorKind: "agent", body: "It ships today." })).conversation
  thread = yield* conversations.close(thread)
  // A customer writing into a closed thread reopens it.
  thread = (yield* conversations.addMessage(thread.id, { authorKind: "customer", body: "Still nothing." })).conversation
  thread = yield* conversations.assign(thread, seeded.agent.id)
  yield* conversations.reopen(yield* conversations.close(thread))

  const deals = yield* Deals.Deals
  const sales = deals.in(Pipeline.b2b)
  let deal = yield* sales.create({ name: "Tea for the office", contactId: ada.id, companyId: seeded.company.id })
  deal = yield* sales.moveToStage(deal, "qualified")
  deal = yield* deals.changeAmount(deal, { amountMinor: 120_000, currency: "EUR" })
  deal = yield* deals.changeCloseDate(deal, "2026-06-30")
  deal = yield* deals.update(deal, { name: "Tea for the whole office" })
  deal = yield* deals.setForecastCategory(deal, "commit")
  deal = yield* deals.win(deal)
  deal = yield* deals.reopen(deal)
  yield* deals.lose(deal, "budget cut")

  const leads = yield* Leads.Leads
  let lead = yield* leads.capture({ firstName: "Grace", email: "grace.lead@navy.test", company: "Navy", domain: "navy.test" })
  lead = yield* leads.disqualify(lead, "no budget")
  lead = yield* leads.qualify(lead)
  yield* leads.convert(lead, { pipeline: Pipeline.b2b })

  const tickets = yield* Tickets.Tickets
  let ticket = yield* tickets.create({ subject: "Tea arrived cold", channel: "email", contactId: ada.id })
  yield* minutes(50)
  yield* tickets.checkSla // the first reply target warns at 80%
  yield* minutes(20)
  yield* tickets.checkSla // ... and is breached, which escalates
  ticket = (yield* tickets.reply(ticket.id, { authorKind: "agent", body: "Sorry! A new box is on its way." })).ticket
  ticket = yield* tickets.assign(ticket, { assigneeId: seeded.agent.id, teamId: seeded.team.id })
  ticket = yield* tickets.changePriority(ticket, "urgent") // another policy applies
  ticket = yield* tickets.transition(ticket, { type: "solve" })
  ticket = (yield* tickets.reply(ticket.id, { authorKind: "customer", body: "This one is cold too." })).ticket
  const duplicate = yield* tickets.create({ subject: "Cold tea again", channel: "chat", contactId: ada.id })
  yield* tickets.merge(duplicate, ticket)

  // Idle in its first stage past `rotAfterDays`.
  yield* sales.create({ name: "Cocoa", contactId: ada.id })
  yield* TestClock.adjust(Duration.days(8))
  yield* deals.checkRotting()
})

/** The workspace's whole log, page by page. */
const wholeLog = Effect.gen(function*() {
  const store = yield* Store.Store
  const workspaceId = yield* Workspace.CurrentWorkspace
  const events: Array<DomainEvent.StoredEvent> = []
  let after = 0
  // `readEvents` promises at most `limit` events, so only an empty page is the end.
  while (true) {
    const page = yield* store.readEvents(workspaceId, { after, limit: 50 })
    const last = page[page.length - 1]
    if (last === undefined) return events
    events.push(...page)
    after = last.position
  }
})

export const eventsSuite = (it: It) => {
  it.effect("every event written decodes with the definition of its type, and every type written has one", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      yield* everyCommand
      const events = yield* wholeLog
      const undefinedTypes = [...new Set(events.filter((e) => !known.types.has(e.type)).map((e) => e.type))]
      expect(undefinedTypes, "event types written without a DomainEvent.define").toEqual([])
      const undecodable = events.flatMap((e) => {
        const decoded = known.decode(e)
        return decoded._tag === "Right" ? [] : [`${e.type} at ${e.position}: ${ParseResult.TreeFormatter.formatErrorSync(decoded.left)}`]
      })
      expect(undecodable).toEqual([])
      // The run writes every type defined, so no definition goes unchecked against its writer.
      const written = new Set(events.map((e) => e.type))
      expect([...known.types].filter((type) => !written.has(type))).toEqual([])
    }).pipe(Harness.inFreshWorkspace))

  it.effect("a decoded event keeps what the store recorded and types its payload", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const deals = yield* Deals.Deals
      const sales = deals.in(Pipeline.b2b)
      const deal = yield* sales.create({ name: "Oolong" })
      yield* TestClock.adjust(Duration.hours(1))
      const moved = yield* sales.moveToStage(deal, "qualified")
      const events = yield* wholeLog
      const stored = events.find((e) => e.type === "DealStageChanged")!
      const typed = yield* PipelinesEvents.DealStageChanged.decode(stored)
      expect(typed).toEqual({ ...stored, type: "DealStageChanged", payload: stored.payload })
      expect(typed.payload).toMatchObject({ pipelineId: "b2b", from: "new", to: "qualified", timeInStageMs: 3_600_000 })
      expect(typed.payload.changes.stage).toEqual({ from: "new", to: "qualified" })
      expect(typed.version).toBe(moved.version)
      expect(PipelinesEvents.DealStageChanged.is(stored)).toBe(true)
      expect(PipelinesEvents.DealWon.is(stored)).toBe(false)
      const created = yield* CrmEvents.all.decode(events.find((e) => e.type === "DealCreated")!).pipe(Effect.flip)
      expect(ParseResult.ArrayFormatter.formatErrorSync(created)).toEqual([
        expect.objectContaining({ path: ["type"], message: expect.stringContaining("actual \"DealCreated\"") })
      ])
    }).pipe(Harness.inFreshWorkspace))
}
