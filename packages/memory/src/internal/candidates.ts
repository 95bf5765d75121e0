/**
 * Picks the rows a find or aggregate has to look at. A top-level `eq` or `in` on `id` or
 * on an indexed field (also one of the conditions of a top-level `and`) narrows the scan
 * to the matching index buckets; otherwise every row is a candidate. The full predicate
 * still runs on every candidate, so this only ever saves work.
 */
import type { Collection, Query } from "@rapport/core"
import type { IndexValue } from "./table.js"
import type { View } from "./view.js"

type Row = Collection.Row

export interface Pick {
  readonly size: number
  readonly rows: Iterable<Row>
}

const conjuncts = (expr: Query.Expr, out: Array<Query.Expr>): Array<Query.Expr> => {
  if (expr._tag === "And") for (const e of expr.exprs) conjuncts(e, out)
  else out.push(expr)
  return out
}

const isIndexValue = (v: unknown): v is IndexValue =>
  typeof v === "string" || typeof v === "number" || typeof v === "boolean"

const pickValues = (view: View, field: string, values: ReadonlyArray<Query.Scalar>): Pick | undefined => {
  const distinct = [...new Set(values)]
  if (field === "id") {
    const rows: Array<Row> = []
    for (const id of distinct) {
      const row = typeof id === "string" ? view.get(id) : undefined
      if (row !== undefined) rows.push(row)
    }
    return { size: rows.length, rows }
  }
  if (distinct.length === 1) {
    const only = distinct[0]!
    const bucket = isIndexValue(only) ? view.lookup(field, only) : undefined
    return bucket === undefined ? undefined : { size: bucket.length, rows: bucket }
  }
  const rows: Array<Row> = []
  for (const value of distinct) {
    if (!isIndexValue(value)) return undefined
    const bucket = view.lookup(field, value)
    if (bucket === undefined) return undefined
    // Buckets of distinct values are disjoint: a row holds one value per field.
    for (const row of bucket) rows.push(row)
  }
  return { size: rows.length, rows }
}

/** The rows that can satisfy `where`, as few as the indexes allow, and how many. */
export const candidates = (view: View, where: Query.Expr | null): Pick => {
  if (where === null) return { size: view.size(), rows: view.scan() }
  let best: Pick | undefined
  for (const c of conjuncts(where, [])) {
    const pick = c._tag === "Compare" && c.op === "eq"
      ? pickValues(view, c.field, [c.value])
      : c._tag === "In"
      ? pickValues(view, c.field, c.values)
      : undefined
    if (pick !== undefined && (best === undefined || pick.size < best.size)) best = pick
    if (best?.size === 0) break
  }
  return best ?? { size: view.size(), rows: view.scan() }
}
