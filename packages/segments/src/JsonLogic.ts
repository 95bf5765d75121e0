/**
 * JsonLogic (`{"and": [{"==": [{"var": "lifecycleStage"}, "customer"]}, ...]}`) to and from
 * a segment's Query AST, where the operators map: `==`, `===`, `!=`, `!==`, `<`, `<=`
 * (also three-argument), `>`, `>=`, `in` (list membership, or a substring when the second
 * argument is text), react-querybuilder's `startsWith` and `endsWith`, `and`, `or`, `!`, `!!`.
 *
 * Each comparison is read by react-querybuilder's `parseJsonLogic` and keeps JsonLogic's
 * meaning, which differs from Rapport's in places (see docs/segments.md, "Importing and
 * exporting rules"): a null field compares as JavaScript compares `null` (`null < 5` is
 * true), so the import adds `isNull(field)` where JsonLogic holds on null; loose `==` reads
 * a string as the field's number only with a catalog; `"" in field` is true only for a
 * non-empty text. The export (react-querybuilder's JsonLogic rule processor) guards the
 * other way (`!=` becomes `field != null and field != v`). What cannot be honoured is
 * refused with its path.
 *
 * @example
 * ```ts
 * import { JsonLogic } from "@rapport/segments"
 * import { Either } from "effect"
 *
 * const expr = JsonLogic.toExpr({ "<": [{ var: "companyId.employees" }, 50] }, { collection: "contact" })
 * // JsonLogic compares a missing company's null as 0, and 0 < 50
 * console.log(Either.isRight(expr) && expr.right._tag) // "Or"
 * ```
 *
 * @since 0.1.0
 */
import { Query } from "@rapport/core"
import { defaultRuleProcessorJsonLogic, isRuleGroup, jsonLogicAdditionalOperators } from "@react-querybuilder/core"
import type { RuleType } from "@react-querybuilder/core"
import { parseJsonLogic } from "@react-querybuilder/core/parseJsonLogic"
import { Either } from "effect"
import type { Coercion, Context } from "./internal/rules.js"
import { attempt, checked, context, leafToRule, refuse, ruleToExpr } from "./internal/rules.js"
import type { ImportOptions, Path } from "./Rules.js"
import { SegmentExportError, SegmentImportError } from "./Rules.js"

/**
 * A JsonLogic rule (plain JSON).
 *
 * @since 0.1.0
 * @category models
 */
export type JsonLogic = boolean | { readonly [operator: string]: unknown }

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x)
const isVar = (x: unknown): x is { var: string } => isObject(x) && typeof x.var === "string"
/** A unary operator's argument, given bare or as a one-element list. */
const unary = (x: unknown): unknown => (Array.isArray(x) && x.length === 1 ? x[0] : x)

const COMPARISONS = new Set(["==", "===", "!=", "!==", "<", "<=", ">", ">=", "in", "startsWith", "endsWith"])
const FLIPPED: Readonly<Record<string, string>> = { "<": ">", "<=": ">=", ">": "<", ">=": "<=" }

/**
 * What a comparison gives when its field is null, as json-logic-js evaluates it (a missing
 * `var` is null too). JavaScript's own coercion is the point: `null < 5` is `0 < 5`.
 */
const onNull = (logic: unknown): boolean => {
  if (!isObject(logic)) return false
  const [op, raw] = Object.entries(logic)[0]!
  if (op === "!") return !onNull(unary(raw))
  const args = (Array.isArray(raw) ? raw : [raw]).map((a) => (isVar(a) ? null : a))
  // Typed as numbers only so TypeScript lets JavaScript's coercion happen.
  const [a, b, c] = args as [number, number, number]
  switch (op) {
    case "==":
      return a == b
    case "===":
      return a === b
    case "!=":
      return a != b
    case "!==":
      return a !== b
    case "<":
      return args.length === 3 ? a < b && b < c : a < b
    case "<=":
      return args.length === 3 ? a <= b && b <= c : a <= b
    case ">":
      return a > b
    case ">=":
      return a >= b
    case "in": {
      const list: unknown = b
      if (Array.isArray(list)) return list.includes(a)
      return typeof list === "string" && list !== "" && list.includes(String(a))
    }
    case "startsWith":
    case "endsWith":
      return jsonLogicAdditionalOperators[op](a as never, b as never)
    default:
      return false
  }
}

/** What a Query expression an import made gives on a null field (two-valued: only `isNull` holds). */
const rapportOnNull = (expr: Query.Expr): boolean => {
  switch (expr._tag) {
    case "IsNull":
      return true
    case "Not":
      return !rapportOnNull(expr.expr)
    case "And":
      return expr.exprs.every(rapportOnNull)
    case "Or":
      return expr.exprs.some(rapportOnNull)
    default:
      return false
  }
}

/** Text JavaScript and Rapport order alike: below U+D800 (UTF-16 units and code points agree there). */
const ORDER_SAFE = /^[\u0000-\ud7ff]*$/

const leafToExpr = (ctx: Context, logic: Record<string, unknown>, op: string, path: Path): Query.Expr => {
  const raw = logic[op]
  const args: ReadonlyArray<unknown> = Array.isArray(raw) ? raw : []
  const ternary = (op === "<" || op === "<=") && args.length === 3
  if (args.length !== 2 && !ternary) return refuse([...path, op], `expects ${op === "<" || op === "<=" ? "two or three" : "two"} arguments`)
  const vars = args.filter(isVar)
  const field = vars[0]?.var
  if (vars.length !== 1 || field === undefined) {
    return refuse([...path, op], vars.length === 0
      ? "compares no field ({\"var\": ...})"
      : "compares two fields: JsonLogic reads a null field as 0 or as equal to another null, a field comparison is false on null")
  }
  const literals = args.filter((a) => !isVar(a))
  const lit = literals.findIndex((a) => isObject(a) || (Array.isArray(a) && op !== "in"))
  if (lit >= 0) return refuse([...path, op, args.indexOf(literals[lit])], "expects a value (arithmetic and nested operations are not supported)")
  const ordering = op === "<" || op === "<=" || op === ">" || op === ">="
  for (const [i, a] of args.entries()) {
    if (ordering && typeof a === "string" && !ORDER_SAFE.test(a)) {
      return refuse([...path, op, i], "orders text beyond U+D7FF, where JavaScript (UTF-16 units) and Rapport (code points) disagree")
    }
    if (ordering && (typeof a === "boolean" || a === null)) return refuse([...path, op, i], "orders against a boolean or null")
  }
  if (op === "in" && !Array.isArray(args[1]) && isVar(args[0])) {
    return refuse([...path, op, 1], "asks whether a field is part of a text; Rapport asks whether a field contains one (put the text first)")
  }
  if ((op === "startsWith" || op === "endsWith") && !isVar(args[0])) return refuse([...path, op, 0], `${op} takes the field first`)
  if (ternary && !isVar(args[1])) return refuse([...path, op, 1], "a three-argument comparison takes the field in the middle")

  // react-querybuilder's parser reads the comparison (lists kept as arrays, their types intact).
  const parsed = parseJsonLogic(logic as never, { listsAsArrays: true })
  if (parsed.rules.length === 0) return refuse([...path, op], "is not a comparison of a field with values of one type")
  // The parser keeps `5 < field` as `field < 5`: turn such comparisons around.
  const reversed = !ternary && ordering && !isVar(args[0])
  const coercion: Coercion = op === "===" || op === "!==" || op === "in" ? "strict" : "loose"
  const rules = parsed.rules.map((r, i) => {
    if (isRuleGroup(r)) return refuse([...path, op], "is not a comparison")
    const rule: RuleType = reversed ? { ...r, operator: FLIPPED[r.operator] ?? r.operator } : r
    return ruleToExpr(ctx, rule, ternary && parsed.rules.length === 2 ? [...path, op, i * 2] : [...path, op], coercion)
  })
  let expr = rules.length === 1 ? rules[0]! : Query.and(...rules)
  // `"" in field` is false for an empty text in JsonLogic, Rapport's contains("") is true for it.
  if (expr._tag === "Text" && expr.op === "contains" && expr.value === "") expr = Query.neq(field, "")
  const jl = onNull(logic)
  if (jl !== rapportOnNull(expr)) expr = jl ? Query.or(Query.isNull(field), expr) : Query.and(Query.isNotNull(field), expr)
  return expr
}

/** `ast` is where the result sits in the Query AST, so a catalog check can name the input's path. */
const logicToExpr = (ctx: Context, logic: unknown, path: Path, ast: string): Query.Expr => {
  ctx.origins.set(ast, path)
  const sub = (key: string) => (ast === "" ? key : `${ast}.${key}`)
  if (logic === true) return Query.and()
  if (logic === false) return Query.or()
  if (!isObject(logic)) return refuse(path, `expects a JsonLogic rule, got ${JSON.stringify(logic) ?? typeof logic}`)
  const keys = Object.keys(logic)
  if (keys.length !== 1) return refuse(path, `expects one operator, got ${keys.length === 0 ? "none" : keys.join(", ")}`)
  const op = keys[0]!
  const arg = logic[op]
  switch (op) {
    case "and":
    case "or": {
      if (!Array.isArray(arg)) return refuse([...path, op], "expects a list")
      const exprs = arg.map((l, i) => logicToExpr(ctx, l, [...path, op, i], arg.length === 1 ? ast : sub(`exprs.${i}`)))
      // An empty `and` is falsy in JsonLogic (it returns its last value, of none), so both are `or()`.
      if (exprs.length === 0) return Query.or()
      return exprs.length === 1 ? exprs[0]! : op === "and" ? Query.and(...exprs) : Query.or(...exprs)
    }
    case "!":
      return Query.not(logicToExpr(ctx, unary(arg), Array.isArray(arg) ? [...path, op, 0] : [...path, op], sub("expr")))
    case "!!":
      return logicToExpr(ctx, unary(arg), Array.isArray(arg) ? [...path, op, 0] : [...path, op], ast)
  }
  if (!COMPARISONS.has(op)) return refuse([...path, op], `the operation "${op}" has no Rapport condition`)
  return leafToExpr(ctx, logic, op, path)
}

/**
 * JsonLogic as a Query expression with JsonLogic's meaning, or the problem with its path
 * (`["and", 1, "<", 1]`). Use `Segment.fromJsonLogic` for a segment.
 *
 * @since 0.1.0
 * @category import
 */
export const toExpr = (logic: unknown, options: ImportOptions): Either.Either<Query.Expr, SegmentImportError> =>
  attempt(() => {
    const ctx = context(options)
    return checked(ctx, logicToExpr(ctx, logic, [], ""), false)
  }, (issue) => new SegmentImportError({ issues: [issue] }))

/** Fields a rule reads, which a JsonLogic evaluator sees as null when they are. */
const fieldsOf = (rule: RuleType): ReadonlyArray<string> =>
  rule.valueSource === "field" ? [rule.field, String(rule.value)] : [rule.field]

const leafToLogic = (expr: Query.Expr, path: Path): JsonLogic => {
  // Rapport's contains("") holds for every text, also an empty one; JsonLogic's `in` not.
  const rule = expr._tag === "Text" && expr.op === "contains" && expr.value === "" && !expr.caseInsensitive
    ? { field: expr.field, operator: "notNull", value: null }
    : leafToRule(expr, path)
  if (Array.isArray(rule.value)) {
    // The processor trims list items (`toArray`): a padded value would change.
    const padded = (rule.value as Array<unknown>).findIndex((v) => typeof v === "string" && v.trim() !== v)
    if (padded >= 0) return refuse([...path, expr._tag === "Between" ? (padded === 0 ? "low" : "high") : "values", padded], "JsonLogic export trims list values")
  }
  const ordering = rule.operator === "<" || rule.operator === "<=" || rule.operator === ">" || rule.operator === ">=" || expr._tag === "Between"
  const values: Array<unknown> = Array.isArray(rule.value) ? rule.value : [rule.value]
  if (ordering && rule.valueSource !== "field" && values.some((v) => typeof v === "string" && !ORDER_SAFE.test(v))) {
    return refuse(path, "orders text beyond U+D7FF, where JavaScript (UTF-16 units) and Rapport (code points) disagree")
  }
  // No number parsing (text stays text) and bounds kept in their order (Rapport's between(5, 1) is empty).
  const logic = defaultRuleProcessorJsonLogic(rule, { parseNumbers: false, preserveValueOrder: true }) as JsonLogic | false
  if (logic === false) return refuse(path, "react-querybuilder's JsonLogic processor cannot express this condition")
  // Rapport's comparison is false on a null field; where JsonLogic's holds, require a value.
  const guard = rule.valueSource === "field" || (onNull(logic) && expr._tag !== "IsNull")
  return guard ? { and: [...fieldsOf(rule).map((f) => ({ "!=": [{ var: f }, null] })), logic] } : logic
}

const exprToLogic = (expr: Query.Expr, path: Path): JsonLogic => {
  switch (expr._tag) {
    case "And":
    case "Or":
      if (expr.exprs.length === 0) return expr._tag === "And"
      return { [expr._tag === "And" ? "and" : "or"]: expr.exprs.map((e, i) => exprToLogic(e, [...path, "exprs", i])) }
    case "Not":
      return { "!": exprToLogic(expr.expr, [...path, "expr"]) }
    default:
      return leafToLogic(expr, path)
  }
}

/**
 * A Query expression as JsonLogic meaning the same on the same records (nulls guarded), or
 * the first condition JsonLogic cannot express with its AST path. Use `Segment.toJsonLogic`
 * for a segment.
 *
 * @since 0.1.0
 * @category export
 */
export const fromExpr = (expr: Query.Expr): Either.Either<JsonLogic, SegmentExportError> =>
  attempt(() => exprToLogic(expr, []), (issue) => new SegmentExportError({ issues: [issue] }))
