/**
 * The `Companies` service: accounts, and the buying committee of contacts linked to
 * them with a role.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer } from "effect"
import { Associations } from "./Associations.js"
import * as Company from "./Company.js"
import * as Contact from "./Contact.js"
import * as Input from "./Input.js"
import * as Records from "./Records.js"
import type { Typed } from "./internal/typed.js"
import type * as CustomField from "./CustomField.js"

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = Effect.gen(function*() {
  const deps = yield* Records.dependencies
  const links = yield* Associations
  const records = Records.make(deps, { collection: Company.collection, model: "Company", prefix: "com" })
  const contacts = Records.make(deps, { collection: Contact.collection, model: "Contact", prefix: "con" })
  return {
    ...Records.crud(records, Company.inputs),

    /** Puts a contact on the company's buying committee with a role. */
    addToCommittee: (companyId: string, contactId: string, role: Company.BuyingRole) =>
      Effect.gen(function*() {
        const ids = yield* Input.decodeIdFields(records.operation("addToCommittee"), { companyId, contactId })
        return yield* links.link({
          from: { collection: "contact", id: ids.contactId },
          to: { collection: "company", id: ids.companyId },
          label: role
        })
      }),

    /** The buying committee: each contact with its roles. */
    committee: (companyId: string) =>
      Effect.gen(function*() {
        const id = yield* Input.decodeId(records.operation("committee"), companyId, "companyId")
        const all = yield* links.to({ collection: "company", id }, { collection: "contact" })
        const roles = new Map<string, Array<Company.BuyingRole>>()
        for (const link of all) {
          const list = roles.get(link.fromId) ?? []
          list.push(link.label as Company.BuyingRole)
          roles.set(link.fromId, list)
        }
        const people = yield* contacts.getMany([...roles.keys()])
        return people.map((contact) => ({ contact, roles: roles.get(contact.id) ?? [] }))
      })
  }
})

/**
 * @since 0.1.0
 * @category models
 */
export type Service = Effect.Effect.Success<typeof make>

/**
 * Companies of the current workspace. Domains are unique per workspace.
 *
 * @example
 * ```ts
 * import { Companies } from "@rapport/core"
 * import { Effect } from "effect"
 * const program = Effect.gen(function*() {
 *   const companies = yield* Companies.Companies
 *   const acme = yield* companies.create({ name: "Acme", domain: "acme.test", employees: 120 })
 *   return yield* companies.committee(acme.id)
 * })
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class Companies extends Context.Tag("@rapport/core/Companies")<Companies, Service>() {}

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = Layer.effect(Companies, make)

/**
 * The service with `custom` typed by the `company` part of a custom-field
 * declaration (same object at runtime; see `Contacts.typed`).
 *
 * @since 0.1.0
 * @category accessors
 */
export const typed = <F extends CustomField.Fields>(_fields: F): Effect.Effect<Typed<Service, Company.Company, F>, never, Companies> =>
  Companies as unknown as Effect.Effect<Typed<Service, Company.Company, F>, never, Companies>
