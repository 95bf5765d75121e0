/**
 * Per-ticket metrics, computed from a ticket's timeline: first reply time (the first
 * public agent reply; bots and internal notes do not count), full resolution time,
 * reopens, requester wait time and agent work time, each in calendar and business time.
 * Pure, like the SLA math.
 *
 * @since 0.1.0
 */
import * as BusinessCalendar from "./BusinessCalendar.js"
import * as Ticket from "./Ticket.js"

/**
 * A duration in calendar and in business milliseconds (business equals calendar when no
 * calendar is given).
 *
 * @since 0.1.0
 * @category models
 */
export interface Duration {
  readonly calendarMillis: number
  readonly businessMillis: number
}

/**
 * The metrics of one ticket.
 *
 * - `firstReply`: creation to the first public agent reply (`null` before it).
 * - `fullResolution`: creation to the last solve (`null` while not solved or closed).
 * - `reopens`: how often it left solved for an open state.
 * - `requesterWait`: time in new, open and on hold (the customer is waiting on us).
 * - `agentWork`: time in new and open (the ball is with an agent).
 *
 * @since 0.1.0
 * @category models
 */
export interface Metrics {
  readonly firstReply: Duration | null
  readonly fullResolution: Duration | null
  readonly reopens: number
  readonly requesterWait: Duration
  readonly agentWork: Duration
  readonly onHold: Duration
  readonly pending: Duration
}

const duration = (calendar: BusinessCalendar.BusinessCalendar | undefined, a: number, b: number): Duration => ({
  calendarMillis: Math.max(0, b - a),
  businessMillis: b <= a ? 0 : calendar === undefined ? b - a : BusinessCalendar.businessMillisBetween(calendar, a, b)
})

const add = (x: Duration, y: Duration): Duration => ({
  calendarMillis: x.calendarMillis + y.calendarMillis,
  businessMillis: x.businessMillis + y.businessMillis
})

const zero: Duration = { calendarMillis: 0, businessMillis: 0 }

/**
 * The metrics of a ticket at `now`.
 *
 * @example
 * ```ts
 * import { TicketMetrics } from "@rapport/pipelines"
 *
 * const m = TicketMetrics.compute({
 *   timeline: [
 *     { _tag: "Status", at: 0, status: "new", category: "new" },
 *     { _tag: "Reply", at: 60_000, author: "bot", visibility: "public" },
 *     { _tag: "Reply", at: 120_000, author: "agent", visibility: "internal" },
 *     { _tag: "Reply", at: 300_000, author: "agent", visibility: "public" }
 *   ],
 *   now: 600_000
 * })
 * m.firstReply?.calendarMillis // 300_000: the bot and the internal note do not count
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const compute = (input: {
  readonly timeline: ReadonlyArray<Ticket.Entry>
  readonly now: number
  readonly calendar?: BusinessCalendar.BusinessCalendar | undefined
}): Metrics => {
  const { calendar, now } = input
  const entries = input.timeline
    .map((entry, index) => ({ entry, index }))
    .filter(({ entry }) => entry.at <= now)
    .sort((a, b) => a.entry.at - b.entry.at || a.index - b.index)
    .map(({ entry }) => entry)
  const first = entries[0]
  if (first === undefined) {
    return { firstReply: null, fullResolution: null, reopens: 0, requesterWait: zero, agentWork: zero, onHold: zero, pending: zero }
  }
  const created = first.at
  const answer = entries.find((e) => e._tag === "Reply" && Ticket.isAgentAnswer(e))
  const statuses = entries.filter((e): e is Extract<Ticket.Entry, { _tag: "Status" }> => e._tag === "Status")
  let reopens = 0
  let lastSolve: number | null = null
  let requesterWait = zero
  let agentWork = zero
  let onHold = zero
  let pending = zero
  for (let i = 0; i < statuses.length; i++) {
    const s = statuses[i]!
    const previous = statuses[i - 1]
    if (previous !== undefined) {
      if (previous.category === "solved" && !Ticket.isDone(s.category)) reopens++
      if (Ticket.isDone(s.category) && !Ticket.isDone(previous.category)) lastSolve = s.at
    } else if (Ticket.isDone(s.category)) lastSolve = s.at
    const to = Math.min(statuses[i + 1]?.at ?? now, now)
    const d = duration(calendar, s.at, to)
    if (s.category === "new" || s.category === "open" || s.category === "on_hold") requesterWait = add(requesterWait, d)
    if (s.category === "new" || s.category === "open") agentWork = add(agentWork, d)
    if (s.category === "on_hold") onHold = add(onHold, d)
    if (s.category === "pending") pending = add(pending, d)
  }
  const current = statuses[statuses.length - 1]
  const done = current !== undefined && Ticket.isDone(current.category)
  return {
    firstReply: answer === undefined ? null : duration(calendar, created, answer.at),
    fullResolution: done && lastSolve !== null ? duration(calendar, created, lastSolve) : null,
    reopens,
    requesterWait,
    agentWork,
    onHold,
    pending
  }
}
