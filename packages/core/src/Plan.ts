/**
 * Query planning shared by every engine: checks a `Find` or `Aggregate` against the
 * catalog (unknown fields, operators that do not fit the field's kind, bad values,
 * cursors and time zones are refused with `InvalidQuery` before a store is touched),
 * resolves relative windows against the clock, and turns a keyset cursor into a plain
 * condition. Adapters execute the plan; they never see a field name the catalog does
 * not know, which is what keeps identifiers out of injected SQL.
 *
 * Whatever the engines would read differently is settled here, once, so every store
 * answers alike: text values holding NUL or lone surrogates are refused (PostgreSQL
 * cannot take NUL and turns lone surrogates into U+FFFD; SQLite compares them as
 * bytes), time zone names resolve to one canonical name (`TimeBucket.resolveTimeZone`)
 * that the plan carries, and money amounts are summed or averaged only within one
 * currency.
 *
 * @since 0.1.0
 */
import { Either, type ParseResult, Schema } from "effect"
import type * as Catalog from "./Catalog.js"
import * as Collection from "./Collection.js"
import { InvalidQuery, ValidationError } from "./Errors.js"
import type * as Field from "./Field.js"
import { IsoDate } from "./Field.js"
import type { Aggregate, AggregateRow, Expr, Find, GroupKey, Measure, Order, Scalar } from "./Query.js"
import { Aggregate as AggregateSchema, Find as FindSchema, unitMillis } from "./Query.js"
import { resolveTimeZone } from "./TimeBucket.js"

/**
 * A checked find: `where` has absolute windows and the cursor folded in; `orderBy`
 * ends with `id` so the order is total.
 *
 * @since 0.1.0
 * @category models
 */
export interface FindPlan {
  readonly spec: Collection.Spec
  readonly where: Expr | null
  readonly orderBy: ReadonlyArray<Order>
  readonly limit: number | null
  /**
   * How many rows an engine returns: one past the page (`limit + 1`), so that
   * `Engine.toStore` knows whether a next page exists; `null`: every matching row.
   */
  readonly fetch: number | null
  /** Specs of every collection a `Related` condition reaches, by name. */
  readonly related: ReadonlyMap<string, Collection.Spec>
  /**
   * Whether resolving a relative window (`within`) read `now`. A plan that did not is
   * the same at any later time, so an engine may reuse it (and its compiled statement).
   */
  readonly clockDependent: boolean
}

/**
 * A checked aggregate. `orderBy` is total over the groups (explicit keys, then every
 * group key ascending).
 *
 * @since 0.1.0
 * @category models
 */
export interface AggregatePlan {
  readonly spec: Collection.Spec
  readonly where: Expr | null
  readonly groupBy: ReadonlyArray<GroupKey>
  readonly measures: ReadonlyArray<Measure>
  readonly orderBy: ReadonlyArray<Order>
  readonly limit: number | null
  readonly related: ReadonlyMap<string, Collection.Spec>
  /** As `FindPlan.clockDependent`. */
  readonly clockDependent: boolean
  /** The kind of each output alias, so adapters can decode what the engine returns. */
  readonly outputKinds: ReadonlyMap<string, Field.Kind | "count" | "float">
}

const ALIAS = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/
const MAX_DEPTH = 32
const MAX_LIST = 10_000

const SCALAR_KINDS: ReadonlySet<Field.Kind> = new Set(["string", "number", "integer", "boolean", "timestamp", "date"])
const NUMERIC_KINDS: ReadonlySet<Field.Kind> = new Set(["number", "integer", "timestamp"])
const ORDERED_KINDS: ReadonlySet<Field.Kind> = new Set(["string", "number", "integer", "timestamp", "date"])
const isIsoDate = Schema.is(IsoDate)

class Refusal {
  constructor(readonly path: string, readonly reason: string) {}
}

const refuse = (path: string, reason: string): never => {
  throw new Refusal(path, reason)
}

/** A lone surrogate (half of a UTF-16 pair): under the `u` flag pairs read as one code point. */
const LONE_SURROGATE = /\p{Cs}/u

/**
 * Text a query can compare against: no NUL (PostgreSQL refuses it in text, and no store
 * keeps it) and well-formed Unicode (PostgreSQL reads a lone surrogate as U+FFFD, SQLite
 * and JavaScript order it differently), so every engine gives the same answer.
 */
const checkText = (path: string, field: string, value: string): string => {
  if (value.includes("\u0000")) {
    refuse(path, `the value for "${field}" holds NUL (U+0000), which no stored text holds; remove it`)
  }
  const lone = LONE_SURROGATE.exec(value)
  if (lone !== null) {
    const unit = lone[0].charCodeAt(0).toString(16).toUpperCase()
    refuse(path, `the value for "${field}" is not well-formed Unicode (a lone surrogate U+${unit} at index ${lone.index})`)
  }
  return value
}

const checkValue = (path: string, field: string, kind: Field.Kind, value: unknown): Scalar => {
  switch (kind) {
    case "string":
      return typeof value === "string" ? checkText(path, field, value) : refuse(path, "expects a string value")
    case "date":
      return typeof value === "string" && isIsoDate(value) ? value : refuse(path, "expects a calendar date as YYYY-MM-DD")
    case "number":
    case "integer":
    case "timestamp":
      return typeof value === "number" && Number.isFinite(value) ? value : refuse(path, "expects a finite number")
    case "boolean":
      return typeof value === "boolean" ? value : refuse(path, "expects a boolean")
    default:
      return refuse(path, `a ${kind} field cannot be compared`)
  }
}

interface Scope {
  readonly catalog: Catalog.Service
  readonly workspaceId: string
  readonly now: number
  readonly related: Map<string, Collection.Spec>
  /** Set when a relative window is resolved against `now`. */
  readonly clock: { read: boolean }
}

const fieldOf = (spec: Collection.Spec, field: string, at: string): Field.Spec => {
  const found = Collection.fieldAt(spec, field)
  return found ?? refuse(at, `unknown field "${field}" on ${spec.name}`)
}

const checkExpr = (scope: Scope, spec: Collection.Spec, expr: Expr, at: string, depth: number): Expr => {
  if (depth > MAX_DEPTH) refuse(at, `conditions nest deeper than ${MAX_DEPTH}`)
  switch (expr._tag) {
    case "Compare": {
      const f = fieldOf(spec, expr.field, at)
      if (!SCALAR_KINDS.has(f.kind)) refuse(at, `"${expr.field}" is a ${f.kind} field; compare its parts or use has`)
      if (f.kind === "boolean" && expr.op !== "eq" && expr.op !== "neq") {
        refuse(at, `booleans support eq and neq, not ${expr.op}`)
      }
      return { ...expr, value: checkValue(at, expr.field, f.kind, expr.value) }
    }
    case "Between": {
      const f = fieldOf(spec, expr.field, at)
      if (!ORDERED_KINDS.has(f.kind)) refuse(at, `between does not apply to a ${f.kind} field`)
      return {
        ...expr,
        low: checkValue(at, expr.field, f.kind, expr.low),
        high: checkValue(at, expr.field, f.kind, expr.high)
      }
    }
    case "In":
    case "NotIn": {
      const f = fieldOf(spec, expr.field, at)
      if (!SCALAR_KINDS.has(f.kind)) refuse(at, `${expr._tag} does not apply to a ${f.kind} field`)
      if (expr.values.length > MAX_LIST) refuse(at, `at most ${MAX_LIST} values`)
      return { ...expr, values: expr.values.map((v, i) => checkValue(`${at}.values.${i}`, expr.field, f.kind, v)) }
    }
    case "IsNull": {
      fieldOf(spec, expr.field, at)
      return expr
    }
    case "Text": {
      const f = fieldOf(spec, expr.field, at)
      if (f.kind !== "string") refuse(at, `text conditions apply to string fields, "${expr.field}" is ${f.kind}`)
      if (typeof expr.value !== "string") refuse(at, "expects a string value")
      checkText(at, expr.field, expr.value)
      return expr
    }
    case "Has": {
      const f = fieldOf(spec, expr.field, at)
      if (f.kind !== "strings") refuse(at, `has applies to list fields, "${expr.field}" is ${f.kind}`)
      if (typeof expr.value !== "string") refuse(at, "expects a string value")
      checkText(at, expr.field, expr.value)
      return expr
    }
    case "HasAny": {
      const f = fieldOf(spec, expr.field, at)
      if (f.kind !== "strings") refuse(at, `hasAny applies to list fields, "${expr.field}" is ${f.kind}`)
      if (expr.values.length > MAX_LIST) refuse(at, `at most ${MAX_LIST} values`)
      expr.values.forEach((v, i) =>
        typeof v === "string" ? checkText(`${at}.values.${i}`, expr.field, v) : refuse(`${at}.values.${i}`, "expects a string value")
      )
      return expr
    }
    case "Within": {
      const f = fieldOf(spec, expr.field, at)
      if (f.kind !== "timestamp") refuse(at, `within applies to timestamp fields, "${expr.field}" is ${f.kind}`)
      if (!Number.isSafeInteger(expr.amount) || expr.amount < 0) refuse(at, "amount must be a whole number ≥ 0")
      const span = expr.amount * unitMillis[expr.unit]
      if (!Number.isSafeInteger(span)) refuse(at, "window too long")
      scope.clock.read = true
      return expr.direction === "past"
        ? { _tag: "Between", field: expr.field, low: scope.now - span, high: scope.now }
        : { _tag: "Between", field: expr.field, low: scope.now, high: scope.now + span }
    }
    case "And":
    case "Or":
      return { ...expr, exprs: expr.exprs.map((e, i) => checkExpr(scope, spec, e, `${at}.exprs.${i}`, depth + 1)) }
    case "Not":
      return { ...expr, expr: checkExpr(scope, spec, expr.expr, `${at}.expr`, depth + 1) }
    case "Related": {
      const target = scope.catalog.spec(scope.workspaceId, expr.collection) ??
        refuse(at, `unknown collection "${expr.collection}"`)
      const fk = Collection.fieldAt(target, expr.foreignKey)
      if (fk === undefined || fk.ref !== spec.name) {
        refuse(at, `"${expr.foreignKey}" is not a field of ${target.name} that refers to ${spec.name}`)
      }
      if (expr.measure._tag !== "Count") {
        const m = fieldOf(target, expr.measure.field, `${at}.measure`)
        if (!NUMERIC_KINDS.has(m.kind)) refuse(`${at}.measure`, `cannot ${expr.measure._tag} a ${m.kind} field`)
        const money = moneyOfAmount(target, expr.measure.field)
        if (expr.measure._tag === "Sum" && money !== undefined && !pinsCurrency(expr.where, money)) {
          refuse(
            `${at}.measure`,
            `cannot Sum "${expr.measure.field}" across currencies: keep one currency in the related where with ` +
              `eq("${money}.currency", "EUR") (alone or inside and)`
          )
        }
      }
      if (typeof expr.value !== "number" || !Number.isFinite(expr.value)) refuse(`${at}.value`, "expects a finite number")
      scope.related.set(target.name, target)
      const where = expr.where === null ? null : checkExpr(scope, target, expr.where, `${at}.where`, depth + 1)
      return { ...expr, where }
    }
    default:
      // Reached only by data that bypassed the `Expr` schema (hand-built JSON).
      return refuse(at, `unknown condition ${JSON.stringify((expr as { _tag?: unknown })._tag)}`)
  }
}

const checkOrder = (spec: Collection.Spec, orderBy: ReadonlyArray<Order>): ReadonlyArray<Order> => {
  orderBy.forEach((o, i) => {
    const f = fieldOf(spec, o.field, `orderBy.${i}`)
    if (!SCALAR_KINDS.has(f.kind)) refuse(`orderBy.${i}`, `cannot sort by a ${f.kind} field`)
  })
  return orderBy.some((o) => o.field === "id") ? orderBy : [...orderBy, { field: "id", direction: "asc" }]
}

interface CursorPayload {
  readonly k: ReadonlyArray<string>
  readonly v: ReadonlyArray<Scalar | null>
}

const encodeBase64Url = (text: string): string => Buffer.from(text, "utf8").toString("base64url")
const decodeBase64Url = (text: string): string => Buffer.from(text, "base64url").toString("utf8")

/**
 * The cursor that continues after `row` under a plan's order.
 *
 * @since 0.1.0
 * @category combinators
 */
export const cursorAfter = (plan: FindPlan, row: Collection.Row): string => {
  const payload: CursorPayload = {
    k: plan.orderBy.map((o) => `${o.field}:${o.direction}`),
    v: plan.orderBy.map((o) => {
      const value = Collection.valueAt(row, o.field)
      return typeof value === "object" ? null : value
    })
  }
  return encodeBase64Url(JSON.stringify(payload))
}

/**
 * The condition "comes after these sort values" for a total order with nulls last.
 *
 * @since 0.1.0
 * @category combinators
 */
export const afterKeyset = (orderBy: ReadonlyArray<Order>, values: ReadonlyArray<Scalar | null>): Expr => {
  const alternatives: Array<Expr> = []
  const equalSoFar: Array<Expr> = []
  orderBy.forEach((o, i) => {
    const value = values[i] ?? null
    if (value !== null) {
      // Strictly after: further in the direction, or null (nulls sort last either way).
      const further: Expr = { _tag: "Compare", field: o.field, op: o.direction === "asc" ? "gt" : "lt", value }
      alternatives.push({
        _tag: "And",
        exprs: [...equalSoFar, { _tag: "Or", exprs: [further, { _tag: "IsNull", field: o.field }] }]
      })
      equalSoFar.push({ _tag: "Compare", field: o.field, op: "eq", value })
    } else {
      equalSoFar.push({ _tag: "IsNull", field: o.field })
    }
  })
  return { _tag: "Or", exprs: alternatives }
}

const decodeCursor = (spec: Collection.Spec, orderBy: ReadonlyArray<Order>, cursor: string): Expr => {
  let payload: CursorPayload
  try {
    payload = JSON.parse(decodeBase64Url(cursor)) as CursorPayload
  } catch {
    return refuse("cursor", "not a cursor returned by this query")
  }
  const keys = orderBy.map((o) => `${o.field}:${o.direction}`)
  if (
    typeof payload !== "object" || payload === null || !Array.isArray(payload.k) || !Array.isArray(payload.v) ||
    payload.k.length !== keys.length || payload.v.length !== keys.length || payload.k.some((k, i) => k !== keys[i])
  ) {
    refuse("cursor", "the cursor belongs to a query with another order")
  }
  const values = payload.v.map((v, i) => {
    if (v === null) return null
    const field = orderBy[i]!.field
    return checkValue("cursor", field, fieldOf(spec, field, "cursor").kind, v)
  })
  return afterKeyset(orderBy, values)
}

/** The money field a path is the amount of (`total` for `total.amountMinor`), if it is one. */
const moneyOfAmount = (spec: Collection.Spec, path: string): string | undefined => {
  if (!path.endsWith(".amountMinor")) return undefined
  const head = path.slice(0, -".amountMinor".length)
  return Object.hasOwn(spec.fields, head) && spec.fields[head]!.kind === "money" ? head : undefined
}

/**
 * Whether a condition keeps one currency of a money field only: `eq` on its currency,
 * or `in` with one value, on its own or as a conjunct of (nested) `and`s.
 */
const pinsCurrency = (where: Expr | null, money: string): boolean => {
  if (where === null) return false
  switch (where._tag) {
    case "Compare":
      return where.field === `${money}.currency` && where.op === "eq"
    case "In":
      return where.field === `${money}.currency` && new Set(where.values).size === 1
    case "And":
      return where.exprs.some((e) => pinsCurrency(e, money))
    default:
      return false
  }
}

const conjoin = (a: Expr | null, b: Expr | null): Expr | null =>
  a === null ? b : b === null ? a : { _tag: "And", exprs: [a, b] }

const decodeFind = Schema.decodeUnknownEither(FindSchema)
const decodeAggregate = Schema.decodeUnknownEither(AggregateSchema)

/**
 * Queries often arrive as JSON (saved segments, API calls) and may bypass the schema;
 * checking the shape first keeps every malformed query a typed `InvalidQuery`.
 */
const shape = <A>(decoded: Either.Either<A, ParseResult.ParseError>): A =>
  Either.getOrElse(decoded, (error) => {
    const [issue] = ValidationError.fromParseError("query", error).issues
    return refuse(issue?.path ?? "", issue?.message ?? "malformed query")
  })

const run = <A>(collection: string, f: () => A): Either.Either<A, InvalidQuery> => {
  try {
    return Either.right(f())
  } catch (e) {
    if (e instanceof Refusal) return Either.left(new InvalidQuery({ collection, path: e.path, reason: e.reason }))
    throw e
  }
}

/**
 * Checks and resolves a find query for a workspace at time `now`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const find = (
  catalog: Catalog.Service,
  workspaceId: string,
  query: Find,
  now: number
): Either.Either<FindPlan, InvalidQuery> =>
  run(String(query?.collection), () => {
    shape(decodeFind(query))
    const spec = catalog.spec(workspaceId, query.collection) ?? refuse("collection", `unknown collection "${query.collection}"`)
    const scope: Scope = { catalog, workspaceId, now, related: new Map(), clock: { read: false } }
    const where = query.where === undefined ? null : checkExpr(scope, spec, query.where, "where", 0)
    const orderBy = checkOrder(spec, query.orderBy ?? [])
    const after = query.cursor === undefined ? null : decodeCursor(spec, orderBy, query.cursor)
    if (query.limit !== undefined && (!Number.isSafeInteger(query.limit) || query.limit < 1 || query.limit > 10_000)) {
      refuse("limit", "a whole number from 1 to 10000")
    }
    return {
      spec,
      where: conjoin(where, after),
      orderBy,
      limit: query.limit ?? null,
      fetch: query.limit === undefined ? null : query.limit + 1,
      related: scope.related,
      clockDependent: scope.clock.read
    }
  })

/**
 * Checks and resolves an aggregate query for a workspace at time `now`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const aggregate = (
  catalog: Catalog.Service,
  workspaceId: string,
  query: Aggregate,
  now: number
): Either.Either<AggregatePlan, InvalidQuery> =>
  run(String(query?.collection), () => {
    shape(decodeAggregate(query))
    const spec = catalog.spec(workspaceId, query.collection) ?? refuse("collection", `unknown collection "${query.collection}"`)
    const scope: Scope = { catalog, workspaceId, now, related: new Map(), clock: { read: false } }
    const where = query.where === undefined ? null : checkExpr(scope, spec, query.where, "where", 0)
    const outputKinds = new Map<string, Field.Kind | "count" | "float">()
    const alias = (as: string, at: string, kind: Field.Kind | "count" | "float") => {
      if (!ALIAS.test(as)) refuse(at, "aliases are letters, digits and _, starting with a letter or _")
      if (outputKinds.has(as)) refuse(at, `alias "${as}" is used twice`)
      outputKinds.set(as, kind)
    }
    const groupBy = (query.groupBy ?? []).map((g, i): GroupKey => {
      const at = `groupBy.${i}`
      const f = fieldOf(spec, g.field, at)
      if (g._tag === "Field") {
        if (!SCALAR_KINDS.has(f.kind)) refuse(at, `cannot group by a ${f.kind} field`)
        alias(g.as, at, f.kind)
        return g
      }
      if (f.kind !== "timestamp") refuse(at, `buckets apply to timestamp fields, "${g.field}" is ${f.kind}`)
      // Engines get the canonical name, never the one the query spelled.
      const timeZone = Either.getOrElse(resolveTimeZone(g.timeZone), (reason) => refuse(`${at}.timeZone`, reason))
      alias(g.as, at, "date")
      return { ...g, timeZone }
    })
    if (query.measures.length === 0 && groupBy.length === 0) refuse("measures", "name at least one measure or group key")
    query.measures.forEach((m, i) => {
      const at = `measures.${i}`
      if (m._tag === "Count") return alias(m.as, at, "count")
      const f = fieldOf(spec, m.field, at)
      if (m._tag === "Sum" || m._tag === "Avg") {
        if (f.kind !== "number" && f.kind !== "integer") refuse(at, `cannot ${m._tag} a ${f.kind} field`)
        const money = moneyOfAmount(spec, m.field)
        if (
          money !== undefined && !pinsCurrency(where, money) &&
          !groupBy.some((g) => g._tag === "Field" && g.field === `${money}.currency`)
        ) {
          refuse(
            at,
            `cannot ${m._tag} "${m.field}" across currencies: group by "${money}.currency" too, or keep one ` +
              `currency with where eq("${money}.currency", "EUR") (alone or inside and)`
          )
        }
        return alias(m.as, at, m._tag === "Avg" ? "float" : f.kind)
      }
      if (!ORDERED_KINDS.has(f.kind)) refuse(at, `cannot take the ${m._tag} of a ${f.kind} field`)
      return alias(m.as, at, f.kind)
    })
    const explicit = query.orderBy ?? []
    explicit.forEach((o, i) => outputKinds.has(o.field) || refuse(`orderBy.${i}`, `"${o.field}" is not an alias of this query`))
    const orderBy: Array<Order> = [...explicit]
    for (const g of groupBy) {
      if (!orderBy.some((o) => o.field === g.as)) orderBy.push({ field: g.as, direction: "asc" })
    }
    return {
      spec,
      where,
      groupBy,
      measures: query.measures,
      orderBy,
      limit: query.limit ?? null,
      related: scope.related,
      clockDependent: scope.clock.read,
      outputKinds
    }
  })

/**
 * Compares two scalars the way every engine sorts: nulls last (in both directions),
 * text by Unicode code point, `false` before `true`. Returns -1, 0 or 1 for ascending.
 *
 * @since 0.1.0
 * @category combinators
 */
export const compareScalars = (a: Scalar | bigint | null, b: Scalar | bigint | null): number => {
  if (a === b) return 0
  if (a === null) return 1
  if (b === null) return -1
  if (typeof a === "string" && typeof b === "string") return compareCodePoints(a, b)
  // An exact integer sum past the safe range is a bigint; `<` compares it with a number exactly.
  if ((typeof a === "number" || typeof a === "bigint") && (typeof b === "number" || typeof b === "bigint")) {
    return a < b ? -1 : a > b ? 1 : 0
  }
  if (typeof a === "boolean" && typeof b === "boolean") return a ? 1 : -1
  return typeof a < typeof b ? -1 : 1
}

/**
 * Orders strings by Unicode code point (what SQL's binary collations do), unlike
 * JavaScript's `<`, which compares UTF-16 code units.
 *
 * @since 0.1.0
 * @category combinators
 */
export const compareCodePoints = (a: string, b: string): number => {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) {
      // Surrogates (U+D800–DFFF) encode code points above U+FFFF, so they sort after
      // every BMP character, including U+E000–U+FFFF which JavaScript puts after them.
      const xs = x >= 0xd800 && x <= 0xdfff
      const ys = y >= 0xd800 && y <= 0xdfff
      if (xs !== ys) return xs ? 1 : -1
      return x < y ? -1 : 1
    }
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1
}

/**
 * Sorts aggregate rows by a plan's total order.
 *
 * @since 0.1.0
 * @category combinators
 */
export const compareAggregateRows = (orderBy: ReadonlyArray<Order>) => (a: AggregateRow, b: AggregateRow): number => {
  for (const o of orderBy) {
    const va = a[o.field] ?? null
    const vb = b[o.field] ?? null
    let c = compareScalars(va, vb)
    // Nulls stay last when descending.
    if (o.direction === "desc" && va !== null && vb !== null) c = -c
    if (c !== 0) return c
  }
  return 0
}
