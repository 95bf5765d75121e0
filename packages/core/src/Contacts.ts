/**
 * The `Contacts` service: create, change and find the people a business talks to.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Schema } from "effect"
import * as Contact from "./Contact.js"
import * as CrmEvents from "./CrmEvents.js"
import * as CustomField from "./CustomField.js"
import * as Records from "./Records.js"
import type { Typed } from "./internal/typed.js"
import * as Model from "./Model.js"

const ConsentInput = Schema.Struct({
  status: Schema.Literal("granted", "withdrawn"),
  source: Schema.Trim.pipe(Schema.minLength(1, { message: () => "say where consent came from (form, call, import)" }), Schema.maxLength(200))
})

const TagsInput = Schema.Array(Model.Tag).pipe(Schema.minItems(1, { message: () => "name at least one tag" }))

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = Effect.gen(function*() {
  const records = Records.make(yield* Records.dependencies, {
    collection: Contact.collection,
    model: "Contact",
    prefix: "con",
    subjects: (row) => (typeof row.companyId === "string" ? [`company:${row.companyId}`] : [])
  })
  const base = Records.crud(records, Contact.inputs)

  return {
    ...base,

    /** Records marketing consent with its source; the time comes from the `Clock`. */
    setConsent: (ref: Records.Versioned, input: typeof ConsentInput.Encoded) =>
      records.patchRow("setConsent", ref, () =>
        Effect.gen(function*() {
          const consent = yield* records.decodeInput("setConsent", ConsentInput, input)
          const now = yield* Effect.clockWith((clock) => clock.currentTimeMillis)
          return { consentStatus: consent.status, consentSource: consent.source, consentAt: now }
        }), { eventType: CrmEvents.ContactConsentChanged.type }),

    /** Adds tags (already present ones are kept once). */
    addTags: (ref: Records.Versioned, tags: ReadonlyArray<string>) =>
      records.patchRow("addTags", ref, (row) =>
        Effect.map(records.decodeInput("addTags", TagsInput, tags), (added) => ({
          tags: [...new Set([...(row.tags as ReadonlyArray<string>), ...added])]
        }))),

    /** Removes tags (absent ones are ignored). */
    removeTags: (ref: Records.Versioned, tags: ReadonlyArray<string>) =>
      records.patchRow("removeTags", ref, (row) =>
        Effect.map(records.decodeInput("removeTags", TagsInput, tags), (removed) => ({
          tags: (row.tags as ReadonlyArray<string>).filter((t) => !removed.includes(t))
        }))),

    /** Contacts that have this email address (case-insensitive), oldest first. */
    findByEmail: (email: string) =>
      Effect.flatMap(records.decodeInput("findByEmail", Model.Email, email), (normalized) =>
        Effect.map(base.find({ where: { _tag: "Has", field: "emails", value: normalized } }), (page) => page.items))
  }
})

/**
 * The service's interface.
 *
 * @since 0.1.0
 * @category models
 */
export type Service = Effect.Effect.Success<typeof make>

/**
 * Contacts of the current workspace.
 *
 * @example
 * ```ts
 * import { Contacts } from "@rapport/core"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const contacts = yield* Contacts.Contacts
 *   const ada = yield* contacts.create({
 *     firstName: "Ada",
 *     lastName: "Lovelace",
 *     emails: ["Ada@Example.com"], // stored lowercased
 *     lifecycleStage: "lead"
 *   })
 *   const customer = yield* contacts.update(ada, { lifecycleStage: "customer" })
 *   return customer.version // 2
 * })
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class Contacts extends Context.Tag("@rapport/core/Contacts")<Contacts, Service>() {}

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = Layer.effect(Contacts, make)

/**
 * The contacts service with `custom` typed by a custom-field declaration. Same service
 * at runtime (values are validated on write either way); only the types narrow.
 *
 * @example
 * ```ts
 * import { Contacts, CustomField } from "@rapport/core"
 * import { Effect } from "effect"
 *
 * const fields = CustomField.declare({ contact: { plan: CustomField.select(["free", "pro"]) } })
 * const program = Effect.gen(function*() {
 *   const contacts = yield* Contacts.typed(fields.contact)
 *   const c = yield* contacts.create({ firstName: "Lin", custom: { plan: "pro" } })
 *   const plan: "free" | "pro" | undefined = c.custom.plan
 * })
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const typed = <F extends CustomField.Fields>(_fields: F): Effect.Effect<Typed<Service, Contact.Contact, F>, never, Contacts> =>
  Contacts as unknown as Effect.Effect<Typed<Service, Contact.Contact, F>, never, Contacts>
