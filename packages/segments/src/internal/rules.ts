/**
 * How rules (react-querybuilder's JSON, and JsonLogic read through it) become Query AST
 * and back: what `ReactQueryBuilder` and `JsonLogic` share. Kept internal so that
 * react-querybuilder's own types, whose declarations fail under
 * `exactOptionalPropertyTypes`, never reach the published ones.
 */
import type { Field } from "@rapport/core"
import { Collection, Plan, Query } from "@rapport/core"
import type { RuleGroupType, RuleType } from "@react-querybuilder/core"
import { isRuleGroup, toArray } from "@react-querybuilder/core"
import { Either } from "effect"
import type { ImportOptions, Path } from "../Rules.js"
/** Thrown inside a conversion and caught at its edge, so deep walks stay plain code. */
class Refused {
  constructor(readonly path: Path, readonly message: string) {}
}

export const refuse = (path: Path, message: string): never => {
  throw new Refused(path, message)
}

/** Runs a conversion, turning a refusal into the typed error `make` builds. */
export const attempt = <A, E>(run: () => A, make: (issue: { path: Path; message: string }) => E): Either.Either<A, E> => {
  try {
    return Either.right(run())
  } catch (e) {
    if (e instanceof Refused) return Either.left(make({ path: e.path, message: e.message }))
    throw e
  }
}


// ---------------------------------------------------------------------------
// import
// ---------------------------------------------------------------------------

/**
 * How string values become the field's kind: `rqb` reads a filled-in form
 * (trimmed, never blank), `loose` is JavaScript's `Number(s)` (JsonLogic's `==` and `<`),
 * `strict` keeps strings (JsonLogic's `===` and `in`).
 */
export type Coercion = "rqb" | "loose" | "strict"

/** The state of one import: the kinds of fields and where each AST node came from. */
export interface Context {
  readonly options: ImportOptions
  /** AST path (`exprs.1`) → input path, to name the rule a catalog check refuses. */
  readonly origins: Map<string, Path>
}

export const context = (options: ImportOptions): Context => ({ options, origins: new Map() })

/**
 * The kind of a query path on a collection, following references (`companyId.industry`);
 * `undefined` when the catalog does not know it (the check then names the rule).
 */
const kindOf = (ctx: Context, path: string): Field.Kind | undefined => {
  const { catalog, collection, workspaceId } = ctx.options
  if (catalog === undefined || workspaceId === undefined) return undefined
  let spec = catalog.spec(workspaceId, collection)
  let rest = path
  for (let hops = 0; spec !== undefined && hops <= Plan.MAX_HOPS; hops++) {
    const direct = Collection.fieldAt(spec, rest)
    if (direct !== undefined) return direct.kind
    const dot = rest.indexOf(".")
    const ref = dot < 0 ? undefined : Collection.fieldAt(spec, rest.slice(0, dot))?.ref
    if (ref === undefined) return undefined
    spec = catalog.spec(workspaceId, ref)
    rest = rest.slice(dot + 1)
  }
  return undefined
}

const NUMERIC: ReadonlySet<Field.Kind> = new Set(["number", "integer", "timestamp"])

/** A value of a rule as a Query scalar, read as the field's kind where the rule gives a string. */
const scalarOf = (ctx: Context, field: string, value: unknown, path: Path, coercion: Coercion): Query.Scalar => {
  if (typeof value === "number") return Number.isFinite(value) ? value : refuse(path, "expects a finite number")
  if (typeof value === "boolean") return value
  if (typeof value !== "string") return refuse(path, `expects a string, number or boolean, got ${JSON.stringify(value) ?? typeof value}`)
  const kind = coercion === "strict" ? undefined : kindOf(ctx, field)
  if (kind !== undefined && NUMERIC.has(kind)) {
    const n = coercion === "rqb" && value.trim() === "" ? Number.NaN : Number(value)
    return Number.isFinite(n) ? n : refuse(path, `"${value}" is not a number (${field} is ${kind})`)
  }
  if (kind === "boolean") {
    // JsonLogic's loose `true == "true"` is false, so only a form's text reads as a boolean.
    if (coercion === "rqb" && (value === "true" || value === "false")) return value === "true"
    return refuse(path, `"${value}" is not a boolean (${field} is boolean)`)
  }
  return value
}

/** A list value: an array, or react-querybuilder's comma-separated text (`"a, b"`, split by its own `toArray`). */
const listOf = (ctx: Context, field: string, value: unknown, path: Path, coercion: Coercion): Array<Query.Scalar> => {
  if (typeof value === "string") return toArray(value).map((v) => scalarOf(ctx, field, v, path, coercion))
  if (Array.isArray(value)) return value.map((v, i) => scalarOf(ctx, field, v, [...path, i], coercion))
  return [scalarOf(ctx, field, value, path, coercion)]
}

const COMPARE: Readonly<Record<string, Query.CompareOp>> = { "=": "eq", "!=": "neq", "<": "lt", "<=": "lte", ">": "gt", ">=": "gte" }
const TEXT: Readonly<Record<string, readonly [Query.TextOp, boolean]>> = {
  contains: ["contains", false],
  beginswith: ["startsWith", false],
  endswith: ["endsWith", false],
  doesnotcontain: ["contains", true],
  doesnotbeginwith: ["startsWith", true],
  doesnotendwith: ["endsWith", true]
}

/** One rule (not a group) as a Query expression; `path` is the rule's path in the input. */
export const ruleToExpr = (ctx: Context, rule: RuleType, path: Path, coercion: Coercion = "rqb"): Query.Expr => {
  const { field, value } = rule
  if (typeof field !== "string" || field === "") return refuse([...path, "field"], "expects a field name")
  if (rule.match !== undefined) return refuse([...path, "match"], "match modes (subqueries on lists) are not supported")
  if (rule.lhs !== undefined) return refuse([...path, "lhs"], "expressions are not supported")
  const source = rule.valueSource ?? "value"
  if (source !== "value" && source !== "field") return refuse([...path, "valueSource"], `valueSource "${source}" is not supported`)
  const operator = typeof rule.operator === "string" ? rule.operator.toLowerCase() : ""
  const at = [...path, "value"]
  const op = Object.hasOwn(COMPARE, operator) ? COMPARE[operator]! : undefined
  if (source === "field") {
    if (op === undefined) return refuse([...path, "valueSource"], `valueSource "field" works with =, !=, <, <=, >, >=, not "${rule.operator}"`)
    if (typeof value !== "string" || value === "") return refuse(at, "expects the name of the field compared with")
    return Query.compare(Query.field(field), op, Query.field(value))
  }
  if (op !== undefined) return { _tag: "Compare", field, op, value: scalarOf(ctx, field, value, at, coercion) }
  const text = Object.hasOwn(TEXT, operator) ? TEXT[operator] : undefined
  if (text !== undefined) {
    if (typeof value !== "string") return refuse(at, `${rule.operator} expects text`)
    const expr: Query.Expr = { _tag: "Text", field, op: text[0], value, caseInsensitive: false }
    return text[1] ? Query.not(expr) : expr
  }
  switch (operator) {
    case "null":
      return Query.isNull(field)
    case "notnull":
      return Query.isNotNull(field)
    case "in":
      return Query.isIn(field, listOf(ctx, field, value, at, coercion))
    case "notin":
      return Query.notIn(field, listOf(ctx, field, value, at, coercion))
    case "between":
    case "notbetween": {
      const bounds = listOf(ctx, field, value, at, coercion)
      if (bounds.length !== 2) return refuse(at, `${rule.operator} expects two bounds, got ${bounds.length}`)
      const expr = Query.between(field, bounds[0]!, bounds[1]!)
      return operator === "between" ? expr : Query.not(expr)
    }
  }
  return refuse([...path, "operator"], `unknown operator "${String(rule.operator)}"`)
}

/** A path one step below `ast` in the AST (`exprs.1`, `expr`), as the catalog check spells it. */
const sub = (ast: string, key: string): string => (ast === "" ? key : `${ast}.${key}`)

/** A group as a Query expression: a group of one rule is that rule, so exports come back as they were. */
export const groupToExpr = (ctx: Context, group: unknown, path: Path, ast: string): Query.Expr => {
  if (!isRuleGroup(group)) return refuse(path, "expects a rule group ({ combinator, rules })")
  const rules: ReadonlyArray<unknown> = group.rules
  const child = (i: number, where: string): Query.Expr => {
    const r = rules[i]
    ctx.origins.set(where, [...path, "rules", i])
    return isRuleGroup(r) ? groupToExpr(ctx, r, [...path, "rules", i], where) : ruleToExpr(ctx, r as RuleType, [...path, "rules", i])
  }
  const combine = (combinator: string, exprs: Array<Query.Expr>) =>
    exprs.length === 1 ? exprs[0]! : combinator === "and" ? Query.and(...exprs) : Query.or(...exprs)
  const combinator = typeof group.combinator === "string" ? group.combinator.toLowerCase() : undefined
  // With a `not`, the group's own expression sits one level down in the AST.
  const inner = group.not === true ? sub(ast, "expr") : ast
  let expr: Query.Expr
  if (combinator !== undefined) {
    if (combinator !== "and" && combinator !== "or") return refuse([...path, "combinator"], `combinator "${group.combinator}" is not supported (and, or)`)
    const one = rules.length === 1
    expr = combine(combinator, rules.map((_, i) => child(i, one ? inner : sub(inner, `exprs.${i}`))))
  } else {
    expr = independent(rules, path, inner, child)
  }
  return group.not === true ? Query.not(expr) : expr
}

/**
 * Independent combinators (`[rule, "and", rule, "or", rule]`): `and` binds tighter than
 * `or`, as react-querybuilder's `convertFromIC` (and so its formatter) reads them.
 */
const independent = (
  rules: ReadonlyArray<unknown>,
  path: Path,
  ast: string,
  child: (i: number, where: string) => Query.Expr
): Query.Expr => {
  const runs: Array<Array<number>> = [[]]
  rules.forEach((r, i) => {
    if (i % 2 === 0) return runs[runs.length - 1]!.push(i)
    const c = typeof r === "string" ? r.toLowerCase() : undefined
    if (c === "or") runs.push([])
    else if (c !== "and") refuse([...path, "rules", i], `expects the combinator "and" or "or" between rules, got ${JSON.stringify(r)}`)
  })
  if (rules.length % 2 === 0 && rules.length > 0) refuse([...path, "rules", rules.length - 1], "a combinator must be followed by a rule")
  const one = runs.length === 1
  const exprs = runs.map((run, k) => {
    const at = one ? ast : sub(ast, `exprs.${k}`)
    return run.length === 1 ? child(run[0]!, at) : Query.and(...run.map((i, j) => child(i, sub(at, `exprs.${j}`))))
  })
  return one ? exprs[0] ?? Query.and() : Query.or(...exprs)
}

/**
 * Checks an imported expression against the catalog (when given), naming the
 * rule of the input a store would refuse (and its `field` or `value` when `ruleKeys`).
 */
export const checked = (ctx: Context, expr: Query.Expr, ruleKeys = true): Query.Expr => {
  const { catalog, collection, workspaceId } = ctx.options
  if (catalog === undefined || workspaceId === undefined) return expr
  const planned = Plan.find(catalog, workspaceId, Query.find(collection, { where: expr }), 0)
  if (Either.isRight(planned)) return expr
  // The check names an AST path (`where.exprs.1.exprs.0.values.2`): the longest one an input rule made.
  const parts = planned.left.path.split(".").slice(1)
  for (let n = parts.length; n >= 0; n--) {
    const origin = ctx.origins.get(parts.slice(0, n).join("."))
    if (origin !== undefined) {
      const rest = parts.slice(n).filter((p) => p !== "expr")
      const key = rest[0] === "field" || (rest.length === 0 && planned.left.reason.startsWith("unknown field")) ? "field" : "value"
      return refuse(ruleKeys ? [...origin, key] : origin, planned.left.reason)
    }
  }
  return refuse([], planned.left.reason)
}

// ---------------------------------------------------------------------------
// export
// ---------------------------------------------------------------------------

const RQB_COMPARE: Readonly<Record<Query.CompareOp, string>> = { eq: "=", neq: "!=", lt: "<", lte: "<=", gt: ">", gte: ">=" }
const RQB_TEXT: Readonly<Record<"contains" | "startsWith" | "endsWith", readonly [string, string]>> = {
  contains: ["contains", "doesNotContain"],
  startsWith: ["beginsWith", "doesNotBeginWith"],
  endsWith: ["endsWith", "doesNotEndWith"]
}

/**
 * A condition that is one rule (no `and`, `or` or `not`), or a refusal at `path`.
 * Text `equals` (case-sensitive) is `=`, and so comes back as `eq`.
 */
export const leafToRule = (expr: Query.Expr, path: Path): RuleType => {
  switch (expr._tag) {
    case "Compare":
      return { field: expr.field, operator: RQB_COMPARE[expr.op], value: expr.value }
    case "Between":
      return { field: expr.field, operator: "between", value: [expr.low, expr.high] }
    case "In":
      return { field: expr.field, operator: "in", value: [...expr.values] }
    case "NotIn":
      return { field: expr.field, operator: "notIn", value: [...expr.values] }
    case "IsNull":
      return { field: expr.field, operator: "null", value: null }
    case "Text":
      if (expr.caseInsensitive) return refuse([...path, "caseInsensitive"], "rules have no case-insensitive text operator")
      return { field: expr.field, operator: expr.op === "equals" ? "=" : RQB_TEXT[expr.op][0], value: expr.value }
    case "CompareTerms":
      if (expr.left._tag === "FieldRef" && expr.right._tag === "FieldRef") {
        return { field: expr.left.field, operator: RQB_COMPARE[expr.op], value: expr.right.field, valueSource: "field" }
      }
      return refuse(path, "rules compare a field with a value or another field, not arithmetic or a literal on the left")
    default:
      return refuse(path, `rules cannot express a ${expr._tag} condition`)
  }
}

/** A `not` folded into one rule where react-querybuilder has the negated operator. */
const negatedRule = (expr: Query.Expr, path: Path): RuleType | undefined => {
  switch (expr._tag) {
    case "IsNull":
      return { field: expr.field, operator: "notNull", value: null }
    case "Between":
      return { ...leafToRule(expr, path), operator: "notBetween" }
    case "Text":
      return expr.op === "equals" ? undefined : { ...leafToRule(expr, path), operator: RQB_TEXT[expr.op][1] }
    default:
      return undefined
  }
}

export const exprToRuleOrGroup = (expr: Query.Expr, path: Path): RuleType | RuleGroupType => {
  switch (expr._tag) {
    case "And":
    case "Or":
      return {
        combinator: expr._tag === "And" ? "and" : "or",
        rules: expr.exprs.map((e, i) => exprToRuleOrGroup(e, [...path, "exprs", i]))
      }
    case "Not": {
      const folded = negatedRule(expr.expr, [...path, "expr"])
      if (folded !== undefined) return folded
      const inner = exprToRuleOrGroup(expr.expr, [...path, "expr"])
      // A group takes the `not` itself unless it already has one (`not(not(...))` stays two levels).
      return isRuleGroup(inner) && inner.not !== true ? { ...inner, not: true } : { combinator: "and", not: true, rules: [inner] }
    }
    default:
      return leafToRule(expr, path)
  }
}

