/**
 * The committed rows of one collection in one workspace, with the secondary indexes the
 * queries use and the unique keys the writes check. Only `put` changes a table, and only
 * a commit calls it, so the indexes always describe exactly the committed rows.
 */
import { Collection } from "@rapport/core"

type Row = Collection.Row

/** A value an index can hold: the scalars a condition can compare with `eq`/`in`. */
export type IndexValue = string | number | boolean

/**
 * The rows sharing one indexed value. Writes go to the map; reads get an array built on
 * first read after a change, because joins iterate buckets far more often than commits
 * change them, and arrays iterate without allocating.
 */
class Bucket {
  readonly byId = new Map<string, Row>()
  private list: ReadonlyArray<Row> | null = null

  set(id: string, row: Row): void {
    this.byId.set(id, row)
    this.list = null
  }

  delete(id: string): void {
    this.byId.delete(id)
    this.list = null
  }

  rows(): ReadonlyArray<Row> {
    return this.list ??= [...this.byId.values()]
  }
}

const NO_ROWS: ReadonlyArray<Row> = []

export const indexValue = (row: Row, path: string): IndexValue | null => {
  const value = Collection.valueAt(row, path)
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? value : null
}

/**
 * The key of a unique tuple, or `null` when a part is null: like SQL, a tuple with a
 * null never collides with another.
 */
export const uniqueKey = (row: Row, fields: ReadonlyArray<string>): string | null => {
  if (fields.length === 1) {
    const v = Collection.valueAt(row, fields[0]!)
    return v === null ? null : JSON.stringify(v)
  }
  const parts: Array<unknown> = []
  for (const field of fields) {
    const v = Collection.valueAt(row, field)
    if (v === null) return null
    parts.push(v)
  }
  return JSON.stringify(parts)
}

/**
 * The fields a collection is indexed by: every foreign key (`related` joins and
 * reference checks go through them) and every field named in `spec.indexes`.
 */
export const indexedPaths = (spec: Collection.Spec): ReadonlyArray<string> => {
  const paths = new Set<string>()
  for (const [name, field] of Object.entries(spec.fields)) if (field.ref !== undefined) paths.add(name)
  for (const index of spec.indexes) for (const path of index) if (path !== "id") paths.add(path)
  return [...paths]
}

export class Table {
  readonly rows = new Map<string, Row>()
  readonly uniqueFields: ReadonlyArray<ReadonlyArray<string>>
  private readonly indexes = new Map<string, Map<IndexValue, Bucket>>()
  private readonly uniques: ReadonlyArray<Map<string, string>>

  constructor(readonly spec: Collection.Spec) {
    for (const path of indexedPaths(spec)) this.indexes.set(path, new Map())
    this.uniqueFields = spec.unique
    this.uniques = spec.unique.map(() => new Map())
  }

  get(id: string): Row | undefined {
    return this.rows.get(id)
  }

  /** The committed rows whose `path` holds `value`; `undefined` when `path` has no index. */
  lookup(path: string, value: IndexValue): ReadonlyArray<Row> | undefined {
    const index = this.indexes.get(path)
    if (index === undefined) return undefined
    return index.get(value)?.rows() ?? NO_ROWS
  }

  /** The id holding unique key `key` of `spec.unique[i]`, if any. */
  uniqueOwner(i: number, key: string): string | undefined {
    return this.uniques[i]!.get(key)
  }

  /** Replaces the row `id` (`null` deletes it) and keeps every index in step. */
  put(id: string, after: Row | null): void {
    const before = this.rows.get(id) ?? null
    if (after === null) this.rows.delete(id)
    else this.rows.set(id, after)
    for (const [path, index] of this.indexes) {
      const from = before === null ? null : indexValue(before, path)
      const to = after === null ? null : indexValue(after, path)
      if (from !== null && from !== to) {
        const bucket = index.get(from)
        if (bucket !== undefined) {
          bucket.delete(id)
          if (bucket.byId.size === 0) index.delete(from)
        }
      }
      if (to !== null && after !== null) {
        let bucket = index.get(to)
        if (bucket === undefined) index.set(to, bucket = new Bucket())
        // Set even when the value did not change: the bucket hands out the current row.
        bucket.set(id, after)
      }
    }
    this.uniqueFields.forEach((fields, i) => {
      const keys = this.uniques[i]!
      const from = before === null ? null : uniqueKey(before, fields)
      const to = after === null ? null : uniqueKey(after, fields)
      if (from === to) return
      if (from !== null && keys.get(from) === id) keys.delete(from)
      if (to !== null) keys.set(to, id)
    })
  }
}
