/**
 * What a read sees of one collection: the committed table, or, inside a transaction,
 * the committed table with the transaction's own uncommitted writes laid over it.
 * Queries run against a `View` and never need to know which one they got.
 */
import type { Collection } from "@rapport/core"
import type { IndexValue, Table } from "./table.js"
import { indexValue } from "./table.js"

type Row = Collection.Row

export interface View {
  readonly get: (id: string) => Row | undefined
  /** Every live row, in no particular order. */
  readonly scan: () => Iterable<Row>
  /** How many rows `scan` yields (an upper bound inside a transaction). */
  readonly size: () => number
  /** The live rows whose `path` holds `value`; `undefined` when `path` has no index. */
  readonly lookup: (path: string, value: IndexValue) => ReadonlyArray<Row> | undefined
  /**
   * How many live rows hold each value of `path` (values as an index holds them; other
   * rows are not counted); `undefined` when `path` has no index or the view cannot tell.
   */
  readonly counts: (path: string) => ReadonlyMap<IndexValue, number> | undefined
}

/** One staged write: the committed version it was based on (`null`: the id was free) and the new row (`null`: deleted). */
export interface Entry {
  readonly base: number | null
  row: Row | null
}

/** A transaction's writes to one collection of one workspace. */
export interface Overlay {
  readonly table: Table
  readonly entries: Map<string, Entry>
  /** Per `spec.unique` tuple, the keys the staged rows hold, so bulk writes stay linear. */
  readonly uniques: ReadonlyArray<Map<string, string>>
}

const NO_ROWS: ReadonlyArray<Row> = []

export const emptyView: View = {
  get: () => undefined,
  scan: () => NO_ROWS,
  size: () => 0,
  lookup: () => NO_ROWS,
  counts: () => undefined
}

export const committedView = (table: Table | undefined): View =>
  table === undefined ? emptyView : {
    get: (id) => table.get(id),
    scan: () => table.rows.values(),
    size: () => table.rows.size,
    lookup: (path, value) => table.lookup(path, value),
    counts: (path) => table.counts(path)
  }

export const overlayView = (overlay: Overlay): View => {
  const { entries, table } = overlay
  return {
    get: (id) => {
      const entry = entries.get(id)
      return entry === undefined ? table.get(id) : entry.row ?? undefined
    },
    size: () => table.rows.size + entries.size,
    scan: function*() {
      for (const row of table.rows.values()) if (!entries.has(row.id)) yield row
      for (const entry of entries.values()) if (entry.row !== null) yield entry.row
    },
    lookup: (path, value) => {
      const committed = table.lookup(path, value)
      if (committed === undefined) return undefined
      const out: Array<Row> = []
      for (const row of committed) if (!entries.has(row.id)) out.push(row)
      for (const entry of entries.values()) {
        if (entry.row !== null && indexValue(entry.row, path) === value) out.push(entry.row)
      }
      return out
    },
    // The staged rows would have to be counted in: the caller makes its pass instead.
    counts: () => undefined
  }
}
