/**
 * The benchmark dataset: contacts and orders as stored rows of core's real
 * collections, generated deterministically so every run and every engine sees the same
 * data.
 */
import type { Collection } from "@rapport/core"

const STAGES = ["subscriber", "lead", "marketing_qualified", "sales_qualified", "opportunity", "customer", "evangelist", "other"]
const FIRST = ["Ada", "Grace", "Alan", "Katherine", "Linus", "Margaret", "Tim", "Barbara", "Ken", "Radia"]
const LAST = ["Lovelace", "Hopper", "Turing", "Johnson", "Torvalds", "Hamilton", "Lee", "Liskov", "Thompson", "Perlman"]
const DAY = 86_400_000

export interface Dataset {
  readonly now: number
  readonly contacts: ReadonlyArray<Collection.Row>
  readonly orders: ReadonlyArray<Collection.Row>
}

const id = (prefix: string, n: number) => `${prefix}_${n.toString(36).padStart(8, "0")}`

export const make = (options: { readonly contacts: number; readonly ordersPerContact: number; readonly now: number }): Dataset => {
  let seed = 1
  const random = () => {
    seed = (seed * 16807) % 2147483647
    return (seed - 1) / 2147483646
  }
  const contacts: Array<Collection.Row> = []
  for (let i = 0; i < options.contacts; i++) {
    const t = options.now - Math.floor(random() * 700) * DAY
    contacts.push({
      id: id("con", i),
      version: 1,
      createdAt: t,
      updatedAt: t,
      firstName: FIRST[i % FIRST.length]!,
      lastName: `${LAST[Math.floor(random() * LAST.length)]!}${i % 97}`,
      emails: [`c${i}@example.test`],
      phones: [],
      lifecycleStage: STAGES[Math.floor(random() * STAGES.length)]!,
      ownerId: null,
      companyId: null,
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
    const contact = Math.floor(random() * random() * options.contacts)
    const placedAt = options.now - Math.floor(random() * 365 * DAY)
    const amount = 500 + Math.floor(random() * 20_000)
    orders.push({
      id: id("ord", i),
      version: 1,
      createdAt: placedAt,
      updatedAt: placedAt,
      number: `ORD-${i}`,
      contactId: id("con", contact),
      companyId: null,
      status: "paid",
      lineItems: [{ sku: "TEA-1", name: "Tea", quantity: 1, unitPrice: { amountMinor: amount, currency: "EUR" } }],
      total: { amountMinor: amount, currency: "EUR" },
      refunded: { amountMinor: 0, currency: "EUR" },
      placedAt,
      paidAt: placedAt,
      fulfilledAt: null,
      cancelledAt: null,
      custom: {}
    })
  }
  return { now: options.now, contacts, orders }
}
