/**
 * A company (account): the organisation contacts work for. Its buying committee is the
 * set of contacts linked to it with a role.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as Collection from "./Collection.js"
import * as Field from "./Field.js"
import * as Model from "./Model.js"
import { UserId } from "./User.js"

/**
 * @since 0.1.0
 * @category models
 */
export const CompanyId = Model.id("@rapport/core/CompanyId", "com")

/**
 * @since 0.1.0
 * @category models
 */
export type CompanyId = typeof CompanyId.Type

/**
 * The role a contact plays in a company's buying decision.
 *
 * @since 0.1.0
 * @category models
 */
export const BuyingRole = Schema.Literal("decision_maker", "economic_buyer", "champion", "influencer", "user", "blocker")

/**
 * @since 0.1.0
 * @category models
 */
export type BuyingRole = typeof BuyingRole.Type

/**
 * A web domain such as `example.com` (lowercased, no scheme or path).
 *
 * @since 0.1.0
 * @category models
 */
export const Domain = Schema.Trim.pipe(
  Schema.compose(Schema.Lowercase),
  Schema.pattern(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
    message: () => "a domain such as example.com"
  })
)

/**
 * @since 0.1.0
 * @category models
 */
export const fields = {
  name: Field.text(300),
  domain: Field.nullable(Field.string(Domain)),
  industry: Field.nullable(Field.text(200)),
  employees: Field.nullable(Field.integer(Schema.Int.pipe(Schema.nonNegative()))),
  annualRevenue: Field.nullable(Field.money()),
  ownerId: Field.nullable(Field.ref("user", UserId)),
  tags: Field.strings(Model.Tag),
  custom: Model.customField()
}

/**
 * A company.
 *
 * @since 0.1.0
 * @category models
 */
export class Company extends Schema.Class<Company>("@rapport/core/Company")(Collection.modelFields(CompanyId, fields)) {}

/**
 * @since 0.1.0
 * @category collections
 */
export const collection = Collection.make({
  name: "company",
  schema: Company,
  fields,
  indexes: [["name"]],
  unique: [["domain"]]
})

/**
 * What `Companies.create` and `Companies.update` accept.
 *
 * @since 0.1.0
 * @category models
 */
export const inputs = Model.inputs(fields)
