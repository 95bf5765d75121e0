/**
 * Orders: what a customer bought, with line items, an exact total in minor units and a
 * status that moves placed → paid → fulfilled, or to refunded or cancelled.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as Collection from "./Collection.js"
import { CompanyId } from "./Company.js"
import { ContactId } from "./Contact.js"
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
 * One line of an order. `unitPrice` is in the order's currency.
 *
 * @since 0.1.0
 * @category models
 */
export const LineItem = Schema.Struct({
  sku: Sku,
  name: Schema.Trim.pipe(Schema.minLength(1), Schema.maxLength(300)),
  quantity: Schema.Int.pipe(Schema.between(1, 1_000_000, { message: () => "a whole quantity from 1 to 1000000" })),
  unitPrice: Money.Money
})

/**
 * @since 0.1.0
 * @category models
 */
export type LineItem = typeof LineItem.Type

/**
 * @since 0.1.0
 * @category models
 */
export const fields = {
  number: Field.string(Schema.Trim.pipe(Schema.minLength(1), Schema.maxLength(64))),
  contactId: Field.ref("contact", ContactId),
  companyId: Field.nullable(Field.ref("company", CompanyId)),
  status: Field.string(OrderStatus),
  lineItems: Field.json(Schema.Array(LineItem).pipe(Schema.minItems(1, { message: () => "an order needs a line item" }))),
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
 * all be in one currency.
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
