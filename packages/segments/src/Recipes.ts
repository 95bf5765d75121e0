/**
 * Ready segments to copy and change: VIP customers, churn risk, return risk, dormant
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
