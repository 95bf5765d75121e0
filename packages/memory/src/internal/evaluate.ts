/**
 * Compiles a checked `Expr` into a JavaScript predicate once per query, so a scan runs
 * closures instead of interpreting the tree for every row. The semantics are those of
 * the `Query` module, which the SQL stores produce too: two-valued logic where any
 * comparison with a null (or a value of another type) is false, text by code point.
 */
import type { Query } from "@rapport/core"
import { Collection, Plan } from "@rapport/core"
import type { View } from "./view.js"

type Row = Collection.Row
type Json = Collection.Json
type Expr = Query.Expr
type Scalar = Query.Scalar

export type Predicate = (row: Row) => boolean

/** Where a `related` condition finds the rows of another collection. */
export type Resolve = (collection: string) => View

const TRUE: Predicate = () => true
const FALSE: Predicate = () => false

const plainReader = (path: string): ((row: Row) => Json) | undefined => {
  try {
    // A function of its own per field, so that V8 sees one property name and one row
    // shape at each load (a shared closure's `row[path]` goes megamorphic and is several
    // times slower on large scans). The name is a JSON string literal: no injection.
    return new Function("row", `const v = row[${JSON.stringify(path)}]; return v === undefined ? null : v`) as (
      row: Row
    ) => Json
  } catch {
    // Where code generation is disallowed (a strict CSP), the shared closure still works.
    return undefined
  }
}

/** A reader for a field path (`undefined` and missing read as null, like `valueAt`). */
export const accessor = (path: string): (row: Row) => Json =>
  path.includes(".")
    ? (row) => Collection.valueAt(row, path)
    : plainReader(path) ?? ((row) => {
      const v = row[path]
      return v === undefined ? null : v
    })

/**
 * What a path needs to follow references: the views, the plan's paths, the collection
 * read, and the specs of the plan's collections (to read a document's declared properties
 * type-guarded, `Collection.readerAt`).
 */
export interface Reach {
  readonly resolve: Resolve
  readonly paths: Plan.Paths
  readonly collection: string
  readonly specs?: ReadonlyMap<string, Collection.Spec> | undefined
}

/** The reach of a plan's own collection. */
export const reachOf = (
  plan: { readonly spec: Collection.Spec; readonly related: ReadonlyMap<string, Collection.Spec>; readonly paths: Plan.Paths },
  resolve: Resolve
): Reach => ({
  resolve,
  paths: plan.paths,
  collection: plan.spec.name,
  specs: new Map([...plan.related, [plan.spec.name, plan.spec]])
})

/** The reach of another collection a condition reads (`related`, a link's `where`). */
const reachInto = (outer: Reach | undefined, resolve: Resolve, collection: string): Reach => ({
  resolve,
  paths: outer?.paths ?? NO_PATHS,
  collection,
  specs: outer?.specs
})

/** A reader for a path of `collection`'s rows: type-guarded where it is a document's declared property. */
const ownReader = (path: string, collection: string, specs: Reach["specs"]): (row: Row) => Json => {
  const spec = specs?.get(collection)
  return spec !== undefined && Collection.propertyAt(spec, path) !== undefined ? Collection.readerAt(spec, path) : accessor(path)
}

/**
 * A reader for a field path that may cross references (`Plan.Path`): each hop reads the
 * reference and looks its target up by id in the current view; a null or dangling
 * reference reads as null.
 */
export const reader = (path: string, reach: Reach | undefined): (row: Row) => Json => {
  const across = reach === undefined ? undefined : Plan.pathAt(reach.paths, reach.collection, path)
  if (across === undefined) return reach === undefined ? accessor(path) : ownReader(path, reach.collection, reach.specs)
  const steps = across.hops.map((h) => ({ read: accessor(h.ref), view: reach!.resolve(h.target.name) }))
  const leaf = ownReader(across.field, across.hops.at(-1)!.target.name, reach!.specs)
  return (row) => {
    let current = row
    for (const step of steps) {
      const id = step.read(current)
      if (typeof id !== "string") return null
      const next = step.view.get(id)
      if (next === undefined) return null
      current = next
    }
    return leaf(current)
  }
}

/** Whether a comparison's outcome `c` (negative, zero, positive) satisfies `op`. */
export const holds = (op: Query.CompareOp, c: number): boolean => {
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

const compare = (field: string, op: Query.CompareOp, value: Scalar, reach: Reach | undefined): Predicate => {
  const read = reader(field, reach)
  if (op === "eq") return (row) => read(row) === value
  const type = typeof value
  if (op === "neq") return (row) => {
    const v = read(row)
    return typeof v === type && v !== value
  }
  if (typeof value === "string") {
    return (row) => {
      const v = read(row)
      return typeof v === "string" && holds(op, Plan.compareCodePoints(v, value))
    }
  }
  if (typeof value === "number") {
    switch (op) {
      case "lt":
        return (row) => {
          const v = read(row)
          return typeof v === "number" && v < value
        }
      case "lte":
        return (row) => {
          const v = read(row)
          return typeof v === "number" && v <= value
        }
      case "gt":
        return (row) => {
          const v = read(row)
          return typeof v === "number" && v > value
        }
      case "gte":
        return (row) => {
          const v = read(row)
          return typeof v === "number" && v >= value
        }
    }
  }
  // Booleans order false < true (Plan refuses anything but eq/neq on them anyway).
  return (row) => {
    const v = read(row)
    return typeof v === type && holds(op, Plan.compareScalars(v as Scalar, value))
  }
}

const between = (field: string, low: Scalar, high: Scalar, reach: Reach | undefined): Predicate => {
  const read = reader(field, reach)
  const type = typeof low
  if (type !== typeof high) return FALSE
  if (typeof low === "number" && typeof high === "number") {
    return (row) => {
      const v = read(row)
      return typeof v === "number" && v >= low && v <= high
    }
  }
  return (row) => {
    const v = read(row)
    return typeof v === type && Plan.compareScalars(v as Scalar, low) >= 0 && Plan.compareScalars(v as Scalar, high) <= 0
  }
}

const text = (expr: Extract<Expr, { _tag: "Text" }>, reach: Reach | undefined): Predicate => {
  const read = reader(expr.field, reach)
  const fold = expr.caseInsensitive ? (s: string) => s.toLowerCase() : (s: string) => s
  const needle = fold(expr.value)
  const test: (s: string) => boolean = expr.op === "contains"
    ? (s) => s.includes(needle)
    : expr.op === "startsWith"
    ? (s) => s.startsWith(needle)
    : expr.op === "endsWith"
    ? (s) => s.endsWith(needle)
    : (s) => s === needle
  return (row) => {
    const v = read(row)
    return typeof v === "string" && test(fold(v))
  }
}

type Value = (row: Row) => Json

/**
 * An arithmetic operand: a number within the range of `Plan.inArithRange`, else null
 * (literals were range-checked by the plan; fields are checked per row).
 */
const operand = (term: Query.Term, reach: Reach | undefined): (row: Row) => number | null => {
  if (term._tag === "Arith") return arith(term, reach)
  const read = termValue(term, reach)
  return (row) => {
    const v = read(row)
    return typeof v === "number" && Plan.inArithRange(v) ? v : null
  }
}

/** Double-precision arithmetic; null in, null out; `x / 0` is null. */
const arith = (term: Extract<Query.Term, { _tag: "Arith" }>, reach: Reach | undefined): (row: Row) => number | null => {
  const l = operand(term.left, reach)
  const r = operand(term.right, reach)
  const step = term.op === "add"
    ? (a: number, b: number) => a + b
    : term.op === "subtract"
    ? (a: number, b: number) => a - b
    : term.op === "multiply"
    ? (a: number, b: number) => a * b
    : (a: number, b: number) => (b === 0 ? null : a / b)
  return (row) => {
    const a = l(row)
    if (a === null) return null
    const b = r(row)
    return b === null ? null : step(a, b)
  }
}

/**
 * The value of a numeric term of a measure or group key (`Plan` checked it): doubles, null
 * where an operand is null or out of range, or a division is by zero.
 */
export const numericTerm = (term: Query.Term, reach: Reach | undefined): (row: Row) => number | null =>
  operand(term, reach)

const termValue = (term: Query.Term, reach: Reach | undefined): Value => {
  switch (term._tag) {
    case "FieldRef":
      return reader(term.field, reach)
    case "Literal": {
      const v = term.value
      return () => v
    }
    case "Arith":
      return arith(term, reach)
  }
}

/** Both sides non-null scalars of one type (the plan checked the kinds), then compared. */
const compareTerms = (expr: Extract<Expr, { _tag: "CompareTerms" }>, reach: Reach | undefined): Predicate => {
  const l = termValue(expr.left, reach)
  const r = termValue(expr.right, reach)
  const op = expr.op
  return (row) => {
    const a = l(row)
    if (a === null || typeof a === "object") return false
    const b = r(row)
    return typeof b === typeof a && holds(op, Plan.compareScalars(a, b as Scalar))
  }
}

type RelatedExpr = Extract<Expr, { _tag: "Related" }>

/**
 * `related`: measures the rows of another collection that point at this one and
 * compares. Two ways to find them, chosen by how many rows will ask:
 *
 * - few: per row, the foreign key's index bucket (a map lookup, not a scan);
 * - many (a scan of the outer collection): one sequential pass over the other collection
 *   that measures every foreign key at once. Chasing index buckets for 100k rows means
 *   300k random memory reads, several times slower than one pass in storage order.
 *
 * `outer` is how many rows the predicate will see, when known; without it (a `related`
 * inside another's `where`) the predicate switches to the pass once it has been asked
 * often enough that the pass is cheaper. A foreign key without an index (a custom
 * reference field) always takes the pass.
 */
const related = (expr: RelatedExpr, resolve: Resolve, outer: number | undefined, reach: Reach | undefined): Predicate => {
  const view = resolve(expr.collection)
  const inner = reachInto(reach, resolve, expr.collection)
  const where = expr.where === null ? TRUE : compileWith(expr.where, resolve, undefined, inner)
  const fk = expr.foreignKey
  const readKeys = keysOf(expr, reach)
  const { measure, op, value } = expr
  const kind = measure._tag
  const read = measure._tag === "Count" ? undefined : reader(measure.field, inner)
  // Count and Sum of nothing are 0; Avg, Min and Max of nothing are null (then the condition is false).
  const empty: number | null = kind === "Count" || kind === "Sum" ? 0 : null
  const add = (acc: number | null, r: Row): number | null => {
    if (read === undefined) return (acc as number) + 1
    const v = read(r)
    if (typeof v !== "number") return acc
    if (acc === null) return v
    return kind === "Sum" || kind === "Avg" ? acc + v : (kind === "Min" ? v < acc : v > acc) ? v : acc
  }
  /** How many values an average divides by (only `Avg` counts them). */
  const counted = (r: Row): number => (kind === "Avg" && typeof read!(r) === "number" ? 1 : 0)
  const test = (acc: number | null, n: number) => {
    const m = kind === "Avg" && acc !== null ? acc / n : acc
    return m !== null && holds(op, m < value ? -1 : m > value ? 1 : 0)
  }

  let measured: Map<string, number | null> | undefined
  let counts: Map<string, number> | undefined
  const measureAll = () => {
    const out = new Map<string, number | null>()
    counts = new Map()
    for (const r of view.scan()) {
      const keys = readKeys(r)
      if (keys.length === 0 || !where(r)) continue
      for (const key of keys) {
        const acc = out.get(key)
        out.set(key, add(acc === undefined ? empty : acc, r))
        if (kind === "Avg") counts.set(key, (counts.get(key) ?? 0) + counted(r))
      }
    }
    return out
  }
  const size = view.size()
  // Roughly: a bucket lookup costs a few random reads, a row of the pass one sequential read.
  const worthIt = (asks: number) => asks * 4 >= size
  if (outer !== undefined && worthIt(outer)) measured = measureAll()
  let asks = 0
  return (row) => {
    if (measured === undefined) {
      // Subjects name `<collection>:<id>`, never the bare id an index bucket is keyed by.
      const bucket = Plan.isSubjectKey(expr) ? undefined : view.lookup(fk, row.id)
      if (bucket !== undefined && !worthIt(++asks)) {
        let acc = empty
        let n = 0
        for (let i = 0; i < bucket.length; i++) {
          const r = bucket[i]!
          if (where(r)) {
            acc = add(acc, r)
            n += counted(r)
          }
        }
        return test(acc, n)
      }
      measured = measureAll()
    }
    const acc = measured.get(row.id)
    return test(acc === undefined ? empty : acc, counts?.get(row.id) ?? 0)
  }
}

const NO_KEYS: ReadonlyArray<string> = []

/**
 * The ids of the outer records a related row points at: its foreign key's value, or, for
 * the events naming a record (`Plan.isSubjectKey`), the ids its `subjects` name in the
 * outer collection (`contact:c1` names contact `c1`).
 */
const keysOf = (expr: RelatedExpr, reach: Reach | undefined): (row: Row) => ReadonlyArray<string> => {
  if (!Plan.isSubjectKey(expr)) {
    const read = accessor(expr.foreignKey)
    return (row) => {
      const key = read(row)
      return typeof key === "string" ? [key] : NO_KEYS
    }
  }
  const prefix = `${reach?.collection ?? ""}:`
  return (row) => {
    const subjects = row.subjects
    if (!Array.isArray(subjects)) return NO_KEYS
    const out: Array<string> = []
    for (const s of subjects) if (typeof s === "string" && s.startsWith(prefix)) out.push(s.slice(prefix.length))
    return out
  }
}

/**
 * The rows of `view` by the value of `path` (a string), built on first use: for a key
 * without an index (a key to any collection, a custom reference), one pass instead of a
 * scan per asking row.
 */
const keyed = (view: View, path: string): (key: string) => ReadonlyArray<Row> => {
  let byKey: Map<string, Array<Row>> | undefined
  const read = accessor(path)
  return (key) => {
    const indexed = view.lookup(path, key)
    if (indexed !== undefined) return indexed
    if (byKey === undefined) {
      byKey = new Map()
      for (const r of view.scan()) {
        const k = read(r)
        if (typeof k !== "string") continue
        const list = byKey.get(k)
        if (list === undefined) byKey.set(k, [r])
        else list.push(r)
      }
    }
    return byKey.get(key) ?? NO_ROWS
  }
}

const NO_ROWS: ReadonlyArray<Row> = []

/**
 * `related` (and `exists`) through link rows (`Query.Via`): per row, the links whose
 * `from` holds its id and that match the link where give the keys; the related rows are
 * those holding one of them in `foreignKey`, each once (a row holds one key).
 */
const relatedVia = (expr: RelatedExpr, via: Query.Via, resolve: Resolve, reach: Reach | undefined): Predicate => {
  const links = keyed(resolve(via.collection), via.from)
  const linkWhere = via.where === null
    ? TRUE
    : compileWith(via.where, resolve, undefined, reachInto(reach, resolve, via.collection))
  const readTo = accessor(via.to)
  const view = resolve(expr.collection)
  const targets = expr.foreignKey === "id"
    ? (key: string): ReadonlyArray<Row> => {
      const r = view.get(key)
      return r === undefined ? NO_ROWS : [r]
    }
    : keyed(view, expr.foreignKey)
  const inner = reachInto(reach, resolve, expr.collection)
  const where = expr.where === null ? TRUE : compileWith(expr.where, resolve, undefined, inner)
  const { measure, op, value } = expr
  const read = measure._tag === "Count" ? undefined : reader(measure.field, inner)
  return (row) => {
    const keys = new Set<string>()
    for (const link of links(row.id)) {
      const key = readTo(link)
      if (typeof key === "string" && linkWhere(link)) keys.add(key)
    }
    let count = 0
    const values: Array<number> = []
    for (const key of keys) {
      for (const r of targets(key)) {
        if (!where(r)) continue
        count++
        const v = read?.(r)
        if (typeof v === "number") values.push(v)
      }
    }
    const m = measured(measure._tag, count, values)
    return m !== null && holds(op, m < value ? -1 : m > value ? 1 : 0)
  }
}

/** A `related` measure of the related rows (their count, and the numbers of its field). */
const measured = (kind: Query.RelatedMeasure["_tag"], count: number, values: ReadonlyArray<number>): number | null => {
  switch (kind) {
    case "Count":
      return count
    case "Sum":
      return values.reduce((a, b) => a + b, 0)
    case "Avg":
      return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length
    case "Min":
      return values.length === 0 ? null : values.reduce((a, b) => (b < a ? b : a))
    case "Max":
      return values.length === 0 ? null : values.reduce((a, b) => (b > a ? b : a))
  }
}

/** Conditions that reach into another collection run last, after the cheap ones failed. */
const cost = (expr: Expr): number => {
  switch (expr._tag) {
    case "Related":
    case "Exists":
      return 2
    case "And":
    case "Or":
    case "Not":
      return 1
    default:
      return 0
  }
}

const compileWith = (expr: Expr, resolve: Resolve, outer: number | undefined, reach: Reach | undefined): Predicate => {
  switch (expr._tag) {
    case "Compare":
      return compare(expr.field, expr.op, expr.value, reach)
    case "Between":
      return between(expr.field, expr.low, expr.high, reach)
    case "In": {
      if (expr.values.length === 0) return FALSE
      const read = reader(expr.field, reach)
      const values = new Set<Json>(expr.values)
      return (row) => values.has(read(row))
    }
    case "NotIn": {
      const read = reader(expr.field, reach)
      const values = new Set<Json>(expr.values)
      const type = expr.values.length === 0 ? undefined : typeof expr.values[0]
      return (row) => {
        const v = read(row)
        if (v === null || typeof v === "object") return false
        return (type === undefined || typeof v === type) && !values.has(v)
      }
    }
    case "IsNull": {
      const read = reader(expr.field, reach)
      return (row) => read(row) === null
    }
    case "Text":
      return text(expr, reach)
    case "Has": {
      const read = reader(expr.field, reach)
      const value = expr.value
      return (row) => {
        const v = read(row)
        return Array.isArray(v) && v.includes(value)
      }
    }
    case "HasAny": {
      if (expr.values.length === 0) return FALSE
      const read = reader(expr.field, reach)
      const values = new Set<Json>(expr.values)
      return (row) => {
        const v = read(row)
        return Array.isArray(v) && v.some((x) => values.has(x))
      }
    }
    case "Within":
    case "OlderThan":
    case "Calendar":
      // `Plan` resolves windows against the clock before a store sees the query.
      throw new Error(`MemoryStore: a ${expr._tag} condition reached the store unresolved`)
    case "And": {
      const parts = [...expr.exprs].sort((a, b) => cost(a) - cost(b)).map((e) => compileWith(e, resolve, outer, reach))
      if (parts.length === 0) return TRUE
      if (parts.length === 1) return parts[0]!
      if (parts.length === 2) {
        const [a, b] = parts as [Predicate, Predicate]
        return (row) => a(row) && b(row)
      }
      return (row) => {
        for (const p of parts) if (!p(row)) return false
        return true
      }
    }
    case "Or": {
      const parts = [...expr.exprs].sort((a, b) => cost(a) - cost(b)).map((e) => compileWith(e, resolve, outer, reach))
      if (parts.length === 0) return FALSE
      if (parts.length === 1) return parts[0]!
      return (row) => {
        for (const p of parts) if (p(row)) return true
        return false
      }
    }
    case "Not": {
      const inner = compileWith(expr.expr, resolve, outer, reach)
      return (row) => !inner(row)
    }
    case "CompareTerms":
      return compareTerms(expr, reach)
    case "Exists": {
      // A count ≥ 1 by the same strategies as `related` (bucket lookups or one pass).
      const count: RelatedExpr = { ...expr, _tag: "Related", measure: { _tag: "Count" }, op: "gte", value: 1 }
      return expr.via === undefined
        ? related(count, resolve, outer, reach)
        : relatedVia(count, expr.via, resolve, reach)
    }
    case "Related":
      return expr.via === undefined
        ? related(expr, resolve, outer, reach)
        : relatedVia(expr, expr.via, resolve, reach)
    case "Any": {
      // Elements are plain objects read like rows (the plan allows no paths or related inside).
      const read = accessor(expr.field)
      const element = compileWith(expr.where, resolve, undefined, undefined)
      return (row) => {
        const list = read(row)
        if (!Array.isArray(list)) return false
        for (const e of list) {
          if (typeof e === "object" && e !== null && !Array.isArray(e) && element(e as unknown as Row)) return true
        }
        return false
      }
    }
  }
}

const NO_PATHS: Plan.Paths = new Map()

/**
 * The predicate of a plan's `where` (`null`: every row). `resolve` gives the views of
 * the collections `related` conditions and paths reach; `outer`, when known, is how many
 * rows the predicate will be asked about (it picks the strategy of `related`); `reach`
 * (the plan's paths and the collection of `expr`) lets fields cross references.
 */
export const compile = (expr: Expr | null, resolve: Resolve, outer?: number, reach?: Reach): Predicate =>
  expr === null ? TRUE : compileWith(expr, resolve, outer, reach)
