/**
 * Which records an event concerns besides its own: the contact and company a row
 * points at, so that their timelines include it.
 */
import type * as Collection from "../Collection.js"
import type * as DomainEvent from "../DomainEvent.js"

export const ofCustomer = (row: Collection.Row): ReadonlyArray<DomainEvent.Subject> => {
  const out: Array<DomainEvent.Subject> = []
  if (typeof row.contactId === "string") out.push(`contact:${row.contactId}`)
  if (typeof row.companyId === "string") out.push(`company:${row.companyId}`)
  if (typeof row.linkedCollection === "string" && typeof row.linkedId === "string") {
    out.push(`${row.linkedCollection}:${row.linkedId}`)
  }
  return out
}
