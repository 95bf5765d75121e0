/**
 * The figures a shop owner looks at: every one is a `Query` value the store runs.
 */
import { Query, Store, TimeBucket, Workspace, Zone } from "@rapport/core"
import { Effect } from "effect"
import * as Print from "./print.js"
import * as Teahouse from "./teahouse.js"

/** The buckets of the month of `now` (in the shop's zone) and the `n - 1` months before it, oldest first. */
const lastMonths = (now: number, n: number): ReadonlyArray<string> => {
  const [year, month] = Zone.localDate(now, Teahouse.timeZone)
  return Array.from({ length: n }, (_, i) => {
    const index = year * 12 + (month - 1) - (n - 1 - i)
    return TimeBucket.formatDate(Math.floor(index / 12), (index % 12) + 1, 1)
  })
}

export const section = (now: number) =>
  Effect.gen(function*() {
    const workspace = yield* Workspace.CurrentWorkspace
    const store = yield* Store.Store
    const lines: Array<string> = []

    const byStage = yield* store.aggregate(workspace, Query.aggregate("contact", {
      groupBy: [{ _tag: "Field", as: "stage", field: "lifecycleStage" }],
      measures: [{ _tag: "Count", as: "contacts" }],
      orderBy: [{ field: "contacts", direction: "desc" }]
    }))
    lines.push(Print.heading("Contacts by lifecycle stage"))
    lines.push(Print.table(["stage", "contacts"], byStage.map((r) => [String(r.stage), String(r.contacts)])))

    const revenue = yield* store.aggregate(workspace, Query.aggregate("order", {
      // 220 days reach back past the first day of the oldest month shown (six months are
      // at most 184 days), so that month is whole; older months are left out below.
      where: Query.and(Query.neq("status", "cancelled"), Query.withinLast("placedAt", 220, "day")),
      groupBy: [
        { _tag: "Bucket", as: "month", field: "placedAt", unit: "month", timeZone: Teahouse.timeZone },
        { _tag: "Field", as: "currency", field: "total.currency" }
      ],
      measures: [{ _tag: "Count", as: "orders" }, { _tag: "Sum", as: "revenue", field: "total.amountMinor" }, { _tag: "Avg", as: "average", field: "total.amountMinor" }],
      orderBy: [{ field: "month", direction: "asc" }]
    }))
    const months = lastMonths(now, 6)
    lines.push(Print.heading(`Revenue by month (${Teahouse.timeZone}), this month to date and the five before`))
    lines.push(Print.table(
      ["month", "orders", "revenue", "average order"],
      months.flatMap((month, i) => {
        // The current month has only begun: say so, so nobody reads it as a slump.
        const label = i === months.length - 1 ? `${month.slice(0, 7)} (partial, to date)` : month.slice(0, 7)
        const rows = revenue.filter((r) => r.month === month)
        return rows.length === 0 ? [[label, "0", "—", "—"]] : rows.map((r) => [
          label,
          String(r.orders),
          Print.moneySum(r.revenue, r.currency),
          Print.money(Math.round(Number(r.average)), String(r.currency))
        ])
      })
    ))
    return lines
  })

/** One line of counts for "At a glance". */
export const glance = Effect.gen(function*() {
  const workspace = yield* Workspace.CurrentWorkspace
  const store = yield* Store.Store
  const count = (collection: string, where: Query.Expr) =>
    Effect.map(store.aggregate(workspace, Query.aggregate(collection, { where, measures: [{ _tag: "Count", as: "n" }] })), ([row]) => Number(row?.n ?? 0))
  const repeat = yield* count("contact", Query.related("order", "contactId", { where: Query.withinLast("placedAt", 90, "day"), op: "gte", value: 3 }))
  const vip = yield* count("contact", Query.has("tags", "vip"))
  const openThreads = yield* count("conversation", Query.eq("status", "open"))
  const openDeals = yield* count("deal", Query.eq("status", "open"))
  const openTickets = yield* count("ticket", Query.isIn("category", ["new", "open", "pending", "on_hold"]))
  return `${repeat} repeat buyers (3+ orders in the last 90 days) · ${vip} VIPs · ${openThreads} open conversations · ${openDeals} open deals · ${openTickets} open tickets`
})
