/**
 * The benchmark dataset: companies, contacts and orders as stored rows of core's real
 * collections, and the domain events their history would have logged, generated
 * deterministically so every run and every engine sees the same data.
 */
import type { Collection } from "@rapport/core"
import { DomainEvent } from "@rapport/core"
import { Schema } from "effect"

const STAGES = ["subscriber", "lead", "marketing_qualified", "sales_qualified", "opportunity", "customer", "evangelist", "other"]
const FIRST = ["Ada", "Grace", "Alan", "Katherine", "Linus", "Margaret", "Tim", "Barbara", "Ken", "Radia"]
const LAST = ["Lovelace", "Hopper", "Turing", "Johnson", "Torvalds", "Hamilton", "Lee", "Liskov", "Thompson", "Perlman"]
/** The first industries are the common ones (the draw below favours low indexes). */
export const INDUSTRIES = ["software", "retail", "manufacturing", "services", "finance", "health", "education", "logistics"]
const DAY = 86_400_000
const HOUR = 3_600_000

export interface Dataset {
  readonly now: number
  readonly companies: ReadonlyArray<Collection.Row>
  readonly contacts: ReadonlyArray<Collection.Row>
  readonly orders: ReadonlyArray<Collection.Row>
}

const id = (prefix: string, n: number) => `${prefix}_${n.toString(36).padStart(8, "0")}`

const random = (start: number) => {
  let seed = start
  return () => {
    seed = (seed * 16807) % 2147483647
    return (seed - 1) / 2147483646
  }
}

const eur = (amountMinor: number) => ({ amountMinor, currency: "EUR" })

/**
 * `companies` companies (none by default: then no contact has one), `contacts` contacts of
 * which four in five work for a company, and `contacts × ordersPerContact` orders in
 * every status, each order booked to its contact's company.
 */
export const make = (options: {
  readonly companies?: number
  readonly contacts: number
  readonly ordersPerContact: number
  readonly now: number
}): Dataset => {
  const next = random(1)
  const companyCount = options.companies ?? 0
  const companies: Array<Collection.Row> = []
  for (let i = 0; i < companyCount; i++) {
    const t = options.now - Math.floor(next() * 900) * DAY
    companies.push({
      id: id("com", i),
      version: 1,
      createdAt: t,
      updatedAt: t,
      name: `Company ${i}`,
      domain: `c${i}.example.test`,
      industry: i % 13 === 0 ? null : INDUSTRIES[Math.floor(next() * next() * INDUSTRIES.length)]!,
      // Most companies are small, a few are large.
      employees: i % 17 === 0 ? null : Math.floor(2 ** (next() * 14)),
      annualRevenue: null,
      ownerId: null,
      tags: [],
      custom: {}
    })
  }
  const contacts: Array<Collection.Row> = []
  for (let i = 0; i < options.contacts; i++) {
    const t = options.now - Math.floor(next() * 700) * DAY
    const company = Math.floor(next() * companyCount)
    contacts.push({
      id: id("con", i),
      version: 1,
      createdAt: t,
      updatedAt: t,
      firstName: FIRST[i % FIRST.length]!,
      lastName: `${LAST[Math.floor(next() * LAST.length)]!}${i % 97}`,
      emails: [`c${i}@example.test`],
      phones: [],
      lifecycleStage: STAGES[Math.floor(next() * STAGES.length)]!,
      ownerId: null,
      companyId: companyCount === 0 || i % 5 === 4 ? null : id("com", company),
      tags: i % 10 === 0 ? ["vip"] : [],
      consentStatus: "unknown",
      consentSource: null,
      consentAt: null,
      source: null,
      campaign: null,
      custom: {}
    })
  }
  const orders: Array<Collection.Row> = []
  const total = options.contacts * options.ordersPerContact
  for (let i = 0; i < total; i++) {
    // Skewed: a few contacts buy often, most rarely.
    const contact = contacts[Math.floor(next() * next() * options.contacts)]!
    const placedAt = options.now - Math.floor(next() * 365 * DAY)
    const amount = 500 + Math.floor(next() * 20_000)
    // Most orders are paid and shipped; some are still open, cancelled or refunded.
    const draw = next()
    const status = draw < 0.1 ? "placed" : draw < 0.35 ? "paid" : draw < 0.9 ? "fulfilled" : draw < 0.95 ? "cancelled" : "refunded"
    const paidAt = status === "placed" || status === "cancelled" ? null : Math.min(options.now, placedAt + HOUR)
    orders.push({
      id: id("ord", i),
      version: 1,
      createdAt: placedAt,
      updatedAt: placedAt,
      number: `ORD-${i}`,
      contactId: contact.id,
      companyId: contact.companyId ?? null,
      status,
      lineItems: [{ sku: "TEA-1", name: "Tea", quantity: 1, unitPrice: eur(amount) }],
      total: eur(amount),
      refunded: eur(status === "refunded" ? amount : 0),
      placedAt,
      paidAt,
      fulfilledAt: status === "fulfilled" || status === "refunded" ? Math.min(options.now, placedAt + 2 * DAY) : null,
      cancelledAt: status === "cancelled" ? Math.min(options.now, placedAt + 3 * HOUR) : null,
      custom: {}
    })
  }
  return { now: options.now, companies, contacts, orders }
}

/**
 * The definitions of the events `events` writes whose payloads have fixed fields (the
 * rest carry `changes`): the catalog's payload fields (`payload.amountMinor`).
 */
export const eventDefinitions = [
  DomainEvent.define("OrderPlaced", Schema.Struct({ number: Schema.String, amountMinor: Schema.Int })),
  DomainEvent.define("ContactCreated", Schema.Struct({ firstName: Schema.String })),
  DomainEvent.define("CompanyCreated", Schema.Struct({ name: Schema.String }))
]

/**
 * The event log the dataset's history would have written, oldest first, kept for
 * `retentionDays` (the events of older changes are gone, their records stay): each
 * company's `CompanyCreated` (and, for some, a later `CompanyUpdated`), each contact's
 * `ContactCreated` (some updated or changing consent later), each order's `OrderPlaced`
 * and then `OrderPaid`, `OrderFulfilled`, `OrderCancelled`, `OrderRefunded` as its status
 * says. Every event names its record and the records it relates to (an order's contact
 * and company) as subjects, as the services' events do.
 */
export const events = (data: Dataset, options: { readonly retentionDays: number }): Array<DomainEvent.NewEvent> => {
  const next = random(7)
  const out: Array<DomainEvent.NewEvent> = []
  const actors = Array.from({ length: 20 }, (_, i) => ({ kind: "user" as const, id: id("usr", i) }))
  const system = { kind: "system" as const, id: null }
  const kept = data.now - options.retentionDays * DAY
  const later = (t: number, days: number) => Math.min(data.now, t + Math.floor(next() * days * DAY))
  const push = (
    type: string,
    collection: string,
    row: Collection.Row,
    version: number,
    occurredAt: number,
    related: ReadonlyArray<string>,
    payload: Collection.Json
  ) => {
    if (occurredAt < kept) return
    out.push({
      type,
      collection,
      recordId: row.id as string,
      version,
      occurredAt,
      actor: collection === "order" ? system : actors[Math.floor(next() * actors.length)]!,
      subjects: [`${collection}:${row.id as string}`, ...related] as Array<DomainEvent.Subject>,
      payload
    })
  }
  for (const c of data.companies) {
    const t = c.createdAt as number
    push("CompanyCreated", "company", c, 1, t, [], { name: c.name as string })
    if (next() < 0.3) push("CompanyUpdated", "company", c, 2, later(t, 200), [], { changes: { employees: c.employees as number | null } })
  }
  for (const c of data.contacts) {
    const t = c.createdAt as number
    const company = c.companyId === null ? [] : [`company:${c.companyId as string}`]
    push("ContactCreated", "contact", c, 1, t, company, { firstName: c.firstName as string })
    let version = 1
    if (next() < 0.5) {
      push("ContactUpdated", "contact", c, ++version, later(t, 120), company, { changes: { lifecycleStage: c.lifecycleStage as string } })
    }
    if (next() < 0.2) push("ContactConsentChanged", "contact", c, ++version, later(t, 300), company, { changes: { consentStatus: "unknown" } })
  }
  for (const o of data.orders) {
    const related = [`contact:${o.contactId as string}`, ...(o.companyId === null ? [] : [`company:${o.companyId as string}`])]
    const amount = (o.total as { amountMinor: number }).amountMinor
    push("OrderPlaced", "order", o, 1, o.placedAt as number, related, { number: o.number as string, amountMinor: amount })
    let version = 1
    if (o.paidAt !== null) push("OrderPaid", "order", o, ++version, o.paidAt as number, related, { changes: { status: "paid" } })
    if (o.fulfilledAt !== null) {
      push("OrderFulfilled", "order", o, ++version, o.fulfilledAt as number, related, { changes: { status: "fulfilled" } })
    }
    if (o.cancelledAt !== null) {
      push("OrderCancelled", "order", o, ++version, o.cancelledAt as number, related, { changes: { status: "cancelled" } })
    }
    if (o.status === "refunded") {
      push("OrderRefunded", "order", o, ++version, later(o.fulfilledAt as number, 20), related, { changes: { status: "refunded" } })
    }
  }
  // A log is written in time order; ties keep generation order (a stable sort).
  return out.sort((a, b) => a.occurredAt - b.occurredAt)
}
