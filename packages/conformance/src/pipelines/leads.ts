/**
 * The `Leads` service over the store under test: capture with normalisation and
 * validation, qualify and disqualify, and conversion into a contact, a company and a
 * deal in one transaction that leaves nothing behind when it fails.
 */
import type { Vitest } from "@effect/vitest"
import { expect } from "@effect/vitest"
import { type Catalog, Companies, Contacts, Crm, IdGenerator, Store, Workspace } from "@rapport/core"
import { Deal, Deals, Lead, Leads, Machine, Pipeline } from "@rapport/pipelines"
import { Effect, Layer } from "effect"
import * as Harness from "../crm/harness.js"
import { snapshot } from "./snapshot.js"

const partners = Pipeline.define({
  id: "partners",
  name: "Partners",
  stages: ["intro", "evaluation", "contract"],
  won: "signed",
  lost: "declined",
  requires: { contract: ["amount"] }
})

export const makeLayer = <E>(store: Layer.Layer<Store.Store, E, Catalog.Catalog>) =>
  Leads.layer.pipe(
    Layer.provideMerge(Deals.layer([Pipeline.b2b, partners])),
    Layer.provideMerge(
      Crm.layer({ store, collections: [Deal.collection, Lead.collection], ids: IdGenerator.layerSequential })
    )
  )

/** What the suite's tests have in their context. */
export type Services = Layer.Layer.Success<ReturnType<typeof makeLayer<never>>>

type It = Vitest.MethodsNonLive<Services>

const fresh = <A, E, R>(effect: Effect.Effect<A, E, R>) => Harness.inWorkspace(Harness.freshWorkspaceId("leads"), effect)

const form: Lead.FormPayload = {
  firstName: "Grace",
  lastName: "Hopper",
  email: " Grace@Acme.IO ",
  phone: "+1 (555) 010-9999",
  company: "Acme",
  domain: "ACME.io",
  source: "website",
  message: "We need 40 seats"
}

export const leadsSuite = (it: It) => {
  it.effect("captures a lead from a form payload, normalised", () =>
    fresh(Effect.gen(function*() {
      const leads = yield* Leads.Leads
      const lead = yield* leads.capture(form)
      expect(lead).toBeInstanceOf(Lead.Lead)
      expect([lead.id.startsWith("lead_"), lead.status, lead.email, lead.phone, lead.companyDomain, lead.companyName]).toEqual([
        true, "new", "grace@acme.io", "+15550109999", "acme.io", "Acme"
      ])
      const minimal = yield* leads.capture({ firstName: "Lin", phone: "+4930123456" })
      expect([minimal.email, minimal.lastName, minimal.companyName]).toEqual([null, null, null])
      expect(yield* leads.get(lead.id)).toEqual(lead)
      const store = yield* Store.Store
      const events = yield* store.readEvents(yield* Workspace.CurrentWorkspace, { after: 0, limit: 10 })
      expect(events.map((e) => e.type)).toEqual(["LeadCaptured", "LeadCaptured"])
      expect((yield* leads.byStatus("new")).items.map((l) => l.id)).toEqual([lead.id, minimal.id])
    })))

  it.effect("refuses bad payloads with every bad field named, and writes nothing", () =>
    fresh(Effect.gen(function*() {
      const leads = yield* Leads.Leads
      const before = yield* snapshot
      const bad = yield* Effect.flip(leads.capture({ firstName: "", email: "not-an-email", phone: "12", domain: "nope" }))
      expect(bad._tag === "ValidationError" && bad.issues.map((i) => i.path).sort()).toEqual(["domain", "email", "firstName", "phone"])
      expect(bad._tag === "ValidationError" && bad.issues.find((i) => i.path === "email")!.message).toMatch(/email address/)
      const none = yield* Effect.flip(leads.capture({ firstName: "Ada" }))
      expect(none._tag === "ValidationError" && none.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
        "email: an email or a phone is required",
        "phone: an email or a phone is required"
      ])
      const extra = yield* Effect.flip(leads.capture({ ...form, utm: "x" } as Lead.FormPayload))
      expect(extra._tag === "ValidationError" && extra.issues[0]!.path).toBe("utm")
      const missing = yield* Effect.flip(leads.capture({ email: "a@b.co" } as unknown as Lead.FormPayload))
      expect(missing._tag === "ValidationError" && missing.issues[0]!.path).toBe("firstName")
      expect(yield* snapshot).toEqual(before)
    })))

  it.effect("qualifies, disqualifies with a reason, and requalifies", () =>
    fresh(Effect.gen(function*() {
      const leads = yield* Leads.Leads
      const lead = yield* leads.capture(form)
      const before = yield* snapshot
      const noReason = yield* Effect.flip(leads.disqualify(lead, ""))
      expect(noReason._tag === "ValidationError" && noReason.issues[0]!.path).toBe("reason")
      const early = yield* Effect.flip(leads.convert(lead, { pipeline: Pipeline.b2b }))
      expect(early).toBeInstanceOf(Machine.InvalidTransition)
      expect(early._tag === "InvalidTransition" && [early.from, early.event]).toEqual(["new", "CONVERT"])
      expect(yield* snapshot).toEqual(before)
      const out = yield* leads.disqualify(lead, "student, no budget")
      expect([out.status, out.disqualifyReason, out.version]).toEqual(["disqualified", "student, no budget", 2])
      const twice = yield* Effect.flip(leads.disqualify(out, "again"))
      expect(twice._tag).toBe("InvalidTransition")
      const stale = yield* Effect.flip(leads.qualify(lead))
      expect(stale._tag).toBe("Conflict")
      const back = yield* leads.qualify(out)
      expect([back.status, back.disqualifyReason, back.disqualifiedAt]).toEqual(["qualified", null, null])
      const store = yield* Store.Store
      const events = yield* store.eventsFor(yield* Workspace.CurrentWorkspace, { subject: `lead:${lead.id}`, limit: 10 })
      expect(events.map((e) => e.type).reverse()).toEqual(["LeadCaptured", "LeadDisqualified", "LeadQualified"])
      expect(events[1]!.payload).toMatchObject({ reason: "student, no budget" })
    })))

  it.effect("converts into a contact, a company and a deal in one transaction", () =>
    fresh(Effect.gen(function*() {
      const leads = yield* Leads.Leads
      const lead = yield* leads.qualify(yield* leads.capture(form))
      const result = yield* leads.convert(lead, { pipeline: Pipeline.b2b, amount: { amountMinor: 480_000, currency: "EUR" } })
      expect(result.reused).toEqual({ contact: false, company: false })
      expect([result.contact.firstName, result.contact.emails, result.contact.phones, result.contact.companyId, result.contact.lifecycleStage])
        .toEqual(["Grace", ["grace@acme.io"], ["+15550109999"], result.company!.id, "opportunity"])
      expect([result.company!.name, result.company!.domain]).toEqual(["Acme", "acme.io"])
      expect([result.deal.name, result.deal.stage, result.deal.contactId, result.deal.companyId, result.deal.amount?.amountMinor])
        .toEqual(["Acme", "new", result.contact.id, result.company!.id, 480_000])
      expect([result.lead.status, result.lead.contactId, result.lead.companyId, result.lead.dealId]).toEqual([
        "converted", result.contact.id, result.company!.id, result.deal.id
      ])
      const store = yield* Store.Store
      const workspaceId = yield* Workspace.CurrentWorkspace
      const all = yield* store.readEvents(workspaceId, { after: 0, limit: 100 })
      expect(all.map((e) => e.type)).toEqual(["LeadCaptured", "LeadQualified", "CompanyCreated", "ContactCreated", "DealCreated", "LeadConverted"])
      const timeline = yield* store.eventsFor(workspaceId, { subject: `contact:${result.contact.id}`, limit: 10 })
      expect(timeline.map((e) => e.type)).toEqual(["LeadConverted", "DealCreated", "ContactCreated"])
      const again = yield* Effect.flip(leads.convert(result.lead, { pipeline: Pipeline.b2b }))
      expect(again._tag === "InvalidTransition" && again.reason).toBe("final-state")
    })))

  it.effect("reuses the contact found by email and the company found by domain", () =>
    fresh(Effect.gen(function*() {
      const leads = yield* Leads.Leads
      const contacts = yield* Contacts.Contacts
      const companies = yield* Companies.Companies
      const company = yield* companies.create({ name: "Acme Corp", domain: "acme.io" })
      const contact = yield* contacts.create({ firstName: "Grace", emails: ["grace@acme.io"] })
      const lead = yield* leads.qualify(yield* leads.capture(form))
      const result = yield* leads.convert(lead, { pipeline: partners, dealName: "Acme reseller", stage: "evaluation" })
      expect(result.reused).toEqual({ contact: true, company: true })
      expect([result.contact.id, result.company!.id]).toEqual([contact.id, company.id])
      expect([result.deal.pipelineId, result.deal.stage, result.deal.name]).toEqual(["partners", "evaluation", "Acme reseller"])
      expect((yield* companies.find()).items.length).toBe(1)
      expect((yield* contacts.find()).items.length).toBe(1)
      const solo = yield* leads.qualify(yield* leads.capture({ firstName: "Lin", lastName: "Wu", phone: "+4930123456" }))
      const personal = yield* leads.convert(solo, { pipeline: Pipeline.b2b })
      expect([personal.company, personal.deal.name, personal.deal.companyId, personal.contact.emails]).toEqual([null, "Lin Wu", null, []])
    })))

  it.effect("a conversion failing midway leaves nothing behind", () =>
    fresh(Effect.gen(function*() {
      const leads = yield* Leads.Leads
      const lead = yield* leads.qualify(yield* leads.capture(form))
      const before = yield* snapshot
      // The company and the contact are written before the deal fails its stage's required fields.
      const failed = yield* Effect.flip(leads.convert(lead, { pipeline: partners, stage: "contract" }))
      expect(failed._tag === "ValidationError" && failed.issues.map((i) => i.path)).toEqual(["amount"])
      expect(yield* snapshot).toEqual(before)
      const unregistered = Pipeline.define({ id: "gone", name: "Gone", stages: ["a"], won: "w", lost: "l" })
      const missing = yield* Effect.flip(leads.convert(lead, { pipeline: unregistered }))
      expect(missing._tag === "ValidationError" && missing.issues[0]!.path).toBe("pipelineId")
      const badAmount = yield* Effect.flip(leads.convert(lead, { pipeline: Pipeline.b2b, amount: { amountMinor: 1, currency: "euro" } }))
      expect(badAmount._tag === "ValidationError" && badAmount.issues[0]!.path).toBe("amount.currency")
      expect(yield* snapshot).toEqual(before)
      const ok = yield* leads.convert(lead, { pipeline: partners, stage: "contract", amount: { amountMinor: 9_900, currency: "EUR" } })
      expect(ok.deal.stage).toBe("contract")
    })))
}
