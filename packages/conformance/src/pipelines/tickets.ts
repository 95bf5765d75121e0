/**
 * The `Tickets` service over the store under test: lifecycles (the default one and a
 * workspace's own), replies and first reply times, assignment, priority, merges, SLA
 * clocks with warnings, breaches and pauses, business hours, and escalation. Every
 * refusal is checked to write nothing.
 */
import type { Vitest } from "@effect/vitest"
import { describe, expect } from "@effect/vitest"
import { type Catalog, Contacts, Conversations, Crm, IdGenerator, Orders, Store, Teams, Workspace } from "@rapport/core"
import { BusinessCalendar, type Escalation, SlaPolicy, Ticket, TicketLifecycle, Tickets } from "@rapport/pipelines"
import { Duration, Effect, Layer, TestClock } from "effect"
import * as Harness from "../crm/harness.js"
import { failsWritingNothing, issuePaths } from "./snapshot.js"

const MINUTE = 60_000
const T0 = Date.UTC(2026, 2, 2, 9, 0) // Monday 2 March 2026, 09:00 UTC

const policies = [
  SlaPolicy.unsafeMake({
    id: "vip",
    name: "VIP",
    position: 0,
    conditions: { segments: ["vip"] },
    targets: [{ metric: "first_reply", minutes: 15 }, { metric: "resolution", minutes: 120 }]
  }),
  SlaPolicy.unsafeMake({
    id: "urgent",
    name: "Urgent",
    position: 1,
    conditions: { priority: ["urgent"] },
    targets: [{ metric: "first_reply", minutes: 10 }, { metric: "resolution", minutes: 60 }]
  }),
  SlaPolicy.unsafeMake({
    id: "standard",
    name: "Standard",
    position: 10,
    targets: [
      { metric: "first_reply", minutes: 60 },
      { metric: "next_reply", minutes: 60 },
      { metric: "resolution", minutes: 8 * 60, hours: "business" }
    ]
  })
]

const escalations: ReadonlyArray<Escalation.Rule> = [
  { id: "frt-breach", when: { _tag: "Breach", metrics: ["first_reply"] }, then: { raisePriority: "step", notify: ["team"] } },
  { id: "stuck-billing", when: { _tag: "Condition", tags: ["billing"], idleMinutes: 240 }, then: { raisePriority: "urgent", notify: ["billing-leads"] } }
]

const calendar = BusinessCalendar.unsafeMake({
  timeZone: "UTC",
  week: { mon: [["09:00", "17:00"]], tue: [["09:00", "17:00"]], wed: [["09:00", "17:00"]], thu: [["09:00", "17:00"]], fri: [["09:00", "17:00"]] }
})

// One workspace runs a lifecycle of its own.
const triage = TicketLifecycle.make({
  id: "triage",
  initial: "triage",
  states: {
    triage: { on: { accept: "working", merge: "archived" }, meta: { category: "new" } },
    working: { on: { solve: "done", merge: "archived" }, meta: { category: "open" } },
    done: { on: { customer_reply: "working", close: "archived" }, meta: { category: "solved" } },
    archived: { final: true, meta: { category: "closed" } }
  }
})

// Tests that create a team register it here, for the workspace's reassigning rule.
const tier2 = new Map<string, string>()

const config: Tickets.Config = (workspaceId) => ({
  policies,
  calendar,
  escalations: workspaceId.startsWith("plain")
    ? []
    : tier2.has(workspaceId)
    ? [{ id: "to-tier2", when: { _tag: "Breach", metrics: ["first_reply"] }, then: { teamId: tier2.get(workspaceId)!, assigneeId: null, notify: ["team"] } }]
    : escalations,
  ...(workspaceId.startsWith("triage") ? { lifecycle: triage } : {})
})

export const makeLayer = <E>(store: Layer.Layer<Store.Store, E, Catalog.Catalog>) =>
  Tickets.layer(config).pipe(
    Layer.provideMerge(Crm.layer({ store, collections: Ticket.collections, ids: IdGenerator.layerSequential }))
  )

/** What the suite's tests have in their context. */
export type Services = Layer.Layer.Success<ReturnType<typeof makeLayer<never>>>

type It = Vitest.MethodsNonLive<Services>

/** A fresh workspace whose id starts with `prefix` (which picks its config), at T0. */
const inWorkspace = (prefix = "ws") => {
  const workspaceId = Harness.freshWorkspaceId(prefix)
  return <A, E, R>(effect: Effect.Effect<A, E, R>) => Harness.inWorkspace(workspaceId, TestClock.setTime(T0).pipe(Effect.zipRight(effect)))
}

const events = Effect.gen(function*() {
  const store = yield* Store.Store
  const workspaceId = yield* Workspace.CurrentWorkspace
  return yield* store.readEvents(workspaceId, { after: 0, limit: 10_000 })
})
const eventTypes = Effect.map(events, (es) => es.map((e) => e.type))
const typesFor = (id: string) => Effect.map(events, (es) => es.filter((e) => e.recordId === id).map((e) => e.type))
const advance = (minutes: number) => TestClock.adjust(Duration.minutes(minutes))

export const ticketsSuite = (it: It) => {
  describe("create", () => {
    it.effect("opens a new ticket with defaults, links and the first matching SLA policy", () =>
      Effect.gen(function*() {
        const tickets = yield* Tickets.Tickets
        const contact = yield* Effect.flatMap(Contacts.Contacts, (c) => c.create({ firstName: "Ada" }))
        const conversation = yield* Effect.flatMap(Conversations.Conversations, (c) => c.start({ contactId: contact.id, channel: "email" }))
        const order = yield* Effect.flatMap(Orders.Orders, (o) =>
          o.place({
            contactId: contact.id,
            lineItems: [{ sku: "SKU-1", name: "Lamp", quantity: 1, unitPrice: { amountMinor: 1000, currency: "EUR" } }]
          }))
        const t = yield* tickets.create({
          subject: "  Lamp broken ",
          channel: "email",
          contactId: contact.id,
          orderId: order.id,
          conversationId: conversation.id,
          tags: ["Hardware"]
        })
        expect(t).toMatchObject({
          subject: "Lamp broken",
          status: "new",
          category: "new",
          priority: "normal",
          tags: ["hardware"],
          slaPolicyId: "standard",
          slaDueAt: T0 + 48 * MINUTE,
          version: 1,
          reopenCount: 0,
          firstReplyAt: null
        })
        const vip = yield* tickets.create({ subject: "VIP", channel: "chat", segments: ["vip"], priority: "urgent" })
        expect(vip.slaPolicyId).toBe("vip")
        expect(t.timeline).toEqual([{ _tag: "Status", at: T0, status: "new", category: "new" }])
        const types = yield* typesFor(t.id)
        expect(types).toEqual(["TicketCreated", "SlaPolicyApplied"])
        const created = (yield* events).find((e) => e.recordId === t.id)!
        expect(created.subjects).toEqual([`ticket:${t.id}`, `contact:${contact.id}`, `order:${order.id}`, `conversation:${conversation.id}`])
      }).pipe(inWorkspace()))

    it.effect("refuses bad input and unknown links, writing nothing", () =>
      Effect.gen(function*() {
        const tickets = yield* Tickets.Tickets
        const bad = yield* failsWritingNothing(tickets.create({ subject: "", channel: "fax" as "email", priority: "asap" as "low" }))
        expect(issuePaths(bad)).toEqual(["channel", "priority", "subject"])
        const missing = yield* failsWritingNothing(tickets.create({ subject: "x", channel: "email", contactId: "con_missing" }))
        expect(issuePaths(missing)).toEqual(["contactId"])
        expect(missing.message).toContain("contactId")
        expect((yield* tickets.find()).items).toEqual([])
        expect(yield* eventTypes).toEqual([])
      }).pipe(inWorkspace()))
  })

  describe("transition", () => {
    it.effect("follows the lifecycle; a forbidden move fails with InvalidTransition and writes nothing", () =>
      Effect.gen(function*() {
        const tickets = yield* Tickets.Tickets
        let t = yield* tickets.create({ subject: "Help", channel: "email" })
        t = yield* tickets.transition(t, { type: "open" })
        t = yield* tickets.transition(t, { type: "wait" })
        expect(t).toMatchObject({ status: "pending", category: "pending", version: 3 })
        t = yield* tickets.transition(t, { type: "hold" })
        t = yield* tickets.transition(t, { type: "solve" })
        expect(t).toMatchObject({ status: "solved", solvedAt: T0 })
        t = yield* tickets.transition(t, { type: "close" })
        expect(t).toMatchObject({ status: "closed", closedAt: T0, version: 6 })
        const before = yield* eventTypes
        const refused = yield* Effect.flip(tickets.transition(t, { type: "reopen" }))
        expect(refused).toMatchObject({ _tag: "InvalidTransition", from: "closed", reason: "final-state" })
        const fresh = yield* tickets.create({ subject: "Other", channel: "chat" })
        const noWay = yield* Effect.flip(tickets.transition(fresh, { type: "reopen" }))
        expect(noWay).toMatchObject({ _tag: "InvalidTransition", reason: "no-transition" })
        expect((yield* tickets.get(fresh.id)).version).toBe(1)
        expect((yield* tickets.get(t.id)).version).toBe(6)
        expect((yield* eventTypes).length).toBe(before.length + 2) // the second ticket's creation only
        expect(yield* typesFor(t.id)).toEqual([
          "TicketCreated",
          "SlaPolicyApplied",
          "TicketStatusChanged",
          "TicketStatusChanged",
          "TicketStatusChanged",
          "TicketStatusChanged",
          "TicketStatusChanged"
        ])
      }).pipe(inWorkspace()))

    it.effect("a stale version fails with Conflict and writes nothing", () =>
      Effect.gen(function*() {
        const tickets = yield* Tickets.Tickets
        const t = yield* tickets.create({ subject: "Help", channel: "email" })
        yield* tickets.transition(t, { type: "open" })
        const stale = yield* Effect.flip(tickets.transition(t, { type: "solve" }))
        expect(stale).toMatchObject({ _tag: "Conflict", reason: "stale-version", expectedVersion: 1, actualVersion: 2 })
        const again = yield* Effect.flip(tickets.changePriority(t, "high"))
        expect(again._tag).toBe("Conflict")
        expect(yield* tickets.get(t.id)).toMatchObject({ status: "open", priority: "normal", version: 2 })
      }).pipe(inWorkspace()))

    it.effect("a workspace's own lifecycle, with categories from state meta", () =>
      Effect.gen(function*() {
        const tickets = yield* Tickets.Tickets
        let t = yield* tickets.create({ subject: "Custom", channel: "email" })
        expect(t).toMatchObject({ status: "triage", category: "new" })
        t = yield* tickets.transition(t, { type: "accept" })
        t = yield* tickets.transition(t, { type: "solve" })
        expect(t).toMatchObject({ status: "done", category: "solved" })
        const { ticket } = yield* tickets.reply(t.id, { authorKind: "customer", body: "Still broken" })
        expect(ticket).toMatchObject({ status: "working", category: "open", reopenCount: 1 })
        expect(yield* Effect.flip(tickets.transition(ticket, { type: "wait" }))).toMatchObject({ _tag: "InvalidTransition" })
      }).pipe(inWorkspace("triage")))
  })

  describe("reply", () => {
    it.effect("the first public agent reply sets the first reply time; bots and internal notes do not", () =>
      Effect.gen(function*() {
        const tickets = yield* Tickets.Tickets
        const t = yield* tickets.create({ subject: "Help", channel: "chat" })
        yield* advance(5)
        yield* tickets.reply(t.id, { authorKind: "bot", body: "We got your message" })
        yield* tickets.reply(t.id, { authorKind: "agent", visibility: "internal", body: "Looks like a refund" })
        expect((yield* tickets.get(t.id)).firstReplyAt).toBeNull()
        yield* advance(20)
        const { reply, ticket } = yield* tickets.reply(t.id, { authorKind: "agent", authorId: "usr_1", body: "Refund issued" })
        expect(reply).toMatchObject({ ticketId: t.id, authorKind: "agent", visibility: "public", sentAt: T0 + 25 * MINUTE })
        expect(ticket).toMatchObject({ firstReplyAt: T0 + 25 * MINUTE, lastAgentReplyAt: T0 + 25 * MINUTE })
        yield* advance(5)
        const later = yield* tickets.reply(t.id, { authorKind: "agent", body: "Anything else?" })
        expect(later.ticket.firstReplyAt).toBe(T0 + 25 * MINUTE)
        const metrics = yield* tickets.metrics(t.id)
        expect(metrics.firstReply).toEqual({ calendarMillis: 25 * MINUTE, businessMillis: 25 * MINUTE })
        expect((yield* tickets.replies(t.id)).items.map((r) => r.authorKind)).toEqual(["bot", "agent", "agent", "agent"])
        expect((yield* typesFor(t.id)).filter((x) => x === "TicketFirstReply")).toHaveLength(1)
        // Bad input: no reply row, no ticket change, no event.
        const bad = yield* failsWritingNothing(tickets.reply(t.id, { authorKind: "alien" as "bot", body: "" }))
        expect(issuePaths(bad)).toEqual(["authorKind", "body"])
        expect(bad._tag === "ValidationError" && bad.operation).toBe("Tickets.reply")
        const badVisibility = yield* failsWritingNothing(tickets.reply(t.id, { authorKind: "agent", visibility: "secret" as "public", body: "x" }))
        expect(issuePaths(badVisibility)).toEqual(["visibility"])
        const extra = yield* failsWritingNothing(tickets.reply(t.id, { authorKind: "agent", body: "x", cc: "boss" } as Ticket.ReplyInput))
        expect(issuePaths(extra)).toEqual(["cc"])
        const missing = yield* failsWritingNothing(tickets.reply("tkt_missing", { authorKind: "customer", body: "hi" }))
        expect(missing).toMatchObject({ _tag: "NotFound", id: "tkt_missing" })
        expect((yield* tickets.replies(t.id)).items).toHaveLength(4)
      }).pipe(inWorkspace()))

    it.effect("a customer reply reopens a solved ticket and brings a pending one back to open; closed refuses", () =>
      Effect.gen(function*() {
        const tickets = yield* Tickets.Tickets
        let t = yield* tickets.create({ subject: "Help", channel: "email" })
        t = yield* tickets.transition(t, { type: "wait" })
        t = (yield* tickets.reply(t.id, { authorKind: "customer", body: "Here is the photo" })).ticket
        expect(t).toMatchObject({ status: "open", reopenCount: 0 })
        t = yield* tickets.transition(t, { type: "solve" })
        yield* advance(60)
        t = (yield* tickets.reply(t.id, { authorKind: "customer", body: "It broke again" })).ticket
        expect(t).toMatchObject({ status: "open", reopenCount: 1, solvedAt: null, lastCustomerReplyAt: T0 + 60 * MINUTE })
        expect(yield* typesFor(t.id)).toContain("TicketReopened")
        // An agent note does not change the status.
        t = (yield* tickets.reply(t.id, { authorKind: "agent", visibility: "internal", body: "hmm" })).ticket
        expect(t.status).toBe("open")
        t = yield* tickets.transition(t, { type: "solve" })
        t = yield* tickets.transition(t, { type: "close" })
        const closed = yield* failsWritingNothing(tickets.reply(t.id, { authorKind: "customer", body: "hello?" }))
        expect(closed._tag === "ValidationError" && closed.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
          `ticketId: ticket ${t.id} is closed`
        ])
        expect((yield* tickets.replies(t.id)).items).toHaveLength(3)
        const metrics = yield* tickets.metrics(t.id)
        expect(metrics.reopens).toBe(1)
        expect(metrics.fullResolution?.calendarMillis).toBe(60 * MINUTE)
      }).pipe(inWorkspace()))
  })

  describe("assign, priority, merge", () => {
    it.effect("assigns to a user and a team; unchanged values write nothing; unknown team refused", () =>
      Effect.gen(function*() {
        const tickets = yield* Tickets.Tickets
        const team = yield* Effect.flatMap(Teams.Teams, (teams) => teams.create({ name: "Tier 2", memberIds: [], leadId: null }))
        const t = yield* tickets.create({ subject: "Help", channel: "email" })
        const a = yield* tickets.assign(t, { teamId: team.id })
        expect(a).toMatchObject({ teamId: team.id, assigneeId: null, version: 2 })
        const same = yield* tickets.assign(a, { teamId: team.id })
        expect(same.version).toBe(2)
        const unknown = yield* failsWritingNothing(tickets.assign(a, { teamId: "team_nope" }))
        expect(issuePaths(unknown)).toEqual(["teamId"])
        const nobody = yield* failsWritingNothing(tickets.assign(a, { assigneeId: "usr_nope" }))
        expect(issuePaths(nobody)).toEqual(["assigneeId"])
        const bad = yield* failsWritingNothing(tickets.assign(a, { assigneeId: 42 as unknown as string }))
        expect(issuePaths(bad)).toEqual(["assigneeId"])
        const wrongKind = yield* failsWritingNothing(tickets.assign(a, { teamId: "usr_1", assigneeId: "team_1" }))
        expect(issuePaths(wrongKind)).toEqual(["assigneeId", "teamId"])
        const extra = yield* failsWritingNothing(tickets.assign(a, { ownerId: "usr_1" } as never))
        expect(issuePaths(extra)).toEqual(["ownerId"])
        const stale = yield* failsWritingNothing(tickets.assign(t, { teamId: null }))
        expect(stale).toMatchObject({ _tag: "Conflict", expectedVersion: 1, actualVersion: 2 })
        const cleared = yield* tickets.assign(a, { teamId: null })
        expect(cleared.teamId).toBeNull()
        expect((yield* typesFor(t.id)).filter((x) => x === "TicketAssigned")).toHaveLength(2)
      }).pipe(inWorkspace()))

    it.effect("changes priority and re-selects the SLA policy from now on", () =>
      Effect.gen(function*() {
        const tickets = yield* Tickets.Tickets
        const t = yield* tickets.create({ subject: "Help", channel: "email" })
        yield* advance(5)
        const urgent = yield* tickets.changePriority(t, "urgent")
        expect(urgent).toMatchObject({ priority: "urgent", slaPolicyId: "urgent" })
        expect(urgent.sla.appliedAt).toBe(T0 + 5 * MINUTE)
        expect((yield* tickets.changePriority(urgent, "urgent")).version).toBe(urgent.version)
        const meh = yield* failsWritingNothing(tickets.changePriority(urgent, "meh" as "low"))
        expect(issuePaths(meh)).toEqual(["priority"])
        expect(meh._tag === "ValidationError" && meh.operation).toBe("Tickets.changePriority")
        const none = yield* failsWritingNothing(tickets.changePriority(urgent, null as unknown as "low"))
        expect(issuePaths(none)).toEqual(["priority"])
        const stale = yield* failsWritingNothing(tickets.changePriority(t, "high"))
        expect(stale._tag).toBe("Conflict")
        expect(yield* typesFor(t.id)).toEqual(["TicketCreated", "SlaPolicyApplied", "TicketPriorityChanged", "SlaPolicyApplied"])
      }).pipe(inWorkspace()))

    it.effect("merges a ticket into another: the source closes with mergedIntoId, both get an event", () =>
      Effect.gen(function*() {
        const tickets = yield* Tickets.Tickets
        const source = yield* tickets.create({ subject: "Dup", channel: "email" })
        const target = yield* tickets.create({ subject: "Main", channel: "email" })
        const { source: s, target: t } = yield* tickets.merge(source, target)
        expect(s).toMatchObject({ status: "closed", mergedIntoId: target.id, version: 2 })
        expect(t.version).toBe(2)
        expect(yield* typesFor(source.id)).toEqual(["TicketCreated", "SlaPolicyApplied", "TicketStatusChanged", "TicketMerged"])
        expect(yield* typesFor(target.id)).toEqual(["TicketCreated", "SlaPolicyApplied", "TicketMergeReceived"])
        // Into a closed ticket, into itself, or from a closed one: refused, nothing written.
        const third = yield* tickets.create({ subject: "Third", channel: "email" })
        const intoClosed = yield* failsWritingNothing(tickets.merge(third, s))
        expect(intoClosed._tag === "ValidationError" && intoClosed.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
          `target: ticket ${s.id} is closed`
        ])
        const intoItself = yield* failsWritingNothing(tickets.merge(third, third))
        expect(intoItself._tag === "ValidationError" && intoItself.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
          "target: a ticket cannot be merged into itself"
        ])
        // The target's TicketMergeReceived is written first in the transaction: the source's
        // refusal must roll it back.
        const fromClosed = yield* failsWritingNothing(tickets.merge(s, t))
        expect(fromClosed).toMatchObject({ _tag: "InvalidTransition", from: "closed", event: "merge", reason: "final-state" })
        const staleTarget = yield* failsWritingNothing(tickets.merge(third, target))
        expect(staleTarget).toMatchObject({ _tag: "Conflict", id: target.id, expectedVersion: 1, actualVersion: 2 })
        const noTarget = yield* failsWritingNothing(tickets.merge(third, { id: "tkt_nope", version: 1 }))
        expect(noTarget).toMatchObject({ _tag: "NotFound", id: "tkt_nope" })
        expect((yield* tickets.get(target.id)).version).toBe(2)
        expect((yield* tickets.get(third.id)).version).toBe(1)
      }).pipe(inWorkspace()))
  })

  describe("SLA", () => {
    it.effect("warning then breach, each recorded once however often checkSla runs", () =>
      Effect.gen(function*() {
        const tickets = yield* Tickets.Tickets
        const t = yield* tickets.create({ subject: "Help", channel: "email" })
        expect(yield* tickets.checkSla).toMatchObject({ checked: 1, warnings: 0, breaches: 0 })
        yield* advance(50)
        expect(yield* tickets.checkSla).toMatchObject({ warnings: 1, breaches: 0 })
        expect(yield* tickets.tick).toMatchObject({ warnings: 0, breaches: 0 })
        yield* advance(11)
        expect(yield* tickets.checkSla).toMatchObject({ warnings: 0, breaches: 1, escalations: 1 })
        expect(yield* tickets.checkSla).toMatchObject({ warnings: 0, breaches: 0, escalations: 0 })
        const types = yield* typesFor(t.id)
        expect(types.filter((x) => x === "SlaWarning")).toHaveLength(1)
        expect(types.filter((x) => x === "SlaBreached")).toHaveLength(1)
        const breach = (yield* events).find((e) => e.type === "SlaBreached")!
        expect(breach.payload).toMatchObject({ key: "first_reply#0", metric: "first_reply", policyId: "standard", breachedAt: T0 + 60 * MINUTE })
        const now = yield* tickets.get(t.id)
        expect(now.sla.breached).toEqual({ "first_reply#0": T0 + 60 * MINUTE })
        expect(now.priority).toBe("high") // the frt-breach escalation
        const sla = yield* tickets.sla(t.id)
        expect(sla.find((s) => s.key === "first_reply#0")?.state).toBe("breached")
      }).pipe(inWorkspace()))

    it.effect("a breach noticed late is recorded by the command that completes the cycle, dated when it happened", () =>
      Effect.gen(function*() {
        const tickets = yield* Tickets.Tickets
        const t = yield* tickets.create({ subject: "Help", channel: "email" })
        yield* advance(90)
        yield* tickets.reply(t.id, { authorKind: "agent", body: "Sorry for the wait" })
        const breach = (yield* events).find((e) => e.type === "SlaBreached")
        expect(breach?.payload).toMatchObject({ key: "first_reply#0", breachedAt: T0 + 60 * MINUTE })
        expect(yield* tickets.checkSla).toMatchObject({ breaches: 0 })
      }).pipe(inWorkspace()))

    it.effect("clocks pause in pending and on hold", () =>
      Effect.gen(function*() {
        const tickets = yield* Tickets.Tickets
        let t = yield* tickets.create({ subject: "Help", channel: "email" })
        yield* advance(30)
        t = yield* tickets.transition(t, { type: "wait" })
        expect(t.slaDueAt).toBeNull()
        yield* advance(300)
        // No condition rules here: checkSla reads only tickets with something due.
        expect(yield* tickets.checkSla).toMatchObject({ checked: 0, warnings: 0, breaches: 0 })
        t = yield* tickets.transition(t, { type: "hold" })
        yield* advance(300)
        expect(yield* tickets.checkSla).toMatchObject({ warnings: 0, breaches: 0 })
        t = yield* tickets.transition(t, { type: "open" })
        // 30 minutes used, 18 to the warning, 30 to the breach.
        expect(t.slaDueAt).toBe(T0 + 630 * MINUTE + 18 * MINUTE)
        const frt = (yield* tickets.sla(t.id)).find((s) => s.key === "first_reply#0")!
        expect(frt).toMatchObject({ dueAt: T0 + 660 * MINUTE, pausedMillis: 600 * MINUTE, elapsedMillis: 30 * MINUTE, running: true })
        yield* advance(31)
        expect(yield* tickets.checkSla).toMatchObject({ checked: 1, warnings: 0, breaches: 1, escalations: 0 })
      }).pipe(inWorkspace("plain")))

    it.effect("a policy change never back-dates: stricter targets breach from the change on, earlier breaches stay", () =>
      Effect.gen(function*() {
        const tickets = yield* Tickets.Tickets
        const t = yield* tickets.create({ subject: "Help", channel: "email" })
        yield* advance(30)
        // Urgent: 10 minutes to first reply, already 30 minutes gone. The breach is dated now, not at 10 minutes.
        const urgent = yield* tickets.changePriority(t, "urgent")
        expect(urgent.sla.breached).toEqual({ "first_reply#0": T0 + 30 * MINUTE })
        // Back to normal: the standard policy (60 minutes) would not have breached, but the breach stays.
        yield* advance(1)
        const normal = yield* tickets.changePriority(urgent, "normal")
        expect(normal.slaPolicyId).toBe("standard")
        expect(normal.sla.breached).toEqual({ "first_reply#0": T0 + 30 * MINUTE })
        const frt = (yield* tickets.sla(t.id)).find((s) => s.key === "first_reply#0")!
        expect(frt).toMatchObject({ state: "breached", breachedAt: T0 + 30 * MINUTE })
        expect((yield* typesFor(t.id)).filter((x) => x === "SlaBreached")).toHaveLength(1)
      }).pipe(inWorkspace()))

    it.effect("business-hours targets count only open hours", () =>
      Effect.gen(function*() {
        const tickets = yield* Tickets.Tickets
        yield* advance(7 * 60) // Monday 16:00
        const t = yield* tickets.create({ subject: "Help", channel: "email" })
        yield* tickets.reply(t.id, { authorKind: "agent", body: "On it" })
        const resolution = (yield* tickets.sla(t.id)).find((s) => s.metric === "resolution")!
        expect(resolution.dueAt).toBe(Date.UTC(2026, 2, 3, 16, 0)) // 1 h Monday, 7 h Tuesday
        yield* advance(17 * 60) // Tuesday 09:00
        const m = yield* tickets.metrics(t.id)
        expect(m.requesterWait).toEqual({ calendarMillis: 17 * 60 * MINUTE, businessMillis: 60 * MINUTE })
      }).pipe(inWorkspace()))
  })

  describe("escalation", () => {
    it.effect("a breach reassigns to a team and notifies, as a TicketEscalated event in the breach's transaction", () =>
      Effect.gen(function*() {
        const tickets = yield* Tickets.Tickets
        const workspaceId = yield* Workspace.CurrentWorkspace
        const team = yield* Effect.flatMap(Teams.Teams, (teams) => teams.create({ name: "Tier 2", memberIds: [], leadId: null }))
        tier2.set(workspaceId, team.id)
        const t = yield* tickets.create({ subject: "Help", channel: "email" })
        yield* advance(61)
        expect(yield* tickets.checkSla).toMatchObject({ breaches: 1, escalations: 1 })
        expect(yield* tickets.checkSla).toMatchObject({ breaches: 0, escalations: 0 })
        const after = yield* tickets.get(t.id)
        expect(after).toMatchObject({ teamId: team.id, priority: "normal", escalations: ["to-tier2:first_reply#0"], version: 2 })
        const written = (yield* events).filter((e) => e.recordId === t.id && e.version === 2)
        expect(written.map((e) => e.type)).toEqual(["SlaBreached", "TicketEscalated"])
        expect(written[1]!.payload).toMatchObject({ teamId: { from: null, to: team.id }, notify: ["team"], reason: "breach of first_reply#0" })
      }).pipe(inWorkspace("esc")))

    it.effect("condition rules escalate once, as events with the changes", () =>
      Effect.gen(function*() {
        const tickets = yield* Tickets.Tickets
        const t = yield* tickets.create({ subject: "Invoice", channel: "email", tags: ["billing"], priority: "low" })
        yield* tickets.reply(t.id, { authorKind: "agent", body: "Looking" })
        yield* advance(239)
        expect((yield* tickets.checkSla).escalations).toBe(0)
        yield* advance(2)
        expect((yield* tickets.checkSla).escalations).toBe(1)
        yield* advance(600)
        expect((yield* tickets.checkSla).escalations).toBe(0)
        const escalated = (yield* events).filter((e) => e.type === "TicketEscalated")
        expect(escalated.map((e) => e.payload)).toEqual([{
          ruleId: "stuck-billing",
          key: "stuck-billing",
          reason: "condition",
          priority: { from: "low", to: "urgent" },
          teamId: null,
          assigneeId: null,
          notify: ["billing-leads"]
        }])
        expect(yield* tickets.get(t.id)).toMatchObject({ priority: "urgent", escalations: ["stuck-billing"] })
      }).pipe(inWorkspace()))
  })
}
