/**
 * Ready segments to copy and change: VIP customers, top spenders, churn risk, return risk, dormant
 * leads, high value with an open ticket. Each is an ordinary segment built with the
 * builder (read its source to adapt it), with its definition written next to it.
 *
 * @example
 * ```ts
 * import { Recipes, Segment } from "@rapport/segments"
 *
 * const vips = Recipes.vip({ minSpendMinor: 100_000, currency: "EUR" })
 * const vipsInRetail = vips.and((c) => c.company.industry.eq("retail"))
 * console.log(vipsInRetail.find().collection) // "contact"
 * ```
 *
 * @since 0.1.0
 */
import type { Errors } from "@rapport/core"
import { Query, Store } from "@rapport/core"
import { Effect } from "effect"
import * as Objects from "./Objects.js"
import * as Segment from "./Segment.js"
import { days } from "./SegmentObject.js"

/** Order statuses whose total was not kept: a cancelled order was never paid, a refunded one was paid back. */
const NOT_SPENT = ["cancelled", "refunded"] as const

/**
 * VIP: contacts whose lifetime spend, in one currency, is at least `minSpendMinor` (minor
 * units). Lifetime spend is the sum of the totals of their orders in `currency` that were
 * neither cancelled nor fully refunded (a partly refunded order counts with its whole
 * total).
 *
 * @since 0.1.0
 * @category recipes
 */
export const vip = (options: { readonly minSpendMinor: number; readonly currency: string }) =>
  Segment.of(Objects.contact).where((c) =>
    c.orders.sum((o) => o.total.amountMinor, {
      where: (o) => o.total.currency.eq(options.currency).and(o.status.notIn(NOT_SPENT))
    }).gte(options.minSpendMinor)
  )

/**
 * The top spenders: the `percent` % of the contacts with a lifetime spend in `currency`
 * (as `vip` counts it) who spent the most, as a `vip` segment at the spend of the last of
 * them, so that contacts tied with it are in too. Spends are read once, by one aggregate
 * over the workspace's orders; `threshold` is the cut (in minor units) the segment holds,
 * and `spenders` how many contacts spent anything. With no spender the threshold is
 * `null` and the segment has no member.
 *
 * @example
 * ```ts
 * import { Recipes } from "@rapport/segments"
 * // The top 10% by spend in EUR, and the cut found (run in a workspace, on a store):
 * const top = Recipes.topSpenders("acme", { percent: 10, currency: "EUR" })
 * ```
 *
 * @since 0.1.0
 * @category recipes
 */
export const topSpenders = (
  workspaceId: string,
  options: { readonly percent: number; readonly currency: string }
): Effect.Effect<
  { readonly segment: Segment.Segment; readonly threshold: number | null; readonly spenders: number },
  Errors.InvalidQuery | Errors.StoreError,
  Store.Store
> =>
  Effect.gen(function*() {
    const store = yield* Store.Store
    const rows = yield* store.aggregate(workspaceId, Query.aggregate("order", {
      where: Query.and(Query.eq("total.currency", options.currency), Query.notIn("status", NOT_SPENT)),
      groupBy: [{ _tag: "Field", as: "contact", field: "contactId" }],
      measures: [{ _tag: "Sum", as: "spend", field: "total.amountMinor" }]
    }))
    const spends = rows.map((r) => Number(r.spend)).filter((spend) => spend > 0).sort((a, b) => b - a)
    // At least one spender when there is any and percent > 0; all of them at 100.
    const take = Math.min(spends.length, Math.ceil((spends.length * Math.min(Math.max(options.percent, 0), 100)) / 100))
    const threshold = take === 0 ? null : spends[take - 1]!
    const segment = threshold === null
      ? Segment.of(Objects.contact).where((c) => c.id.isIn([]))
      : vip({ minSpendMinor: threshold, currency: options.currency })
    return { segment, threshold, spenders: spends.length }
  })

/**
 * Churn risk: contacts who ordered before, but have neither placed an order nor had a
 * conversation (by its last message) in the last `days` days.
 *
 * @since 0.1.0
 * @category recipes
 */
export const churnRisk = (options: { readonly days: number }) =>
  Segment.of(Objects.contact).where((c) =>
    c.orders.exists().and(
      c.orders.notExists({ within: days(options.days) }),
      c.conversations.notExists({ within: days(options.days) })
    )
  )

/**
 * Return risk: contacts with at least `refunds` orders (2 by default), placed in the last
 * `days` days (30 by default), that were refunded in full or in part.
 *
 * @since 0.1.0
 * @category recipes
 */
export const returnRisk = (options: { readonly refunds?: number; readonly days?: number } = {}) =>
  Segment.of(Objects.contact).where((c) =>
    c.orders.count({
      where: (o) => o.status.isIn(["refunded", "partially_refunded"]),
      within: days(options.days ?? 30)
    }).gte(options.refunds ?? 2)
  )

/**
 * Dormant leads: contacts still at a lead stage (`lead`, `marketing_qualified`,
 * `sales_qualified`), created more than `days` days ago, with no activity (call, email,
 * meeting) in the last `days` days and no order ever.
 *
 * @since 0.1.0
 * @category recipes
 */
export const dormantLeads = (options: { readonly days: number }) =>
  Segment.of(Objects.contact).where((c) =>
    c.lifecycleStage.isIn(["lead", "marketing_qualified", "sales_qualified"]).and(
      c.createdAt.olderThan(options.days, "day"),
      c.activities.notExists({ within: days(options.days) }),
      c.orders.notExists()
    )
  )

/**
 * High value with an open ticket: the VIPs (`vip`) with a ticket neither solved nor
 * closed, the customers a support lead looks at first.
 *
 * @since 0.1.0
 * @category recipes
 */
export const highValueWithOpenTicket = (options: { readonly minSpendMinor: number; readonly currency: string }) =>
  vip(options).and((c) => c.tickets.exists({ where: (t) => t.solvedAt.isNull().and(t.closedAt.isNull()) }))
