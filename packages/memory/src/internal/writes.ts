/**
 * The row writes. Each one checks what the writer sees (the committed table, plus its
 * own staged writes inside a transaction) and then either stages the write in the
 * transaction or, outside one, applies it at once as a transaction of its own.
 * Errors are returned, not thrown, so the shell can put them in the `E` channel.
 */
import type { Collection } from "@rapport/core"
import { Errors } from "@rapport/core"
import type { Database } from "./database.js"
import { freezeRow } from "./json.js"
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
  row: Row
): WriteError | undefined => {
  const bad = checkRow("insert", row)
  if (bad !== undefined) return bad
  if (row.version !== 1) return storeError("insert", `${collection} ${row.id}: a new row has version 1, got ${row.version}`)
  const t = target(db, tx, workspaceId, collection)
  const seen = lookup(t, row.id)
  if (seen.row !== undefined) return new Errors.Conflict({ collection, id: row.id, reason: "duplicate-id" })
  const frozen = freezeRow(row)
  const taken = checkUnique(t, collection, frozen)
  if (taken !== undefined) return taken
  write(t, frozen.id, frozen, seen.entry, undefined)
  return undefined
}

export const update = (
  db: Database,
  tx: Transaction | null,
  workspaceId: string,
  collection: string,
  row: Row,
  expectedVersion: number
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
  const taken = checkUnique(t, collection, frozen)
  if (taken !== undefined) return taken
  write(t, frozen.id, frozen, seen.entry, before)
  return undefined
}

export const remove = (
  db: Database,
  tx: Transaction | null,
  workspaceId: string,
  collection: string,
  id: string,
  expectedVersion: number
): WriteError | undefined => {
  const t = target(db, tx, workspaceId, collection)
  const seen = lookup(t, id)
  const before = seen.row
  if (before === undefined) return new Errors.NotFound({ collection, id })
  if (before.version !== expectedVersion) {
    return new Errors.Conflict({ collection, id, reason: "stale-version", expectedVersion, actualVersion: before.version })
  }
  write(t, id, null, seen.entry, before)
  return undefined
}
