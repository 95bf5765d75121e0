/**
 * The reference evaluator: the semantics of `Query.ts` and `Store.ts` written out as
 * naive loops over plain arrays of rows, independent of every store. The differential
 * properties compare each store's answers with these.
 *
 * Only the pure, shared checking step (`Plan.find` / `Plan.aggregate`: catalog checks,
 * canonical zone names, the total order) comes from core; every condition (relative and
 * calendar windows too: the query's own `where` is evaluated, not the plan's resolved
 * one), sort, group, bucket and measure is evaluated here.
 */
import type { Catalog, Query } from "@rapport/core"
import { Collection, EventCollection, Plan } from "@rapport/core"
import { Either } from "effect"
import * as ReferenceTime from "./referenceTime.js"

/** The rows of one workspace, by collection. */
export type Dataset = Readonly<Record<string, ReadonlyArray<Collection.Row>>>

type Value = Collection.Json

/** Reads a path: a field, a money part (`revenue.currency`), a custom value (`custom.tier`) or its part (`custom.mrr.currency`). */
export const read = (row: Collection.Row, path: string): Value => {
  if (Object.hasOwn(row, path)) return row[path] ?? null
  const dot = path.indexOf(".")
  if (dot < 0) return null
  const parent = row[path.slice(0, dot)]
  if (parent === null || parent === undefined || typeof parent !== "object" || Array.isArray(parent)) return null
  const rest = path.slice(dot + 1)
  const record = parent as Readonly<Record<string, Value>>
  if (Object.hasOwn(record, rest)) return record[rest] ?? null
  // A part of a custom money value: `custom.mrr.amountMinor`.
  const dot2 = rest.indexOf(".")
  const inner = dot2 < 0 || !Object.hasOwn(record, rest.slice(0, dot2)) ? null : record[rest.slice(0, dot2)]
  if (inner === null || inner === undefined || typeof inner !== "object" || Array.isArray(inner)) return null
  const parts = inner as Readonly<Record<string, Value>>
  const part = rest.slice(dot2 + 1)
  return Object.hasOwn(parts, part) ? parts[part] ?? null : null
}

/**
 * Where `readAt` follows paths across references: the catalog and the rows of the query
 * being evaluated, and the collection each row belongs to. Set by `find` and `aggregate`
 * for the duration of one (synchronous) evaluation.
 */
let scope: {
  readonly catalog: Catalog.Service
  readonly workspaceId: string
  readonly data: Dataset
  readonly collectionOf: WeakMap<Collection.Row, string>
  /** The clock relative and calendar windows count from. */
  readonly now: number
} | null = null

const withScope = <A>(catalog: Catalog.Service, workspaceId: string, data: Dataset, now: number, f: () => A): A => {
  const collectionOf = new WeakMap<Collection.Row, string>()
  for (const [name, rows] of Object.entries(data)) for (const row of rows) collectionOf.set(row, name)
  const outer = scope
  scope = { catalog, workspaceId, data, collectionOf, now }
  try {
    return f()
  } finally {
    scope = outer
  }
}

/**
 * Reads a path of a row of the dataset, following references: a path whose first segment
 * (or `custom.<name>`) is a reference field of the row's collection continues on the row
 * it points at, found by id; a null or dangling reference reads null.
 */
const readAt = (row: Collection.Row, path: string): Value => {
  const collection = scope?.collectionOf.get(row)
  const spec = collection === undefined ? undefined : scope!.catalog.spec(scope!.workspaceId, collection)
  const property = spec === undefined ? undefined : Collection.propertyAt(spec, path)
  if (property !== undefined) return readProperty(row[property.field] ?? null, property.segments, property.spec.kind)
  if (spec === undefined || Collection.fieldAt(spec, path) !== undefined) return read(row, path)
  const dot = path.indexOf(".")
  if (dot < 0) return read(row, path)
  let head = path.slice(0, dot)
  if (spec.fields[head]?.kind === "custom") {
    const next = path.indexOf(".", dot + 1)
    if (next < 0) return read(row, path)
    head = path.slice(0, next)
  }
  const ref = Collection.fieldAt(spec, head)?.ref
  if (ref === undefined) return read(row, path)
  const id = read(row, head)
  const target = typeof id === "string" ? (scope!.data[ref] ?? []).find((r) => r.id === id) : undefined
  return target === undefined ? null : readAt(target, path.slice(head.length + 1))
}

/**
 * A declared property of a JSON document (an event's `payload.to`), read by this
 * evaluator's own walk: a value of another JSON type than the declared kind reads null,
 * and an integer (or timestamp) must be a safe integer, as `Schema.Int` says.
 */
const readProperty = (doc: Value, segments: ReadonlyArray<string>, kind: string): Value => {
  let value: Value | undefined = doc
  for (const segment of segments) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return null
    value = Object.hasOwn(value, segment) ? (value as Readonly<Record<string, Value>>)[segment] : undefined
  }
  if (value === undefined || value === null) return null
  const ok = kind === "string" || kind === "date"
    ? typeof value === "string"
    : kind === "boolean"
    ? typeof value === "boolean"
    : kind === "number"
    ? typeof value === "number"
    : (kind === "integer" || kind === "timestamp") && typeof value === "number" && Number.isSafeInteger(value)
  return ok ? value : null
}

/** Code points of a string, as numbers. */
const codePoints = (s: string): Array<number> => Array.from(s, (c) => c.codePointAt(0)!)

/** Text order by Unicode code point. */
export const compareText = (a: string, b: string): number => {
  const x = codePoints(a)
  const y = codePoints(b)
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i]! !== y[i]!) return x[i]! < y[i]! ? -1 : 1
  }
  return x.length - y.length < 0 ? -1 : x.length === y.length ? 0 : 1
}

type Scalar = string | number | boolean

const isScalar = (v: Value): v is Scalar => typeof v === "string" || typeof v === "number" || typeof v === "boolean"

/** Compares two non-null scalars of the same type. */
const compareNonNull = (a: Scalar, b: Scalar): number => {
  if (typeof a === "string" && typeof b === "string") return compareText(a, b)
  if (typeof a === "number" && typeof b === "number") return a < b ? -1 : a > b ? 1 : 0
  if (typeof a === "boolean" && typeof b === "boolean") return a === b ? 0 : a ? 1 : -1
  throw new Error(`reference: comparing ${typeof a} with ${typeof b}`)
}

/** Sort order of one key: nulls last in both directions. */
export const compareForSort = (a: Value, b: Value, direction: "asc" | "desc"): number => {
  const an = a === null || !isScalar(a)
  const bn = b === null || !isScalar(b)
  if (an && bn) return 0
  if (an) return 1
  if (bn) return -1
  const c = compareNonNull(a as Scalar, b as Scalar)
  return direction === "asc" ? c : -c
}

/** Sort order of one aggregate value: an exact sum (number or bigint) by its value, else as `compareForSort`. */
const compareMeasures = (a: Query.AggregateRow[string], b: Query.AggregateRow[string], direction: "asc" | "desc"): number => {
  if (typeof a === "bigint" || typeof b === "bigint") {
    if (a === null) return 1
    if (b === null) return -1
    // `<` compares a bigint with a number exactly.
    const c = a < b ? -1 : a > b ? 1 : 0
    return direction === "asc" ? c : -c
  }
  return compareForSort(a, b, direction)
}

const compare = (v: Value, op: Query.CompareOp, target: Scalar): boolean => {
  if (v === null || !isScalar(v)) return false
  const c = compareNonNull(v, target)
  switch (op) {
    case "eq":
      return c === 0
    case "neq":
      return c !== 0
    case "lt":
      return c < 0
    case "lte":
      return c <= 0
    case "gt":
      return c > 0
    case "gte":
      return c >= 0
  }
}

const lower = (s: string): string => s.toLowerCase()

const text = (v: Value, op: Query.TextOp, needle: string, caseInsensitive: boolean): boolean => {
  if (typeof v !== "string") return false
  const hay = caseInsensitive ? lower(v) : v
  const n = caseInsensitive ? lower(needle) : needle
  switch (op) {
    case "contains":
      return hay.includes(n)
    case "startsWith":
      return hay.startsWith(n)
    case "endsWith":
      return hay.endsWith(n)
    case "equals":
      return hay === n
  }
}

const numbersOf = (rows: ReadonlyArray<Collection.Row>, field: string): Array<number> => {
  const out: Array<number> = []
  for (const row of rows) {
    const v = readAt(row, field)
    if (typeof v === "number") out.push(v)
  }
  return out
}

const relatedMeasure = (rows: ReadonlyArray<Collection.Row>, measure: Query.RelatedMeasure): number | null => {
  if (measure._tag === "Count") return rows.length
  const xs = numbersOf(rows, measure.field)
  switch (measure._tag) {
    case "Sum": {
      let sum = 0
      for (const x of xs) sum += x
      return sum
    }
    case "Avg": {
      if (xs.length === 0) return null
      let sum = 0
      for (const x of xs) sum += x
      return sum / xs.length
    }
    case "Min":
      return xs.length === 0 ? null : xs.reduce((a, b) => (b < a ? b : a))
    case "Max":
      return xs.length === 0 ? null : xs.reduce((a, b) => (b > a ? b : a))
  }
}

/** Arithmetic operands: 0, or a magnitude from 2^-64 to 2^64 (`Query` module doc). */
const inRange = (x: number): boolean => x === 0 || (Math.abs(x) >= 2 ** -64 && Math.abs(x) <= 2 ** 64)

/** The value of a `compare` operand on a row: arithmetic in doubles, null when any operand is. */
const termValue = (row: Collection.Row, term: Query.Term): Value => {
  switch (term._tag) {
    case "FieldRef":
      return readAt(row, term.field)
    case "Literal":
      return term.value
    case "Arith": {
      // The range applies to fields and literals; results in between cannot leave it far.
      const operand = (t: Query.Term): Value => {
        const v = termValue(row, t)
        return t._tag === "Arith" || (typeof v === "number" && inRange(v)) ? v : null
      }
      const a = operand(term.left)
      const b = operand(term.right)
      if (typeof a !== "number" || typeof b !== "number") return null
      switch (term.op) {
        case "add":
          return a + b
        case "subtract":
          return a - b
        case "multiply":
          return a * b
        case "divide":
          return b === 0 ? null : a / b
      }
    }
  }
}

/** Whether `row` (of the collection the condition is about) satisfies `expr`. */
export const evaluate = (data: Dataset, row: Collection.Row, expr: Query.Expr): boolean => {
  switch (expr._tag) {
    case "Compare":
      return compare(readAt(row, expr.field), expr.op, expr.value)
    case "Between": {
      const v = readAt(row, expr.field)
      return compare(v, "gte", expr.low) && compare(v, "lte", expr.high)
    }
    case "In": {
      const v = readAt(row, expr.field)
      return expr.values.some((x) => compare(v, "eq", x))
    }
    case "NotIn": {
      const v = readAt(row, expr.field)
      if (v === null || !isScalar(v)) return false
      return expr.values.every((x) => !compare(v, "eq", x))
    }
    case "IsNull":
      return readAt(row, expr.field) === null
    case "Text":
      return text(readAt(row, expr.field), expr.op, expr.value, expr.caseInsensitive)
    case "Has": {
      const v = readAt(row, expr.field)
      return Array.isArray(v) && v.includes(expr.value)
    }
    case "HasAny": {
      const v = readAt(row, expr.field)
      return Array.isArray(v) && v.some((x) => typeof x === "string" && expr.values.includes(x))
    }
    case "Within":
    case "OlderThan":
    case "Calendar":
      return ReferenceTime.inWindow(readAt(row, expr.field), expr, scope!.now)
    case "And":
      return expr.exprs.every((e) => evaluate(data, row, e))
    case "Or":
      return expr.exprs.some((e) => evaluate(data, row, e))
    case "Not":
      return !evaluate(data, row, expr.expr)
    case "CompareTerms": {
      const a = termValue(row, expr.left)
      const b = termValue(row, expr.right)
      if (a === null || b === null || !isScalar(a) || !isScalar(b) || typeof a !== typeof b) return false
      return compare(a, expr.op, b)
    }
    case "Exists":
      return relatedRows(data, row, expr).length > 0
    case "Any": {
      const list = read(row, expr.field)
      return Array.isArray(list) && list.some((e) =>
        typeof e === "object" && e !== null && !Array.isArray(e) &&
        evaluate(data, e as unknown as Collection.Row, expr.where)
      )
    }
    case "Related": {
      const children = relatedRows(data, row, expr)
      const measured = relatedMeasure(children, expr.measure)
      return measured === null ? false : compare(measured, expr.op, expr.value)
    }
  }
}

/**
 * The rows a `related` or `exists` condition measures: those whose foreign key holds the
 * row's id, or (`via`) one of the keys its links reach. A link's key to any collection
 * (`Field.anyRef`) counts only when the link names the collection on that side.
 */
const relatedRows = (
  data: Dataset,
  row: Collection.Row,
  expr: Extract<Query.Expr, { _tag: "Exists" | "Related" }>
): ReadonlyArray<Collection.Row> => {
  const matches = (child: Collection.Row) => expr.where === null || evaluate(data, child, expr.where)
  const via = expr.via
  if (via === undefined && expr.collection === EventCollection.name && expr.foreignKey === "subjects") {
    // The events naming the row: its collection and id among their subjects.
    const subject = `${scope?.collectionOf.get(row) ?? ""}:${row.id}`
    return (data[expr.collection] ?? []).filter((c) => Array.isArray(c.subjects) && c.subjects.includes(subject) && matches(c))
  }
  if (via === undefined) return (data[expr.collection] ?? []).filter((c) => readAt(c, expr.foreignKey) === row.id && matches(c))
  const link = scope!.catalog.spec(scope!.workspaceId, via.collection)!
  const target = scope!.catalog.spec(scope!.workspaceId, expr.collection)!
  const names = (l: Collection.Row, key: string, collection: string) => {
    const by = Collection.fieldAt(link, key)?.refNamedBy
    return by === undefined || read(l, by) === collection
  }
  const reached = expr.foreignKey === "id" ? target.name : Collection.fieldAt(target, expr.foreignKey)?.ref ?? ""
  const from = scope!.collectionOf.get(row) ?? ""
  const keys = new Set<Value>()
  for (const l of data[via.collection] ?? []) {
    if (readAt(l, via.from) !== row.id || !names(l, via.from, from) || !names(l, via.to, reached)) continue
    if (via.where === null || evaluate(data, l, via.where)) keys.add(readAt(l, via.to))
  }
  return (data[expr.collection] ?? []).filter((c) => {
    const key = readAt(c, expr.foreignKey)
    return typeof key === "string" && keys.has(key) && matches(c)
  })
}

const sortRows = (rows: Array<Collection.Row>, orderBy: ReadonlyArray<Query.Order>): Array<Collection.Row> =>
  rows.sort((a, b) => {
    for (const o of orderBy) {
      const c = compareForSort(readAt(a, o.field), readAt(b, o.field), o.direction)
      if (c !== 0) return c
    }
    return 0
  })

const unwrap = <A, E>(either: Either.Either<A, E>): A => {
  if (Either.isLeft(either)) throw new Error(`reference: the query is invalid: ${String(either.left)}`)
  return either.right
}

/** The full answer of a find (every page, in order). */
export const find = (
  catalog: Catalog.Service,
  workspaceId: string,
  data: Dataset,
  query: Query.Find,
  now: number
): ReadonlyArray<Collection.Row> => {
  const plan = unwrap(Plan.find(catalog, workspaceId, { ...query, cursor: undefined } as Query.Find, now))
  return withScope(catalog, workspaceId, data, now, () => {
    const where = query.where
    const rows = (data[query.collection] ?? []).filter((row) => where === undefined || evaluate(data, row, where))
    return sortRows([...rows], plan.orderBy)
  })
}

// -- time buckets: see referenceTime.ts -------------------------------------

const groupValue = (row: Collection.Row, key: Plan.GroupKeyPlan): Query.Scalar | null => {
  if (key._tag === "Term") {
    const t = termValue(row, key.term)
    // 0 and -0 are one group, shown as 0.
    return typeof t === "number" ? (t === 0 ? 0 : t) : null
  }
  const v = readAt(row, key.field)
  if (key._tag === "Field") return v === null || !isScalar(v) ? null : v
  if (key.of === "date") return typeof v === "string" ? ReferenceTime.dateBucket(v, key.unit, key.calendar) : null
  return typeof v === "number" ? ReferenceTime.bucket(v, key.unit, key.timeZone, key.calendar) : null
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)

/** The exact sum of integers, always in bigint (the stores may add in doubles while safe). */
const exactSum = (xs: ReadonlyArray<number>): bigint => {
  let sum = 0n
  for (const x of xs) sum += BigInt(x)
  return sum
}

/** How `AggregateRow` holds an exact integer: a number while safe, else a bigint. */
const exactValue = (n: bigint): number | bigint => (n >= -MAX_SAFE && n <= MAX_SAFE ? Number(n) : n)

/** The numbers a measure of a term reads: the term's value on each row, nulls skipped. */
const termNumbers = (rows: ReadonlyArray<Collection.Row>, term: Query.Term): Array<number> => {
  const out: Array<number> = []
  for (const row of rows) {
    const v = termValue(row, term)
    if (typeof v === "number") out.push(v)
  }
  return out
}

/** Linear interpolation between the closest ranks (the `Measure` doc's formula). */
const percentile = (xs: ReadonlyArray<number>, p: number): number | null => {
  if (xs.length === 0) return null
  const sorted = [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const h = p * (sorted.length - 1)
  const lo = Math.floor(h)
  const hi = Math.ceil(h)
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (h - lo)
}

const measureOf = (
  plan: Plan.AggregatePlan,
  data: Dataset,
  groupRows: ReadonlyArray<Collection.Row>,
  measure: Query.Measure
): Query.AggregateRow[string] => {
  const rows = measure.filter === undefined ? groupRows : groupRows.filter((row) => evaluate(data, row, measure.filter!))
  if ("term" in measure) {
    const xs = termNumbers(rows, measure.term)
    switch (measure._tag) {
      case "Sum":
        return xs.reduce((a, b) => a + b, 0)
      case "Avg":
        return xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length
      case "Min":
        return xs.length === 0 ? null : xs.reduce((a, b) => (b < a ? b : a))
      case "Max":
        return xs.length === 0 ? null : xs.reduce((a, b) => (b > a ? b : a))
      case "Percentile":
        return percentile(xs, measure.p)
    }
  }
  switch (measure._tag) {
    case "Percentile":
      return percentile(numbersOf(rows, measure.field), measure.p)
    case "Count":
      return rows.length
    case "CountDistinct": {
      const seen: Array<Scalar> = []
      for (const row of rows) {
        const v = readAt(row, measure.field)
        if (v !== null && isScalar(v) && !seen.some((s) => typeof s === typeof v && compareNonNull(s, v) === 0)) seen.push(v)
      }
      return seen.length
    }
    case "Sum": {
      const xs = numbersOf(rows, measure.field)
      // Integers (money amounts) sum exactly, however large; numbers are doubles.
      if (integerField(plan, measure.field)) return exactValue(exactSum(xs))
      let sum = 0
      for (const x of xs) sum += x
      return sum
    }
    case "Avg": {
      const xs = numbersOf(rows, measure.field)
      if (xs.length === 0) return null
      // Of integers: the exact sum, rounded to a double once, over the count.
      if (integerField(plan, measure.field)) return Number(exactSum(xs)) / xs.length
      let sum = 0
      for (const x of xs) sum += x
      return sum / xs.length
    }
    case "Min":
    case "Max": {
      let best: Scalar | null = null
      for (const row of rows) {
        const v = readAt(row, measure.field)
        if (v === null || !isScalar(v)) continue
        if (best === null) best = v
        else {
          const c = compareNonNull(v, best)
          if (measure._tag === "Min" ? c < 0 : c > 0) best = v
        }
      }
      return best
    }
  }
}

const integerField = (plan: Plan.AggregatePlan, field: string): boolean =>
  (Collection.fieldAt(plan.spec, field) ?? Plan.pathAt(plan.paths, plan.spec.name, field)?.spec)?.kind === "integer"

/** The answer of an aggregate. */
export const aggregate = (
  catalog: Catalog.Service,
  workspaceId: string,
  data: Dataset,
  query: Query.Aggregate,
  now: number
): ReadonlyArray<Query.AggregateRow> => {
  const plan = unwrap(Plan.aggregate(catalog, workspaceId, { ...query, cursor: undefined } as Query.Aggregate, now))
  return withScope(catalog, workspaceId, data, now, () => {
    const where = query.where
    const rows = (data[query.collection] ?? []).filter((row) => where === undefined || evaluate(data, row, where))
    const groups: Array<{ key: ReadonlyArray<Query.Scalar | null>; rows: Array<Collection.Row> }> = []
    if (plan.groupBy.length === 0) groups.push({ key: [], rows })
    else {
      for (const row of rows) {
        const key = plan.groupBy.map((g) => groupValue(row, g))
        const found = groups.find((g) => g.key.every((k, i) => k === key[i]))
        if (found === undefined) groups.push({ key, rows: [row] })
        else found.rows.push(row)
      }
    }
    // Gap filling: each combination of the other keys gets every bucket of the range.
    const filled = (query.groupBy ?? []).findIndex((g) => g._tag === "Bucket" && g.fill !== undefined)
    const key = plan.groupBy[filled]
    const fill = (query.groupBy ?? [])[filled]
    if (key !== undefined && key._tag === "Bucket" && fill?._tag === "Bucket" && fill.fill !== undefined) {
      const names = ReferenceTime.bucketsIn(key.unit, fill.fill, now, key.of === "date" ? null : key.timeZone, key.calendar)
      const others = (k: ReadonlyArray<Query.Scalar | null>) => k.filter((_, i) => i !== filled)
      const combos = plan.groupBy.length === 1 ? [[]] : groups.map((g) => others(g.key))
      for (const combo of combos) {
        for (const name of names) {
          const k = [...combo.slice(0, filled), name, ...combo.slice(filled)]
          if (!groups.some((g) => g.key.every((v, i) => v === k[i]))) groups.push({ key: k, rows: [] })
        }
      }
    }
    const out: Array<Record<string, Query.AggregateRow[string]>> = groups.map((g) => {
      const result: Record<string, Query.AggregateRow[string]> = {}
      plan.groupBy.forEach((k, i) => (result[k.as] = g.key[i] ?? null))
      for (const m of plan.measures) result[m.as] = measureOf(plan, data, g.rows, m)
      return result
    }).filter((row) => plan.having === null || havingHolds(plan.having, row))
    out.sort((a, b) => {
      for (const o of plan.orderBy) {
        const c = compareMeasures(a[o.field] ?? null, b[o.field] ?? null, o.direction)
        if (c !== 0) return c
      }
      return 0
    })
    return query.limit === undefined ? out : out.slice(0, query.limit)
  })
}

/** A `having` on an answer row: exact for integers (a bigint or a number), false on null. */
const havingHolds = (having: Plan.HavingPlan, row: Query.AggregateRow): boolean => {
  switch (having._tag) {
    case "Compare": {
      const v = row[having.alias] ?? null
      const w = having.value
      if (v === null) return false
      let c: number
      if ((typeof v === "number" || typeof v === "bigint") && (typeof w === "number" || typeof w === "bigint")) {
        c = v < w ? -1 : v > w ? 1 : 0
      } else c = compareNonNull(v as Scalar, w as Scalar)
      return {
        eq: c === 0,
        neq: c !== 0,
        lt: c < 0,
        lte: c <= 0,
        gt: c > 0,
        gte: c >= 0
      }[having.op]
    }
    case "IsNull":
      return (row[having.alias] ?? null) === null
    case "And":
      return having.conditions.every((c) => havingHolds(c, row))
    case "Or":
      return having.conditions.some((c) => havingHolds(c, row))
    case "Not":
      return !havingHolds(having.condition, row)
  }
}

/** Output kinds of an aggregate's aliases (`float` ones are compared with a tolerance). */
export const outputKinds = (
  catalog: Catalog.Service,
  workspaceId: string,
  query: Query.Aggregate
): ReadonlyMap<string, string> => unwrap(Plan.aggregate(catalog, workspaceId, query, 0)).outputKinds
