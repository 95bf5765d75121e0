/**
 * The `Leads` service: capture leads from form payloads, qualify or disqualify them,
 * and convert a qualified lead into a contact, a company and a deal in one
 * transaction.
 *
 * @since 0.1.0
 */
import { Companies, Contacts, Errors, Records, Workspace } from "@rapport/core"
import type { Collection, Company, Contact } from "@rapport/core"
import { Context, Effect, Layer, Schema } from "effect"
import type * as Deal from "./Deal.js"
import * as Deals from "./Deals.js"
import * as Lead from "./Lead.js"
import * as Machine from "./Machine.js"
import type * as Pipeline from "./Pipeline.js"
import * as PipelinesEvents from "./PipelinesEvents.js"

const StatusInput = Schema.Struct({ status: Lead.LeadStatus })

const ConvertInput = Schema.Struct({
  pipeline: Schema.declare(
    (u): u is Pipeline.Any =>
      typeof u === "object" && u !== null && typeof (u as { readonly id?: unknown }).id === "string" &&
      typeof (u as { readonly machine?: unknown }).machine === "object",
    { message: () => "a pipeline defined with Pipeline.define" }
  ),
  dealName: Schema.optionalWith(Schema.Unknown, { exact: true }),
  stage: Schema.optionalWith(Schema.Unknown, { exact: true }),
  amount: Schema.optionalWith(Schema.Unknown, { exact: true }),
  closeDate: Schema.optionalWith(Schema.Unknown, { exact: true })
})

const ReasonInput = Schema.Struct({ reason: Lead.fields.disqualifyReason.schema.members[0] })

/**
 * What `convert` creates: the deal, and the contact and company it found or created.
 *
 * @since 0.1.0
 * @category models
 */
export interface Conversion {
  readonly lead: Lead.Lead
  readonly contact: Contact.Contact
  readonly company: Company.Company | null
  readonly deal: Deal.Deal
  /** Whether the contact (found by email) and the company (found by domain) already existed. */
  readonly reused: { readonly contact: boolean; readonly company: boolean }
}

/**
 * Options of `convert`: the pipeline of the new deal, and optionally its name (the
 * company's or the person's by default), stage, amount and close date.
 *
 * @since 0.1.0
 * @category models
 */
export interface ConvertOptions<P extends Pipeline.Any> {
  readonly pipeline: P
  readonly dealName?: string
  readonly stage?: Pipeline.OpenStageOf<P>
  readonly amount?: typeof Deal.fields.amount.schema.Encoded
  readonly closeDate?: string | null
}

/**
 * Builds the service from `Deals`, core's `Contacts` and `Companies` and the store
 * (what `layer` does).
 *
 * @example
 * ```ts
 * import { Leads } from "@rapport/pipelines"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const leads = yield* Leads.make
 *   return yield* leads.capture({ firstName: "Lin", phone: "+49 30 123456" }) // phone stored as +4930123456
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = Effect.gen(function*() {
  const deps = yield* Records.dependencies
  const contacts = yield* Contacts.Contacts
  const companies = yield* Companies.Companies
  const deals = yield* Deals.Deals
  const records = Records.make(deps, {
    collection: Lead.collection,
    model: "Lead",
    prefix: "lead",
    subjects: (row) => [
      ...(typeof row.contactId === "string" ? [`contact:${row.contactId}` as const] : []),
      ...(typeof row.companyId === "string" ? [`company:${row.companyId}` as const] : [])
    ]
  })

  const step = (row: Collection.Row, type: "QUALIFY" | "DISQUALIFY" | "CONVERT") =>
    Machine.transition(Lead.lifecycle, row.status as Lead.LeadStatus, { type })

  return {
    /**
     * Captures a lead from a form payload. Every bad field is reported at once
     * (`email: an email address such as ada@example.com`); an email or a phone is
     * required.
     */
    capture: (payload: Lead.FormPayload) =>
      Effect.gen(function*() {
        const form = yield* records.decodeInput("capture", Lead.FormPayload, payload)
        if ((form.email ?? null) === null && (form.phone ?? null) === null) {
          return yield* Effect.fail(
            new Errors.ValidationError({
              operation: records.operation("capture"),
              issues: [
                new Errors.FieldIssue({ path: "email", message: "an email or a phone is required" }),
                new Errors.FieldIssue({ path: "phone", message: "an email or a phone is required" })
              ]
            })
          )
        }
        const encoded = (yield* records.encode("capture", Lead.FormPayload, form)) as Lead.FormPayload
        return yield* records.insertRow("capture", {
          firstName: encoded.firstName,
          lastName: encoded.lastName ?? null,
          email: encoded.email ?? null,
          phone: encoded.phone ?? null,
          companyName: encoded.company ?? null,
          companyDomain: encoded.domain ?? null,
          source: encoded.source ?? null,
          message: encoded.message ?? null,
          status: "new",
          disqualifyReason: null,
          ownerId: encoded.ownerId ?? null,
          contactId: null,
          companyId: null,
          dealId: null,
          qualifiedAt: null,
          disqualifiedAt: null,
          convertedAt: null,
          custom: (encoded.custom ?? {}) as Collection.Json
        }, { eventType: PipelinesEvents.LeadCaptured.type })
      }),

    /** new or disqualified → qualified. */
    qualify: (ref: Records.Versioned) =>
      records.changeRow("qualify", ref, (row, at) =>
        Effect.map(step(row, "QUALIFY"), () =>
          Records.change(PipelinesEvents.LeadQualified, {
            status: "qualified",
            qualifiedAt: at,
            disqualifyReason: null,
            disqualifiedAt: null
          }, {}))),

    /** new or qualified → disqualified, with a reason. */
    disqualify: (ref: Records.Versioned, reason: string) =>
      Effect.flatMap(records.decodeInput("disqualify", ReasonInput, { reason }), (input) =>
        records.changeRow("disqualify", ref, (row, at) =>
          Effect.map(step(row, "DISQUALIFY"), () =>
            Records.change(
              PipelinesEvents.LeadDisqualified,
              { status: "disqualified", disqualifyReason: input.reason, disqualifiedAt: at },
              { reason: input.reason }
            )))),

    /**
     * Converts a qualified lead in one transaction: the contact with the lead's email
     * (or a new one), the company with its domain (or a new one, when the lead names a
     * company), a deal in `pipeline`, and the lead marked converted. If any step
     * fails, nothing is written.
     */
    convert: <P extends Pipeline.Any>(ref: Records.Versioned, given: ConvertOptions<P>) =>
      Effect.gen(function*() {
        // The pipeline is a value of the caller's code; the rest is decoded by Deals.create.
        const options = yield* records.decodeInput("convert", ConvertInput, given) as Effect.Effect<ConvertOptions<P>, Errors.ValidationError>
        const workspaceId = yield* Workspace.CurrentWorkspace
        return yield* deps.store.transaction(Effect.gen(function*() {
          const row = yield* records.current(workspaceId, ref, "convert")
          yield* step(row, "CONVERT")
          const lead = yield* records.fromStore(row)
          let company: Company.Company | null = null
          let reusedCompany = false
          if (lead.companyDomain !== null) {
            const found = yield* companies.find({
              where: { _tag: "Compare", field: "domain", op: "eq", value: lead.companyDomain },
              limit: 1
            })
            company = found.items[0] ?? null
            reusedCompany = company !== null
          }
          if (company === null && (lead.companyName !== null || lead.companyDomain !== null)) {
            company = yield* companies.create({
              name: lead.companyName ?? lead.companyDomain!,
              domain: lead.companyDomain,
              ownerId: lead.ownerId
            })
          }
          const existing = lead.email === null ? [] : yield* contacts.findByEmail(lead.email)
          const contact = existing[0] ?? (yield* contacts.create({
            firstName: lead.firstName,
            lastName: lead.lastName,
            emails: lead.email === null ? [] : [lead.email],
            phones: lead.phone === null ? [] : [lead.phone],
            companyId: company?.id ?? null,
            ownerId: lead.ownerId,
            lifecycleStage: "opportunity",
            source: lead.source
          }))
          const name = options.dealName ??
            (company?.name ?? [lead.firstName, lead.lastName].filter((s) => s !== null).join(" "))
          const deal = yield* deals.in(options.pipeline).create({
            name,
            contactId: contact.id,
            companyId: company?.id ?? null,
            ownerId: lead.ownerId,
            ...(options.amount === undefined ? {} : { amount: options.amount }),
            ...(options.closeDate === undefined ? {} : { closeDate: options.closeDate }),
            ...(options.stage === undefined ? {} : { stage: options.stage })
          })
          const converted = yield* records.changeRow("convert", ref, (_, at) =>
            Effect.succeed(Records.change(PipelinesEvents.LeadConverted, {
              status: "converted",
              convertedAt: at,
              contactId: contact.id,
              companyId: company?.id ?? null,
              dealId: deal.id
            }, { contactId: contact.id, companyId: company?.id ?? null, dealId: deal.id })))
          const result: Conversion = {
            lead: converted,
            contact,
            company,
            deal,
            reused: { contact: existing.length > 0, company: reusedCompany }
          }
          return result
        }))
      }),

    get: (id: string) => records.get(id),

    /** Leads in a status, oldest first. */
    byStatus: (given: Lead.LeadStatus, options: { readonly limit?: number; readonly cursor?: string } = {}) =>
      Effect.gen(function*() {
        const { status } = yield* records.decodeInput("byStatus", StatusInput, { status: given })
        const workspaceId = yield* Workspace.CurrentWorkspace
        const page = yield* deps.store.find(workspaceId, {
          collection: "lead",
          where: { _tag: "Compare", field: "status", op: "eq", value: status },
          orderBy: [{ field: "createdAt", direction: "asc" }],
          ...options
        })
        return { items: yield* Effect.forEach(page.rows, records.fromStore), nextCursor: page.nextCursor }
      })
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
 * Leads of the current workspace.
 *
 * @example
 * ```ts
 * import { Leads, Pipeline } from "@rapport/pipelines"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const leads = yield* Leads.Leads
 *   const lead = yield* leads.capture({ firstName: "Grace", email: "grace@acme.io", company: "Acme", domain: "acme.io" })
 *   const qualified = yield* leads.qualify(lead)
 *   const { contact, company, deal } = yield* leads.convert(qualified, { pipeline: Pipeline.b2b })
 *   return [contact.id, company?.id, deal.stage] // deal in "new"
 * })
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class Leads extends Context.Tag("@rapport/pipelines/Leads")<Leads, Service>() {}

/**
 * The service; needs `Deals`, core's `Contacts` and `Companies`, and the store.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = Layer.effect(Leads, make)
