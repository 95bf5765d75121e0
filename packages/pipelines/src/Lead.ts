/**
 * Leads: people who raised a hand (a web form, a trade-show scan) before anyone knows
 * whether they will buy. A lead is captured from a validated form payload, qualified
 * or disqualified with a reason, and converted into a contact, a company and a deal.
 *
 * @since 0.1.0
 */
import { Collection, Company, Contact, Field, Model, User } from "@rapport/core"
import { Schema } from "effect"
import { DealId } from "./Deal.js"
import * as Machine from "./Machine.js"

/**
 * @since 0.1.0
 * @category models
 */
export const LeadId = Model.id("@rapport/pipelines/LeadId", "lead")

/**
 * @since 0.1.0
 * @category models
 */
export type LeadId = typeof LeadId.Type

/**
 * @since 0.1.0
 * @category models
 */
export const LeadStatus = Schema.Literal("new", "qualified", "disqualified", "converted")

/**
 * @since 0.1.0
 * @category models
 */
export type LeadStatus = typeof LeadStatus.Type

/**
 * The lead lifecycle: new → qualified → converted, and disqualified (with a reason)
 * from new or qualified; a disqualified lead can be qualified again. Converted is
 * final.
 *
 * @example
 * ```ts
 * import { Lead, Machine } from "@rapport/pipelines"
 *
 * console.log(Machine.can(Lead.lifecycle, "new", { type: "CONVERT" })) // false: qualify first
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const lifecycle = Machine.make({
  id: "lead",
  initial: "new",
  states: {
    new: { on: { QUALIFY: "qualified", DISQUALIFY: "disqualified" } },
    qualified: { on: { DISQUALIFY: "disqualified", CONVERT: "converted" } },
    disqualified: { on: { QUALIFY: "qualified" } },
    converted: { final: true }
  }
})

/**
 * The stored fields of a lead.
 *
 * @since 0.1.0
 * @category models
 */
export const fields = {
  firstName: Field.text(200),
  lastName: Field.nullable(Field.text(200)),
  email: Field.nullable(Field.string(Model.Email)),
  phone: Field.nullable(Field.string(Model.Phone)),
  companyName: Field.nullable(Field.text(300)),
  companyDomain: Field.nullable(Field.string(Company.Domain)),
  source: Field.nullable(Field.text(200)),
  message: Field.nullable(Field.text(5000)),
  status: Field.string(LeadStatus),
  disqualifyReason: Field.nullable(Field.text(500)),
  ownerId: Field.nullable(Field.ref("user", User.UserId)),
  contactId: Field.nullable(Field.ref("contact", Contact.ContactId)),
  companyId: Field.nullable(Field.ref("company", Company.CompanyId)),
  dealId: Field.nullable(Field.ref("deal", DealId)),
  qualifiedAt: Field.nullable(Field.timestamp()),
  disqualifiedAt: Field.nullable(Field.timestamp()),
  convertedAt: Field.nullable(Field.timestamp()),
  custom: Model.customField()
}

/**
 * A lead.
 *
 * @since 0.1.0
 * @category models
 */
export class Lead extends Schema.Class<Lead>("@rapport/pipelines/Lead")(Collection.modelFields(LeadId, fields)) {}

/**
 * The `lead` collection; add it to `Crm.layer({ collections })` (after `Deal.collection`).
 *
 * @since 0.1.0
 * @category collections
 */
export const collection = Collection.make({
  name: "lead",
  schema: Lead,
  fields,
  indexes: [["status", "createdAt"], ["email"], ["companyDomain"]]
})

const optional = <S extends Schema.Schema.Any>(schema: S) => Schema.optionalWith(schema, { exact: true })

/**
 * A form payload `Leads.capture` accepts: a first name and an email or a phone are
 * required; unknown keys are refused.
 *
 * @since 0.1.0
 * @category models
 */
export const FormPayload = Schema.Struct({
  firstName: fields.firstName.schema,
  lastName: optional(Schema.NullOr(fields.firstName.schema)),
  email: optional(Schema.NullOr(Model.Email)),
  phone: optional(Schema.NullOr(Model.Phone)),
  company: optional(Schema.NullOr(fields.companyName.schema.members[0])),
  domain: optional(Schema.NullOr(Company.Domain)),
  source: optional(Schema.NullOr(fields.source.schema.members[0])),
  message: optional(Schema.NullOr(fields.message.schema.members[0])),
  ownerId: optional(Schema.NullOr(User.UserId)),
  custom: optional(fields.custom.schema)
})

/**
 * @since 0.1.0
 * @category models
 */
export type FormPayload = typeof FormPayload.Encoded
