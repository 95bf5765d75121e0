/**
 * The support section: the star customer's VIP ticket with each SLA target's clock
 * (from `Tickets.sla`, evaluated now on the support hours), and the support queue.
 */
import { type SlaPolicy, type Ticket, Tickets } from "@rapport/pipelines"
import { Effect } from "effect"
import * as Print from "./print.js"
import * as Teahouse from "./teahouse.js"

/** Where a target's clock stands: met or breached once its cycle ended, else running or paused. */
const outcome = (s: SlaPolicy.TargetStatus, status: string): string =>
  s.breachedAt !== null
    ? "breached"
    : s.completedAt !== null
    ? "met"
    : s.running
    ? s.state === "warning" ? "running, warning" : "running"
    : `paused (${Print.words(status)})`

/** The time a target still allows, in the hours it counts (negative once it is over). */
const left = (s: SlaPolicy.TargetStatus): string => {
  if (s.completedAt !== null) return "—"
  const ms = s.targetMinutes * 60_000 - s.elapsedMillis
  return ms >= 0 ? Print.hours(ms) : `over by ${Print.hours(-ms)}`
}

/**
 * When the next target falls due. Not `Ticket.slaDueAt`: that is when the next SLA event
 * (a warning or a breach) can happen, the instant `checkSla` looks for.
 */
const nextDue = (statuses: ReadonlyArray<SlaPolicy.TargetStatus>): number | null => {
  const due = statuses.flatMap((s) => (s.completedAt === null && s.breachedAt === null && s.dueAt !== null ? [s.dueAt] : []))
  return due.length === 0 ? null : Math.min(...due)
}

const policyOf = (ticket: Ticket.Ticket) => Teahouse.slaPolicies.find((p) => p.id === ticket.slaPolicyId)
const policyName = (ticket: Ticket.Ticket) => policyOf(ticket)?.name ?? "none"

export const section = (ticketId: string) =>
  Effect.gen(function*() {
    const tickets = yield* Tickets.Tickets
    const ticket = yield* tickets.get(ticketId)
    const targets = yield* tickets.sla(ticketId)
    const since = ticket.timeline.findLast((e) => e._tag === "Status")?.at ?? ticket.createdAt

    const lines: Array<string> = []
    lines.push(Print.heading(`Ticket · ${ticket.subject}`))
    lines.push(`  opened ${Print.at(ticket.createdAt)} by ${Print.words(ticket.channel)} · ${policyName(ticket)} SLA policy · ${Print.words(ticket.status)} since ${Print.at(since)}`)
    const pauses = policyOf(ticket)?.pauseIn.map(Print.words).join(" or ") ?? "—"
    lines.push(`  Business-hours targets count ${Teahouse.supportHoursText} ${Teahouse.timeZone}; clocks pause while the ticket is ${pauses}.`)
    lines.push(Print.table(
      ["target", "within", Print.zoned("due"), "clock", "used", "left"],
      targets.map((s) => [
        Print.words(s.metric),
        `${Print.hours(s.targetMinutes * 60_000)} ${s.hours}`,
        Print.whenOrDash(s.dueAt),
        outcome(s, ticket.status),
        Print.hours(s.elapsedMillis),
        left(s)
      ])
    ))

    // Every ticket, one line each: each target's clock and the next time one falls due.
    const queue = yield* tickets.find({ orderBy: [{ field: "createdAt", direction: "asc" }] })
    const rows = yield* Effect.forEach(queue.items, (t) =>
      Effect.map(tickets.sla(t.id), (statuses) => [
        Print.when(t.createdAt),
        t.subject,
        Print.words(t.status),
        policyName(t),
        statuses.map((s) => `${Print.words(s.metric)} ${outcome(s, t.status)}`).join(", "),
        Print.whenOrDash(nextDue(statuses))
      ]))
    lines.push("\n  Support queue")
    lines.push(Print.table([Print.zoned("opened"), "subject", "status", "policy", "SLA", Print.zoned("next due")], rows))
    return lines
  })
