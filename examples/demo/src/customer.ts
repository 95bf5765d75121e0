/**
 * The Customer 360 section: one customer's company, orders, conversations, open tasks
 * and timeline, all from one `Customer360.get`.
 */
import { Customer360 } from "@rapport/core"
import { Effect } from "effect"
import * as Print from "./print.js"

export const section = (contactId: string) =>
  Effect.gen(function*() {
    const view = yield* Effect.flatMap(Customer360.Customer360, (c) => c.get(contactId, { timelineLimit: 12 }))
    const { contact, company } = view
    const lines: Array<string> = []
    lines.push(Print.heading(`Customer 360 · ${contact.displayName}`))
    lines.push(`  ${contact.emails.join(", ")} · ${contact.lifecycleStage} · marketing consent ${contact.consentStatus} (${contact.consentSource ?? "—"})`)
    lines.push(`  ${company === null ? "no company" : `${company.name} (${company.industry ?? "—"}, ${company.employees ?? "?"} people)`} · tags: ${contact.tags.join(", ") || "—"}`)
    for (const t of view.orders.totals) {
      const first = t.firstPlacedAt === null ? "—" : Print.on(t.firstPlacedAt)
      const last = t.lastPlacedAt === null ? "—" : Print.on(t.lastPlacedAt)
      lines.push(`  ${t.orders} orders, ${Print.money(t.totalMinor, t.currency)} lifetime, first ${first}, last ${last}`)
    }
    lines.push("\n  Recent orders")
    lines.push(Print.table(
      ["number", Print.zoned("placed"), "status", "total"],
      view.orders.recent.map((o) => [o.number, Print.date(o.placedAt), o.status, Print.money(o.total.amountMinor, o.total.currency)])
    ))
    lines.push("\n  Conversations")
    lines.push(Print.table(
      ["channel", "subject", "status", "messages"],
      view.conversations.recent.map((c) => [c.channel, c.subject ?? "—", c.status, String(c.messageCount)])
    ))
    lines.push("\n  Open tasks")
    lines.push(Print.table(
      [Print.zoned("due"), "priority", "title"],
      view.openTasks.map((t) => [Print.whenOrDash(t.dueAt), t.priority, t.title])
    ))
    lines.push("\n  Timeline (newest first)")
    lines.push(Print.table(
      [Print.zoned("when"), "event", "what happened"],
      view.timeline.entries.map((e) => [Print.when(e.occurredAt), e.type, Print.describe(e)])
    ))
    return lines
  })
