/**
 * The committed rows of one collection in one workspace, with the secondary indexes the
 * queries use and the unique keys the writes check. Only `put` changes a table, and only
 * a commit calls it, so the indexes always describe exactly the committed rows.
 */
import { Collection } from "@rapport/core"
import { accessor } from "./evaluate.js"

type Row = Collection.Row

/** A value an index can hold: the scalars a condition can compare with `eq`/`in`. */
export type IndexValue = string | number | boolean

/**
 * The rows sharing one indexed value. Writes go to the map; reads get an array built on
 * first read after a change, because joins iterate buckets far more often than commits
 * change them, and arrays iterate without allocating. Most buckets of a timestamp or a
 * foreign key hold one row, so a bucket makes its map only for a second row.
 */
class Bucket {
  private byId: Map<string, Row> | undefined = undefined
  private onlyId: string | undefined = undefined
  private only: Row | undefined = undefined
  private list: ReadonlyArray<Row> | null = null

  get size(): number {
    return this.byId !== undefined ? this.byId.size : this.onlyId === undefined ? 0 : 1
  }

  set(id: string, row: Row): void {
    if (this.byId !== undefined) this.byId.set(id, row)
    else if (this.onlyId === undefined || this.onlyId === id) {
      this.onlyId = id
      this.only = row
    } else {
      // Insertion order, as one map from the start would have kept it.
      this.byId = new Map([[this.onlyId, this.only!], [id, row]])
      this.onlyId = undefined
      this.only = undefined
    }
    this.list = null
  }

  delete(id: string): void {
    if (this.byId !== undefined) this.byId.delete(id)
    else if (this.onlyId === id) {
      this.onlyId = undefined
      this.only = undefined
    }
    this.list = null
  }

  rows(): ReadonlyArray<Row> {
    return this.list ??= this.byId !== undefined ? [...this.byId.values()] : this.only === undefined ? [] : [this.only]
  }
}

const NO_ROWS: ReadonlyArray<Row> = []

export const indexValue = (row: Row, path: string): IndexValue | null => {
  const value = Collection.valueAt(row, path)
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? value : null
}

/**
 * `indexValue` for one path, as a function of its own: it reads rows of one collection
 * only, so its property load stays monomorphic (see `accessor`).
 */
const indexReader = (path: string): (row: Row) => IndexValue | null => {
  const read = accessor(path)
  return (row) => {
    const value = read(row)
    return typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? value : null
  }
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

interface Index {
  readonly path: string
  /** Made with the buckets (compiling a reader costs more than a small table's whole life). */
  value: ((row: Row) => IndexValue | null) | null
  /** `null` until the first lookup: an index no query uses costs the writes nothing. */
  buckets: Map<IndexValue, Bucket> | null
}

export class Table {
  readonly rows = new Map<string, Row>()
  readonly uniqueFields: ReadonlyArray<ReadonlyArray<string>>
  private readonly indexes = new Map<string, Index>()
  /** The indexes built so far, which every `put` keeps in step. */
  private readonly built: Array<Index> = []
  private readonly uniques: ReadonlyArray<Map<string, string>>

  constructor(readonly spec: Collection.Spec) {
    for (const path of indexedPaths(spec)) this.indexes.set(path, { path, value: null, buckets: null })
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
    const buckets = index.buckets ?? this.build(index)
    return buckets.get(value)?.rows() ?? NO_ROWS
  }

  /** How many committed rows hold each value of `path`; `undefined` when `path` has no index. */
  counts(path: string): Map<IndexValue, number> | undefined {
    const index = this.indexes.get(path)
    if (index === undefined) return undefined
    const out = new Map<IndexValue, number>()
    for (const [value, bucket] of index.buckets ?? this.build(index)) out.set(value, bucket.size)
    return out
  }

  private build(index: Index): Map<IndexValue, Bucket> {
    const buckets = new Map<IndexValue, Bucket>()
    const value = index.value = indexReader(index.path)
    for (const [id, row] of this.rows) {
      const to = value(row)
      if (to === null) continue
      let bucket = buckets.get(to)
      if (bucket === undefined) buckets.set(to, bucket = new Bucket())
      bucket.set(id, row)
    }
    index.buckets = buckets
    this.built.push(index)
    return buckets
  }

  /** The id holding unique key `key` of `spec.unique[i]`, if any. */
  uniqueOwner(i: number, key: string): string | undefined {
    return this.uniques[i]!.get(key)
  }

  /**
   * Replaces the row `id` (`null` deletes it) and keeps every index in step. `absent`:
   * the caller knows there is no row `id`, so there is nothing to look up.
   */
  put(id: string, after: Row | null, absent = false): void {
    const before = absent ? null : this.rows.get(id) ?? null
    if (after === null) this.rows.delete(id)
    else this.rows.set(id, after)
    const indexes = this.built
    for (let i = 0; i < indexes.length; i++) {
      const value = indexes[i]!.value!
      const buckets = indexes[i]!.buckets!
      const from = before === null ? null : value(before)
      const to = after === null ? null : value(after)
      if (from !== null && from !== to) {
        const bucket = buckets.get(from)
        if (bucket !== undefined) {
          bucket.delete(id)
          if (bucket.size === 0) buckets.delete(from)
        }
      }
      if (to !== null && after !== null) {
        let bucket = buckets.get(to)
        if (bucket === undefined) buckets.set(to, bucket = new Bucket())
        // Set even when the value did not change: the bucket hands out the current row.
        bucket.set(id, after)
      }
    }
    const uniqueFields = this.uniqueFields
    for (let i = 0; i < uniqueFields.length; i++) {
      const fields = uniqueFields[i]!
      const keys = this.uniques[i]!
      const from = before === null ? null : uniqueKey(before, fields)
      const to = after === null ? null : uniqueKey(after, fields)
      if (from === to) continue
      if (from !== null && keys.get(from) === id) keys.delete(from)
      if (to !== null) keys.set(to, id)
    }
  }
}
