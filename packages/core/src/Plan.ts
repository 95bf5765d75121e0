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
 * currency. `compare` operands are checked for kind, money unit (amounts meet amounts of
 * one currency only, pinned by an enclosing `and`) and the arithmetic range.
 *
 * @since 0.1.0
 */
import { Either, type ParseResult, Schema } from "effect"
import type * as Catalog from "./Catalog.js"
import * as Collection from "./Collection.js"
import * as EventCollection from "./EventCollection.js"
import { InvalidQuery, ValidationError } from "./Errors.js"
import type * as Field from "./Field.js"
import { IsoDate } from "./Field.js"
import type * as Query from "./Query.js"
import type {
  Aggregate,
  AggregateRow,
  ArithOp,
  BucketFill,
  BucketUnit,
  CompareOp,
  Expr,
  Find,
  GroupKey,
  Having,
  Measure,
  Order,
  Scalar,
  Term
} from "./Query.js"
import { Aggregate as AggregateSchema, Find as FindSchema } from "./Query.js"
import * as RelativeTime from "./internal/relativeTime.js"
import * as TimeBucket from "./TimeBucket.js"

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
  /** Specs of every collection a `Related` condition or a path reaches, by name. */
  readonly related: ReadonlyMap<string, Collection.Spec>
  /** The paths across references the plan names, resolved (see `pathAt`). */
  readonly paths: Paths
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
  readonly groupBy: ReadonlyArray<GroupKeyPlan>
  /**
   * The measures, checked: filters resolved like `where`, a `term` that is a lone field
   * given as that `field`.
   */
  readonly measures: ReadonlyArray<Measure>
  /** Which output rows to keep: the query's `having` and the cursor's position, checked. */
  readonly having: HavingPlan | null
  readonly orderBy: ReadonlyArray<Order>
  readonly limit: number | null
  /** As `FindPlan.fetch`: the engine returns up to `limit + 1` rows, `toStore` cuts the page. */
  readonly fetch: number | null
  readonly related: ReadonlyMap<string, Collection.Spec>
  /** As `FindPlan.paths`. */
  readonly paths: Paths
  /** As `FindPlan.clockDependent`. */
  readonly clockDependent: boolean
  /** The kind of each output alias, so adapters can decode what the engine returns. */
  readonly outputKinds: ReadonlyMap<string, Field.Kind | "count" | "float">
  /**
   * Gap filling (a bucket key's `fill`), done by `Engine.toStore` on the engine's rows;
   * the plan's `limit` is then null, and the fill carries the query's.
   */
  readonly fill: GapFill | null
}

/**
 * The buckets a bucket key fills, by name, in order, and the limit to apply after.
 *
 * @since 0.1.0
 * @category models
 */
export interface GapFill {
  readonly key: string
  readonly buckets: ReadonlyArray<string>
  readonly limit: number | null
}

/**
 * A checked group key. A bucket says what it buckets (`of`: a timestamp, in the
 * canonical `timeZone`; or a date, which has no zone and no hours) and carries its
 * calendar with the defaults filled in.
 *
 * @since 0.1.0
 * @category models
 */
export type GroupKeyPlan =
  | Extract<GroupKey, { readonly _tag: "Field" | "Term" }>
  | {
    readonly _tag: "Bucket"
    readonly as: string
    readonly field: string
    readonly of: "timestamp"
    readonly unit: BucketUnit
    readonly timeZone: string
    readonly calendar: TimeBucket.Calendar
  }
  | {
    readonly _tag: "Bucket"
    readonly as: string
    readonly field: string
    readonly of: "date"
    readonly unit: Exclude<BucketUnit, "hour">
    readonly calendar: TimeBucket.Calendar
  }

/**
 * A checked `Having`: aliases known, values of the alias's kind. Against an integer alias
 * (counts, exact sums, integer and timestamp keys) the value is an exact `bigint` and never
 * a fraction (`> 2.5` is `>= 3`, `= 2.5` matches nothing), so engines compare integers with
 * integers however large the sum.
 *
 * @since 0.1.0
 * @category models
 */
export type HavingPlan =
  | { readonly _tag: "Compare"; readonly alias: string; readonly op: CompareOp; readonly value: Scalar | bigint }
  | { readonly _tag: "IsNull"; readonly alias: string }
  | { readonly _tag: "And"; readonly conditions: ReadonlyArray<HavingPlan> }
  | { readonly _tag: "Or"; readonly conditions: ReadonlyArray<HavingPlan> }
  | { readonly _tag: "Not"; readonly condition: HavingPlan }

/**
 * One step of a path: the reference field read on the record reached so far (a field
 * such as `accountId`, or a custom reference `custom.referrer`) and the spec of the
 * collection it refers to, with the workspace's custom fields.
 *
 * @since 0.1.0
 * @category models
 */
export interface Hop {
  readonly ref: string
  readonly target: Collection.Spec
}

/**
 * A field path across references, resolved: `accountId.custom.referrer.name` is the hops
 * `accountId` (to account) and `custom.referrer` (to account), then the field `name` of
 * the record reached. Its value is null when a reference on the way is null or dangling.
 *
 * @since 0.1.0
 * @category models
 */
export interface Path {
  readonly hops: ReadonlyArray<Hop>
  readonly field: string
  readonly spec: Field.Spec
}

/**
 * The resolved paths of a plan, by collection and field path (`pathAt`).
 *
 * @since 0.1.0
 * @category models
 */
export type Paths = ReadonlyMap<string, Path>

/**
 * How many references a path may follow.
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_HOPS = 4

const pathKey = (collection: string, field: string) => `${collection}\u0000${field}`

/**
 * The resolved path a field of `collection` names in a plan, or `undefined` for a field of
 * the record itself.
 *
 * @since 0.1.0
 * @category combinators
 */
export const pathAt = (paths: Paths, collection: string, field: string): Path | undefined =>
  paths.size === 0 ? undefined : paths.get(pathKey(collection, field))

const ALIAS = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/
const MAX_DEPTH = 32
const MAX_LIST = 10_000

const SCALAR_KINDS: ReadonlySet<Field.Kind> = new Set(["string", "number", "integer", "boolean", "timestamp", "date"])
const NUMERIC_KINDS: ReadonlySet<Field.Kind> = new Set(["number", "integer", "timestamp"])
const AVERAGED_KINDS: ReadonlySet<Field.Kind> = new Set(["number", "integer"])
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
  readonly paths: Map<string, Path>
  /** Set when a relative window is resolved against `now`. */
  readonly clock: { read: boolean }
}

const fieldOf = (scope: Scope, spec: Collection.Spec, field: string, at: string): Field.Spec => {
  const found = Collection.fieldAt(spec, field)
  if (found !== undefined) return found
  const key = pathKey(spec.name, field)
  const known = scope.paths.get(key)
  if (known !== undefined) return known.spec
  const path = resolvePath(scope, spec, field, at) ?? refuse(at, `unknown field "${field}" on ${spec.name}`)
  scope.paths.set(key, path)
  for (const hop of path.hops) scope.related.set(hop.target.name, hop.target)
  return path.spec
}

/** The reference field a path starts with on `spec` (`accountId`, `custom.referrer`) and the rest. */
const refHead = (spec: Collection.Spec, path: string): { readonly ref: string; readonly rest: string } | undefined => {
  const dot = path.indexOf(".")
  if (dot < 0) return undefined
  const head = path.slice(0, dot)
  const parent = Object.hasOwn(spec.fields, head) ? spec.fields[head] : undefined
  if (parent?.kind !== "custom") return { ref: head, rest: path.slice(dot + 1) }
  const next = path.indexOf(".", dot + 1)
  return next < 0 ? undefined : { ref: path.slice(0, next), rest: path.slice(next + 1) }
}

/**
 * Follows a path's references through the catalog (`undefined` when its first segment is
 * no reference field). A path may not come back to a collection it left: a self
 * reference may repeat (`parentId.parentId.name`), a round trip is refused.
 */
const resolvePath = (scope: Scope, spec: Collection.Spec, path: string, at: string): Path | undefined => {
  const hops: Array<Hop> = []
  const left = new Set<string>()
  let current = spec
  let rest = path
  for (;;) {
    const head = refHead(current, rest)
    const ref = head === undefined ? undefined : Collection.fieldAt(current, head.ref)
    if (head === undefined || ref?.ref === undefined) {
      if (hops.length === 0) return undefined
      return refuse(at, `unknown field "${rest}" on ${current.name} in path "${path}"`)
    }
    if (hops.length === MAX_HOPS) refuse(at, `path "${path}" follows more than ${MAX_HOPS} references`)
    const target = scope.catalog.spec(scope.workspaceId, ref.ref) ??
      refuse(at, `path "${path}": "${head.ref}" refers to unknown collection "${ref.ref}"`)
    if (target.name !== current.name) left.add(current.name)
    if (left.has(target.name)) refuse(at, `path "${path}" comes back to ${target.name}, a cycle`)
    hops.push({ ref: head.ref, target })
    current = target
    rest = head.rest
    const leaf = Collection.fieldAt(current, rest)
    // A path's value is null where a reference on the way is null or dangling.
    if (leaf !== undefined) return { hops, field: rest, spec: { ...leaf, nullable: true } }
  }
}

/**
 * The largest magnitude of an arithmetic operand (`Query` module doc). With at most 8
 * operands each 0 or of magnitude in [`ARITH_MIN`, `ARITH_MAX`], every intermediate result
 * stays within [2^-876, 2^876] (a product or quotient at most adds exponents, a nonzero
 * difference is at least 2^-52 of its operands' bound), far from overflow and underflow:
 * PostgreSQL never raises, SQLite and JavaScript never round to infinity or zero.
 *
 * @since 0.1.0
 * @category constants
 */
export const ARITH_MAX = 2 ** 64

/**
 * The smallest nonzero magnitude of an arithmetic operand (see `ARITH_MAX`).
 *
 * @since 0.1.0
 * @category constants
 */
export const ARITH_MIN = 2 ** -64
const MAX_OPERANDS = 8

/**
 * Whether a number may be an operand of an arithmetic step (see `ARITH_MAX`).
 *
 * @since 0.1.0
 * @category combinators
 */
export const inArithRange = (v: number): boolean => v === 0 || (Math.abs(v) >= ARITH_MIN && Math.abs(v) <= ARITH_MAX)

/** What a term stands for: its kind, and for numbers whether it is a money amount. */
interface TermType {
  readonly kind: "text" | "date" | "boolean" | "number"
  /** `literal`: a constant, which takes the unit of what it meets. */
  readonly unit: "literal" | "plain" | { readonly money: string }
  /** A literal text, which a date accepts when it is YYYY-MM-DD. */
  readonly text?: string
  readonly fields: number
  readonly operands: number
}

/** The conjuncts a condition is known to hold alongside (nested `and`s flattened). */
const conjunctsOf = (facts: ReadonlyArray<Expr>): Array<Expr> =>
  facts.flatMap((f) => (f._tag === "And" ? conjunctsOf(f.exprs) : [f]))

const pinnedCurrencies = (facts: ReadonlyArray<Expr>, money: string): Set<string> => {
  const out = new Set<string>()
  for (const f of conjunctsOf(facts)) {
    if (f._tag === "Compare" && f.field === `${money}.currency` && f.op === "eq" && typeof f.value === "string") {
      out.add(f.value)
    }
    if (f._tag === "In" && f.field === `${money}.currency` && new Set(f.values).size === 1) out.add(String(f.values[0]))
  }
  return out
}

const isRef = (t: Term, field: string) => t._tag === "FieldRef" && t.field === field

/** Whether two money fields hold one currency wherever the condition matters. */
const sameCurrency = (facts: ReadonlyArray<Expr>, a: string, b: string): boolean => {
  if (a === b) return true
  const stated = conjunctsOf(facts).some((f) =>
    f._tag === "CompareTerms" && f.op === "eq" &&
    ((isRef(f.left, `${a}.currency`) && isRef(f.right, `${b}.currency`)) ||
      (isRef(f.left, `${b}.currency`) && isRef(f.right, `${a}.currency`)))
  )
  if (stated) return true
  const pa = pinnedCurrencies(facts, a)
  return [...pinnedCurrencies(facts, b)].some((c) => pa.has(c))
}

const unitName = (u: TermType["unit"]) => (typeof u === "string" ? (u === "plain" ? "a plain number" : "a literal") : `a money amount (${u.money})`)

const checkTerm = (scope: Scope, spec: Collection.Spec, facts: ReadonlyArray<Expr>, term: Term, at: string, inArith: boolean): TermType => {
  switch (term._tag) {
    case "FieldRef": {
      const f = fieldOf(scope, spec, term.field, at)
      const money = moneyOf(scope, spec, term.field)
      switch (f.kind) {
        case "string":
          return { kind: "text", unit: "plain", fields: 1, operands: 1 }
        case "date":
          return { kind: "date", unit: "plain", fields: 1, operands: 1 }
        case "boolean":
          return { kind: "boolean", unit: "plain", fields: 1, operands: 1 }
        case "number":
        case "integer":
        case "timestamp":
          return { kind: "number", unit: money === undefined ? "plain" : { money }, fields: 1, operands: 1 }
        default:
          return refuse(at, `"${term.field}" is a ${f.kind} field; compare its parts (a money amount is <field>.amountMinor)`)
      }
    }
    case "Literal": {
      const v = term.value
      if (typeof v === "string") return { kind: "text", unit: "literal", text: checkText(at, "a literal", v), fields: 0, operands: 1 }
      if (typeof v === "boolean") return { kind: "boolean", unit: "literal", fields: 0, operands: 1 }
      if (typeof v !== "number" || !Number.isFinite(v)) return refuse(at, "expects a finite number, a string or a boolean")
      if (inArith && !inArithRange(v)) {
        refuse(at, `an arithmetic operand is 0 or between 2^-64 and 2^64 in magnitude, not ${v}`)
      }
      return { kind: "number", unit: "literal", fields: 0, operands: 1 }
    }
    case "Arith": {
      const l = checkTerm(scope, spec, facts, term.left, `${at}.left`, true)
      const r = checkTerm(scope, spec, facts, term.right, `${at}.right`, true)
      if (l.kind !== "number" || r.kind !== "number") refuse(at, `arithmetic applies to numbers, not ${l.kind === "number" ? r.kind : l.kind}`)
      const operands = l.operands + r.operands
      if (operands > MAX_OPERANDS) refuse(at, `at most ${MAX_OPERANDS} operands in one arithmetic expression`)
      return { kind: "number", unit: arithUnit(facts, term.op, l.unit, r.unit, at), fields: l.fields + r.fields, operands }
    }
    default:
      return refuse(at, `unknown operand ${JSON.stringify((term as { _tag?: unknown })._tag)}`)
  }
}

/** Money stays money under scaling; amounts meet amounts only in one currency. */
const arithUnit = (
  facts: ReadonlyArray<Expr>,
  op: ArithOp,
  l: TermType["unit"],
  r: TermType["unit"],
  at: string
): TermType["unit"] => {
  const refused = (): never => refuse(at, `cannot ${op} ${unitName(l)} and ${unitName(r)}`)
  const lm = typeof l === "object" ? l.money : undefined
  const rm = typeof r === "object" ? r.money : undefined
  switch (op) {
    case "add":
    case "subtract":
      if (l === "literal") return r
      if (r === "literal") return l
      if (lm === undefined && rm === undefined) return "plain"
      if (lm !== undefined && rm !== undefined) {
        return sameCurrency(facts, lm, rm) ? l : refuse(at, currencyReason(lm, rm))
      }
      return refused()
    case "multiply":
      if (l === "literal") return r
      if (r === "literal") return l
      if (lm !== undefined && rm !== undefined) return refused()
      return lm !== undefined ? l : r
    case "divide":
      if (r === "literal") return l
      if (rm === undefined) return lm !== undefined ? l : "plain"
      if (lm === undefined) return refused()
      return sameCurrency(facts, lm, rm) ? "plain" : refuse(at, currencyReason(lm, rm))
  }
}

const currencyReason = (a: string, b: string) =>
  `"${a}" and "${b}" may hold different currencies: keep one with eq on both currencies, or state ` +
  `compare(field("${a}.currency"), "eq", field("${b}.currency")), in an enclosing and`

const checkCompareTerms = (
  scope: Scope,
  spec: Collection.Spec,
  facts: ReadonlyArray<Expr>,
  expr: { readonly left: Term; readonly op: CompareOp; readonly right: Term },
  at: string
): void => {
  const l = checkTerm(scope, spec, facts, expr.left, `${at}.left`, false)
  const r = checkTerm(scope, spec, facts, expr.right, `${at}.right`, false)
  if (l.fields + r.fields === 0) refuse(at, "compares no field: name a field on at least one side")
  const dateAndText = (d: TermType, t: TermType, side: string) =>
    d.kind === "date" && t.kind === "text" && t.text !== undefined
      ? (isIsoDate(t.text) ? true : refuse(`${at}.${side}`, "expects a calendar date as YYYY-MM-DD"))
      : false
  if (l.kind !== r.kind && !dateAndText(l, r, "right") && !dateAndText(r, l, "left")) {
    refuse(at, `cannot compare ${l.kind === "text" ? "text" : `a ${l.kind}`} with ${r.kind === "text" ? "text" : `a ${r.kind}`}`)
  }
  if (l.kind === "boolean" && expr.op !== "eq" && expr.op !== "neq") refuse(at, `booleans support eq and neq, not ${expr.op}`)
  if (l.kind === "number" && l.unit !== "literal" && r.unit !== "literal") {
    const lm = typeof l.unit === "object" ? l.unit.money : undefined
    const rm = typeof r.unit === "object" ? r.unit.money : undefined
    if (lm !== undefined && rm !== undefined) {
      if (!sameCurrency(facts, lm, rm)) refuse(at, currencyReason(lm, rm))
    } else if (lm !== undefined || rm !== undefined) {
      refuse(at, `cannot compare ${unitName(l.unit)} with ${unitName(r.unit)}`)
    }
  }
}

const checkExpr = (
  scope: Scope,
  spec: Collection.Spec,
  expr: Expr,
  at: string,
  depth: number,
  facts: ReadonlyArray<Expr> = []
): Expr => {
  if (depth > MAX_DEPTH) refuse(at, `conditions nest deeper than ${MAX_DEPTH}`)
  switch (expr._tag) {
    case "Compare": {
      const f = fieldOf(scope, spec, expr.field, at)
      if (!SCALAR_KINDS.has(f.kind)) refuse(at, `"${expr.field}" is a ${f.kind} field; compare its parts or use has`)
      if (f.kind === "boolean" && expr.op !== "eq" && expr.op !== "neq") {
        refuse(at, `booleans support eq and neq, not ${expr.op}`)
      }
      return { ...expr, value: checkValue(at, expr.field, f.kind, expr.value) }
    }
    case "Between": {
      const f = fieldOf(scope, spec, expr.field, at)
      if (!ORDERED_KINDS.has(f.kind)) refuse(at, `between does not apply to a ${f.kind} field`)
      return {
        ...expr,
        low: checkValue(at, expr.field, f.kind, expr.low),
        high: checkValue(at, expr.field, f.kind, expr.high)
      }
    }
    case "In":
    case "NotIn": {
      const f = fieldOf(scope, spec, expr.field, at)
      if (!SCALAR_KINDS.has(f.kind)) refuse(at, `${expr._tag} does not apply to a ${f.kind} field`)
      if (expr.values.length > MAX_LIST) refuse(at, `at most ${MAX_LIST} values`)
      return { ...expr, values: expr.values.map((v, i) => checkValue(`${at}.values.${i}`, expr.field, f.kind, v)) }
    }
    case "IsNull": {
      fieldOf(scope, spec, expr.field, at)
      return expr
    }
    case "Text": {
      const f = fieldOf(scope, spec, expr.field, at)
      if (f.kind !== "string") refuse(at, `text conditions apply to string fields, "${expr.field}" is ${f.kind}`)
      if (typeof expr.value !== "string") refuse(at, "expects a string value")
      checkText(at, expr.field, expr.value)
      return expr
    }
    case "Has": {
      const f = fieldOf(scope, spec, expr.field, at)
      if (f.kind !== "strings") refuse(at, `has applies to list fields, "${expr.field}" is ${f.kind}`)
      if (typeof expr.value !== "string") refuse(at, "expects a string value")
      checkText(at, expr.field, expr.value)
      return expr
    }
    case "HasAny": {
      const f = fieldOf(scope, spec, expr.field, at)
      if (f.kind !== "strings") refuse(at, `hasAny applies to list fields, "${expr.field}" is ${f.kind}`)
      if (expr.values.length > MAX_LIST) refuse(at, `at most ${MAX_LIST} values`)
      expr.values.forEach((v, i) =>
        typeof v === "string" ? checkText(`${at}.values.${i}`, expr.field, v) : refuse(`${at}.values.${i}`, "expects a string value")
      )
      return expr
    }
    case "Within":
    case "OlderThan":
    case "Calendar": {
      const f = fieldOf(scope, spec, expr.field, at)
      scope.clock.read = true
      return expr._tag === "Within"
        ? RelativeTime.within(expr, f.kind, scope.now, at, refuse)
        : expr._tag === "OlderThan"
        ? RelativeTime.olderThan(expr, f.kind, scope.now, at, refuse)
        : RelativeTime.calendar(expr, f.kind, scope.now, at, refuse)
    }
    case "And":
      // A conjunct matters only where its siblings hold: they are facts for it (currency pins).
      return {
        ...expr,
        exprs: expr.exprs.map((e, i) =>
          checkExpr(scope, spec, e, `${at}.exprs.${i}`, depth + 1, [...facts, ...expr.exprs.filter((_, j) => j !== i)])
        )
      }
    case "Or":
      return { ...expr, exprs: expr.exprs.map((e, i) => checkExpr(scope, spec, e, `${at}.exprs.${i}`, depth + 1, facts)) }
    case "Not":
      return { ...expr, expr: checkExpr(scope, spec, expr.expr, `${at}.expr`, depth + 1, facts) }
    case "CompareTerms":
      checkCompareTerms(scope, spec, facts, expr, at)
      return expr
    case "Exists": {
      const target = relatedTarget(scope, spec, expr, at)
      const where = expr.where === null ? null : checkExpr(scope, target, expr.where, `${at}.where`, depth + 1)
      return withVia({ ...expr, where }, checkVia(scope, spec, target, expr, at, depth))
    }
    case "Related": {
      const target = relatedTarget(scope, spec, expr, at)
      const via = checkVia(scope, spec, target, expr, at, depth)
      const measure = expr.measure
      if (measure._tag !== "Count") {
        const m = fieldOf(scope, target, measure.field, `${at}.measure`)
        // An average of timestamps is refused as in aggregates; sums, mins and maxes of them are not.
        const kinds = measure._tag === "Avg" ? AVERAGED_KINDS : NUMERIC_KINDS
        if (!kinds.has(m.kind)) refuse(`${at}.measure`, `cannot ${measure._tag} a ${m.kind} field`)
        const money = moneyOf(scope, target, measure.field)
        if ((measure._tag === "Sum" || measure._tag === "Avg") && money !== undefined && !pinsCurrency(expr.where, money)) {
          refuse(
            `${at}.measure`,
            `cannot ${measure._tag} "${measure.field}" across currencies: keep one currency in the related where with ` +
              `eq("${money}.currency", "EUR") (alone or inside and)`
          )
        }
      }
      if (typeof expr.value !== "number" || !Number.isFinite(expr.value)) refuse(`${at}.value`, "expects a finite number")
      const where = expr.where === null ? null : checkExpr(scope, target, expr.where, `${at}.where`, depth + 1)
      return withVia({ ...expr, where }, via)
    }
    case "Any": {
      const element = elementSpec(spec, expr.field, at)
      // Engines find the element fields under the element spec's name.
      scope.related.set(element.name, element)
      const where = checkExpr(scope, element, expr.where, `${at}.where`, depth + 1)
      refuseReaching(where, `${at}.where`)
      return { ...expr, where }
    }
    default:
      // Reached only by data that bypassed the `Expr` schema (hand-built JSON).
      return refuse(at, `unknown condition ${JSON.stringify((expr as { _tag?: unknown })._tag)}`)
  }
}

/**
 * Whether a `related` or `exists` condition reaches the event log by subject: the events
 * whose `subjects` name the record (`contact:<id>`), as `Store.eventsFor` reads them.
 *
 * @since 0.1.0
 * @category combinators
 */
export const isSubjectKey = (expr: { readonly collection: string; readonly foreignKey: string }): boolean =>
  expr.collection === EventCollection.name && expr.foreignKey === "subjects"

/**
 * The collection a `related` or `exists` condition reaches, once its foreign key is checked:
 * without `via` it refers to this collection; with `via` it is `id` or any foreign key
 * (`checkVia` checks that the links lead to what it refers to).
 */
const relatedTarget = (
  scope: Scope,
  spec: Collection.Spec,
  expr: { readonly collection: string; readonly foreignKey: string; readonly via?: Query.Via },
  at: string
): Collection.Spec => {
  const target = scope.catalog.spec(scope.workspaceId, expr.collection) ??
    refuse(at, `unknown collection "${expr.collection}"`)
  if (expr.via === undefined) {
    // The events naming the record (`subjects` holds `<collection>:<id>`): its timeline.
    if (isSubjectKey(expr)) {
      scope.related.set(target.name, target)
      return target
    }
    const fk = Collection.fieldAt(target, expr.foreignKey)
    if (fk === undefined || fk.ref !== spec.name) {
      refuse(at, `"${expr.foreignKey}" is not a field of ${target.name} that refers to ${spec.name}`)
    }
  } else if (isSubjectKey(expr)) {
    refuse(`${at}.via`, "the events naming a record are found by their subjects: no link rows")
  } else if (expr.foreignKey !== "id" && Collection.fieldAt(target, expr.foreignKey)?.ref === undefined) {
    refuse(`${at}.foreignKey`, `"${expr.foreignKey}" is neither id nor a field of ${target.name} that refers to a collection`)
  }
  scope.related.set(target.name, target)
  return target
}

/** The collection a key field refers to (`ref`), or `undefined` for a key to any collection (`refNamedBy`). */
const keyOf = (link: Collection.Spec, field: string, at: string): Field.Spec => {
  const f = Collection.fieldAt(link, field)
  if (f === undefined || f.kind !== "string" || (f.ref === undefined && f.refNamedBy === undefined)) {
    refuse(at, `"${field}" is not a key field of ${link.name} (a reference, or Field.anyRef)`)
  }
  return f!
}

/**
 * Checks the link rows of a `via`: `from` refers to this collection, `to` to the one the
 * related records' `foreignKey` holds ids of. A key to any collection (`Field.anyRef`)
 * gets its collection pinned, `eq(<collection field>, <name>)`, and-ed to the link where.
 */
const checkVia = (
  scope: Scope,
  spec: Collection.Spec,
  target: Collection.Spec,
  expr: { readonly foreignKey: string; readonly via?: Query.Via },
  at: string,
  depth: number
): Query.Via | undefined => {
  const via = expr.via
  if (via === undefined) return undefined
  if (typeof via !== "object" || via === null) return refuse(`${at}.via`, "expects link rows: Query.via(collection, from, to, where)")
  const link = scope.catalog.spec(scope.workspaceId, via.collection) ??
    refuse(`${at}.via.collection`, `unknown collection "${via.collection}"`)
  const reached = expr.foreignKey === "id" ? target.name : Collection.fieldAt(target, expr.foreignKey)!.ref!
  const pins: Array<Expr> = []
  const side = (field: string, collection: string, name: "from" | "to") => {
    const key = keyOf(link, field, `${at}.via.${name}`)
    if (key.ref !== undefined && key.ref !== collection) {
      refuse(`${at}.via.${name}`, `"${field}" of ${link.name} refers to ${key.ref}, not ${collection}`)
    }
    if (key.ref === undefined) pins.push({ _tag: "Compare", field: key.refNamedBy!, op: "eq", value: collection })
  }
  side(via.from, spec.name, "from")
  side(via.to, reached, "to")
  scope.related.set(link.name, link)
  const where = via.where === null ? null : checkExpr(scope, link, via.where, `${at}.via.where`, depth + 1)
  const all = where === null ? pins : [...pins, where]
  return { ...via, where: all.length === 0 ? null : all.length === 1 ? all[0]! : { _tag: "And", exprs: all } }
}

/**
 * How deep `related` and `exists` conditions may nest (each inside another's `where`):
 * every level is a correlated subquery, and SQLite caps an expression's depth at 1000,
 * which some 30 levels reach.
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_RELATED_DEPTH = 16

const checkRelatedNesting = (expr: Expr | null, at: string, level: number): void => {
  if (expr === null) return
  switch (expr._tag) {
    case "And":
    case "Or":
      return expr.exprs.forEach((e, i) => checkRelatedNesting(e, `${at}.exprs.${i}`, level))
    case "Not":
      return checkRelatedNesting(expr.expr, `${at}.expr`, level)
    case "Exists":
    case "Related":
      if (level === MAX_RELATED_DEPTH) {
        refuse(at, `related and exists conditions nest deeper than ${MAX_RELATED_DEPTH} (each inside the where of another)`)
      }
      checkRelatedNesting(expr.where, `${at}.where`, level + 1)
      return checkRelatedNesting(expr.via?.where ?? null, `${at}.via.where`, level + 1)
    default:
      return
  }
}

/**
 * The spec an `any` condition's `where` is checked against: the element fields of a
 * list of objects (`Field.objects`), as the fields of a collection named `<collection>.<field>`.
 */
const elementSpec = (spec: Collection.Spec, field: string, at: string): Collection.Spec => {
  const f = Object.hasOwn(spec.fields, field) ? spec.fields[field] : undefined
  if (f?.elements === undefined) refuse(at, `"${field}" is not a list of objects of ${spec.name} (Field.objects)`)
  return { name: `${spec.name}.${field}`, fields: f!.elements!, indexes: [], unique: [], custom: {} }
}

/** Elements are no records: nothing refers to them, and they refer to nothing. */
const refuseReaching = (expr: Expr, at: string): void => {
  switch (expr._tag) {
    case "And":
    case "Or":
      return expr.exprs.forEach((e, i) => refuseReaching(e, `${at}.exprs.${i}`))
    case "Not":
      return refuseReaching(expr.expr, `${at}.expr`)
    case "Exists":
    case "Related":
      return refuse(at, "an element of a list is no record: related and exists do not apply inside any")
    default:
      return
  }
}

const withVia = <E extends Expr>(expr: E, via: Query.Via | undefined): E => (via === undefined ? expr : { ...expr, via })

const checkOrder = (scope: Scope, spec: Collection.Spec, orderBy: ReadonlyArray<Order>): ReadonlyArray<Order> => {
  orderBy.forEach((o, i) => {
    const f = fieldOf(scope, spec, o.field, `orderBy.${i}`)
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
 * The cursor that continues after `row` under a plan's order. A sort key that is a path
 * across references (`Path`) takes its value from `pathValues` (the row holds only its
 * own fields; `Engine.toStore` follows the path for the page's last row).
 *
 * @since 0.1.0
 * @category combinators
 */
export const cursorAfter = (
  plan: FindPlan,
  row: Collection.Row,
  pathValues?: ReadonlyMap<string, Collection.Json>
): string => {
  const payload: CursorPayload = {
    k: plan.orderBy.map((o) => `${o.field}:${o.direction}`),
    v: plan.orderBy.map((o) => {
      const value = pathValues?.has(o.field) ? pathValues.get(o.field)! : Collection.readerAt(plan.spec, o.field)(row)
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

const decodeCursor = (scope: Scope, spec: Collection.Spec, orderBy: ReadonlyArray<Order>, cursor: string): Expr => {
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
    return checkValue("cursor", field, fieldOf(scope, spec, field, "cursor").kind, v)
  })
  return afterKeyset(orderBy, values)
}

/** The money field a path is the amount of (`total` for `total.amountMinor`), if it is one. */
/** As `moneyOfAmount`, across references: `accountId.revenue` for `accountId.revenue.amountMinor`. */
const moneyOf = (scope: Scope, spec: Collection.Spec, path: string): string | undefined => {
  const across = scope.paths.get(pathKey(spec.name, path))
  if (across === undefined) return moneyOfAmount(spec, path)
  const last = across.hops[across.hops.length - 1]!.target
  return moneyOfAmount(last, across.field) === undefined ? undefined : path.slice(0, -".amountMinor".length)
}

const moneyOfAmount = (spec: Collection.Spec, path: string): string | undefined => {
  if (!path.endsWith(".amountMinor")) return undefined
  const head = path.slice(0, -".amountMinor".length)
  // A built-in money field (`total`) or a custom one (`custom.mrr`).
  return Collection.fieldAt(spec, head)?.kind === "money" ? head : undefined
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
    const scope: Scope = { catalog, workspaceId, now, related: new Map(), paths: new Map(), clock: { read: false } }
    const where = query.where === undefined ? null : checkExpr(scope, spec, query.where, "where", 0)
    checkRelatedNesting(where, "where", 0)
    const orderBy = checkOrder(scope, spec, query.orderBy ?? [])
    const after = query.cursor === undefined ? null : decodeCursor(scope, spec, orderBy, query.cursor)
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
      paths: scope.paths,
      clockDependent: scope.clock.read
    }
  })

/** How many buckets a fill may add. */
const MAX_FILL = 10_000
const MAX_FILL_UNITS = 1_000_000

const checkFill = (
  scope: Scope,
  key: string,
  fill: BucketFill,
  at: string,
  unit: BucketUnit,
  timeZone: string | null,
  calendar: TimeBucket.Calendar
): Omit<GapFill, "limit"> => {
  const { from, to } = fill
  if (typeof from === "number" && typeof to === "number") {
    if (timeZone === null) {
      refuse(at, "a date has no zone to count from today in: fill buckets of dates with from and to dates")
    }
    if (!Number.isSafeInteger(from) || Math.abs(from) > MAX_FILL_UNITS) refuse(`${at}.from`, "a whole number of units")
    if (!Number.isSafeInteger(to) || Math.abs(to) > MAX_FILL_UNITS) refuse(`${at}.to`, "a whole number of units")
    scope.clock.read = true
  } else {
    for (const k of ["from", "to"] as const) {
      if (typeof fill[k] !== "string" || !isIsoDate(fill[k])) refuse(`${at}.${k}`, "expects a calendar date as YYYY-MM-DD")
    }
  }
  if (fill.from > fill.to) refuse(`${at}.to`, "the range ends before it starts")
  const buckets = TimeBucket.bucketsIn(unit, fill, scope.now, timeZone, calendar, MAX_FILL)
  if (buckets.length > MAX_FILL) refuse(at, `the range holds more than ${MAX_FILL} buckets`)
  return { key, buckets }
}

type OutputKind = Field.Kind | "count" | "float"

/** Output kinds whose values are integers: a `having` or cursor value for them is a `bigint`. */
const INTEGER_OUTPUTS: ReadonlySet<OutputKind> = new Set(["count", "integer", "timestamp"])

/**
 * A numeric term of a measure or group key: a number naming a field. A term that is one
 * field is that field (`undefined` here), so it keeps the field's own semantics (exact
 * integer sums).
 */
const checkMeasuredTerm = (
  scope: Scope,
  spec: Collection.Spec,
  facts: ReadonlyArray<Expr>,
  term: Term,
  at: string
): TermType | undefined => {
  if (term._tag === "FieldRef") return undefined
  const t = checkTerm(scope, spec, facts, term, at, false)
  if (t.kind !== "number") refuse(at, `measures and group keys compute numbers, not ${t.kind === "text" ? "text" : `${t.kind}s`}`)
  if (t.fields === 0) refuse(at, "names no field: a measure or group key of literals only is a constant")
  return t
}

/** The value of a `having` comparison or a cursor for an output of `kind`, or why it does not fit. */
const outputValue = (at: string, alias: string, kind: OutputKind, value: unknown): Scalar | bigint => {
  if (INTEGER_OUTPUTS.has(kind) && typeof value === "bigint") return value
  if (INTEGER_OUTPUTS.has(kind) || kind === "number" || kind === "float") {
    return typeof value === "number" && Number.isFinite(value) ? value : refuse(at, `"${alias}" is a number: compare it with a finite number`)
  }
  if (kind === "date") {
    return typeof value === "string" && isIsoDate(value) ? value : refuse(at, `"${alias}" is a calendar date: compare it with YYYY-MM-DD`)
  }
  if (kind === "string") return typeof value === "string" ? checkText(at, alias, value) : refuse(at, `"${alias}" is text: compare it with a string`)
  return typeof value === "boolean" ? value : refuse(at, `"${alias}" is a boolean: compare it with true or false`)
}

const NOTHING: HavingPlan = { _tag: "Or", conditions: [] }

/**
 * A comparison of an integer output with a number, as integers: `> 2.5` is `>= 3`,
 * `= 2.5` matches nothing and `<> 2.5` every non-null value.
 */
const integerCompare = (alias: string, op: CompareOp, value: number): HavingPlan => {
  if (Number.isInteger(value)) return { _tag: "Compare", alias, op, value: BigInt(value) }
  switch (op) {
    case "eq":
      return NOTHING
    case "neq":
      return { _tag: "Not", condition: { _tag: "IsNull", alias } }
    case "gt":
    case "gte":
      return { _tag: "Compare", alias, op: "gte", value: BigInt(Math.ceil(value)) }
    case "lt":
    case "lte":
      return { _tag: "Compare", alias, op: "lte", value: BigInt(Math.floor(value)) }
  }
}

const checkHaving = (having: Having, kinds: ReadonlyMap<string, OutputKind>, at: string, depth: number): HavingPlan => {
  if (depth > MAX_DEPTH) refuse(at, `conditions nest deeper than ${MAX_DEPTH}`)
  const kindOf = (alias: string) => kinds.get(alias) ?? refuse(`${at}.alias`, `"${alias}" is not an alias of this query`)
  switch (having._tag) {
    case "Compare": {
      const kind = kindOf(having.alias)
      if (kind === "boolean" && having.op !== "eq" && having.op !== "neq") refuse(at, `booleans support eq and neq, not ${having.op}`)
      const value = outputValue(`${at}.value`, having.alias, kind, having.value)
      return INTEGER_OUTPUTS.has(kind) && typeof value === "number"
        ? integerCompare(having.alias, having.op, value)
        : { ...having, value }
    }
    case "IsNull":
      kindOf(having.alias)
      return having
    case "And":
    case "Or":
      return {
        _tag: having._tag,
        conditions: having.conditions.map((c, i) => checkHaving(c, kinds, `${at}.conditions.${i}`, depth + 1))
      }
    case "Not":
      return { _tag: "Not", condition: checkHaving(having.condition, kinds, `${at}.condition`, depth + 1) }
    default:
      return refuse(at, `unknown condition ${JSON.stringify((having as { _tag?: unknown })._tag)}`)
  }
}

/** A cursor value as JSON holds it: an exact sum past the safe range as its decimal digits. */
type CursorValue = Scalar | null | { readonly big: string }

/**
 * The cursor that continues after `row` under an aggregate plan's order (`Engine.toStore`
 * writes it for `Store.aggregatePage`).
 *
 * @since 0.1.0
 * @category combinators
 */
export const aggregateCursorAfter = (plan: AggregatePlan, row: AggregateRow): string => {
  const payload = {
    k: plan.orderBy.map((o) => `${o.field}:${o.direction}`),
    v: plan.orderBy.map((o): CursorValue => {
      const v = row[o.field] ?? null
      return typeof v === "bigint" ? { big: v.toString() } : v
    })
  }
  return encodeBase64Url(JSON.stringify(payload))
}

/** "Comes after these output values" in a total order with nulls last, as a `having`. */
const afterOutputs = (orderBy: ReadonlyArray<Order>, values: ReadonlyArray<Scalar | bigint | null>): HavingPlan => {
  const alternatives: Array<HavingPlan> = []
  const equalSoFar: Array<HavingPlan> = []
  orderBy.forEach((o, i) => {
    const value = values[i] ?? null
    const alias = o.field
    if (value !== null) {
      const further: HavingPlan = { _tag: "Compare", alias, op: o.direction === "asc" ? "gt" : "lt", value }
      alternatives.push({ _tag: "And", conditions: [...equalSoFar, { _tag: "Or", conditions: [further, { _tag: "IsNull", alias }] }] })
      equalSoFar.push({ _tag: "Compare", alias, op: "eq", value })
    } else {
      equalSoFar.push({ _tag: "IsNull", alias })
    }
  })
  return { _tag: "Or", conditions: alternatives }
}

const decodeAggregateCursor = (orderBy: ReadonlyArray<Order>, kinds: ReadonlyMap<string, OutputKind>, cursor: string): HavingPlan => {
  let payload: { readonly k?: unknown; readonly v?: unknown }
  try {
    payload = JSON.parse(decodeBase64Url(cursor)) as typeof payload
  } catch {
    return refuse("cursor", "not a cursor returned by this query")
  }
  const keys = orderBy.map((o) => `${o.field}:${o.direction}`)
  const k = payload?.k
  const v = payload?.v
  if (
    typeof payload !== "object" || payload === null || !Array.isArray(k) || !Array.isArray(v) ||
    k.length !== keys.length || v.length !== keys.length || k.some((key, i) => key !== keys[i])
  ) {
    refuse("cursor", "the cursor belongs to a query with another order")
  }
  const values = (v as ReadonlyArray<unknown>).map((value, i) => {
    if (value === null) return null
    const alias = orderBy[i]!.field
    const kind = kinds.get(alias)!
    if (typeof value === "object") {
      const digits = (value as { readonly big?: unknown }).big
      if (!INTEGER_OUTPUTS.has(kind) || typeof digits !== "string" || !/^-?\d{1,400}$/.test(digits)) {
        refuse("cursor", "not a cursor returned by this query")
      }
      return BigInt(digits as string)
    }
    const checked = outputValue("cursor", alias, kind, value)
    if (!INTEGER_OUTPUTS.has(kind)) return checked
    return Number.isInteger(checked) ? BigInt(checked as number) : refuse("cursor", "not a cursor returned by this query")
  })
  return afterOutputs(orderBy, values)
}

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
    const scope: Scope = { catalog, workspaceId, now, related: new Map(), paths: new Map(), clock: { read: false } }
    const where = query.where === undefined ? null : checkExpr(scope, spec, query.where, "where", 0)
    checkRelatedNesting(where, "where", 0)
    const outputKinds = new Map<string, OutputKind>()
    const alias = (as: string, at: string, kind: OutputKind) => {
      if (!ALIAS.test(as)) refuse(at, "aliases are letters, digits and _, starting with a letter or _")
      if (outputKinds.has(as)) refuse(at, `alias "${as}" is used twice`)
      outputKinds.set(as, kind)
    }
    const fills: Array<Omit<GapFill, "limit">> = []
    const whereFacts = where === null ? [] : [where]
    const groupBy = (query.groupBy ?? []).map((g, i): GroupKeyPlan => {
      const at = `groupBy.${i}`
      if (g._tag === "Term") {
        const t = checkMeasuredTerm(scope, spec, whereFacts, g.term, `${at}.term`)
        if (t !== undefined) {
          alias(g.as, at, "float")
          return g
        }
      }
      const field = g._tag === "Term" ? (g.term as { readonly field: string }).field : g.field
      const f = fieldOf(scope, spec, field, at)
      if (g._tag !== "Bucket") {
        if (!SCALAR_KINDS.has(f.kind)) refuse(at, `cannot group by a ${f.kind} field`)
        alias(g.as, at, f.kind)
        return { _tag: "Field", as: g.as, field }
      }
      const calendar = TimeBucket.calendarOf(g)
      if (f.kind === "date") {
        const unit = g.unit === "hour" ? refuse(`${at}.unit`, `"${g.field}" is a date, which has no hours`) : g.unit
        if (g.timeZone !== undefined) refuse(`${at}.timeZone`, `"${g.field}" is a date, which has no time zone; drop timeZone`)
        alias(g.as, at, "date")
        if (g.fill !== undefined) fills.push(checkFill(scope, g.as, g.fill, `${at}.fill`, unit, null, calendar))
        return { _tag: "Bucket", as: g.as, field: g.field, of: "date", unit, calendar }
      }
      if (f.kind !== "timestamp") refuse(at, `buckets apply to timestamp and date fields, "${g.field}" is ${f.kind}`)
      const named = g.timeZone ?? refuse(`${at}.timeZone`, `buckets of the timestamp "${g.field}" need a timeZone`)
      // Engines get the canonical name, never the one the query spelled.
      const timeZone = Either.getOrElse(TimeBucket.resolveTimeZone(named), (reason) => refuse(`${at}.timeZone`, reason))
      alias(g.as, at, g.unit === "hour" ? "string" : "date")
      if (g.fill !== undefined) fills.push(checkFill(scope, g.as, g.fill, `${at}.fill`, g.unit, timeZone, calendar))
      return { _tag: "Bucket", as: g.as, field: g.field, of: "timestamp", unit: g.unit, timeZone, calendar }
    })
    if (fills.length > 1) refuse("groupBy", "at most one bucket key fills gaps")
    if (query.measures.length === 0 && groupBy.length === 0) refuse("measures", "name at least one measure or group key")
    const currencyKept = (money: string, filter: Expr | null) =>
      pinsCurrency(where, money) || pinsCurrency(filter, money) ||
      groupBy.some((g) => g._tag === "Field" && g.field === `${money}.currency`)
    const acrossCurrencies = (at: string, tag: string, what: string, money: string): never =>
      refuse(
        at,
        `cannot ${tag} "${what}" across currencies: group by "${money}.currency" too, or keep one ` +
          `currency with where eq("${money}.currency", "EUR") (alone or inside and, or in the measure's filter)`
      )
    const measures = query.measures.map((m, i): Measure => {
      const at = `measures.${i}`
      const filter = m.filter === undefined ? null : checkExpr(scope, spec, m.filter, `${at}.filter`, 0)
      const withFilter = <M extends Measure>(checked: M): M => (filter === null ? checked : { ...checked, filter })
      if (m._tag === "Count") {
        alias(m.as, at, "count")
        return withFilter({ _tag: "Count", as: m.as })
      }
      if ("term" in m) {
        const facts = filter === null ? whereFacts : [...whereFacts, filter]
        const t = checkMeasuredTerm(scope, spec, facts, m.term, `${at}.term`)
        if (t !== undefined) {
          const money = typeof t.unit === "object" ? t.unit.money : undefined
          if (m._tag !== "Min" && m._tag !== "Max" && money !== undefined && !currencyKept(money, filter)) {
            acrossCurrencies(at, m._tag, "the term", money)
          }
          alias(m.as, at, "float")
          const { filter: _, ...rest } = m
          return withFilter(rest)
        }
      }
      const field = "term" in m ? (m.term as { readonly field: string }).field : m.field
      const f = fieldOf(scope, spec, field, at)
      const { filter: _, ...rest } = m
      const checked = ("term" in rest ? (({ term: _t, ...r }) => ({ ...r, field }))(rest) : rest) as Measure
      if (m._tag === "CountDistinct") {
        if (!SCALAR_KINDS.has(f.kind)) refuse(at, `cannot count distinct values of a ${f.kind} field`)
        alias(m.as, at, "count")
        return withFilter(checked)
      }
      if (m._tag === "Sum" || m._tag === "Avg" || m._tag === "Percentile") {
        if (!AVERAGED_KINDS.has(f.kind)) refuse(at, `cannot ${m._tag === "Percentile" ? "take a percentile of" : m._tag} a ${f.kind} field`)
        const money = moneyOf(scope, spec, field)
        if (money !== undefined && !currencyKept(money, filter)) acrossCurrencies(at, m._tag, field, money)
        alias(m.as, at, m._tag === "Sum" ? f.kind : "float")
        return withFilter(checked)
      }
      if (!ORDERED_KINDS.has(f.kind)) refuse(at, `cannot take the ${m._tag} of a ${f.kind} field`)
      alias(m.as, at, f.kind)
      return withFilter(checked)
    })
    const explicit = query.orderBy ?? []
    explicit.forEach((o, i) => outputKinds.has(o.field) || refuse(`orderBy.${i}`, `"${o.field}" is not an alias of this query`))
    const orderBy: Array<Order> = [...explicit]
    for (const g of groupBy) {
      if (!orderBy.some((o) => o.field === g.as)) orderBy.push({ field: g.as, direction: "asc" })
    }
    if (fills.length > 0 && query.having !== undefined) {
      refuse("having", "having and gap filling do not combine: filled buckets would escape the condition; drop fill")
    }
    if (fills.length > 0 && query.cursor !== undefined) refuse("cursor", "a gap-filled answer is one page; drop the cursor")
    const having = query.having === undefined ? null : checkHaving(query.having, outputKinds, "having", 0)
    const after = query.cursor === undefined ? null : decodeAggregateCursor(orderBy, outputKinds, query.cursor)
    if (query.limit !== undefined && (!Number.isSafeInteger(query.limit) || query.limit < 1 || query.limit > 10_000)) {
      refuse("limit", "a whole number from 1 to 10000")
    }
    return {
      spec,
      where,
      groupBy,
      measures,
      having: having === null ? after : after === null ? having : { _tag: "And", conditions: [having, after] },
      orderBy,
      // Filled rows are sorted in with the engine's, so the engine returns every group.
      limit: fills.length === 0 ? query.limit ?? null : null,
      fetch: fills.length === 0 && query.limit !== undefined ? query.limit + 1 : null,
      fill: fills.length === 0 ? null : { ...fills[0]!, limit: query.limit ?? null },
      related: scope.related,
      paths: scope.paths,
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
