/**
 * Associations link any record to any other (contact–deal, ticket–order,
 * contact–company with a buying role), readable from both sides.
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
export const AssociationId = Model.id("@rapport/core/AssociationId", "asc")

/**
 * @since 0.1.0
 * @category models
 */
export type AssociationId = typeof AssociationId.Type

const CollectionName = Schema.String.pipe(Schema.pattern(/^[a-z][a-z0-9_]{0,62}$/, { message: () => "a collection name" }))
const RecordId = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(100))

/**
 * A reference to a record of any collection.
 *
 * @since 0.1.0
 * @category models
 */
export const Ref = Schema.Struct({ collection: CollectionName, id: RecordId })

/**
 * @since 0.1.0
 * @category models
 */
export type Ref = typeof Ref.Type

/**
 * @since 0.1.0
 * @category models
 */
export const fields = {
  fromCollection: Field.string(CollectionName),
  fromId: Field.anyRef("fromCollection", RecordId),
  toCollection: Field.string(CollectionName),
  toId: Field.anyRef("toCollection", RecordId),
  label: Field.string(Schema.String.pipe(Schema.maxLength(100)))
}

/**
 * A directed link with a label (`""` when the link needs none).
 *
 * @since 0.1.0
 * @category models
 */
export class Association
  extends Schema.Class<Association>("@rapport/core/Association")(Collection.modelFields(AssociationId, fields))
{}

/**
 * @since 0.1.0
 * @category collections
 */
export const collection = Collection.make({
  name: "association",
  schema: Association,
  fields,
  indexes: [["fromCollection", "fromId"], ["toCollection", "toId"]],
  unique: [["fromCollection", "fromId", "toCollection", "toId", "label"]]
})

/**
 * A kind of link the application allows: which collections, and which labels.
 * `Associations.link` refuses links no definition allows.
 *
 * @example
 * ```ts
 * import { Association } from "@rapport/core"
 * const committee = Association.define({
 *   from: "contact",
 *   to: "company",
 *   labels: ["decision_maker", "economic_buyer", "champion", "influencer", "user", "blocker"]
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export interface Definition {
  readonly from: string
  readonly to: string
  /** Allowed labels; empty means "no label" (`""`). */
  readonly labels: ReadonlyArray<string>
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const define = <const D extends Definition>(definition: D): D => definition

/**
 * The links core defines: contacts in a company's buying committee, and contacts,
 * companies, orders and conversations linked to each other without a label.
 *
 * @since 0.1.0
 * @category constants
 */
export const coreDefinitions: ReadonlyArray<Definition> = [
  define({
    from: "contact",
    to: "company",
    labels: ["decision_maker", "economic_buyer", "champion", "influencer", "user", "blocker"]
  }),
  define({ from: "contact", to: "contact", labels: ["", "colleague", "assistant", "referred_by"] }),
  define({ from: "order", to: "conversation", labels: [""] }),
  define({ from: "company", to: "company", labels: ["parent", "partner", "reseller"] })
]
