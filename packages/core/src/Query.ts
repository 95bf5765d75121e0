/**
 * The Query AST: every read that filters, sorts, pages or aggregates is a value of
 * these types. Plain data, encodable with `Schema` (saved segments, reports, APIs);
 * the SQL stores compile it, the memory store interprets it, and the conformance
 * suite checks that they agree.
 *
 * Semantics every engine follows:
 * - Two-valued logic: a comparison on a `null` field is false (also `neq` and
 *   `notIn`); `not` negates that. Test for null with `isNull`.
 * - Text compares by Unicode code point; `caseInsensitive` lowercases both sides
 *   with Unicode's default (locale-free) lowercase mapping.
 * - Sorting puts nulls last in both directions, and breaks ties by `id` ascending,
 *   so keyset pagination is exact.
 * - `within` windows are inclusive and relative to the store's `Clock`.
 * - Sums skip nulls and are 0 when nothing is summed (a `related` sum over no records, an
 *   aggregate sum over no rows or only nulls); `avg`, `min`, `max` over nothing are null,
 *   and a `related` condition on a null measure is false.
 * - A sum of integers (money amounts) is exact however large: a `bigint` once past
 *   `Number.MAX_SAFE_INTEGER` (see `AggregateRow`).
 * - A find's `nextCursor` is null exactly when no row follows the page.
 *
 * Refused with `InvalidQuery` on every store, because engines would answer differently:
 * - Text values (in comparisons, lists, text operators, `has`, cursors) holding NUL
 *   (U+0000) or a lone surrogate (not well-formed Unicode).
 * - Time zones that are not a canonical region zone (`Area/Location`), `UTC` or a
 *   whole-hour `Etc/GMT±N`; aliases resolve to their zone (`US/Pacific` is
 *   `America/Los_Angeles`), see `TimeBucket.resolveTimeZone`.
 * - A `sum` or `avg` of a money amount (`total.amountMinor`) across currencies: group by
 *   `total.currency`, or keep one currency with `eq("total.currency", "EUR")` (or `isIn`
 *   with one value) in `where`, alone or inside `and`. A `related` sum of a money amount
 *   needs that in its own `where`.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * A value a condition compares against.
 *
 * @since 0.1.0
 * @category models
 */
export const Scalar = Schema.Union(Schema.String, Schema.Finite, Schema.Boolean)

/**
 * @since 0.1.0
 * @category models
 */
export type Scalar = typeof Scalar.Type

/**
 * @since 0.1.0
 * @category models
 */
export const CompareOp = Schema.Literal("eq", "neq", "lt", "lte", "gt", "gte")

/**
 * @since 0.1.0
 * @category models
 */
export type CompareOp = typeof CompareOp.Type

/**
 * @since 0.1.0
 * @category models
 */
export const TextOp = Schema.Literal("contains", "startsWith", "endsWith", "equals")

/**
 * @since 0.1.0
 * @category models
 */
export type TextOp = typeof TextOp.Type

/**
 * Fixed-length units for relative windows (a month is not a fixed length).
 *
 * @since 0.1.0
 * @category models
 */
export const DurationUnit = Schema.Literal("minute", "hour", "day", "week")

/**
 * @since 0.1.0
 * @category models
 */
export type DurationUnit = typeof DurationUnit.Type

/**
 * Milliseconds per duration unit.
 *
 * @since 0.1.0
 * @category constants
 */
export const unitMillis: Readonly<Record<DurationUnit, number>> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 604_800_000
}

/**
 * The measure of a `related` condition: how many related records, or the sum, min or
 * max of one of their fields.
 *
 * @since 0.1.0
 * @category models
 */
export const RelatedMeasure = Schema.Union(
  Schema.TaggedStruct("Count", {}),
  Schema.TaggedStruct("Sum", { field: Schema.String }),
  Schema.TaggedStruct("Min", { field: Schema.String }),
  Schema.TaggedStruct("Max", { field: Schema.String })
)

/**
 * @since 0.1.0
 * @category models
 */
export type RelatedMeasure = typeof RelatedMeasure.Type

/**
 * A boolean condition on a record.
 *
 * @since 0.1.0
 * @category models
 */
export type Expr =
  | { readonly _tag: "Compare"; readonly field: string; readonly op: CompareOp; readonly value: Scalar }
  | { readonly _tag: "Between"; readonly field: string; readonly low: Scalar; readonly high: Scalar }
  | { readonly _tag: "In"; readonly field: string; readonly values: ReadonlyArray<Scalar> }
  | { readonly _tag: "NotIn"; readonly field: string; readonly values: ReadonlyArray<Scalar> }
  | { readonly _tag: "IsNull"; readonly field: string }
  | {
    readonly _tag: "Text"
    readonly field: string
    readonly op: TextOp
    readonly value: string
    readonly caseInsensitive: boolean
  }
  | { readonly _tag: "Has"; readonly field: string; readonly value: string }
  | { readonly _tag: "HasAny"; readonly field: string; readonly values: ReadonlyArray<string> }
  | {
    readonly _tag: "Within"
    readonly field: string
    readonly direction: "past" | "future"
    readonly amount: number
    readonly unit: DurationUnit
  }
  | { readonly _tag: "And"; readonly exprs: ReadonlyArray<Expr> }
  | { readonly _tag: "Or"; readonly exprs: ReadonlyArray<Expr> }
  | { readonly _tag: "Not"; readonly expr: Expr }
  | {
    readonly _tag: "Related"
    readonly collection: string
    readonly foreignKey: string
    readonly where: Expr | null
    readonly measure: RelatedMeasure
    readonly op: CompareOp
    readonly value: number
  }

const Field = Schema.String.pipe(Schema.minLength(1))

/**
 * The schema of `Expr`, for decoding conditions from JSON.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Expr: Schema.Schema<Expr> = Schema.Union(
  Schema.TaggedStruct("Compare", { field: Field, op: CompareOp, value: Scalar }),
  Schema.TaggedStruct("Between", { field: Field, low: Scalar, high: Scalar }),
  Schema.TaggedStruct("In", { field: Field, values: Schema.Array(Scalar) }),
  Schema.TaggedStruct("NotIn", { field: Field, values: Schema.Array(Scalar) }),
  Schema.TaggedStruct("IsNull", { field: Field }),
  Schema.TaggedStruct("Text", { field: Field, op: TextOp, value: Schema.String, caseInsensitive: Schema.Boolean }),
  Schema.TaggedStruct("Has", { field: Field, value: Schema.String }),
  Schema.TaggedStruct("HasAny", { field: Field, values: Schema.Array(Schema.String) }),
  Schema.TaggedStruct("Within", {
    field: Field,
    direction: Schema.Literal("past", "future"),
    amount: Schema.Int.pipe(Schema.nonNegative()),
    unit: DurationUnit
  }),
  Schema.TaggedStruct("And", { exprs: Schema.Array(Schema.suspend(() => Expr)) }),
  Schema.TaggedStruct("Or", { exprs: Schema.Array(Schema.suspend(() => Expr)) }),
  Schema.TaggedStruct("Not", { expr: Schema.suspend(() => Expr) }),
  Schema.TaggedStruct("Related", {
    collection: Field,
    foreignKey: Field,
    where: Schema.NullOr(Schema.suspend(() => Expr)),
    measure: RelatedMeasure,
    op: CompareOp,
    value: Schema.Finite
  })
)

/**
 * One sort key.
 *
 * @since 0.1.0
 * @category models
 */
export const Order = Schema.Struct({ field: Field, direction: Schema.Literal("asc", "desc") })

/**
 * @since 0.1.0
 * @category models
 */
export type Order = typeof Order.Type

/**
 * Find records: filter, sort, keyset-paginate.
 *
 * `limit` caps the page; `cursor` is the `nextCursor` of the previous page (opaque).
 *
 * @since 0.1.0
 * @category models
 */
export const Find = Schema.Struct({
  collection: Field,
  where: Schema.optional(Expr),
  orderBy: Schema.optional(Schema.Array(Order)),
  limit: Schema.optional(Schema.Int.pipe(Schema.between(1, 10_000))),
  cursor: Schema.optional(Schema.String)
})

/**
 * @since 0.1.0
 * @category models
 */
export type Find = typeof Find.Type

/**
 * A calendar unit to bucket timestamps by, in a time zone.
 *
 * @since 0.1.0
 * @category models
 */
export const BucketUnit = Schema.Literal("day", "week", "month", "year")

/**
 * @since 0.1.0
 * @category models
 */
export type BucketUnit = typeof BucketUnit.Type

/**
 * A group key: a field's value, or the calendar bucket a timestamp falls in, in an IANA
 * time zone. A bucket's value is the local date its bucket starts on (`YYYY-MM-DD`;
 * weeks start on Monday).
 *
 * `timeZone` is a region zone (`Europe/Berlin`), `UTC` or a whole-hour `Etc/GMT±N`
 * (POSIX sign: `Etc/GMT+5` is UTC−5). Aliases and other spellings resolve to their zone
 * (`US/Pacific`, `Asia/Calcutta`, `europe/berlin`); abbreviations and rule names (`CET`,
 * `EST5EDT`, `GMT`) are refused with `InvalidQuery` suggesting the zone to use.
 *
 * @since 0.1.0
 * @category models
 */
export const GroupKey = Schema.Union(
  Schema.TaggedStruct("Field", { as: Field, field: Field }),
  Schema.TaggedStruct("Bucket", { as: Field, field: Field, unit: BucketUnit, timeZone: Schema.String })
)

/**
 * @since 0.1.0
 * @category models
 */
export type GroupKey = typeof GroupKey.Type

/**
 * An aggregate measure. `sum` of no rows is 0; `avg`, `min`, `max` of no rows are null.
 * A `sum` or `avg` of a money amount (`total.amountMinor`) needs the query to group by
 * its currency (`total.currency`) or to keep one currency in `where`.
 *
 * @example
 * ```ts
 * import { Query } from "@rapport/core"
 * const revenueByCurrency = Query.aggregate("order", {
 *   groupBy: [{ _tag: "Field", as: "currency", field: "total.currency" }],
 *   measures: [{ _tag: "Sum", as: "revenue", field: "total.amountMinor" }]
 * })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export const Measure = Schema.Union(
  Schema.TaggedStruct("Count", { as: Field }),
  Schema.TaggedStruct("Sum", { as: Field, field: Field }),
  Schema.TaggedStruct("Avg", { as: Field, field: Field }),
  Schema.TaggedStruct("Min", { as: Field, field: Field }),
  Schema.TaggedStruct("Max", { as: Field, field: Field })
)

/**
 * @since 0.1.0
 * @category models
 */
export type Measure = typeof Measure.Type

/**
 * Aggregate records: filter, group, measure. Without `groupBy` the answer is exactly
 * one row. Rows come sorted by `orderBy` (aliases of keys or measures), then by every
 * group key ascending with nulls last.
 *
 * @since 0.1.0
 * @category models
 */
export const Aggregate = Schema.Struct({
  collection: Field,
  where: Schema.optional(Expr),
  groupBy: Schema.optional(Schema.Array(GroupKey)),
  measures: Schema.Array(Measure),
  orderBy: Schema.optional(Schema.Array(Order)),
  limit: Schema.optional(Schema.Int.pipe(Schema.between(1, 10_000)))
})

/**
 * @since 0.1.0
 * @category models
 */
export type Aggregate = typeof Aggregate.Type

/**
 * One row of an aggregate's answer, keyed by the aliases (`as`).
 *
 * A `sum` of an integer field (a money amount such as `total.amountMinor`, an
 * `integer` field) is exact on every store: a `number` while it is a safe integer,
 * a `bigint` beyond (`Number.MAX_SAFE_INTEGER`, about 9.007e15 minor units), never a
 * rounded double. Check `typeof` before doing arithmetic, or pass it to `BigInt()`.
 * A `sum` of a `number` field is a double. An `avg` is always a double: the exact sum
 * divided by the count, rounded (to 1e-15 relative).
 *
 * @example
 * ```ts
 * import type { Query } from "@rapport/core"
 * const revenue = (row: Query.AggregateRow): bigint => {
 *   const v = row.revenue
 *   return typeof v === "bigint" ? v : BigInt(typeof v === "number" ? v : 0)
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type AggregateRow = Readonly<Record<string, Scalar | bigint | null>>

// ---------------------------------------------------------------------------
// constructors
// ---------------------------------------------------------------------------

/**
 * @example
 * ```ts
 * import { Query } from "@rapport/core"
 * const customers = Query.eq("lifecycleStage", "customer")
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const eq = (field: string, value: Scalar): Expr => ({ _tag: "Compare", field, op: "eq", value })

/**
 * @since 0.1.0
 * @category constructors
 */
export const neq = (field: string, value: Scalar): Expr => ({ _tag: "Compare", field, op: "neq", value })

/**
 * @since 0.1.0
 * @category constructors
 */
export const lt = (field: string, value: Scalar): Expr => ({ _tag: "Compare", field, op: "lt", value })

/**
 * @since 0.1.0
 * @category constructors
 */
export const lte = (field: string, value: Scalar): Expr => ({ _tag: "Compare", field, op: "lte", value })

/**
 * @since 0.1.0
 * @category constructors
 */
export const gt = (field: string, value: Scalar): Expr => ({ _tag: "Compare", field, op: "gt", value })

/**
 * @since 0.1.0
 * @category constructors
 */
export const gte = (field: string, value: Scalar): Expr => ({ _tag: "Compare", field, op: "gte", value })

/**
 * Inclusive at both ends.
 *
 * @since 0.1.0
 * @category constructors
 */
export const between = (field: string, low: Scalar, high: Scalar): Expr => ({ _tag: "Between", field, low, high })

/**
 * `in` with an empty list matches nothing.
 *
 * @since 0.1.0
 * @category constructors
 */
export const isIn = (field: string, values: ReadonlyArray<Scalar>): Expr => ({ _tag: "In", field, values })

/**
 * `notIn` with an empty list matches every non-null value.
 *
 * @since 0.1.0
 * @category constructors
 */
export const notIn = (field: string, values: ReadonlyArray<Scalar>): Expr => ({ _tag: "NotIn", field, values })

/**
 * @since 0.1.0
 * @category constructors
 */
export const isNull = (field: string): Expr => ({ _tag: "IsNull", field })

/**
 * @since 0.1.0
 * @category constructors
 */
export const isNotNull = (field: string): Expr => not(isNull(field))

/**
 * @since 0.1.0
 * @category constructors
 */
export const contains = (field: string, value: string, options?: { readonly caseInsensitive?: boolean }): Expr => ({
  _tag: "Text",
  field,
  op: "contains",
  value,
  caseInsensitive: options?.caseInsensitive ?? false
})

/**
 * @since 0.1.0
 * @category constructors
 */
export const startsWith = (field: string, value: string, options?: { readonly caseInsensitive?: boolean }): Expr => ({
  _tag: "Text",
  field,
  op: "startsWith",
  value,
  caseInsensitive: options?.caseInsensitive ?? false
})

/**
 * @since 0.1.0
 * @category constructors
 */
export const endsWith = (field: string, value: string, options?: { readonly caseInsensitive?: boolean }): Expr => ({
  _tag: "Text",
  field,
  op: "endsWith",
  value,
  caseInsensitive: options?.caseInsensitive ?? false
})

/**
 * Text equality, optionally ignoring case (`equalsText("email", "ADA@x.org", { caseInsensitive: true })`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const equalsText = (field: string, value: string, options?: { readonly caseInsensitive?: boolean }): Expr => ({
  _tag: "Text",
  field,
  op: "equals",
  value,
  caseInsensitive: options?.caseInsensitive ?? false
})

/**
 * A `strings` field (tags, emails) holds this value.
 *
 * @since 0.1.0
 * @category constructors
 */
export const has = (field: string, value: string): Expr => ({ _tag: "Has", field, value })

/**
 * A `strings` field holds at least one of these values.
 *
 * @since 0.1.0
 * @category constructors
 */
export const hasAny = (field: string, values: ReadonlyArray<string>): Expr => ({ _tag: "HasAny", field, values })

/**
 * A timestamp within the last `amount` units, up to now (inclusive).
 *
 * @example
 * ```ts
 * import { Query } from "@rapport/core"
 * const recent = Query.withinLast("placedAt", 90, "day")
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const withinLast = (field: string, amount: number, unit: DurationUnit): Expr => ({
  _tag: "Within",
  field,
  direction: "past",
  amount,
  unit
})

/**
 * A timestamp from now up to `amount` units ahead (inclusive).
 *
 * @since 0.1.0
 * @category constructors
 */
export const withinNext = (field: string, amount: number, unit: DurationUnit): Expr => ({
  _tag: "Within",
  field,
  direction: "future",
  amount,
  unit
})

/**
 * All conditions hold; `and()` is true.
 *
 * @since 0.1.0
 * @category constructors
 */
export const and = (...exprs: ReadonlyArray<Expr>): Expr => ({ _tag: "And", exprs })

/**
 * Any condition holds; `or()` is false.
 *
 * @since 0.1.0
 * @category constructors
 */
export const or = (...exprs: ReadonlyArray<Expr>): Expr => ({ _tag: "Or", exprs })

/**
 * @since 0.1.0
 * @category constructors
 */
export const not = (expr: Expr): Expr => ({ _tag: "Not", expr })

/**
 * A condition over the records of another collection that point at this one through
 * `foreignKey`: "at least 3 orders in the last 90 days" is
 * `related("order", "contactId", { where: withinLast("placedAt", 90, "day"), op: "gte", value: 3 })`.
 *
 * @example
 * ```ts
 * import { Query } from "@rapport/core"
 * const repeatBuyers = Query.related("order", "contactId", {
 *   where: Query.withinLast("placedAt", 90, "day"),
 *   op: "gte",
 *   value: 3
 * })
 * // Money adds up within one currency: the related where keeps one.
 * const bigSpenders = Query.related("order", "contactId", {
 *   where: Query.eq("total.currency", "EUR"),
 *   measure: { _tag: "Sum", field: "total.amountMinor" },
 *   op: "gte",
 *   value: 100_000
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const related = (
  collection: string,
  foreignKey: string,
  options: {
    readonly where?: Expr
    readonly measure?: RelatedMeasure
    readonly op: CompareOp
    readonly value: number
  }
): Expr => ({
  _tag: "Related",
  collection,
  foreignKey,
  where: options.where ?? null,
  measure: options.measure ?? { _tag: "Count" },
  op: options.op,
  value: options.value
})

/**
 * At least one related record (matching `where`) exists.
 *
 * @since 0.1.0
 * @category constructors
 */
export const exists = (collection: string, foreignKey: string, where?: Expr): Expr =>
  related(collection, foreignKey, { ...(where === undefined ? {} : { where }), op: "gte", value: 1 })

/**
 * A find query.
 *
 * @example
 * ```ts
 * import { Query } from "@rapport/core"
 * const q = Query.find("contact", {
 *   where: Query.eq("lifecycleStage", "customer"),
 *   orderBy: [{ field: "lastName", direction: "asc" }],
 *   limit: 50
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const find = (collection: string, options: Omit<Find, "collection"> = {}): Find => ({ collection, ...options })

/**
 * An aggregate query.
 *
 * @example
 * ```ts
 * import { Query } from "@rapport/core"
 * const byStage = Query.aggregate("contact", {
 *   groupBy: [{ _tag: "Field", as: "stage", field: "lifecycleStage" }],
 *   measures: [{ _tag: "Count", as: "contacts" }]
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const aggregate = (collection: string, options: Omit<Aggregate, "collection">): Aggregate => ({
  collection,
  ...options
})
