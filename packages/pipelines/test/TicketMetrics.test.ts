import { describe, expect, it } from "@effect/vitest"
import { FastCheck as fc } from "effect"
import * as BusinessCalendar from "../src/BusinessCalendar.js"
import type * as Ticket from "../src/Ticket.js"
import * as TicketMetrics from "../src/TicketMetrics.js"

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const T0 = Date.UTC(2026, 0, 5, 16, 0) // Monday 16:00 UTC

const office = BusinessCalendar.unsafeMake({ timeZone: "UTC", week: { mon: [["09:00", "17:00"]], tue: [["09:00", "17:00"]] } })
const status = (at: number, category: Ticket.Category): Ticket.Entry => ({ _tag: "Status", at, status: category, category })
const reply = (at: number, author: Ticket.AuthorKind, visibility: Ticket.Visibility = "public"): Ticket.Entry => ({
  _tag: "Reply",
  at,
  author,
  visibility
})

describe("TicketMetrics.compute", () => {
  it("first reply time ignores bots and internal notes, in calendar and business time", () => {
    const m = TicketMetrics.compute({
      timeline: [
        status(T0, "new"),
        reply(T0 + MINUTE, "bot"),
        reply(T0 + 2 * MINUTE, "agent", "internal"),
        reply(T0 + 18 * HOUR, "agent")
      ],
      now: T0 + 20 * HOUR,
      calendar: office
    })
    expect(m.firstReply).toEqual({ calendarMillis: 18 * HOUR, businessMillis: HOUR + HOUR })
  })

  it("no first reply yet, no resolution while open", () => {
    const m = TicketMetrics.compute({ timeline: [status(T0, "new"), reply(T0 + MINUTE, "customer")], now: T0 + HOUR })
    expect(m.firstReply).toBeNull()
    expect(m.fullResolution).toBeNull()
    expect(m.requesterWait.calendarMillis).toBe(HOUR)
  })

  it("full resolution runs to the last solve; reopens are counted; waits and work split by status", () => {
    const timeline = [
      status(T0, "new"),
      status(T0 + 10 * MINUTE, "open"),
      status(T0 + 20 * MINUTE, "pending"),
      status(T0 + 50 * MINUTE, "on_hold"),
      status(T0 + 60 * MINUTE, "solved"),
      status(T0 + 2 * HOUR, "open"),
      status(T0 + 2 * HOUR + 15 * MINUTE, "solved"),
      status(T0 + 3 * HOUR, "closed")
    ]
    const m = TicketMetrics.compute({ timeline, now: T0 + 5 * HOUR })
    expect(m.reopens).toBe(1)
    expect(m.fullResolution?.calendarMillis).toBe(2 * HOUR + 15 * MINUTE)
    expect(m.agentWork.calendarMillis).toBe(35 * MINUTE)
    expect(m.requesterWait.calendarMillis).toBe(45 * MINUTE)
    expect(m.pending.calendarMillis).toBe(30 * MINUTE)
    expect(m.onHold.calendarMillis).toBe(10 * MINUTE)
    expect(m.fullResolution?.businessMillis).toBe(m.fullResolution?.calendarMillis) // no calendar: 24/7
  })

  it("business time never exceeds calendar time (property)", () => {
    const cats: ReadonlyArray<Ticket.Category> = ["new", "open", "pending", "on_hold", "solved", "closed"]
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 900 }), fc.constantFrom(...cats)), { maxLength: 10 }), (steps) => {
        let t = T0
        const timeline: Array<Ticket.Entry> = [status(t, "new")]
        for (const [gap, c] of steps) timeline.push(status((t += gap * MINUTE), c))
        const m = TicketMetrics.compute({ timeline, now: t + HOUR, calendar: office })
        for (const d of [m.requesterWait, m.agentWork, m.onHold, m.pending, m.fullResolution]) {
          if (d !== null) expect(d.businessMillis).toBeLessThanOrEqual(d.calendarMillis)
        }
        expect(m.agentWork.calendarMillis).toBeLessThanOrEqual(m.requesterWait.calendarMillis)
      })
    )
  })
})
