/**
 * Orders: what a customer bought, with line items, an exact total in minor units and a
 * status that moves placed → paid → fulfilled, or to refunded or cancelled.
 *
 * @since 0.1.0
 */
import { Either, Schema } from "effect"
import * as Collection from "./Collection.js"
import { CompanyId } from "./Company.js"
import { ContactId } from "./Contact.js"
import { FieldIssue } from "./Errors.js"
import * as Field from "./Field.js"
import * as Model from "./Model.js"
import * as Money from "./Money.js"
import { Sku } from "./Product.js"

/**
 * @since 0.1.0
 * @category models
 */
export const OrderId = Model.id("@rapport/core/OrderId", "ord")

/**
 * @since 0.1.0
 * @category models
 */
export type OrderId = typeof OrderId.Type

/**
 * @since 0.1.0
 * @category models
 */
export const OrderStatus = Schema.Literal("placed", "paid", "fulfilled", "partially_refunded", "refunded", "cancelled")

/**
 * @since 0.1.0
 * @category models
 */
export type OrderStatus = typeof OrderStatus.Type

/**
 * One line of an order, in the order's currency. `quantity` is a whole number from 1 to
 * 1,000,000 and `unitPrice` cannot be negative. A discount is its own amount, never a
 * negative price: `discount` (optional) is taken off the line, at most `quantity ×
 * unitPrice`. The line comes to `quantity × unitPrice − discount`.
 *
 * @example
 * ```ts
 * import { Order } from "@rapport/core"
 * import { Schema } from "effect"
 * // 3 × 5.00 EUR, 2.00 EUR off: the line comes to 13.00 EUR
 * const line = Schema.decodeUnknownSync(Order.LineItem)({
 *   sku: "TEA-1",
 *   name: "Green tea",
 *   quantity: 3,
 *   unitPrice: { amountMinor: 500, currency: "EUR" },
 *   discount: { amountMinor: 200, currency: "EUR" }
 * })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export const LineItem = Schema.Struct({
  sku: Sku,
  name: Schema.Trim.pipe(Schema.minLength(1), Schema.maxLength(300)),
  quantity: Schema.Int.pipe(Schema.between(1, 1_000_000, { message: () => "a whole quantity from 1 to 1000000" })),
  unitPrice: Money.NonNegative,
  discount: Schema.optionalWith(Money.NonNegative, { exact: true })
})

/**
 * @since 0.1.0
 * @category models
 */
export type LineItem = typeof LineItem.Type

const MAX = BigInt(Money.maxAmountMinor)

/**
 * The total of an order's lines, computed exactly (in `bigint`, never in floating
 * point): the sum of `quantity × unitPrice − discount`. Refused, with one issue per
 * field at fault, when a line is in another currency than the first, a discount is
 * more than its line, a line's `quantity × unitPrice` is past `Money.maxAmountMinor`
 * (the issue names both operands) or the lines add up past it. What `Orders.place`
 * stores as `total`.
 *
 * @example
 * ```ts
 * import { Order } from "@rapport/core"
 * import { Schema } from "effect"
 * const lines = Schema.decodeUnknownSync(Schema.Array(Order.LineItem))([
 *   { sku: "TEA-1", name: "Green tea", quantity: 3, unitPrice: { amountMinor: 450, currency: "EUR" } },
 *   { sku: "CUP-1", name: "Cup", quantity: 1, unitPrice: { amountMinor: 1299, currency: "EUR" } }
 * ])
 * console.log(Order.totalOf(lines)) // { _id: 'Either', _tag: 'Right', right: 2649 }
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const totalOf = (lineItems: ReadonlyArray<LineItem>): Either.Either<number, ReadonlyArray<FieldIssue>> => {
  const issues: Array<FieldIssue> = []
  const issue = (path: string, message: string) => issues.push(new FieldIssue({ path, message }))
  const currency = lineItems[0]?.unitPrice.currency
  let total = 0n
  lineItems.forEach((line, i) => {
    const at = `lineItems.${i}`
    if (line.unitPrice.currency !== currency) issue(`${at}.unitPrice.currency`, `every line must be in ${currency}`)
    const gross = BigInt(line.quantity) * BigInt(line.unitPrice.amountMinor)
    if (gross > MAX) {
      const reason = `${line.quantity} × ${line.unitPrice.amountMinor} = ${gross} minor units, past the largest exact amount (${MAX})`
      issue(`${at}.quantity`, reason)
      issue(`${at}.unitPrice.amountMinor`, reason)
    }
    const discount = line.discount
    if (discount !== undefined) {
      if (discount.currency !== currency) issue(`${at}.discount.currency`, `every line must be in ${currency}`)
      if (BigInt(discount.amountMinor) > gross) {
        issue(`${at}.discount.amountMinor`, `at most the line's quantity × unit price (${gross})`)
      }
    }
    total += gross - BigInt(discount?.amountMinor ?? 0)
  })
  if (issues.length === 0 && total > MAX) {
    issue("lineItems", `the lines add up to ${total} minor units, past the largest exact amount (${MAX})`)
  }
  return issues.length === 0 ? Either.right(Number(total)) : Either.left(issues)
}

/**
 * @since 0.1.0
 * @category models
 */
export const fields = {
  number: Field.string(Schema.Trim.pipe(Schema.minLength(1), Schema.maxLength(64))),
  contactId: Field.ref("contact", ContactId),
  companyId: Field.nullable(Field.ref("company", CompanyId)),
  status: Field.string(OrderStatus),
  lineItems: Field.objects(
    Schema.Array(LineItem).pipe(Schema.minItems(1, { message: () => "an order needs a line item" })),
    {
      sku: Field.string(),
      name: Field.string(),
      quantity: Field.integer(),
      unitPrice: Field.money(),
      discount: Field.nullable(Field.money())
    }
  ),
  total: Field.money(),
  refunded: Field.money(),
  placedAt: Field.timestamp(),
  paidAt: Field.nullable(Field.timestamp()),
  fulfilledAt: Field.nullable(Field.timestamp()),
  cancelledAt: Field.nullable(Field.timestamp()),
  custom: Model.customField()
}

/**
 * An order.
 *
 * @since 0.1.0
 * @category models
 */
export class Order extends Schema.Class<Order>("@rapport/core/Order")(Collection.modelFields(OrderId, fields)) {}

/**
 * @since 0.1.0
 * @category collections
 */
export const collection = Collection.make({
  name: "order",
  schema: Order,
  fields,
  indexes: [["contactId", "placedAt"], ["companyId", "placedAt"], ["placedAt"], ["status"]],
  unique: [["number"]]
})

/**
 * What `Orders.place` accepts: the total is computed from the line items, which must
 * all be in one currency (their discounts too).
 *
 * @since 0.1.0
 * @category models
 */
export const PlaceInput = Schema.Struct({
  number: Schema.optionalWith(fields.number.schema, { exact: true }),
  contactId: ContactId,
  companyId: Schema.optionalWith(Schema.NullOr(CompanyId), { exact: true, default: () => null }),
  lineItems: fields.lineItems.schema,
  placedAt: Schema.optionalWith(fields.placedAt.schema, { exact: true }),
  custom: Schema.optionalWith(Schema.Record({ key: Schema.String, value: Schema.Unknown }), { exact: true, default: () => ({}) })
})

/**
 * @since 0.1.0
 * @category models
 */
export type PlaceInput = typeof PlaceInput.Encoded

/**
 * The status moves an order may make. Refunds are separate (`refund`), as they carry
 * an amount.
 *
 * @since 0.1.0
 * @category constants
 */
export const transitions: Readonly<Record<OrderStatus, ReadonlyArray<OrderStatus>>> = {
  placed: ["paid", "cancelled"],
  paid: ["fulfilled", "partially_refunded", "refunded", "cancelled"],
  fulfilled: ["partially_refunded", "refunded"],
  partially_refunded: ["partially_refunded", "refunded"],
  refunded: [],
  cancelled: []
}

/**
 * The full stored field set of a new order (what `Orders.place` writes after computing
 * the total), validated like any input.
 *
 * @since 0.1.0
 * @category models
 */
export const placeSchema = Schema.Struct(Field.schemas(fields))
