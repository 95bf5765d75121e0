/**
 * The Query compiler: a checked `Plan.FindPlan` / `Plan.AggregatePlan` to one SQL
 * statement and its parameters, for any `Dialect`. Pure: tested without a database.
 *
 * - Every value is a bound parameter; identifiers come only from the catalog spec
 *   (quoted), custom field names are inlined as SQL string literals only after
 *   checking they are plain identifiers (so expression indexes can serve them).
 * - Two-valued logic: in a positive position SQL's NULL already acts as false; `not`
 *   compiles to `(...) IS NOT TRUE`, which is true exactly where the inner condition
 *   is false or NULL, as the `Query` semantics require.
 * - `related` conditions are correlated subqueries on the foreign key's index (no N+1);
 *   when a record without related rows cannot pass (e.g. count ≥ n with n > 0, any
 *   avg/min/max test), `id IN (SELECT fk … GROUP BY fk HAVING …)`: one grouped scan.
 *   `exists` is `EXISTS (SELECT 1 …)` and its negation `NOT EXISTS`.
 * - `compare` arithmetic is in doubles (`Dialect.asDouble`), `x / NULLIF(y, 0)`, with
 *   float fields outside `Plan.inArithRange` read as NULL.
 * - Sorting is `NULLS LAST` in both directions, ties broken by `id` (the plan appends it);
 *   a find asks for `plan.fetch` (limit + 1) rows, so the store knows whether a next page exists.
 * - Sums of integers (money amounts) are exact however large, and so is their order
 *   (`Dialect.integerSum`: PostgreSQL's `sum(bigint)` is `numeric`; SQLite sums the
 *   high and the low 32 bits of each value apart, put together by `aggregateRow`).
 *
 * @since 0.1.0
 */
import type { Query } from "@rapport/core"
import { Collection, Plan } from "@rapport/core"
import type { Dialect, IntegerSum, ValueKind } from "./Dialect.js"
import { valueKind } from "./Dialect.js"
import type { Table } from "./Layout.js"
import { moneyColumn } from "./Layout.js"

type Expr = Query.Expr
/** A condition on one field. */
type FieldExpr = Extract<Expr, { readonly field: string }>

/**
 * A statement ready to run.
 *
 * @since 0.1.0
 * @category models
 */
export interface Compiled {
  readonly sql: string
  readonly params: ReadonlyArray<unknown>
}

/**
 * Thrown (and turned into a `StoreError` by the store) when a plan holds something the
 * compiler refuses to put into SQL, e.g. a custom field name that is not an identifier.
 *
 * @since 0.1.0
 * @category errors
 */
export class CompileError extends Error {}

/**
 * Where the compiler finds the tables of the collections a plan names.
 *
 * @since 0.1.0
 * @category models
 */
export type Tables = (collection: string) => Table

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/

class Builder {
  readonly params: Array<unknown> = []
  private aliases = 0
  /** How many `related` / `exists` conditions enclose the one being compiled. */
  private nesting = 0
  constructor(
    readonly dialect: Dialect,
    readonly tables: Tables,
    readonly related_: ReadonlyMap<string, Collection.Spec> = new Map(),
    /** The workspace of the whole statement, when known: lets `related` be uncorrelated. */
    readonly workspaceId?: string,
    readonly paths: Plan.Paths = new Map()
  ) {}

  param(value: unknown): string {
    this.params.push(value)
    return this.dialect.placeholder(this.params.length)
  }

  alias(): string {
    return `t${this.aliases++}`
  }

  literal = (text: string): string => {
    const name = text.startsWith("$.") ? text.slice(2) : text
    if (!IDENTIFIER.test(name)) throw new CompileError(`custom field name "${name}" is not an identifier`)
    return `'${text}'`
  }

  /** Aliases of list elements (`any`), with the expression of the element's document. */
  private readonly elementDocs = new Map<string, string>()

  /** The SQL expression of a field path on a table alias, and its value kind. */
  field(spec: Collection.Spec, alias: string, path: string): { readonly sql: string; readonly kind: ValueKind } {
    const doc = this.elementDocs.get(alias)
    if (doc !== undefined) return this.elementField(spec, doc, path)
    const across = Plan.pathAt(this.paths, spec.name, path)
    if (across !== undefined) return this.across(spec, alias, across)
    const q = this.dialect.quote
    const direct = Object.hasOwn(spec.fields, path) ? spec.fields[path] : undefined
    if (direct !== undefined) {
      if (direct.kind === "money") return { sql: `${alias}.${q(moneyColumn(path, "amountMinor"))}`, kind: "int" }
      return { sql: `${alias}.${q(path)}`, kind: valueKind(direct.kind) }
    }
    const dot = path.indexOf(".")
    const head = path.slice(0, dot)
    const rest = path.slice(dot + 1)
    const parent = dot > 0 && Object.hasOwn(spec.fields, head) ? spec.fields[head] : undefined
    if (parent?.kind === "money" && (rest === "amountMinor" || rest === "currency")) {
      return { sql: `${alias}.${q(moneyColumn(head, rest))}`, kind: rest === "amountMinor" ? "int" : "text" }
    }
    const property = parent?.kind === "json" ? Collection.propertyAt(spec, path) : undefined
    if (property !== undefined) {
      // A declared property of a JSON document (an event's `payload.to`): type-guarded, so
      // a document holding another type there reads NULL instead of failing a cast.
      if (!property.segments.every((s) => IDENTIFIER.test(s))) throw new CompileError(`property path "${rest}" is not identifiers`)
      const kind = valueKind(property.spec.kind)
      const doc = `${alias}.${q(head)}`
      const literal = (text: string) => `'${text}'`
      const sql = kind === "int"
        ? this.dialect.jsonInteger(doc, property.segments, literal)
        : this.dialect.jsonPath(doc, property.segments, kind, literal)
      return { sql, kind }
    }
    if (parent?.kind === "custom") {
      const f = Object.hasOwn(spec.custom, rest) ? spec.custom[rest] : undefined
      const part = f === undefined ? Collection.fieldAt(spec, path) : undefined
      if (part !== undefined) {
        // A custom money part (`custom.mrr.amountMinor`): type-guarded, as list elements are.
        const segments = rest.split(".")
        if (!segments.every((s) => IDENTIFIER.test(s))) throw new CompileError(`custom field path "${rest}" is not identifiers`)
        const kind = valueKind(part.kind)
        return { sql: this.dialect.jsonPath(`${alias}.${q(head)}`, segments, kind, (text) => `'${text}'`), kind }
      }
      if (f !== undefined) {
        const kind = valueKind(f.kind)
        return { sql: this.dialect.jsonField(`${alias}.${q(head)}`, rest, kind, this.literal), kind }
      }
    }
    // Plan refuses unknown paths before the compiler runs.
    throw new CompileError(`unknown field "${path}" on ${spec.name}`)
  }

  /**
   * A field of a list element (`Field.objects`): read from its JSON document, type-guarded.
   * Numbers read as doubles, so an integer where the list holds a fraction compares as it
   * does in memory instead of failing a cast.
   */
  elementField(spec: Collection.Spec, doc: string, path: string): { readonly sql: string; readonly kind: ValueKind } {
    const f = Collection.fieldAt(spec, path)
    const segments = path.split(".")
    if (f === undefined || !segments.every((s) => IDENTIFIER.test(s))) {
      throw new CompileError(`unknown element field "${path}" of ${spec.name}`)
    }
    const kind = valueKind(f.kind) === "int" ? "float" : valueKind(f.kind)
    return { sql: this.dialect.jsonPath(doc, segments, kind, (text) => `'${text}'`), kind }
  }

  /** `any`: some element of the list column is an object matching the condition. */
  any(spec: Collection.Spec, alias: string, expr: Extract<Expr, { _tag: "Any" }>): string {
    const element = this.related_.get(`${spec.name}.${expr.field}`)
    if (element === undefined) throw new CompileError(`"${expr.field}" of ${spec.name} is no list of objects in the plan`)
    const e = this.alias()
    const list = this.dialect.elements(`${alias}.${this.dialect.quote(expr.field)}`, e)
    this.elementDocs.set(e, list.value)
    return `EXISTS (SELECT 1 FROM ${list.from} WHERE ${list.isObject} AND ${this.expr(element, e, expr.where)})`
  }

  /**
   * A path across references: one correlated scalar subquery per hop, each a primary key
   * lookup on `(workspace_id, id)` in the outer row's workspace. A null or dangling
   * reference finds no row, so the path reads NULL.
   */
  across(spec: Collection.Spec, alias: string, path: Plan.Path): { readonly sql: string; readonly kind: ValueKind } {
    const q = this.dialect.quote
    const ws = `${alias}.${q("workspace_id")}`
    let key = this.field(spec, alias, path.hops[0]!.ref).sql
    let result: { readonly sql: string; readonly kind: ValueKind } = { sql: key, kind: "text" }
    path.hops.forEach((hop, i) => {
      const inner = this.alias()
      const next = path.hops[i + 1]
      const read = this.field(hop.target, inner, next === undefined ? path.field : next.ref)
      const sql = `(SELECT ${read.sql} FROM ${q(this.tables(hop.target.name).name)} ${inner} WHERE ${inner}.${
        q("workspace_id")
      } = ${ws} AND ${inner}.${q("id")} = ${key})`
      key = sql
      result = { sql, kind: read.kind }
    })
    return result
  }

  /** The reference and target field of a condition `semiJoin` compiles, if it is one. */
  onePath(spec: Collection.Spec, expr: Expr): { readonly hop: Plan.Hop; readonly expr: FieldExpr } | undefined {
    if (!NULL_FAILS.has(expr._tag) || !("field" in expr)) return undefined
    const path = Plan.pathAt(this.paths, spec.name, expr.field)
    return path === undefined || path.hops.length !== 1 ? undefined : { hop: path.hops[0]!, expr: { ...expr, field: path.field } }
  }

  /** An `and`'s conditions: those on one-hop paths through the same reference share one `semiJoin`. */
  conjuncts(spec: Collection.Spec, alias: string, exprs: ReadonlyArray<Expr>): Array<string> {
    const onTarget = new Map<string, Array<FieldExpr>>()
    for (const e of exprs) {
      const one = this.onePath(spec, e)
      if (one !== undefined) onTarget.set(one.hop.ref, [...(onTarget.get(one.hop.ref) ?? []), one.expr])
    }
    const done = new Set<string>()
    return exprs.flatMap((e) => {
      const one = this.onePath(spec, e)
      if (one === undefined) return [this.expr(spec, alias, e)]
      if (done.has(one.hop.ref)) return []
      done.add(one.hop.ref)
      return [this.semiJoin(spec, alias, one.hop, onTarget.get(one.hop.ref)!)]
    })
  }

  /**
   * Conditions on one-hop paths through one reference, each a condition a NULL value
   * fails (every field condition but `isNull`): `EXISTS (SELECT 1 FROM target WHERE
   * <primary key = ref> AND <the conditions on the target's fields>)`, one lookup a row
   * for all of them, which PostgreSQL plans as a semi-join (a join on the target, as
   * hand-written SQL would), where the scalar subqueries of `across` cost a lookup per
   * row and per condition. Same answer: a null, dangling or not matching reference finds
   * no row, where the path's values would have been NULL or failed a condition; under
   * `not`, `IS NOT TRUE` makes both true. (An uncorrelated `ref IN (SELECT id …)` plans
   * as well on PostgreSQL, but SQLite then reads every matching target first.)
   */
  semiJoin(spec: Collection.Spec, alias: string, hop: Plan.Hop, exprs: ReadonlyArray<FieldExpr>): string {
    const q = this.dialect.quote
    const key = this.field(spec, alias, hop.ref).sql
    const inner = this.alias()
    const conditions = exprs.map((e) => this.expr(hop.target, inner, e)).join(" AND ")
    return `EXISTS (SELECT 1 FROM ${q(this.tables(hop.target.name).name)} ${inner} WHERE ${inner}.${q("workspace_id")} = ${alias}.${
      q("workspace_id")
    } AND ${inner}.${q("id")} = ${key} AND ${conditions})`
  }

  value(value: Query.Scalar, kind: ValueKind): string {
    if (typeof value === "boolean") return this.param(this.dialect.bool(value))
    if (typeof value === "number") return this.dialect.numberParam(this.param(value), value, kind)
    return this.param(value)
  }

  expr(spec: Collection.Spec, alias: string, expr: Expr): string {
    const one = this.onePath(spec, expr)
    if (one !== undefined) return this.semiJoin(spec, alias, one.hop, [one.expr])
    switch (expr._tag) {
      case "Compare": {
        const f = this.field(spec, alias, expr.field)
        return `${f.sql} ${OPS[expr.op]} ${this.value(expr.value, f.kind)}`
      }
      case "Between": {
        const f = this.field(spec, alias, expr.field)
        return `${f.sql} BETWEEN ${this.value(expr.low, f.kind)} AND ${this.value(expr.high, f.kind)}`
      }
      case "In":
      case "NotIn": {
        const f = this.field(spec, alias, expr.field)
        if (expr.values.length === 0) return expr._tag === "In" ? "(1=0)" : `${f.sql} IS NOT NULL`
        const values = expr.values.map((v) => (typeof v === "boolean" ? this.dialect.bool(v) : v)) as Array<Query.Scalar>
        const listKind: ValueKind = f.kind === "int" && values.some((v) => !Number.isSafeInteger(v)) ? "float" : f.kind
        const param = this.param(this.dialect.listParam(values, listKind))
        const test = this.dialect.inList(f.sql, param, listKind)
        return expr._tag === "In" ? `(${test})` : `(${f.sql} IS NOT NULL AND NOT (${test}))`
      }
      case "IsNull": {
        const f = this.field(spec, alias, expr.field)
        return `${f.sql} IS NULL`
      }
      case "Text": {
        const f = this.field(spec, alias, expr.field)
        const subject = expr.caseInsensitive ? this.dialect.lower(f.sql) : f.sql
        const needle = expr.caseInsensitive ? expr.value.toLowerCase() : expr.value
        const bind = () => this.param(needle)
        switch (expr.op) {
          case "contains":
            return this.dialect.contains(subject, bind)
          case "startsWith":
            return this.dialect.startsWith(subject, bind)
          case "endsWith":
            return this.dialect.endsWith(subject, bind)
          case "equals":
            return `${subject} = ${bind()}`
        }
      }
      // falls through (unreachable: every op returns)
      case "Has": {
        const f = this.field(spec, alias, expr.field)
        return this.dialect.has(f.sql, this.param(expr.value))
      }
      case "HasAny": {
        if (expr.values.length === 0) return "(1=0)"
        const f = this.field(spec, alias, expr.field)
        return this.dialect.hasAny(f.sql, this.param(this.dialect.listParam(expr.values, "text")))
      }
      case "Within":
      case "OlderThan":
      case "Calendar":
        throw new CompileError(`a ${expr._tag} condition reached the compiler unresolved; run Plan first`)
      case "And":
        return expr.exprs.length === 0 ? "(1=1)" : `(${this.conjuncts(spec, alias, expr.exprs).join(" AND ")})`
      case "Or":
        return expr.exprs.length === 0 ? "(1=0)" : `(${expr.exprs.map((e) => this.expr(spec, alias, e)).join(" OR ")})`
      case "Not":
        // EXISTS is never NULL: its negation needs no IS NOT TRUE.
        if (expr.expr._tag === "Exists") return this.fence(`NOT ${this.exists(spec, alias, expr.expr)}`)
        return `((${this.expr(spec, alias, expr.expr)}) IS NOT TRUE)`
      case "Exists":
        return this.fence(this.exists(spec, alias, expr))
      case "CompareTerms": {
        // Kinds first: a literal binds as the other side's kind (pg casts numbers by it).
        const lk = this.termKind(spec, expr.left)
        const rk = this.termKind(spec, expr.right)
        const l = this.term(spec, alias, expr.left, rk)
        return `(${l} ${OPS[expr.op]} ${this.term(spec, alias, expr.right, lk)})`
      }
      case "Related":
        return this.related(spec, alias, expr)
      case "Any":
        return `(${this.any(spec, alias, expr)})`
    }
  }

  termKind(spec: Collection.Spec, term: Query.Term): ValueKind {
    switch (term._tag) {
      case "FieldRef":
        return this.field(spec, "t", term.field).kind
      case "Literal":
        return typeof term.value === "string" ? "text" : typeof term.value === "boolean" ? "bool" : "float"
      case "Arith":
        return "float"
    }
  }

  /** A `compare` operand; `other` is the kind of the side it is compared with. */
  term(spec: Collection.Spec, alias: string, term: Query.Term, other: ValueKind): string {
    switch (term._tag) {
      case "FieldRef":
        return this.field(spec, alias, term.field).sql
      case "Literal":
        return this.value(term.value, other)
      case "Arith": {
        const l = this.operand(spec, alias, term.left)
        const r = this.operand(spec, alias, term.right)
        switch (term.op) {
          case "add":
            return `(${l} + ${r})`
          case "subtract":
            return `(${l} - ${r})`
          case "multiply":
            return `(${l} * ${r})`
          case "divide":
            return `(${l} / NULLIF(${r}, 0))`
        }
      }
    }
  }

  /**
   * An arithmetic operand as a double. A float field outside `Plan.inArithRange` is NULL;
   * integers (safe, stored as 64-bit) always lie inside, literals were checked by the plan.
   */
  operand(spec: Collection.Spec, alias: string, term: Query.Term): string {
    if (term._tag === "Arith") return this.term(spec, alias, term, "float")
    if (term._tag === "Literal") return this.dialect.asDouble(this.value(term.value, "float"))
    const f = this.field(spec, alias, term.field)
    if (f.kind !== "float") return this.dialect.asDouble(f.sql)
    const x = f.sql
    return this.dialect.asDouble(
      `CASE WHEN abs(${x}) <= ${this.param(Plan.ARITH_MAX)} AND (abs(${x}) >= ${this.param(Plan.ARITH_MIN)} OR ${x} = 0) THEN ${x} END`
    )
  }

  /** `EXISTS (SELECT 1 …)` on the foreign key: the engine stops at the first related row. */
  exists(outer: Collection.Spec, alias: string, expr: Extract<Expr, { _tag: "Exists" }>): string {
    const q = this.dialect.quote
    const table = this.tables(expr.collection)
    const target = this.related_.get(expr.collection) ?? table.spec
    const inner = this.alias()
    // Each part is compiled in the order the text names it: parameters bind in that order
    // (SQLite's `?` are positional).
    const where = () => (expr.where === null ? "" : ` AND ${this.inside(() => this.expr(target, inner, expr.where!))}`)
    if (Plan.isSubjectKey(expr)) {
      const from = this.bySubject(outer.name, table.name, inner, alias)
      return `EXISTS (SELECT 1 ${from}${where()})`
    }
    const fk = this.field(target, inner, expr.foreignKey)
    const link = expr.via === undefined ? `${fk.sql} = ${alias}.${q("id")}` : this.via(alias, fk.sql, expr.via)
    const condition = where()
    return `EXISTS (SELECT 1 FROM ${q(table.name)} ${inner} WHERE ${inner}.${q("workspace_id")} = ${alias}.${
      q("workspace_id")
    } AND ${link}${condition})`
  }

  /**
   * The events naming the outer row (`alias`), for `related` and `exists` by subject: the
   * subject index (`rapport_event_subjects`, keyed by workspace, subject and position)
   * finds them, and the event rows (`inner`) join it by position.
   */
  bySubject(outer: string, events: string, inner: string, alias: string): string {
    const q = this.dialect.quote
    const s = this.alias()
    const subject = `${this.param(`${outer}:`)} || ${alias}.${q("id")}`
    return `FROM ${q(SUBJECTS_TABLE)} ${s} JOIN ${q(events)} ${inner} ON ${inner}.${q("workspace_id")} = ${s}.${
      q("workspace_id")
    } AND ${inner}.${q("position")} = ${s}.${q("position")} WHERE ${s}.${q("workspace_id")} = ${alias}.${
      q("workspace_id")
    } AND ${s}.${q("subject")} = (${subject})`
  }

  /**
   * The related rows' key (`key`, on the inner alias) is one the link rows of the outer
   * row (`alias`) reach: `IN`, so a related row counts once however many links reach it.
   */
  via(alias: string, key: string, via: Query.Via): string {
    const q = this.dialect.quote
    const table = this.tables(via.collection)
    const spec = this.related_.get(via.collection) ?? table.spec
    const l = this.alias()
    const from = this.field(spec, l, via.from).sql
    const to = this.field(spec, l, via.to).sql
    const where = via.where === null ? "" : ` AND ${this.inside(() => this.expr(spec, l, via.where!))}`
    return this.fence(`${key} IN (SELECT ${to} FROM ${q(table.name)} ${l} WHERE ${l}.${q("workspace_id")} = ${alias}.${
      q("workspace_id")
    } AND ${from} = ${alias}.${q("id")}${where})`)
  }

  /** Compiles the `where` of a `related` or `exists` (or of its link rows) one level deeper. */
  inside(f: () => string): string {
    this.nesting++
    try {
      return f()
    } finally {
      this.nesting--
    }
  }

  /**
   * A subquery condition (`EXISTS`, `NOT EXISTS`, `IN (SELECT …)`) inside another's
   * `where`, kept from being pulled up into a join: PostgreSQL would otherwise run the
   * related rows' own nested condition on every row of their table before the join
   * narrows them to this record's (without statistics that re-runs per outer row: time
   * exponential in the nesting). As a filter it is a subplan, which PostgreSQL orders
   * after the cheaper link condition, so each level reads only the rows linked to the
   * one above. Outermost, the condition stays a join (a hash semi-join on large tables).
   */
  fence(condition: string): string {
    return this.nesting === 0 ? `(${condition})` : `((${condition}) IS TRUE)`
  }

  related(outer: Collection.Spec, alias: string, expr: Extract<Expr, { _tag: "Related" }>): string {
    const q = this.dialect.quote
    const table = this.tables(expr.collection)
    // The plan's spec carries the workspace's custom fields; the table's does not.
    const target = this.related_.get(expr.collection) ?? table.spec
    const inner = this.alias()
    const measure = expr.measure._tag === "Count"
      ? "count(*)"
      : expr.measure._tag === "Sum"
      ? `coalesce(sum(${this.field(target, inner, expr.measure.field).sql}), 0)`
      : expr.measure._tag === "Avg"
      // In doubles, as the memory store averages (PostgreSQL's avg(bigint) is numeric).
      ? `avg(${this.dialect.asDouble(this.field(target, inner, expr.measure.field).sql)})`
      : `${expr.measure._tag === "Min" ? "min" : "max"}(${this.field(target, inner, expr.measure.field).sql})`
    if (Plan.isSubjectKey(expr)) {
      // Parameters in the order the text names them (SQLite's `?` are positional).
      const from = this.bySubject(outer.name, table.name, inner, alias)
      const where = expr.where === null ? "" : ` AND ${this.inside(() => this.expr(target, inner, expr.where!))}`
      const value = this.dialect.numberParam(this.param(expr.value), expr.value, "float")
      return `((SELECT ${measure} ${from}${where}) ${OPS[expr.op]} ${value})`
    }
    const fk = this.field(target, inner, expr.foreignKey)
    if (
      this.workspaceId !== undefined && expr.via === undefined && Object.hasOwn(target.fields, expr.foreignKey) &&
      !emptyMatches(expr)
    ) {
      // A record without related rows fails the test, so only the keys of the groups
      // passing it matter: one grouped scan instead of a subquery per outer row.
      // (`IN` and the correlated `=` compare the same text columns the same way.)
      const ws = `${inner}.${q("workspace_id")} = ${this.param(this.workspaceId)}`
      const where = expr.where === null ? "" : ` AND ${this.inside(() => this.expr(target, inner, expr.where!))}`
      const value = this.dialect.numberParam(this.param(expr.value), expr.value, "float")
      return `(${alias}.${q("id")} IN (SELECT ${fk.sql} FROM ${q(table.name)} ${inner} WHERE ${ws} AND ${fk.sql} IS NOT NULL${where} GROUP BY ${fk.sql} HAVING ${measure} ${
        OPS[expr.op]
      } ${value}))`
    }
    const ws = `${inner}.${q("workspace_id")} = ${alias}.${q("workspace_id")}`
    const link = expr.via === undefined ? `${fk.sql} = ${alias}.${q("id")}` : this.via(alias, fk.sql, expr.via)
    const where = expr.where === null ? "" : ` AND ${this.inside(() => this.expr(target, inner, expr.where!))}`
    const value = this.dialect.numberParam(this.param(expr.value), expr.value, "float")
    return `((SELECT ${measure} FROM ${q(table.name)} ${inner} WHERE ${ws} AND ${link}${where}) ${OPS[expr.op]} ${value})`
  }
}

/**
 * Whether a record with no related rows passes a `related` test: its measure is then 0
 * (`count`, `coalesce(sum, 0)`) or NULL (`avg`, `min`, `max`, which compares as false).
 */
const emptyMatches = (expr: Extract<Expr, { _tag: "Related" }>): boolean => {
  if (expr.measure._tag === "Avg" || expr.measure._tag === "Min" || expr.measure._tag === "Max") return false
  const v = expr.value
  switch (expr.op) {
    case "eq":
      return 0 === v
    case "neq":
      return 0 !== v
    case "lt":
      return 0 < v
    case "lte":
      return 0 <= v
    case "gt":
      return 0 > v
    case "gte":
      return 0 >= v
  }
}

/** The field conditions a NULL value fails (as compiled: `NotIn` tests `IS NOT NULL`). */
const NULL_FAILS: ReadonlySet<Expr["_tag"]> = new Set(["Compare", "Between", "In", "NotIn", "Text", "Has", "HasAny"])

/** The subject index of the event log (`@rapport/sql` migration 1): `(workspace_id, subject, position)`. */
const SUBJECTS_TABLE = "rapport_event_subjects"

const OPS: Readonly<Record<Query.CompareOp, string>> = { eq: "=", neq: "<>", lt: "<", lte: "<=", gt: ">", gte: ">=" }

const selectList = (dialect: Dialect, table: Table, alias: string): string =>
  table.columns.map((c) => `${alias}.${dialect.quote(c.name)}`).join(", ")

/**
 * The statement of a find plan: whole rows of the workspace matching `where`, in the
 * plan's order, at most `plan.fetch` (limit + 1) of them.
 *
 * @example
 * ```ts
 * import { Catalog, Crm, Plan } from "@rapport/core"
 * import { Compiler, Dialect, Layout } from "@rapport/sql"
 * import { Either } from "effect"
 *
 * const catalog = Catalog.make({ collections: Crm.collections })
 * const plan = Either.getOrThrow(Plan.find(catalog, "ws", { collection: "contact", limit: 10 }, Date.now()))
 * const { sql, params } = Compiler.find(Dialect.sqlite, (name) => Layout.make(catalog.collections.get(name)!), "ws", plan)
 * ```
 *
 * @since 0.1.0
 * @category compilers
 */
export const find = (dialect: Dialect, tables: Tables, workspaceId: string, plan: Plan.FindPlan): Compiled => {
  const b = new Builder(dialect, tables, plan.related, workspaceId, plan.paths)
  const table = tables(plan.spec.name)
  const alias = b.alias()
  const q = dialect.quote
  let sql = `SELECT ${selectList(dialect, table, alias)} FROM ${q(table.name)} ${alias} WHERE ${alias}.${q("workspace_id")} = ${
    b.param(workspaceId)
  }`
  if (plan.where !== null) sql += ` AND ${b.expr(plan.spec, alias, plan.where)}`
  sql += ` ORDER BY ${
    plan.orderBy.map((o) => `${b.field(plan.spec, alias, o.field).sql} ${o.direction === "asc" ? "ASC" : "DESC"}${dialect.nullsLast}`)
      .join(", ")
  }`
  if (plan.fetch !== null) sql += ` LIMIT ${b.param(plan.fetch)}`
  return { sql, params: b.params }
}

/**
 * The statement of an aggregate plan: the grouped select, wrapped so that `having` (with
 * the cursor's position) and the order read its output columns by alias. Groups are
 * referred to by position in `GROUP BY` (a bucket expression holds a parameter, which
 * PostgreSQL would not match between the select list and the group list); a measure's
 * `filter` is `FILTER (WHERE …)`; rows are sorted by the plan's total order, at most
 * `plan.fetch` of them.
 *
 * @since 0.1.0
 * @category compilers
 */
export const aggregate = (dialect: Dialect, tables: Tables, workspaceId: string, plan: Plan.AggregatePlan): Compiled => {
  const b = new Builder(dialect, tables, plan.related, workspaceId, plan.paths)
  const table = tables(plan.spec.name)
  const alias = b.alias()
  const q = dialect.quote
  // SQLite's `?` are positional: build the clauses in the order they appear.
  const select: Array<string> = []
  /** The exact integer sums, by alias: sorted and compared by their dialect's keys. */
  const sums = new Map<string, IntegerSum>()
  for (const g of plan.groupBy) {
    if (g._tag === "Term") {
      // Adding 0.0 turns -0 into 0, one group shown as 0 on every engine.
      select.push(`(${b.term(plan.spec, alias, g.term, "float")} + 0.0) AS ${q(g.as)}`)
      continue
    }
    const f = b.field(plan.spec, alias, g.field)
    select.push(
      `${
        g._tag === "Field"
          ? f.sql
          : g.of === "date"
          ? dialect.dateBucket(f.sql, g.unit, g.calendar)
          : dialect.bucket(f.sql, g.unit, b.param(g.timeZone), g.calendar)
      } AS ${q(g.as)}`
    )
  }
  for (const m of plan.measures) {
    const filter = () => (m.filter === undefined ? "" : ` FILTER (WHERE ${b.expr(plan.spec, alias, m.filter)})`)
    if (m._tag === "Count") {
      select.push(`count(*)${filter()} AS ${q(m.as)}`)
      continue
    }
    const value = "term" in m ? b.term(plan.spec, alias, m.term, "float") : b.field(plan.spec, alias, m.field).sql
    if (m._tag === "CountDistinct") {
      select.push(`count(DISTINCT ${value})${filter()} AS ${q(m.as)}`)
      continue
    }
    if (isIntegerSum(plan, m)) {
      const sum = dialect.integerSum(value, filter)
      select.push(`${sum.columns[0]} AS ${q(m.as)}`)
      if (sum.columns.length === 2) select.push(`${sum.columns[1]} AS ${q(lowAlias(m.as))}`)
      sums.set(m.as, sum)
      continue
    }
    if (m._tag === "Percentile") {
      const pct = dialect.percentile(() => dialect.asDouble(value), () => dialect.numberParam(b.param(m.p), m.p, "float"))
      select.push(`${pct}${filter()} AS ${q(m.as)}`)
      continue
    }
    const fn = m._tag === "Sum" ? `coalesce(sum(${value})${filter()}, 0)` : `${m._tag.toLowerCase()}(${value})${filter()}`
    select.push(`${fn} AS ${q(m.as)}`)
  }
  let inner = `SELECT ${select.join(", ")} FROM ${q(table.name)} ${alias} WHERE ${alias}.${q("workspace_id")} = ${
    b.param(workspaceId)
  }`
  if (plan.where !== null) inner += ` AND ${b.expr(plan.spec, alias, plan.where)}`
  if (plan.groupBy.length > 0) inner += ` GROUP BY ${plan.groupBy.map((_, i) => String(i + 1)).join(", ")}`
  const out = (as: string) => `r.${q(as)}`
  const columnsOf = (as: string) => [out(as), out(lowAlias(as))]
  let sql = `SELECT * FROM (${inner}) r`
  if (plan.having !== null) sql += ` WHERE ${having(b, plan, sums, columnsOf, plan.having)}`
  if (plan.orderBy.length > 0) {
    sql += ` ORDER BY ${
      plan.orderBy.flatMap((o) =>
        (sums.get(o.field)?.sortKeys(columnsOf(o.field)) ?? [out(o.field)]).map((e) =>
          `${e} ${o.direction === "asc" ? "ASC" : "DESC"}${dialect.nullsLast}`
        )
      ).join(", ")
    }`
  }
  if (plan.fetch !== null) sql += ` LIMIT ${b.param(plan.fetch)}`
  return { sql, params: b.params }
}

/** Integer outputs: their `having` and cursor values are exact `bigint`s (`Plan.HavingPlan`). */
const INTEGER_OUTPUTS: ReadonlySet<string> = new Set(["count", "integer", "timestamp"])

/**
 * A checked `having` over the output columns. An exact sum compares through its
 * dialect's keys, lexicographically (SQLite's split halves); other integers as exact integers.
 */
const having = (
  b: Builder,
  plan: Plan.AggregatePlan,
  sums: ReadonlyMap<string, IntegerSum>,
  columnsOf: (as: string) => ReadonlyArray<string>,
  condition: Plan.HavingPlan
): string => {
  const q = b.dialect.quote
  const bind = (value: unknown) => b.param(value)
  switch (condition._tag) {
    case "Compare": {
      const column = `r.${q(condition.alias)}`
      const kind = plan.outputKinds.get(condition.alias)!
      const value = condition.value
      const sum = sums.get(condition.alias)
      if (sum !== undefined && typeof value === "bigint") {
        return lexicographic(sum.sortKeys(columnsOf(condition.alias)), sum.keyOf(value), condition.op, bind)
      }
      const operand = typeof value === "bigint"
        ? b.dialect.exactInteger(value, bind)
        : typeof value === "boolean"
        ? bind(b.dialect.bool(value))
        : typeof value === "number"
        ? b.dialect.numberParam(bind(value), value, INTEGER_OUTPUTS.has(kind) ? "int" : "float")
        : bind(value)
      return `(${column} ${OPS[condition.op]} ${operand})`
    }
    case "IsNull":
      return `(r.${q(condition.alias)} IS NULL)`
    case "And":
      return condition.conditions.length === 0
        ? "(1=1)"
        : `(${condition.conditions.map((c) => having(b, plan, sums, columnsOf, c)).join(" AND ")})`
    case "Or":
      return condition.conditions.length === 0
        ? "(1=0)"
        : `(${condition.conditions.map((c) => having(b, plan, sums, columnsOf, c)).join(" OR ")})`
    case "Not":
      return `((${having(b, plan, sums, columnsOf, condition.condition)}) IS NOT TRUE)`
  }
}

/**
 * `keys op values` in lexicographic order; each value part binds its parameter where it
 * appears (a fresh one for every use: SQLite's `?` are positional).
 */
const lexicographic = (
  keys: ReadonlyArray<string>,
  values: ReadonlyArray<(bind: (value: unknown) => string) => string>,
  op: Query.CompareOp,
  bind: (value: unknown) => string
): string => {
  const equal = (i: number) => `${keys[i]} = ${values[i]!(bind)}`
  const prefix = (n: number) => Array.from({ length: n }, (_, i) => equal(i))
  if (op === "eq") return `(${prefix(keys.length).join(" AND ")})`
  if (op === "neq") return `(NOT (${prefix(keys.length).join(" AND ")}))`
  const strict = op === "lt" || op === "lte" ? "<" : ">"
  const alternatives = keys.map((key, i) => {
    const equalBefore = prefix(i)
    const last = i === keys.length - 1
    const test = `${key} ${last && (op === "lte" || op === "gte") ? `${strict}=` : strict} ${values[i]!(bind)}`
    return `(${[...equalBefore, test].join(" AND ")})`
  })
  return `(${alternatives.join(" OR ")})`
}

const TWO_32 = 2n ** 32n
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)

/** The column of the low half of a split sum (`Dialect.IntegerSum`; `:` cannot be in an alias). */
const lowAlias = (as: string): string => `${as}:low`

/** A `sum` of an integer field: exact, a number or a bigint (`Query.AggregateRow`). */
const isIntegerSum = (plan: Plan.AggregatePlan, m: Query.Measure): boolean =>
  m._tag === "Sum" && "field" in m && plan.outputKinds.get(m.as) === "integer"

/** An exact integer as `AggregateRow` holds one: a number while safe, else a bigint. */
const exactInteger = (n: bigint): number | bigint => (n >= -MAX_SAFE && n <= MAX_SAFE ? Number(n) : n)

/** An integer as a driver returns it: a number, a bigint or decimal text (PostgreSQL's numeric). */
const integerOf = (v: unknown): bigint | undefined => {
  if (typeof v === "bigint") return v
  if (typeof v === "number") return Number.isInteger(v) ? BigInt(v) : undefined
  if (typeof v === "string" && /^-?\d+$/.test(v)) return BigInt(v)
  return undefined
}

/**
 * Reads one row of an `aggregate` statement into its `AggregateRow`: booleans from
 * SQLite's 0/1, integer sums exactly (PostgreSQL's numeric text, SQLite's split sums)
 * as a number while safe and a `bigint` beyond, every other number as a number.
 *
 * @since 0.1.0
 * @category decoders
 */
export const aggregateRow = (plan: Plan.AggregatePlan) => {
  const kinds = [...plan.outputKinds]
  const sums = new Set(plan.measures.filter((m) => isIntegerSum(plan, m)).map((m) => m.as))
  return (raw: Readonly<Record<string, unknown>>): Query.AggregateRow => {
    const out: Record<string, Query.AggregateRow[string]> = {}
    for (const [alias, kind] of kinds) {
      const v = raw[alias]
      if (v === null || v === undefined) out[alias] = null
      else if (sums.has(alias)) {
        const split = Object.hasOwn(raw, lowAlias(alias))
        const high = integerOf(v)
        const low = split ? integerOf(raw[lowAlias(alias)]) : 0n
        out[alias] = high === undefined || low === undefined
          ? Number(v)
          : exactInteger(split ? high * TWO_32 + low : high)
      } else if (kind === "boolean") out[alias] = v === true || v === 1
      else if (kind === "string" || kind === "date") out[alias] = v as string
      else out[alias] = Number(v)
    }
    return out
  }
}

/**
 * Compiles a bare condition on a collection (for tests and tools).
 *
 * @since 0.1.0
 * @category compilers
 */
export const where = (dialect: Dialect, tables: Tables, spec: Collection.Spec, expr: Expr): Compiled => {
  const b = new Builder(dialect, tables)
  const sql = b.expr(spec, b.alias(), expr)
  return { sql, params: b.params }
}
