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
 * - `within` windows are inclusive and relative to the store's `Clock`; `olderThan` is
 *   strictly before. On `date` fields they count days from today's date in a zone (UTC
 *   unless given). Calendar windows (`calendar`, `thisPeriod`, `lastPeriods`,
 *   `nextPeriods`) are local calendar units in an IANA zone, resolved against the `Clock`
 *   into a range: see `CalendarWindow`.
 * - Sums skip nulls and are 0 when nothing is summed (a `related` sum over no records, an
 *   aggregate sum over no rows or only nulls); `avg`, `min`, `max` over nothing are null,
 *   and a `related` condition on a null measure is false. `countDistinct` skips nulls.
 * - A sum of integers (money amounts) is exact however large: a `bigint` once past
 *   `Number.MAX_SAFE_INTEGER` (see `AggregateRow`).
 * - A find's `nextCursor` is null exactly when no row follows the page.
 * - `compare` (field references and arithmetic, `CompareTerms`): a `null` operand makes the
 *   comparison false. Arithmetic is IEEE double precision on every engine: integers are
 *   converted first (exact up to 2^53, past that rounded alike everywhere, never an
 *   integer overflow), and division by zero is null. Each field or literal operand of
 *   arithmetic is 0 or has a magnitude from 2^-64 to 2^64 (about 5.4e-20 to 1.8e19): a
 *   field value outside makes the comparison false, a literal outside is refused. With at
 *   most 8 operands a side, no intermediate result can overflow or underflow, so no engine
 *   errs or rounds to infinity or zero where another answers.
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
 * - In `compare`: operands of different kinds (text, dates, booleans, numbers; booleans
 *   take `eq` and `neq` only), and a comparison naming no field. A money amount compares
 *   with, adds to and subtracts from literals, itself, or another money amount of the same
 *   currency, which an enclosing `and` must state (`eq` on both currencies with one value,
 *   or `compare(field("a.currency"), "eq", field("b.currency"))`); multiplied or divided
 *   by a plain number it stays an amount; an amount divided by one of the same currency is
 *   a plain ratio. A money amount with a plain numeric field (compared, added), money times
 *   money and a plain number over money are refused.
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
 * A calendar unit: of a calendar window (`Calendar`) or a time bucket (`Bucket`, which
 * also buckets by `hour`).
 *
 * @since 0.1.0
 * @category models
 */
export const CalendarUnit = Schema.Literal("day", "week", "month", "quarter", "year")

/**
 * @since 0.1.0
 * @category models
 */
export type CalendarUnit = typeof CalendarUnit.Type

/**
 * Where calendar weeks and fiscal years start: `weekStart` is the ISO weekday weeks
 * begin on (1 Monday, the default, to 7 Sunday); `fiscalYearStartMonth` the month
 * quarters and years begin with (1 January, the default, to 12). With
 * `fiscalYearStartMonth: 4` the year runs April to March and its first quarter is
 * April to June.
 *
 * @since 0.1.0
 * @category models
 */
export interface CalendarOptions {
  readonly weekStart?: number
  readonly fiscalYearStartMonth?: number
}

const CalendarOptionFields = {
  weekStart: Schema.optionalWith(Schema.Int.pipe(Schema.between(1, 7)), { exact: true }),
  fiscalYearStartMonth: Schema.optionalWith(Schema.Int.pipe(Schema.between(1, 12)), { exact: true })
}

/**
 * A calendar-aligned window, relative to the calendar `unit` holding now in `timeZone`:
 * from the start of the unit `from` units away to the end of the unit `to` units away,
 * both inclusive (0 is the current unit, -1 the one before). `from: -3, to: -1` in
 * months is the three whole calendar months before this one; `from: 0, to: 0` in days
 * is today.
 *
 * A timestamp is in the window from the first instant the zone's clock reads the
 * window's first day (local midnight, or the instant a DST gap skips it) up to, not
 * including, the first instant it reads the day after the window. A `date` is in it when
 * it lies between the window's first and last day.
 *
 * @since 0.1.0
 * @category models
 */
export interface CalendarWindow extends CalendarOptions {
  readonly unit: CalendarUnit
  readonly from: number
  readonly to: number
  readonly timeZone: string
}

const CalendarWindowFields = {
  unit: CalendarUnit,
  from: Schema.Int,
  to: Schema.Int,
  timeZone: Schema.String,
  ...CalendarOptionFields
}

/**
 * The measure of a `related` condition: how many related records, or the sum, average,
 * min or max of one of their fields (an average of no values is null, so the condition
 * is false; it is a double, like an aggregate's `avg`).
 *
 * @since 0.1.0
 * @category models
 */
export const RelatedMeasure = Schema.Union(
  Schema.TaggedStruct("Count", {}),
  Schema.TaggedStruct("Sum", { field: Schema.String }),
  Schema.TaggedStruct("Avg", { field: Schema.String }),
  Schema.TaggedStruct("Min", { field: Schema.String }),
  Schema.TaggedStruct("Max", { field: Schema.String })
)

/**
 * @since 0.1.0
 * @category models
 */
export type RelatedMeasure = typeof RelatedMeasure.Type

/**
 * An arithmetic operator of an `Arith` term.
 *
 * @since 0.1.0
 * @category models
 */
export const ArithOp = Schema.Literal("add", "subtract", "multiply", "divide")

/**
 * @since 0.1.0
 * @category models
 */
export type ArithOp = typeof ArithOp.Type

/**
 * One side of a `compare` condition: a field of the same record (`FieldRef`), a literal,
 * or arithmetic on them (`Arith`, in double precision, see the module doc).
 *
 * @since 0.1.0
 * @category models
 */
export type Term =
  | { readonly _tag: "FieldRef"; readonly field: string }
  | { readonly _tag: "Literal"; readonly value: Scalar }
  | { readonly _tag: "Arith"; readonly op: ArithOp; readonly left: Term; readonly right: Term }

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
    /** For a `date` field: the zone whose today the window counts from (default `UTC`). */
    readonly timeZone?: string
  }
  | {
    readonly _tag: "OlderThan"
    readonly field: string
    readonly amount: number
    readonly unit: DurationUnit
    /** As `Within.timeZone`. */
    readonly timeZone?: string
  }
  | ({ readonly _tag: "Calendar"; readonly field: string } & CalendarWindow)
  | { readonly _tag: "And"; readonly exprs: ReadonlyArray<Expr> }
  | { readonly _tag: "Or"; readonly exprs: ReadonlyArray<Expr> }
  | { readonly _tag: "Not"; readonly expr: Expr }
  | { readonly _tag: "CompareTerms"; readonly left: Term; readonly op: CompareOp; readonly right: Term }
  | {
    readonly _tag: "Exists"
    readonly collection: string
    readonly foreignKey: string
    readonly where: Expr | null
    readonly via?: Via
  }
  | {
    readonly _tag: "Related"
    readonly collection: string
    readonly foreignKey: string
    readonly where: Expr | null
    readonly measure: RelatedMeasure
    readonly op: CompareOp
    readonly value: number
    readonly via?: Via
  }
  | { readonly _tag: "Any"; readonly field: string; readonly where: Expr }

/**
 * How a `related` or `exists` condition reaches its records through link rows (an
 * association) instead of a foreign key pointing back: the rows of `collection` whose
 * `from` holds this record's id and that match `where` (a label) give, in `to`, the
 * keys the related records hold in their `foreignKey` (`id`, or a foreign key).
 * Each related record counts once, however many links reach it. A key to a record of
 * any collection (`Field.anyRef`, an association's `fromId`) only matches link rows
 * naming the collections on each side, which the planner adds.
 *
 * @since 0.1.0
 * @category models
 */
export interface Via {
  readonly collection: string
  readonly from: string
  readonly to: string
  readonly where: Expr | null
}

const Field = Schema.String.pipe(Schema.minLength(1))

/**
 * The schema of `Term`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Term: Schema.Schema<Term> = Schema.Union(
  Schema.TaggedStruct("FieldRef", { field: Field }),
  Schema.TaggedStruct("Literal", { value: Scalar }),
  Schema.TaggedStruct("Arith", {
    op: ArithOp,
    left: Schema.suspend(() => Term),
    right: Schema.suspend(() => Term)
  })
)

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
    unit: DurationUnit,
    timeZone: Schema.optionalWith(Schema.String, { exact: true })
  }),
  Schema.TaggedStruct("OlderThan", {
    field: Field,
    amount: Schema.Int.pipe(Schema.nonNegative()),
    unit: DurationUnit,
    timeZone: Schema.optionalWith(Schema.String, { exact: true })
  }),
  Schema.TaggedStruct("Calendar", { field: Field, ...CalendarWindowFields }),
  Schema.TaggedStruct("And", { exprs: Schema.Array(Schema.suspend(() => Expr)) }),
  Schema.TaggedStruct("Or", { exprs: Schema.Array(Schema.suspend(() => Expr)) }),
  Schema.TaggedStruct("Not", { expr: Schema.suspend(() => Expr) }),
  Schema.TaggedStruct("CompareTerms", { left: Term, op: CompareOp, right: Term }),
  Schema.TaggedStruct("Exists", {
    collection: Field,
    foreignKey: Field,
    where: Schema.NullOr(Schema.suspend(() => Expr)),
    via: Schema.optionalWith(Schema.suspend(() => Via), { exact: true })
  }),
  Schema.TaggedStruct("Related", {
    collection: Field,
    foreignKey: Field,
    where: Schema.NullOr(Schema.suspend(() => Expr)),
    measure: RelatedMeasure,
    op: CompareOp,
    value: Schema.Finite,
    via: Schema.optionalWith(Schema.suspend(() => Via), { exact: true })
  }),
  Schema.TaggedStruct("Any", { field: Field, where: Schema.suspend(() => Expr) })
)

/**
 * The schema of `Via`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Via: Schema.Schema<Via> = Schema.Struct({
  collection: Field,
  from: Field,
  to: Field,
  where: Schema.NullOr(Schema.suspend(() => Expr))
})

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
 * A calendar unit to bucket timestamps or dates by (`hour` for timestamps only).
 *
 * @since 0.1.0
 * @category models
 */
export const BucketUnit = Schema.Literal("hour", "day", "week", "month", "quarter", "year")

/**
 * @since 0.1.0
 * @category models
 */
export type BucketUnit = typeof BucketUnit.Type

/**
 * The range of buckets a bucket group key fills (gap filling): every bucket in it appears
 * in the answer, those no row falls in with the measures of no rows (0 for counts and
 * sums, null for the rest). Either units relative to the one holding now (`{ from: -11,
 * to: 0 }` is the last twelve months, this one included; timestamps only, counted in the
 * key's zone), or local dates (`{ from: "2026-01-01", to: "2026-03-31" }`: every bucket
 * from the one holding `from` to the one holding `to`). With other group keys, each
 * combination of their values that the answer holds gets every bucket. At most 10,000
 * buckets.
 *
 * @since 0.1.0
 * @category models
 */
export const BucketFill = Schema.Union(
  Schema.Struct({ from: Schema.Int, to: Schema.Int }),
  Schema.Struct({ from: Schema.String, to: Schema.String })
)

/**
 * @since 0.1.0
 * @category models
 */
export type BucketFill = typeof BucketFill.Type

/**
 * A group key: a field's value, or the calendar bucket a timestamp (in an IANA time zone)
 * or a `date` falls in. A bucket's value is the local date its bucket starts on
 * (`YYYY-MM-DD`); weeks start on `weekStart` (Monday unless set), quarters and years
 * with `fiscalYearStartMonth` (January unless set). An `hour` bucket of a timestamp is
 * named by its local start and the zone's offset then, `2026-10-25T02:00+02:00`, so the
 * two hours a DST change repeats stay apart. A `date` has no zone: its buckets take no
 * `timeZone`; a timestamp's need one.
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
  /** Arithmetic on the record's numeric fields (`Term`), a double; see "Aggregates for reports". */
  Schema.TaggedStruct("Term", { as: Field, term: Term }),
  Schema.TaggedStruct("Bucket", {
    as: Field,
    field: Field,
    unit: BucketUnit,
    timeZone: Schema.optionalWith(Schema.String, { exact: true }),
    ...CalendarOptionFields,
    fill: Schema.optionalWith(BucketFill, { exact: true })
  })
)

/**
 * @since 0.1.0
 * @category models
 */
export type GroupKey = typeof GroupKey.Type

const MeasureFilter = Schema.optional(Expr)
const Fraction = Schema.Number.pipe(Schema.between(0, 1))

/**
 * An aggregate measure. `sum` of no rows is 0; `avg`, `min`, `max` of no rows are null;
 * `countDistinct` counts the different non-null values of a field (0 of no rows).
 * A `sum`, `avg` or `percentile` of a money amount (`total.amountMinor`) needs the query to
 * group by its currency (`total.currency`) or to keep one currency in `where` (or in the
 * measure's own `filter`).
 *
 * `Percentile` is the continuous percentile `p` (0 to 1; `median` is 0.5) of a number or
 * integer field, a double, null over no values: with the n non-null values sorted
 * ascending as x[0] … x[n−1] and h = p·(n−1), it is x[⌊h⌋] + (x[⌈h⌉] − x[⌊h⌋])·(h − ⌊h⌋),
 * linear interpolation between the closest ranks (PostgreSQL's `percentile_cont`).
 *
 * `Sum`, `Avg`, `Min`, `Max` and `Percentile` take a `term` instead of a `field`: the
 * measure of arithmetic on each record's fields (`Query.multiply(Query.field("amount.amountMinor"),
 * Query.field("probability"))`), computed in doubles under the rules of `compare` (a null
 * or out-of-range operand, or a division by zero, makes the record's value null, which
 * the measure skips); its result is a double.
 *
 * Every measure may carry a `filter`: only the records matching it (besides the query's
 * `where`) are measured (SQL's `FILTER (WHERE …)`); a filtered `count` of no records is 0.
 *
 * @example
 * ```ts
 * import { Query } from "@rapport/core"
 * const revenueByCurrency = Query.aggregate("order", {
 *   groupBy: [{ _tag: "Field", as: "currency", field: "total.currency" }],
 *   measures: [{ _tag: "Sum", as: "revenue", field: "total.amountMinor" }]
 * })
 * // How many different customers ordered, per status
 * const buyers = Query.aggregate("order", {
 *   groupBy: [{ _tag: "Field", as: "status", field: "status" }],
 *   measures: [{ _tag: "CountDistinct", as: "buyers", field: "contactId" }]
 * })
 * // Median order value, and how many orders were refunded, per currency
 * const medians = Query.aggregate("order", {
 *   groupBy: [{ _tag: "Field", as: "currency", field: "total.currency" }],
 *   measures: [
 *     Query.median("median", "total.amountMinor"),
 *     { _tag: "Count", as: "refunded", filter: Query.eq("status", "refunded") }
 *   ]
 * })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export const Measure = Schema.Union(
  Schema.TaggedStruct("Count", { as: Field, filter: MeasureFilter }),
  Schema.TaggedStruct("CountDistinct", { as: Field, field: Field, filter: MeasureFilter }),
  Schema.TaggedStruct("Sum", { as: Field, field: Field, filter: MeasureFilter }),
  Schema.TaggedStruct("Avg", { as: Field, field: Field, filter: MeasureFilter }),
  Schema.TaggedStruct("Min", { as: Field, field: Field, filter: MeasureFilter }),
  Schema.TaggedStruct("Max", { as: Field, field: Field, filter: MeasureFilter }),
  Schema.TaggedStruct("Percentile", { as: Field, field: Field, p: Fraction, filter: MeasureFilter }),
  // The same measures of arithmetic on each record's fields instead of one field (doubles).
  Schema.TaggedStruct("Sum", { as: Field, term: Term, filter: MeasureFilter }),
  Schema.TaggedStruct("Avg", { as: Field, term: Term, filter: MeasureFilter }),
  Schema.TaggedStruct("Min", { as: Field, term: Term, filter: MeasureFilter }),
  Schema.TaggedStruct("Max", { as: Field, term: Term, filter: MeasureFilter }),
  Schema.TaggedStruct("Percentile", { as: Field, term: Term, p: Fraction, filter: MeasureFilter })
)

/**
 * @since 0.1.0
 * @category models
 */
export type Measure = typeof Measure.Type

/**
 * A condition on an aggregate's output rows (SQL's `HAVING`): aliases of its group keys
 * and measures compared with values of their kind (numbers for counts, sums, averages and
 * numeric keys; text for text and date keys; booleans, `eq`/`neq` only), combined with
 * and, or, not. Two-valued like `Expr`: a comparison on a null value is false.
 *
 * @since 0.1.0
 * @category models
 */
export type Having =
  | { readonly _tag: "Compare"; readonly alias: string; readonly op: CompareOp; readonly value: Scalar }
  | { readonly _tag: "IsNull"; readonly alias: string }
  | { readonly _tag: "And"; readonly conditions: ReadonlyArray<Having> }
  | { readonly _tag: "Or"; readonly conditions: ReadonlyArray<Having> }
  | { readonly _tag: "Not"; readonly condition: Having }

/**
 * The schema of `Having`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Having: Schema.Schema<Having> = Schema.Union(
  Schema.TaggedStruct("Compare", { alias: Field, op: CompareOp, value: Scalar }),
  Schema.TaggedStruct("IsNull", { alias: Field }),
  Schema.TaggedStruct("And", { conditions: Schema.Array(Schema.suspend(() => Having)) }),
  Schema.TaggedStruct("Or", { conditions: Schema.Array(Schema.suspend(() => Having)) }),
  Schema.TaggedStruct("Not", { condition: Schema.suspend(() => Having) })
)

/**
 * Aggregate records: filter, group, measure. Without `groupBy` the answer is exactly
 * one row. Rows come sorted by `orderBy` (aliases of keys or measures), then by every
 * group key ascending with nulls last. `having` keeps the rows that match it. `limit`
 * caps the rows; `cursor` is the `nextCursor` of the previous page (opaque, see
 * `Store.aggregatePage`).
 *
 * @since 0.1.0
 * @category models
 */
export const Aggregate = Schema.Struct({
  collection: Field,
  where: Schema.optional(Expr),
  groupBy: Schema.optional(Schema.Array(GroupKey)),
  measures: Schema.Array(Measure),
  having: Schema.optional(Having),
  orderBy: Schema.optional(Schema.Array(Order)),
  limit: Schema.optional(Schema.Int.pipe(Schema.between(1, 10_000))),
  cursor: Schema.optional(Schema.String)
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
 * A timestamp within the last `amount` units, up to now (inclusive). On a `date` field
 * (units `day` and `week`): a date from `amount` days or weeks before today up to today,
 * today being the date in `options.timeZone` (UTC unless set).
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
export const withinLast = (
  field: string,
  amount: number,
  unit: DurationUnit,
  options?: { readonly timeZone?: string }
): Expr => ({ _tag: "Within", field, direction: "past", amount, unit, ...zoneOption(options) })

/**
 * A timestamp from now up to `amount` units ahead (inclusive); on a `date` field, a date
 * from today up to `amount` days or weeks ahead.
 *
 * @since 0.1.0
 * @category constructors
 */
export const withinNext = (
  field: string,
  amount: number,
  unit: DurationUnit,
  options?: { readonly timeZone?: string }
): Expr => ({ _tag: "Within", field, direction: "future", amount, unit, ...zoneOption(options) })

const zoneOption = (options: { readonly timeZone?: string } | undefined) =>
  options?.timeZone === undefined ? {} : { timeZone: options.timeZone }

/**
 * Older than `amount` units: a timestamp before now minus `amount` units, or a `date`
 * before today minus `amount` days or weeks (today in `timeZone`, UTC unless set). Null
 * is never older.
 *
 * @example
 * ```ts
 * import { Query } from "@rapport/core"
 * // Not contacted for more than 30 days
 * const stale = Query.olderThan("lastContactedAt", 30, "day")
 * // A renewal date more than two weeks past, counting days in Berlin
 * const lapsed = Query.olderThan("custom.renewsOn", 2, "week", { timeZone: "Europe/Berlin" })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const olderThan = (
  field: string,
  amount: number,
  unit: DurationUnit,
  options?: { readonly timeZone?: string }
): Expr => ({ _tag: "OlderThan", field, amount, unit, ...zoneOption(options) })

/**
 * A calendar-aligned window on a timestamp or `date` field (see `CalendarWindow`): units
 * `from` to `to` relative to the one holding now in `timeZone`.
 *
 * @example
 * ```ts
 * import { Query } from "@rapport/core"
 * // The two whole weeks before this one, weeks starting on Sunday, in New York
 * const q = Query.calendar("closedAt", "week", { from: -2, to: -1, timeZone: "America/New_York", weekStart: 7 })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const calendar = (field: string, unit: CalendarUnit, window: Omit<CalendarWindow, "unit">): Expr => ({
  _tag: "Calendar",
  field,
  unit,
  ...window
})

/**
 * In the current calendar `unit` (today, this week, this fiscal quarter) in `timeZone`.
 *
 * @example
 * ```ts
 * import { Query } from "@rapport/core"
 * const closedThisQuarter = Query.thisPeriod("closedAt", "quarter", "Europe/Berlin", { fiscalYearStartMonth: 4 })
 * const dueToday = Query.thisPeriod("dueOn", "day", "America/Los_Angeles")
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const thisPeriod = (field: string, unit: CalendarUnit, timeZone: string, options: CalendarOptions = {}): Expr =>
  calendar(field, unit, { from: 0, to: 0, timeZone, ...options })

/**
 * In the `count` whole calendar units before the current one ("last month" is
 * `lastPeriods(field, 1, "month", zone)`; the current month is not included).
 *
 * @example
 * ```ts
 * import { Query } from "@rapport/core"
 * const lastThreeMonths = Query.lastPeriods("placedAt", 3, "month", "Europe/Berlin")
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const lastPeriods = (
  field: string,
  count: number,
  unit: CalendarUnit,
  timeZone: string,
  options: CalendarOptions = {}
): Expr => calendar(field, unit, { from: -count, to: -1, timeZone, ...options })

/**
 * In the `count` whole calendar units after the current one.
 *
 * @example
 * ```ts
 * import { Query } from "@rapport/core"
 * const renewsNextQuarter = Query.nextPeriods("custom.renewsOn", 1, "quarter", "UTC")
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const nextPeriods = (
  field: string,
  count: number,
  unit: CalendarUnit,
  timeZone: string,
  options: CalendarOptions = {}
): Expr => calendar(field, unit, { from: 1, to: count, timeZone, ...options })

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
 * A field of the record, as a `compare` operand.
 *
 * @since 0.1.0
 * @category constructors
 */
export const field = (path: string): Term => ({ _tag: "FieldRef", field: path })

/**
 * A literal `compare` operand (numbers may be given bare to `compare` and the arithmetic
 * constructors; text and booleans are literals only through this, never field names).
 *
 * @since 0.1.0
 * @category constructors
 */
export const literal = (value: Scalar): Term => ({ _tag: "Literal", value })

const termOf = (operand: Term | Scalar): Term => (typeof operand === "object" ? operand : literal(operand))

const arith = (op: ArithOp) => (left: Term | number, right: Term | number): Term => ({
  _tag: "Arith",
  op,
  left: termOf(left),
  right: termOf(right)
})

/**
 * `left + right`, in double precision.
 *
 * @since 0.1.0
 * @category constructors
 */
export const add = arith("add")

/**
 * `left − right`, in double precision.
 *
 * @since 0.1.0
 * @category constructors
 */
export const subtract = arith("subtract")

/**
 * `left × right`, in double precision.
 *
 * @since 0.1.0
 * @category constructors
 */
export const multiply = arith("multiply")

/**
 * `left ÷ right`, in double precision; null (so the comparison is false) when `right` is 0.
 *
 * @since 0.1.0
 * @category constructors
 */
export const divide = arith("divide")

/**
 * Compares two operands of the same record: fields, literals and arithmetic on them
 * (react-querybuilder's `valueSource: "field"`). A bare text or boolean is a literal.
 *
 * @example
 * ```ts
 * import { Query } from "@rapport/core"
 * // Ordered after the last contact
 * const stale = Query.compare(Query.field("lastOrderAt"), "lt", Query.field("lastContactedAt"))
 * // Weighted amount above 1000 minor units
 * const weighty = Query.compare(Query.multiply(Query.field("amount.amountMinor"), Query.field("probability")), "gt", 1000)
 * // Took longer than a week
 * const slow = Query.compare(Query.subtract(Query.field("closedAt"), Query.field("createdAt")), "gt", 7 * 86_400_000)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const compare = (left: Term | Scalar, op: CompareOp, right: Term | Scalar): Expr => ({
  _tag: "CompareTerms",
  left: termOf(left),
  op,
  right: termOf(right)
})

/**
 * A condition over the records of another collection that point at this one through
 * `foreignKey`: "at least 3 orders in the last 90 days" is
 * `related("order", "contactId", { where: withinLast("placedAt", 90, "day"), op: "gte", value: 3 })`.
 * On the event log (`EventCollection.name`) with the key `"subjects"`, it measures the
 * events naming the record: `related("domainEvent", "subjects", { where: eq("type",
 * "EmailOpened"), op: "gte", value: 3 })`.
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
    readonly via?: Via
  }
): Expr => ({
  _tag: "Related",
  collection,
  foreignKey,
  where: options.where ?? null,
  measure: options.measure ?? { _tag: "Count" },
  op: options.op,
  value: options.value,
  ...(options.via === undefined ? {} : { via: options.via })
})

/**
 * Link rows for `related` and `exists` (see `Via`): the rows of `collection` whose `from`
 * holds this record's id, matching `where`; their `to` is the key of the related records.
 *
 * @example
 * ```ts
 * import { Query } from "@rapport/core"
 * // From a company: its contacts in the buying committee as economic buyer
 * const buyers = Query.via("association", "toId", "fromId", Query.eq("label", "economic_buyer"))
 * const hasBuyer = Query.exists("contact", "id", undefined, buyers)
 * // From a contact: an order placed by a company it is linked to (an order's companyId holds the key)
 * const companyOrdered = Query.exists("order", "companyId", Query.eq("status", "placed"), Query.via("association", "fromId", "toId"))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const via = (collection: string, from: string, to: string, where?: Expr): Via => ({
  collection,
  from,
  to,
  where: where ?? null
})

/**
 * At least one record of `collection` (matching `where`) points at this one through
 * `foreignKey` (or, `through` link rows, holds in `foreignKey` a key they reach: `via`). Means the same as a `related` count ≥ 1; SQL stores run it as
 * `EXISTS (SELECT 1 …)`, which stops at the first match.
 *
 * @example
 * ```ts
 * import { Query } from "@rapport/core"
 * const withOpenTasks = Query.exists("task", "contactId", Query.isNull("doneAt"))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const exists = (collection: string, foreignKey: string, where?: Expr, through?: Via): Expr => ({
  _tag: "Exists",
  collection,
  foreignKey,
  where: where ?? null,
  ...(through === undefined ? {} : { via: through })
})

/**
 * No record of `collection` (matching `where`) points at this one: `not(exists(…))`,
 * which SQL stores run as `NOT EXISTS (SELECT 1 …)`.
 *
 * @example
 * ```ts
 * import { Query } from "@rapport/core"
 * const neverOrdered = Query.notExists("order", "contactId")
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const notExists = (collection: string, foreignKey: string, where?: Expr, through?: Via): Expr =>
  not(exists(collection, foreignKey, where, through))

/**
 * Some element of a list of objects (`Field.objects`, an order's `lineItems`) matches
 * `where`, whose fields are the element's (`sku`, `unitPrice.amountMinor`). An empty or
 * missing list has no element, so `any` is false and `not(any(…))` true. Element
 * numbers compare as doubles (integers are exact up to 2^53).
 *
 * @example
 * ```ts
 * import { Query } from "@rapport/core"
 * const teaOrders = Query.any("lineItems", Query.and(Query.eq("sku", "TEA-1"), Query.gte("quantity", 2)))
 * // Contacts with an order holding a line of TEA-1 (nested in exists)
 * const teaDrinkers = Query.exists("order", "contactId", Query.any("lineItems", Query.eq("sku", "TEA-1")))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const any = (field: string, where: Expr): Expr => ({ _tag: "Any", field, where })

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

/**
 * The continuous percentile `p` (0 to 1) of a number or integer field, or of a `term`
 * (see `Measure` for the interpolation).
 *
 * @example
 * ```ts
 * import { Query } from "@rapport/core"
 * // 90th percentile of resolution time, in milliseconds
 * const p90 = Query.percentile("p90", Query.subtract(Query.field("closedAt"), Query.field("createdAt")), 0.9)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const percentile = (as: string, of: string | Term, p: number): Measure =>
  typeof of === "string" ? { _tag: "Percentile", as, field: of, p } : { _tag: "Percentile", as, term: of, p }

/**
 * The median: `percentile(as, of, 0.5)`.
 *
 * @example
 * ```ts
 * import { Query } from "@rapport/core"
 * const median = Query.median("medianAmount", "amount.amountMinor")
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const median = (as: string, of: string | Term): Measure => percentile(as, of, 0.5)

/**
 * An output alias compared with a value (`Having`).
 *
 * @example
 * ```ts
 * import { Query } from "@rapport/core"
 * const busyOwners = Query.aggregate("deal", {
 *   groupBy: [{ _tag: "Field", as: "owner", field: "ownerId" }],
 *   measures: [{ _tag: "Count", as: "deals" }],
 *   having: Query.havingCompare("deals", "gte", 10)
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const havingCompare = (alias: string, op: CompareOp, value: Scalar): Having => ({ _tag: "Compare", alias, op, value })

/**
 * An output alias is null (an empty average, a null group key).
 *
 * @since 0.1.0
 * @category constructors
 */
export const havingNull = (alias: string): Having => ({ _tag: "IsNull", alias })

/**
 * Every condition holds; `havingAnd()` is true.
 *
 * @since 0.1.0
 * @category constructors
 */
export const havingAnd = (...conditions: ReadonlyArray<Having>): Having => ({ _tag: "And", conditions })

/**
 * Some condition holds; `havingOr()` is false.
 *
 * @since 0.1.0
 * @category constructors
 */
export const havingOr = (...conditions: ReadonlyArray<Having>): Having => ({ _tag: "Or", conditions })

/**
 * @since 0.1.0
 * @category constructors
 */
export const havingNot = (condition: Having): Having => ({ _tag: "Not", condition })
