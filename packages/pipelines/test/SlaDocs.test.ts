/**
 * The examples of docs/sla.md (business hours, SLA policies, metrics, escalation), run as written.
 */
import { Crm, Workspace } from "@rapport/core"
import { describe, expect, it } from "@effect/vitest"
import { MemoryStore } from "@rapport/memory"
import { Effect, Layer, TestClock } from "effect"
import * as BusinessCalendar from "../src/BusinessCalendar.js"
import type * as Escalation from "../src/Escalation.js"
import * as Sla from "../src/SlaPolicy.js"
import * as T from "../src/Ticket.js"
import * as M from "../src/TicketMetrics.js"
import * as S from "../src/Tickets.js"

const day = [["09:00", "17:00"]] as const
const support = BusinessCalendar.unsafeMake({
  timeZone: "Europe/Berlin",
  week: { mon: day, tue: day, wed: day, thu: day, fri: day },
  holidays: ["2026-05-01"]
})

const policies = [
  Sla.unsafeMake({
    id: "vip",
    name: "VIP customers",
    position: 0,
    conditions: { segments: ["vip"] },
    targets: [
      { metric: "first_reply", minutes: 30 },
      { metric: "resolution", minutes: 8 * 60, hours: "business" }
    ]
  }),
  Sla.unsafeMake({
    id: "standard",
    name: "Everyone else",
    position: 10,
    targets: [
      { metric: "first_reply", minutes: 4 * 60, hours: "business" },
      { metric: "next_reply", minutes: 8 * 60, hours: "business" },
      { metric: "resolution", minutes: 3 * 8 * 60, hours: "business" }
    ],
    pauseIn: ["pending", "on_hold"],
    warningAt: 0.75
  })
]

const escalations: ReadonlyArray<Escalation.Rule> = [
  { id: "vip-frt", when: { _tag: "Breach", metrics: ["first_reply"] }, then: { raisePriority: "urgent", notify: ["team", "support-leads"] } },
  { id: "stale", when: { _tag: "Condition", category: ["open"], idleMinutes: 24 * 60 }, then: { raisePriority: "step", notify: ["assignee"] } }
]

describe("docs/sla.md", () => {
  it("business hours", () => {
    const split = [["09:00", "12:30"], ["13:30", "18:00"]] as const
    const support = Effect.runSync(BusinessCalendar.make({
      timeZone: "Europe/Berlin",
      week: { mon: split, tue: split, wed: split, thu: split, fri: [["09:00", "17:00"], ["22:00", "06:00"]] },
      holidays: ["2026-05-01", { from: "2026-12-24", to: "2026-12-31" }]
    }))
    // Friday 27 March 2026, 16:00 in Berlin (CET): 1 h until 17:00, then 1 h of the 22:00 night shift.
    const opened = Date.UTC(2026, 2, 27, 15, 0)
    expect(new Date(BusinessCalendar.addBusinessMinutes(support, opened, 120)).toISOString()).toBe("2026-03-27T22:00:00.000Z")
    // To Monday 10:00 CEST: 1 h on Friday, 8 h of night shift, 1 h on Monday.
    expect(BusinessCalendar.businessMinutesBetween(support, opened, Date.UTC(2026, 2, 30, 8, 0))).toBe(600)
    expect(BusinessCalendar.businessMinutesBetween(support, Date.UTC(2026, 2, 30, 8, 0), opened)).toBe(-600)
    expect(BusinessCalendar.isOpen(support, Date.UTC(2026, 2, 28, 4, 0))).toBe(true)
    expect(BusinessCalendar.nextOpen(support, Date.UTC(2026, 2, 28, 12, 0))).toBe(Date.UTC(2026, 2, 30, 7, 0))
  })

  it("pure SLA math", () => {
    // Monday 30 March 2026, 16:00 in Berlin: a standard ticket, answered on Tuesday at 10:00.
    const created = Date.UTC(2026, 2, 30, 14, 0)
    const timeline: ReadonlyArray<T.Entry> = [
      { _tag: "Status", at: created, status: "new", category: "new" },
      { _tag: "Reply", at: created + 5 * 60_000, author: "bot", visibility: "public" },
      { _tag: "Reply", at: Date.UTC(2026, 2, 31, 8, 0), author: "agent", visibility: "public" }
    ]
    const now = Date.UTC(2026, 2, 31, 9, 0)
    const policy = Sla.select(policies, { priority: "normal", channel: "email", tags: [], segments: [] })!
    const statuses = Sla.evaluate(policy, { timeline, now, calendar: support })
    const frt = statuses.find((s) => s.metric === "first_reply")!
    expect(policy.id).toBe("standard")
    expect(frt).toMatchObject({ state: "ok", completedAt: Date.UTC(2026, 2, 31, 8, 0), elapsedMillis: 2 * 3_600_000 })
    const resolution = statuses.find((s) => s.metric === "resolution")!
    expect(new Date(resolution.dueAt!).toISOString()).toBe("2026-04-02T14:00:00.000Z")
    const metrics = M.compute({ timeline, now, calendar: support })
    expect(metrics.firstReply).toEqual({ calendarMillis: 18 * 3_600_000, businessMillis: 2 * 3_600_000 })
  })

  it.effect("the service", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.UTC(2026, 2, 30, 8, 0)) // Monday 10:00 in Berlin
      const TicketsLive = S.layer({ policies, calendar: support, escalations }).pipe(
        Layer.provideMerge(Crm.layer({ store: MemoryStore.layer, collections: T.collections }))
      )
      const program = Effect.gen(function*() {
        const tickets = yield* S.Tickets
        const ticket = yield* tickets.create({ subject: "Order arrived damaged", channel: "email", segments: ["vip"] })
        yield* TestClock.adjust("25 minutes")
        yield* tickets.checkSla // SlaWarning for first_reply#0 (80% of 30 minutes)
        yield* TestClock.adjust("10 minutes")
        const checked = yield* tickets.checkSla // SlaBreached first_reply#0, TicketEscalated (vip-frt)
        const { ticket: answered } = yield* tickets.reply(ticket.id, { authorKind: "agent", body: "So sorry! A new one ships today." })
        return { checked, answered, metrics: yield* tickets.metrics(ticket.id) }
      })
      const { answered, checked, metrics } = yield* program.pipe(
        Effect.provide(TicketsLive),
        Effect.provideService(Workspace.CurrentWorkspace, Workspace.WorkspaceId.make("acme"))
      )
      expect(checked).toEqual({ checked: 1, warnings: 0, breaches: 1, escalations: 1 })
      expect(answered).toMatchObject({ priority: "urgent", slaPolicyId: "vip", escalations: ["vip-frt:first_reply#0"] })
      expect(metrics.firstReply?.calendarMillis).toBe(35 * 60_000)
    }))
})
