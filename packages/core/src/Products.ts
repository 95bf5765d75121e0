/**
 * The `Products` service: the catalogue orders draw from.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Schema } from "effect"
import * as Product from "./Product.js"
import * as Records from "./Records.js"
import type { Typed } from "./internal/typed.js"
import type * as CustomField from "./CustomField.js"

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = Effect.gen(function*() {
  const records = Records.make(yield* Records.dependencies, { collection: Product.collection, model: "Product", prefix: "prd" })
  const base = Records.crud(records, Product.inputs)
  return {
    ...base,
    /** The product with this SKU, if any. */
    bySku: (sku: string) =>
      Effect.flatMap(records.decodeInput("bySku", Schema.Struct({ sku: Schema.String }), { sku }), ({ sku }) =>
        Effect.map(
          base.find({ where: { _tag: "Compare", field: "sku", op: "eq", value: sku.trim() }, limit: 1 }),
          (page) => page.items[0]
        ))
  }
})

/**
 * @since 0.1.0
 * @category models
 */
export type Service = Effect.Effect.Success<typeof make>

/**
 * Products of the current workspace; SKUs are unique.
 *
 * @example
 * ```ts
 * import { Products } from "@rapport/core"
 * import { Effect } from "effect"
 * const add = Effect.flatMap(Products.Products, (products) =>
 *   products.create({ sku: "TEA-1", name: "Green tea", price: { amountMinor: 450, currency: "EUR" } }))
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class Products extends Context.Tag("@rapport/core/Products")<Products, Service>() {}

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = Layer.effect(Products, make)

/**
 * The service with `custom` typed by the `product` part of a custom-field
 * declaration (same object at runtime; see `Contacts.typed`).
 *
 * @since 0.1.0
 * @category accessors
 */
export const typed = <F extends CustomField.Fields>(_fields: F): Effect.Effect<Typed<Service, Product.Product, F>, never, Products> =>
  Products as unknown as Effect.Effect<Typed<Service, Product.Product, F>, never, Products>
