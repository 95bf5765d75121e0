/**
 * The `Orders` service: place orders with exact totals, move them through payment,
 * fulfilment, refunds and cancellation.
 *
 * @since 0.1.0
 */
import { Context, Effect, Either, Layer, Option, Schema } from "effect"
import * as CrmEvents from "./CrmEvents.js"
import { ValidationError } from "./Errors.js"
import * as Input from "./Input.js"
import * as Records from "./Records.js"
import type { Typed } from "./internal/typed.js"
import type * as CustomField from "./CustomField.js"
import * as Subjects from "./internal/subjects.js"
import * as Money from "./Money.js"
import * as Order from "./Order.js"
import type * as Query from "./Query.js"
import { CurrentWorkspace } from "./Workspace.js"

const statusTime: Partial<Record<Order.OrderStatus, "paidAt" | "fulfilledAt" | "cancelledAt">> = {
  paid: "paidAt",
  fulfilled: "fulfilledAt",
  cancelled: "cancelledAt"
}

/**
 * Totals of a contact's orders in one currency. The sums are exact: a `number` while
 * they are safe integers, a `bigint` past `Money.maxAmountMinor` (`Money.format`
 * prints either).
 *
 * @since 0.1.0
 * @category models
 */
export interface Totals {
  readonly currency: string
  readonly orders: number
  /** Sum of order totals, minor units. */
  readonly totalMinor: number | bigint
  /** Sum of refunds, minor units. */
  readonly refundedMinor: number | bigint
  readonly firstPlacedAt: number | null
  readonly lastPlacedAt: number | null
}

/** A store's sum as it came (a number, or a bigint past the safe range), never rounded. */
const exactSum = (v: Query.AggregateRow[string] | undefined): number | bigint =>
  typeof v === "bigint" ? v : Number(v ?? 0)

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = Effect.gen(function*() {
  const deps = yield* Records.dependencies
  const records = Records.make(deps, {
    collection: Order.collection,
    model: "Order",
    prefix: "ord",
    subjects: Subjects.ofCustomer
  })

  const move = (command: string, to: Order.OrderStatus, eventType: string) => (ref: Records.Versioned) =>
    records.patchRow(command, ref, (row) => {
      const from = row.status as Order.OrderStatus
      if (!Order.transitions[from].includes(to)) {
        return Effect.fail(ValidationError.single(records.operation(command), "status", `a ${from} order cannot become ${to}`))
      }
      const field = statusTime[to]
      return Effect.map(Effect.clockWith((clock) => clock.currentTimeMillis), (now) =>
        field === undefined ? { status: to } : { status: to, [field]: now })
    }, { eventType })

  return {
    /**
     * Places an order. The total is the sum of quantity × unit price less each line's
     * discount, computed exactly (`Order.totalOf`); every line must be in the same
     * currency, no price or discount can be negative, and a line or total past
     * `Money.maxAmountMinor` is refused. Without a `companyId` the contact's company
     * is used; without a `number` one is derived from the id.
     */
    place: (input: Order.PlaceInput) =>
      Effect.gen(function*() {
        const order = yield* records.decodeInput("place", Order.PlaceInput, input)
        const currency = order.lineItems[0]!.unitPrice.currency
        const total = yield* Either.match(Order.totalOf(order.lineItems), {
          onLeft: (issues) => Effect.fail(new ValidationError({ operation: records.operation("place"), issues })),
          onRight: Effect.succeed
        })
        const workspaceId = yield* CurrentWorkspace
        let companyId = order.companyId
        if (companyId === null) {
          const contact = yield* deps.store.get(workspaceId, "contact", order.contactId)
          companyId = Option.match(contact, {
            onNone: () => null,
            onSome: (c) => (typeof c.companyId === "string" ? c.companyId as typeof companyId : null)
          })
        }
        const now = yield* Effect.clockWith((clock) => clock.currentTimeMillis)
        const number = order.number ?? (yield* deps.ids.next("ORD")).replace("_", "-")
        const fields = yield* records.normalize("place", Order.placeSchema, {
          number,
          contactId: order.contactId,
          companyId,
          status: "placed",
          lineItems: Schema.encodeSync(Order.fields.lineItems.schema)(order.lineItems),
          total: { amountMinor: total, currency },
          refunded: { amountMinor: 0, currency },
          placedAt: order.placedAt ?? now,
          paidAt: null,
          fulfilledAt: null,
          cancelledAt: null,
          custom: order.custom
        })
        return yield* records.insertRow("place", fields, { eventType: CrmEvents.OrderPlaced.type })
      }),

    /** placed → paid */
    pay: move("pay", "paid", CrmEvents.OrderPaid.type),
    /** paid → fulfilled */
    fulfil: move("fulfil", "fulfilled", CrmEvents.OrderFulfilled.type),
    /** placed or paid → cancelled */
    cancel: move("cancel", "cancelled", CrmEvents.OrderCancelled.type),

    /**
     * Refunds part or all of a paid or fulfilled order: the amount must be in the
     * order's currency and at most what is left to refund.
     */
    refund: (ref: Records.Versioned, amount: typeof Money.Money.Encoded) =>
      records.patchRow("refund", ref, (row) =>
        Effect.gen(function*() {
          const refund = yield* records.decodeInput("refund", Money.Money, amount)
          const total = row.total as { amountMinor: number; currency: string }
          const refunded = row.refunded as { amountMinor: number; currency: string }
          const from = row.status as Order.OrderStatus
          const fail = (path: string, message: string) =>
            Effect.fail(ValidationError.single(records.operation("refund"), path, message))
          if (!Order.transitions[from].includes("refunded")) return yield* fail("status", `a ${from} order cannot be refunded`)
          if (refund.currency !== total.currency) return yield* fail("currency", `the order is in ${total.currency}`)
          const left = total.amountMinor - refunded.amountMinor
          if (refund.amountMinor <= 0 || refund.amountMinor > left) {
            return yield* fail("amountMinor", `between 1 and ${left} (what is left to refund)`)
          }
          const after = refunded.amountMinor + refund.amountMinor
          return {
            refunded: { amountMinor: after, currency: total.currency },
            status: after === total.amountMinor ? "refunded" : "partially_refunded"
          }
        }), { eventType: CrmEvents.OrderRefunded.type }),

    get: records.get,
    find: records.find,

    /** A contact's orders, newest first. */
    forContact: (contactId: string, options: { readonly limit?: number; readonly cursor?: string } = {}) =>
      Effect.flatMap(Input.decodeId(records.operation("forContact"), contactId, "contactId"), (contactId) =>
        records.find({
          where: { _tag: "Compare", field: "contactId", op: "eq", value: contactId },
          orderBy: [{ field: "placedAt", direction: "desc" }],
          ...options
        })),

    /** A contact's order totals per currency (cancelled orders excluded). */
    totalsFor: (contactId: string) =>
      Effect.gen(function*() {
        contactId = yield* Input.decodeId(records.operation("totalsFor"), contactId, "contactId")
        const workspaceId = yield* CurrentWorkspace
        const rows = yield* deps.store.aggregate(workspaceId, {
          collection: "order",
          where: {
            _tag: "And",
            exprs: [
              { _tag: "Compare", field: "contactId", op: "eq", value: contactId },
              { _tag: "Compare", field: "status", op: "neq", value: "cancelled" }
            ]
          },
          // `refunded` is always in the order's currency; the planner sums money only per
          // currency of the field summed, so both currencies are keys (the groups are the same).
          groupBy: [
            { _tag: "Field", as: "currency", field: "total.currency" },
            { _tag: "Field", as: "refundedCurrency", field: "refunded.currency" }
          ],
          measures: [
            { _tag: "Count", as: "orders" },
            { _tag: "Sum", as: "totalMinor", field: "total.amountMinor" },
            { _tag: "Sum", as: "refundedMinor", field: "refunded.amountMinor" },
            { _tag: "Min", as: "firstPlacedAt", field: "placedAt" },
            { _tag: "Max", as: "lastPlacedAt", field: "placedAt" }
          ]
        })
        return rows.map((r): Totals => ({
          currency: String(r.currency),
          orders: Number(r.orders),
          totalMinor: exactSum(r.totalMinor),
          refundedMinor: exactSum(r.refundedMinor),
          firstPlacedAt: r.firstPlacedAt === null || r.firstPlacedAt === undefined ? null : Number(r.firstPlacedAt),
          lastPlacedAt: r.lastPlacedAt === null || r.lastPlacedAt === undefined ? null : Number(r.lastPlacedAt)
        }))
      })
  }
})

/**
 * @since 0.1.0
 * @category models
 */
export type Service = Effect.Effect.Success<typeof make>

/**
 * Orders of the current workspace.
 *
 * @example
 * ```ts
 * import { Orders } from "@rapport/core"
 * import { Effect } from "effect"
 * const buy = (contactId: string) =>
 *   Effect.gen(function*() {
 *     const orders = yield* Orders.Orders
 *     const order = yield* orders.place({
 *       contactId,
 *       lineItems: [{ sku: "TEA-1", name: "Green tea", quantity: 3, unitPrice: { amountMinor: 450, currency: "EUR" } }]
 *     })
 *     return yield* orders.pay(order) // total 13.50 EUR, status "paid"
 *   })
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class Orders extends Context.Tag("@rapport/core/Orders")<Orders, Service>() {}

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = Layer.effect(Orders, make)

/**
 * The service with `custom` typed by the `order` part of a custom-field
 * declaration (same object at runtime; see `Contacts.typed`).
 *
 * @since 0.1.0
 * @category accessors
 */
export const typed = <F extends CustomField.Fields>(_fields: F): Effect.Effect<Typed<Service, Order.Order, F>, never, Orders> =>
  Orders as unknown as Effect.Effect<Typed<Service, Order.Order, F>, never, Orders>
