/**
 * A segment: the records of one object (contacts, companies, deals, ...) that meet a
 * condition, built with typed field references and compiled to the core Query AST, so
 * every store runs it as one query.
 *
 * @example
 * ```ts
 * import { Objects, Segment } from "@rapport/segments"
 *
 * const vipAtRisk = Segment.of(Objects.contact)
 *   .where((c) => c.lifecycleStage.eq("customer"))
 *   .and((c) => c.orders.sum((o) => o.total.amountMinor, { where: (o) => o.total.currency.eq("EUR") }).gte(100_000))
 *   .and((c) => c.orders.notExists({ within: Segment.days(90) }))
 *   .and((c) => c.company.industry.isIn(["retail", "hospitality"]))
 * const query = vipAtRisk.find({ limit: 50 }) // a Query.Find on "contact"
 * ```
 *
 * @since 0.1.0
 */
import type { Catalog, Errors } from "@rapport/core"
import { Plan, Query, Store } from "@rapport/core"
import { Effect, Either } from "effect"
import * as Condition from "./Condition.js"
import * as JsonLogic from "./JsonLogic.js"
import * as ReactQueryBuilder from "./ReactQueryBuilder.js"
import type * as Rules from "./Rules.js"
import type { AnyObject, Fields } from "./SegmentObject.js"
import { fieldsOf } from "./SegmentObject.js"

export {
  /**
   * The last `amount` days up to now: `c.orders.count({ within: Segment.days(90) })`.
   *
   * @since 0.1.0
   * @category windows
   */
  days,
  /**
   * The last `amount` hours up to now.
   *
   * @since 0.1.0
   * @category windows
   */
  hours,
  /**
   * A calendar window in an IANA time zone: `Segment.inCalendar({ unit: "month", from: -1, to: -1, timeZone })`.
   *
   * @since 0.1.0
   * @category windows
   */
  inCalendar,
  /**
   * The last `amount` weeks up to now.
   *
   * @since 0.1.0
   * @category windows
   */
  weeks
} from "./SegmentObject.js"

/**
 * A segment of an object's records.
 *
 * @since 0.1.0
 * @category models
 */
export class Segment<O extends AnyObject = AnyObject> {
  constructor(
    /** The object whose records are members. */
    readonly object: O,
    /** The condition members meet; `null`: every record. */
    readonly condition: Condition.Condition | null
  ) {}

  /** The segment whose members meet `condition` (replacing any condition so far). */
  where(condition: (fields: Fields<O>) => Condition.Condition): Segment<O> {
    return new Segment(this.object, condition(fieldsOf(this.object)))
  }

  /** Members also meet `condition`. */
  and(condition: (fields: Fields<O>) => Condition.Condition): Segment<O> {
    const next = condition(fieldsOf(this.object))
    return new Segment(this.object, this.condition === null ? next : Condition.and(this.condition, next))
  }

  /** Members meet the condition so far or `condition`. */
  or(condition: (fields: Fields<O>) => Condition.Condition): Segment<O> {
    const next = condition(fieldsOf(this.object))
    return new Segment(this.object, this.condition === null ? next : Condition.or(this.condition, next))
  }

  /** The condition as the core Query AST (`and()` of nothing, every record, when there is none). */
  get expr(): Query.Expr {
    return this.condition?.expr ?? Query.and()
  }

  /** A find of the members, with an order and a page size. */
  find(options: { readonly orderBy?: ReadonlyArray<Query.Order>; readonly limit?: number } = {}): Query.Find {
    return Query.find(this.object.name, { where: this.expr, ...options })
  }

  /** An aggregate counting the members (`members` in its one row). */
  count(): Query.Aggregate {
    return Query.aggregate(this.object.name, { where: this.expr, measures: [{ _tag: "Count", as: "members" }] })
  }
}

/**
 * A segment of every record of `object`; narrow it with `where` and `and`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const of = <O extends AnyObject>(object: O): Segment<O> => new Segment(object, null)

/**
 * A segment of `object` with a condition given as Query AST (what a saved segment holds).
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromExpr = <O extends AnyObject>(object: O, expr: Query.Expr): Segment<O> =>
  new Segment(object, Condition.of(expr))

/**
 * Checks a segment against a workspace's catalog as a store would before running it
 * (every field, operator and value): what a UI calls before saving. The error names the
 * place in the condition (`where.exprs.1.field`).
 *
 * @example
 * ```ts
 * import { Catalog, Crm } from "@rapport/core"
 * import { Objects, Segment } from "@rapport/segments"
 * import { Either } from "effect"
 *
 * const catalog = Catalog.make({ collections: Crm.collections })
 * const saved = Segment.fromExpr(Objects.contact, { _tag: "Compare", field: "nickname", op: "eq", value: "Ada" })
 * const checked = Segment.check(catalog, "acme", saved)
 * console.log(Either.isLeft(checked) && checked.left.message) // query on contact: where: unknown field "nickname" on contact
 * ```
 *
 * @since 0.1.0
 * @category queries
 */
export const check = (catalog: Catalog.Service, workspaceId: string, segment: Segment): Either.Either<void, Errors.InvalidQuery> =>
  // Windows resolve against any time: what is checked does not depend on it.
  Either.map(Plan.find(catalog, workspaceId, segment.find(), 0), () => undefined)

/**
 * How many records of a workspace are members now.
 *
 * @since 0.1.0
 * @category queries
 */
export const count = (workspaceId: string, segment: Segment): Effect.Effect<number, Errors.InvalidQuery | Errors.StoreError, Store.Store> =>
  Effect.flatMap(Store.Store, (store) =>
    Effect.map(store.aggregate(workspaceId, segment.count()), (rows) => Number(rows[0]?.members ?? 0)))

/**
 * A page of members (by `id` unless ordered otherwise), with the cursor of the next page.
 *
 * @since 0.1.0
 * @category queries
 */
export const members = (
  workspaceId: string,
  segment: Segment,
  options: { readonly orderBy?: ReadonlyArray<Query.Order>; readonly limit?: number; readonly cursor?: string } = {}
): Effect.Effect<Store.Page, Errors.InvalidQuery | Errors.StoreError, Store.Store> =>
  Effect.flatMap(Store.Store, (store) => {
    const { cursor, ...find } = options
    return store.find(workspaceId, { ...segment.find(find), ...(cursor === undefined ? {} : { cursor }) })
  })

/**
 * What `fromReactQueryBuilder` and `fromJsonLogic` need: the segment's object and,
 * optionally, a catalog and workspace, to read string values as the field's kind and check
 * the result (`check`), naming the rule a store would refuse.
 *
 * @since 0.1.0
 * @category models
 */
export interface ImportOptions<O extends AnyObject> {
  readonly object: O
  readonly catalog?: Catalog.Service
  readonly workspaceId?: string
}

const importOptions = <O extends AnyObject>(options: ImportOptions<O>): Rules.ImportOptions => ({
  collection: options.object.name,
  ...(options.catalog === undefined ? {} : { catalog: options.catalog }),
  ...(options.workspaceId === undefined ? {} : { workspaceId: options.workspaceId })
})

/**
 * A segment from react-querybuilder's rule JSON, or a `SegmentImportError` naming the
 * rule's path (`rules.1.value`).
 *
 * @example
 * ```ts
 * import { Objects, Segment } from "@rapport/segments"
 * import { Either } from "effect"
 *
 * const rules = { combinator: "and", rules: [{ field: "lifecycleStage", operator: "=", value: "customer" }] }
 * const segment = Segment.fromReactQueryBuilder(rules, { object: Objects.contact })
 * console.log(Either.isRight(segment) && segment.right.expr) // { _tag: "Compare", field: "lifecycleStage", op: "eq", value: "customer" }
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromReactQueryBuilder = <O extends AnyObject>(
  rules: unknown,
  options: ImportOptions<O>
): Either.Either<Segment<O>, Rules.SegmentImportError> =>
  Either.map(ReactQueryBuilder.toExpr(rules, importOptions(options)), (expr) => fromExpr(options.object, expr))

/**
 * A segment as react-querybuilder's rule JSON, or a `SegmentExportError` naming the
 * condition rules cannot express (`exprs.1`: a related count, a window...).
 *
 * @since 0.1.0
 * @category conversions
 */
export const toReactQueryBuilder = (segment: Segment): Either.Either<Rules.RuleGroup, Rules.SegmentExportError> =>
  ReactQueryBuilder.fromExpr(segment.expr)

/**
 * A segment from JsonLogic, keeping JsonLogic's meaning (a null field compares as
 * JavaScript compares null), or a `SegmentImportError` naming the path (`and.1.<`).
 *
 * @example
 * ```ts
 * import { Objects, Segment } from "@rapport/segments"
 * import { Either } from "effect"
 *
 * const segment = Segment.fromJsonLogic({ in: [{ var: "lifecycleStage" }, ["lead", "customer"]] }, { object: Objects.contact })
 * console.log(Either.isRight(segment) && segment.right.expr._tag) // "In"
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromJsonLogic = <O extends AnyObject>(
  logic: unknown,
  options: ImportOptions<O>
): Either.Either<Segment<O>, Rules.SegmentImportError> =>
  Either.map(JsonLogic.toExpr(logic, importOptions(options)), (expr) => fromExpr(options.object, expr))

/**
 * A segment as JsonLogic meaning the same on the same records, or a `SegmentExportError`
 * naming the condition JsonLogic cannot express.
 *
 * @since 0.1.0
 * @category conversions
 */
export const toJsonLogic = (segment: Segment): Either.Either<JsonLogic.JsonLogic, Rules.SegmentExportError> =>
  JsonLogic.fromExpr(segment.expr)
