/**
 * The row writes. Each one checks what the writer sees (the committed table, plus its
 * own staged writes inside a transaction) and then either stages the write in the
 * transaction or, outside one, applies it at once as a transaction of its own.
 * With `checkRefs`, references are checked too (see `references.ts`).
 * Errors are returned, not thrown, so the shell can put them in the `E` channel.
 */
import type { Collection } from "@rapport/core"
import { Errors, Store } from "@rapport/core"
import type { Database } from "./database.js"
import { freezeRow } from "./json.js"
import type { Check } from "./references.js"
import { checkTargets, firstReferrer, NO_CHECKS, stillReferenced } from "./references.js"
import type { Table } from "./table.js"
import { uniqueKey } from "./table.js"
import type { Transaction } from "./transaction.js"
import { uniqueTaken, uniqueViolation } from "./transaction.js"
import type { Entry, Overlay } from "./view.js"

type Row = Collection.Row

export type WriteError = Errors.Conflict | Errors.NotFound | Errors.StoreError

const storeError = (operation: string, detail: string) =>
  new Errors.StoreError({ operation: `MemoryStore.${operation}`, detail })

interface Target {
  readonly db: Database
  readonly tx: Transaction | null
  readonly table: Table
  readonly overlay: Overlay | undefined
}

const target = (db: Database, tx: Transaction | null, workspaceId: string, collection: string): Target => {
  const table = db.tableFor(workspaceId, collection)
  return { db, tx, table, overlay: tx === null ? undefined : tx.overlayFor(workspaceId, collection, table) }
}

/** The transaction's staged entry for `id`, if any, and the row the writer sees. */
const lookup = (t: Target, id: string): { readonly entry: Entry | undefined; readonly row: Row | undefined } => {
  const entry = t.overlay?.entries.get(id)
  return { entry, row: entry === undefined ? t.table.get(id) : entry.row ?? undefined }
}

const checkUnique = (t: Target, collection: string, row: Row): Errors.Conflict | undefined => {
  const fields = t.table.uniqueFields
  for (let i = 0; i < fields.length; i++) {
    const key = uniqueKey(row, fields[i]!)
    if (key !== null && uniqueTaken(t.table, t.overlay, i, key, row.id)) return uniqueViolation(collection, row.id, fields[i]!)
  }
  return undefined
}

/**
 * Applies or stages a write. `entry` and `before` are what `lookup` found: without an
 * entry, `before` is the committed row, whose version the transaction records.
 */
const write = (t: Target, id: string, row: Row | null, entry: Entry | undefined, before: Row | undefined): void => {
  if (t.tx === null || t.overlay === undefined) {
    t.table.put(id, row)
    t.db.generation++
  } else {
    t.tx.stage(t.overlay, id, row, entry, before === undefined ? null : before.version)
  }
}

/** Records a staged write's reference checks for its transaction's commit. */
const record = (tx: Transaction | null, checks: ReadonlyArray<Check>): void => {
  if (tx !== null && checks.length > 0) tx.checks.push(...checks)
}

const checkRow = (operation: string, row: Row): Errors.StoreError | undefined => {
  if (typeof row !== "object" || row === null || typeof row.id !== "string" || row.id.length === 0) {
    return storeError(operation, "the row has no id")
  }
  return undefined
}

export const insert = (
  db: Database,
  tx: Transaction | null,
  workspaceId: string,
  collection: string,
  row: Row,
  checkRefs: boolean
): WriteError | undefined => {
  const bad = checkRow("insert", row)
  if (bad !== undefined) return bad
  if (row.version !== 1) return storeError("insert", `${collection} ${row.id}: a new row has version 1, got ${row.version}`)
  const t = target(db, tx, workspaceId, collection)
  const seen = lookup(t, row.id)
  if (seen.row !== undefined) return new Errors.Conflict({ collection, id: row.id, reason: "duplicate-id" })
  const frozen = freezeRow(row)
  const fields = checkRefs ? Store.referenceFields(db.catalog, workspaceId, collection) : undefined
  const checks = fields === undefined || fields.length === 0
    ? NO_CHECKS
    : checkTargets(db, tx, workspaceId, collection, fields, frozen, undefined)
  if (checks instanceof Errors.Conflict) return checks
  const taken = checkUnique(t, collection, frozen)
  if (taken !== undefined) return taken
  write(t, frozen.id, frozen, seen.entry, undefined)
  record(tx, checks)
  return undefined
}

/**
 * Stages many rows in `tx` (the caller runs this in a transaction of its own or a
 * savepoint, which takes everything back on failure) and then checks their references,
 * so rows of the batch may refer to each other.
 */
export const insertMany = (
  db: Database,
  tx: Transaction,
  workspaceId: string,
  collection: string,
  rows: ReadonlyArray<Row>,
  checkRefs: boolean
): WriteError | undefined => {
  for (const row of rows) {
    const error = insert(db, tx, workspaceId, collection, row, false)
    if (error !== undefined) return error
  }
  const fields = checkRefs ? Store.referenceFields(db.catalog, workspaceId, collection) : undefined
  if (fields === undefined || fields.length === 0) return undefined
  for (const row of rows) {
    const checks = checkTargets(db, tx, workspaceId, collection, fields, row, undefined)
    if (checks instanceof Errors.Conflict) return checks
    record(tx, checks)
  }
  return undefined
}

export const update = (
  db: Database,
  tx: Transaction | null,
  workspaceId: string,
  collection: string,
  row: Row,
  expectedVersion: number,
  checkRefs: boolean
): WriteError | undefined => {
  const bad = checkRow("update", row)
  if (bad !== undefined) return bad
  const t = target(db, tx, workspaceId, collection)
  const seen = lookup(t, row.id)
  const before = seen.row
  if (before === undefined) return new Errors.NotFound({ collection, id: row.id })
  if (before.version !== expectedVersion) {
    return new Errors.Conflict({
      collection,
      id: row.id,
      reason: "stale-version",
      expectedVersion,
      actualVersion: before.version
    })
  }
  if (row.version !== expectedVersion + 1) {
    return storeError("update", `${collection} ${row.id}: the new version must be ${expectedVersion + 1}, got ${row.version}`)
  }
  const frozen = freezeRow(row)
  const fields = checkRefs ? Store.referenceFields(db.catalog, workspaceId, collection) : undefined
  const checks = fields === undefined || fields.length === 0
    ? NO_CHECKS
    : checkTargets(db, tx, workspaceId, collection, fields, frozen, before)
  if (checks instanceof Errors.Conflict) return checks
  const taken = checkUnique(t, collection, frozen)
  if (taken !== undefined) return taken
  write(t, frozen.id, frozen, seen.entry, before)
  record(tx, checks)
  return undefined
}

export const remove = (
  db: Database,
  tx: Transaction | null,
  workspaceId: string,
  collection: string,
  id: string,
  expectedVersion: number,
  checkRefs: boolean
): WriteError | undefined => {
  const t = target(db, tx, workspaceId, collection)
  const seen = lookup(t, id)
  const before = seen.row
  if (before === undefined) return new Errors.NotFound({ collection, id })
  if (before.version !== expectedVersion) {
    return new Errors.Conflict({ collection, id, reason: "stale-version", expectedVersion, actualVersion: before.version })
  }
  const fields = checkRefs ? Store.referringFields(db.catalog, workspaceId, collection) : undefined
  const checked = fields !== undefined && fields.length > 0
  if (checked) {
    const referrer = firstReferrer(db, tx, workspaceId, collection, id, fields)
    if (referrer !== undefined) return stillReferenced(collection, id, referrer)
  }
  write(t, id, null, seen.entry, before)
  if (checked) record(tx, [{ _tag: "Removed", workspaceId, collection, id }])
  return undefined
}
