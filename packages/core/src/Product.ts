/**
 * Products are what orders are made of: a SKU, a name and a list price.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as Collection from "./Collection.js"
import * as Field from "./Field.js"
import * as Model from "./Model.js"

/**
 * @since 0.1.0
 * @category models
 */
export const ProductId = Model.id("@rapport/core/ProductId", "prd")

/**
 * @since 0.1.0
 * @category models
 */
export type ProductId = typeof ProductId.Type

/**
 * A stock-keeping unit: letters, digits, `-`, `_` and `.`, 1–64 characters.
 *
 * @since 0.1.0
 * @category models
 */
export const Sku = Schema.Trim.pipe(
  Schema.pattern(/^[A-Za-z0-9._-]{1,64}$/, { message: () => "1–64 letters, digits, '.', '_' or '-'" })
)

/**
 * @since 0.1.0
 * @category models
 */
export const fields = {
  sku: Field.string(Sku),
  name: Field.text(300),
  price: Field.money(),
  active: Field.boolean(),
  custom: Model.customField()
}

/**
 * A product.
 *
 * @since 0.1.0
 * @category models
 */
export class Product extends Schema.Class<Product>("@rapport/core/Product")(Collection.modelFields(ProductId, fields)) {}

/**
 * @since 0.1.0
 * @category collections
 */
export const collection = Collection.make({ name: "product", schema: Product, fields, unique: [["sku"]] })

/**
 * @since 0.1.0
 * @category models
 */
export const inputs = Model.inputs(fields, { defaults: { active: () => true } })
