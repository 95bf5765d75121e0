/**
 * Reference checks (the "References" contract of the `Store` port). A write checks its
 * references against what the writer sees (committed rows plus its transaction's own)
 * and a remove looks for rows still referring to the row; inside a transaction both are
 * recorded, and `commit` checks them again against the committed state when another
 * commit came since the transaction began: that is what makes a write pointing at a row
 * and a concurrent remove of it unable to both commit.
 */
import type { Collection } from "@rapport/core"
import { Errors, Store } from "@rapport/core"
import type { Database } from "./database.js"
import type { Transaction } from "./transaction.js"
import type { View } from "./view.js"
import { committedView, emptyView, overlayView } from "./view.js"

type Row = Collection.Row

/** A reference check a transaction's write made, to make again at commit. */
export type Check =
  /** Row `id` of `field.collection` points at `target` (an id of `field.target`) through `field`. */
  | { readonly _tag: "Target"; readonly workspaceId: string; readonly id: string; readonly field: Store.ReferenceField; readonly target: string }
  /** Row `id` of `collection` was removed while nothing referred to it. */
  | { readonly _tag: "Removed"; readonly workspaceId: string; readonly collection: string; readonly id: string }

export const NO_CHECKS: ReadonlyArray<Check> = Object.freeze([])

/** The row as the writer sees it (its transaction's staged write, else the committed row). */
export const rowAt = (db: Database, tx: Transaction | null, workspaceId: string, collection: string, id: string): Row | undefined => {
  const entry = tx?.overlay(workspaceId, collection)?.entries.get(id)
  return entry === undefined ? db.table(workspaceId, collection)?.get(id) : entry.row ?? undefined
}

const viewAt = (db: Database, tx: Transaction | null, workspaceId: string, collection: string): View => {
  const overlay = tx?.overlay(workspaceId, collection)
  if (overlay !== undefined) return overlayView(overlay)
  const table = db.table(workspaceId, collection)
  return table === undefined ? emptyView : committedView(table)
}

const missing = (collection: string, id: string, field: Store.ReferenceField, target: string) =>
  new Errors.Conflict({
    collection,
    id,
    reason: "missing-reference",
    reference: new Errors.ConflictReference({ field: field.path, collection: field.target, id: target })
  })

/**
 * Checks the references of `row` (a row of `collection`): those it sets, or, when
 * `previous` is given (an update), those it changes. A reference to the row itself
 * holds. Returns the `Conflict` of the first missing target, or the checks to record
 * (none outside a transaction: such a write applies at once).
 */
export const checkTargets = (
  db: Database,
  tx: Transaction | null,
  workspaceId: string,
  collection: string,
  fields: ReadonlyArray<Store.ReferenceField>,
  row: Row,
  previous: Row | undefined
): Errors.Conflict | ReadonlyArray<Check> => {
  let checks: Array<Check> | undefined
  for (const field of fields) {
    const target = Store.referenceValue(row, field)
    if (target === null) continue
    if (previous !== undefined && Store.referenceValue(previous, field) === target) continue
    if (field.target === collection && target === row.id) continue
    if (rowAt(db, tx, workspaceId, field.target, target) === undefined) return missing(collection, row.id, field, target)
    if (tx !== null) (checks ??= []).push({ _tag: "Target", workspaceId, id: row.id, field, target })
  }
  return checks ?? NO_CHECKS
}

/** The first row (other than itself) that refers to row `id` of `collection`, and through which field. */
export const firstReferrer = (
  db: Database,
  tx: Transaction | null,
  workspaceId: string,
  collection: string,
  id: string,
  fields: ReadonlyArray<Store.ReferenceField> = Store.referringFields(db.catalog, workspaceId, collection)
): { readonly field: Store.ReferenceField; readonly row: Row } | undefined => {
  for (const field of fields) {
    const view = viewAt(db, tx, workspaceId, field.collection)
    const candidates = view.lookup(field.path, id) ?? view.scan()
    for (const row of candidates) {
      if (Store.referenceValue(row, field) !== id) continue
      if (field.collection === collection && row.id === id) continue
      return { field, row }
    }
  }
  return undefined
}

/** The `Conflict` of a remove of a row that `referrer` still refers to. */
export const stillReferenced = (
  collection: string,
  id: string,
  referrer: { readonly field: Store.ReferenceField; readonly row: Row }
) =>
  new Errors.Conflict({
    collection,
    id,
    reason: "still-referenced",
    reference: new Errors.ConflictReference({
      field: referrer.field.path,
      collection: referrer.field.collection,
      id: referrer.row.id
    })
  })

/**
 * Makes a transaction's reference checks again, against the state its commit would
 * leave (the committed rows under its own staged writes). A check whose write the
 * transaction later undid (the referrer changed again or was removed, the removed row
 * was inserted again) no longer applies.
 */
export const recheck = (db: Database, tx: Transaction): Errors.Conflict | undefined => {
  for (const check of tx.checks) {
    if (check._tag === "Target") {
      const { field, id, target, workspaceId } = check
      const referrer = rowAt(db, tx, workspaceId, field.collection, id)
      if (referrer === undefined || Store.referenceValue(referrer, field) !== target) continue
      if (rowAt(db, tx, workspaceId, field.target, target) === undefined) return missing(field.collection, id, field, target)
    } else {
      const { collection, id, workspaceId } = check
      if (rowAt(db, tx, workspaceId, collection, id) !== undefined) continue
      const referrer = firstReferrer(db, tx, workspaceId, collection, id)
      if (referrer !== undefined) return stillReferenced(collection, id, referrer)
    }
  }
  return undefined
}
