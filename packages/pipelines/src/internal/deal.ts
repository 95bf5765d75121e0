/**
 * Helpers shared by `Deals` and `Leads`.
 */
import type { Collection, DomainEvent } from "@rapport/core"
import type * as Pipeline from "../Pipeline.js"

export const DAY_MS = 86_400_000

/** What the pipeline's guards read from a stored deal row (or encoded fields). */
export const dealFacts = (
  row: { readonly [field: string]: unknown },
  extra: Partial<Pipeline.DealFacts> = {}
): Pipeline.DealFacts => ({
  amount: row.amount ?? null,
  closeDate: row.closeDate ?? null,
  contactId: row.contactId ?? null,
  companyId: row.companyId ?? null,
  ownerId: row.ownerId ?? null,
  lostReason: row.lostReason ?? null,
  ...extra
})

/** A deal's events also appear on its contact's and company's timelines. */
export const dealSubjects = (row: Collection.Row): ReadonlyArray<DomainEvent.Subject> => {
  const out: Array<DomainEvent.Subject> = []
  if (typeof row.contactId === "string") out.push(`contact:${row.contactId}`)
  if (typeof row.companyId === "string") out.push(`company:${row.companyId}`)
  return out
}
