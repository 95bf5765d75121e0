/**
 * A contact is a person the business talks to: a lead, a customer, a champion at an
 * account. It is the centre of the customer 360.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as Collection from "./Collection.js"
import * as Field from "./Field.js"
import * as Model from "./Model.js"
import { CompanyId } from "./Company.js"
import { UserId } from "./User.js"

/**
 * @since 0.1.0
 * @category models
 */
export const ContactId = Model.id("@rapport/core/ContactId", "con")

/**
 * @since 0.1.0
 * @category models
 */
export type ContactId = typeof ContactId.Type

/**
 * Where a contact stands in the customer lifecycle.
 *
 * @since 0.1.0
 * @category models
 */
export const LifecycleStage = Schema.Literal(
  "subscriber",
  "lead",
  "marketing_qualified",
  "sales_qualified",
  "opportunity",
  "customer",
  "evangelist",
  "other"
)

/**
 * @since 0.1.0
 * @category models
 */
export type LifecycleStage = typeof LifecycleStage.Type

/**
 * Marketing consent: unknown until asked, then granted or withdrawn, with its source
 * (form, import, call) and time.
 *
 * @since 0.1.0
 * @category models
 */
export const ConsentStatus = Schema.Literal("unknown", "granted", "withdrawn")

/**
 * @since 0.1.0
 * @category models
 */
export type ConsentStatus = typeof ConsentStatus.Type

/**
 * @since 0.1.0
 * @category models
 */
export const fields = {
  firstName: Field.text(200),
  lastName: Field.nullable(Field.text(200)),
  emails: Field.strings(Model.Email),
  phones: Field.strings(Model.Phone),
  lifecycleStage: Field.string(LifecycleStage),
  ownerId: Field.nullable(Field.ref("user", UserId)),
  companyId: Field.nullable(Field.ref("company", CompanyId)),
  tags: Field.strings(Model.Tag),
  consentStatus: Field.string(ConsentStatus),
  consentSource: Field.nullable(Field.text(200)),
  consentAt: Field.nullable(Field.timestamp()),
  source: Field.nullable(Field.text(200)),
  campaign: Field.nullable(Field.text(200)),
  custom: Model.customField()
}

/**
 * A contact.
 *
 * @example
 * ```ts
 * import { Contacts } from "@rapport/core"
 * import { Effect } from "effect"
 * const program = Effect.gen(function*() {
 *   const contacts = yield* Contacts.Contacts
 *   const ada = yield* contacts.create({ firstName: "Ada", lastName: "Lovelace", emails: ["ada@example.com"] })
 *   return ada.id
 * })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export class Contact extends Schema.Class<Contact>("@rapport/core/Contact")(Collection.modelFields(ContactId, fields)) {
  /** First and last name. */
  get displayName(): string {
    return this.lastName === null ? this.firstName : `${this.firstName} ${this.lastName}`
  }
}

/**
 * @since 0.1.0
 * @category collections
 */
export const collection = Collection.make({
  name: "contact",
  schema: Contact,
  fields,
  indexes: [["lifecycleStage"], ["lastName", "firstName"], ["updatedAt"]]
})

/**
 * What `Contacts.create` and `Contacts.update` accept. Consent has a command of its
 * own (`setConsent`), so that its source and time are always recorded together.
 *
 * @since 0.1.0
 * @category models
 */
export const inputs = Model.inputs(fields, {
  defaults: { lifecycleStage: () => "lead" as const, consentStatus: () => "unknown" as const },
  fixed: ["consentStatus", "consentSource", "consentAt"]
})
