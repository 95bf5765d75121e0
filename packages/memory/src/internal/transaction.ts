/**
 * Transactions: a transaction stages its writes in overlays (one per collection and
 * workspace) and its events in a list; nothing touches the committed state until
 * `commit`. Commit runs synchronously, so on a single JavaScript thread it is atomic:
 * it re-checks every staged write against what other transactions committed meanwhile
 * (optimistic concurrency), references included (see `references.ts`), and then
 * applies all of them, or none.
 */
import type { Collection } from "@rapport/core"
import { Errors } from "@rapport/core"
import type { Database } from "./database.js"
import type { PendingEvent } from "./events.js"
import type { Check } from "./references.js"
import { recheck } from "./references.js"
import { uniqueKey } from "./table.js"
import type { Table } from "./table.js"
import type { Entry, Overlay } from "./view.js"

/** How to take back one staged write: the entry's state before it (`undefined`: no entry). */
interface Undo {
  readonly overlay: Overlay
  readonly id: string
  readonly before: { readonly base: number | null; readonly row: Collection.Row | null } | undefined
}

/** A point a nested transaction can roll back to. */
export interface Savepoint {
  readonly undo: number
  readonly events: number
  readonly checks: number
}

export class Transaction {
  /** False once committed or rolled back: fibers that outlive it can no longer write through it. */
  open = true
  /** The database's generation when the transaction began (see `commit`). */
  readonly generation: number
  readonly overlays = new Map<string, Overlay>()
  readonly events: Array<PendingEvent> = []
  /** The reference checks its writes made, made again at commit (see `references.ts`). */
  readonly checks: Array<Check> = []
  // Kept only while a nested transaction runs, so flat transactions pay nothing for it.
  private readonly undo: Array<Undo> = []
  private depth = 0

  constructor(db: Database) {
    this.generation = db.generation
  }

  // The overlay last asked for: bulk writes ask for the same one row after row, and
  // its key is a string built for each asking.
  private lastWorkspace: string | undefined = undefined
  private lastCollection: string | undefined = undefined
  private last: Overlay | undefined = undefined

  overlay(workspaceId: string, collection: string): Overlay | undefined {
    if (this.last !== undefined && workspaceId === this.lastWorkspace && collection === this.lastCollection) return this.last
    return this.overlays.get(overlayKey(workspaceId, collection))
  }

  overlayFor(workspaceId: string, collection: string, table: Table): Overlay {
    if (this.last !== undefined && workspaceId === this.lastWorkspace && collection === this.lastCollection) return this.last
    const key = overlayKey(workspaceId, collection)
    let overlay = this.overlays.get(key)
    if (overlay === undefined) {
      overlay = { table, entries: new Map(), uniques: table.uniqueFields.map(() => new Map()) }
      this.overlays.set(key, overlay)
    }
    this.lastWorkspace = workspaceId
    this.lastCollection = collection
    this.last = overlay
    return overlay
  }

  /**
   * Stages a write. `entry` is the overlay's entry for `id` (the caller just looked it
   * up); without one, this is the first write to the id and `base` the committed
   * version it saw, which commit checks again.
   */
  stage(overlay: Overlay, id: string, row: Collection.Row | null, entry: Entry | undefined, base: number | null): void {
    if (this.depth > 0) {
      this.undo.push({ overlay, id, before: entry === undefined ? undefined : { base: entry.base, row: entry.row } })
    }
    if (entry === undefined) overlay.entries.set(id, entry = { base, row: null })
    setRow(overlay, entry, id, row)
  }

  /** Starts a nested transaction (a SQL savepoint). */
  savepoint(): Savepoint {
    this.depth++
    return { undo: this.undo.length, events: this.events.length, checks: this.checks.length }
  }

  /** Ends a nested transaction that succeeded: its writes now belong to the outer one. */
  release(_: Savepoint): void {
    if (--this.depth === 0) this.undo.length = 0
  }

  /** Ends a nested transaction that failed: takes back its writes and events. */
  rollbackTo(savepoint: Savepoint): void {
    while (this.undo.length > savepoint.undo) {
      const { before, id, overlay } = this.undo.pop()!
      const entry = overlay.entries.get(id)!
      if (before === undefined) {
        setRow(overlay, entry, id, null)
        overlay.entries.delete(id)
      } else {
        setRow(overlay, entry, id, before.row)
      }
    }
    this.events.length = savepoint.events
    this.checks.length = savepoint.checks
    if (--this.depth === 0) this.undo.length = 0
  }
}

const overlayKey = (workspaceId: string, collection: string) => `${workspaceId}\u0000${collection}`

/** Sets the staged row of an existing entry, keeping the overlay's unique keys in step. */
const setRow = (overlay: Overlay, entry: Entry, id: string, row: Collection.Row | null): void => {
  const before = entry.row
  entry.row = row
  const uniqueFields = overlay.table.uniqueFields
  for (let i = 0; i < uniqueFields.length; i++) {
    const fields = uniqueFields[i]!
    const keys = overlay.uniques[i]!
    const from = before === null ? null : uniqueKey(before, fields)
    const to = row === null ? null : uniqueKey(row, fields)
    if (from === to) continue
    if (from !== null && keys.get(from) === id) keys.delete(from)
    if (to !== null) keys.set(to, id)
  }
}

/**
 * Whether unique key `key` of `table.uniqueFields[i]` belongs to a row other than `id`,
 * as the transaction sees it (committed rows it has not rewritten, plus its own).
 */
export const uniqueTaken = (table: Table, overlay: Overlay | undefined, i: number, key: string, id: string): boolean => {
  const owner = table.uniqueOwner(i, key)
  if (owner !== undefined && owner !== id) {
    const entry = overlay?.entries.get(owner)
    if (entry === undefined) return true
    if (entry.row !== null && uniqueKey(entry.row, table.uniqueFields[i]!) === key) return true
  }
  if (overlay !== undefined) {
    const staged = overlay.uniques[i]!.get(key)
    if (staged !== undefined && staged !== id) return true
  }
  return false
}

/** The `Conflict` for a unique tuple that is taken. */
export const uniqueViolation = (collection: string, id: string, fields: ReadonlyArray<string>) =>
  new Errors.Conflict({
    collection,
    id,
    reason: "unique-violation",
    detail: `unique key (${fields.join(", ")}) is already taken`
  })

/**
 * Validates every staged write against the committed state and applies them all with
 * the events, or applies nothing and returns the first conflict. Closes the transaction.
 */
export const commit = (db: Database, tx: Transaction): Errors.Conflict | undefined => {
  tx.open = false
  // Every write was checked against the committed state when it was staged; when no
  // other commit came since the transaction began, those checks still hold.
  if (db.generation !== tx.generation) {
    const conflict = validate(tx) ?? (tx.checks.length === 0 ? undefined : recheck(db, tx))
    if (conflict !== undefined) return conflict
  }
  for (const overlay of tx.overlays.values()) {
    // Validated: an entry based on no committed row still has none.
    for (const [id, entry] of overlay.entries) overlay.table.put(id, entry.row, entry.base === null)
  }
  db.generation++
  db.appendEvents(tx.events)
  return undefined
}

/** The first conflict between the staged writes and the committed state, if any. */
const validate = (tx: Transaction): Errors.Conflict | undefined => {
  for (const overlay of tx.overlays.values()) {
    const { table } = overlay
    const collection = table.spec.name
    for (const [id, entry] of overlay.entries) {
      const committed = table.get(id)?.version ?? null
      if (committed !== entry.base) {
        return entry.base === null
          ? new Errors.Conflict({ collection, id, reason: "duplicate-id" })
          : new Errors.Conflict({
            collection,
            id,
            reason: "stale-version",
            expectedVersion: entry.base,
            ...(committed === null ? {} : { actualVersion: committed })
          })
      }
      if (entry.row === null) continue
      for (let i = 0; i < table.uniqueFields.length; i++) {
        const fields = table.uniqueFields[i]!
        const key = uniqueKey(entry.row, fields)
        if (key !== null && uniqueTaken(table, overlay, i, key, id)) return uniqueViolation(collection, id, fields)
      }
    }
  }
  return undefined
}
