/**
 * Typed references to the fields of a segment's object: `c.lifecycleStage`,
 * `c.total.amountMinor`, `c.company.industry`. Each kind of field offers the operators
 * that fit it, typed by the model: `eq` on a lifecycle stage takes only the stages,
 * `withinLast` exists on timestamps only, and a field compares with another field of the
 * same kind (`c.lastOrderAt.before(c.lastContactedAt)`). Each operator gives a
 * `Condition`, which is core Query AST.
 *
 * @since 0.1.0
 */
import type { Brand } from "effect"
import type { Field, Money, Timestamp } from "@rapport/core"
import { Query } from "@rapport/core"
import { Condition } from "./Condition.js"

/** Text options: `caseInsensitive` lowercases both sides (Unicode's default mapping). */
type TextOptions = { readonly caseInsensitive?: boolean }

/** A `YYYY-MM-DD` calendar date. */
type IsoDate = `${number}-${number}-${number}`

/**
 * The null checks of a field that can be null (a nullable field, a custom field, a path
 * across a reference).
 *
 * @since 0.1.0
 * @category models
 */
export interface NullChecks {
  isNull(): Condition
  isNotNull(): Condition
}

/**
 * What every field reference has: its path in the query.
 *
 * @since 0.1.0
 * @category models
 */
export interface Path<K extends string> {
  readonly path: string
  /** The field's kind, for the type checker (a reference compares with one of its kind). */
  readonly kind: K
}

/**
 * A text field; `V` is what it may hold (a union of literals for a select).
 *
 * @since 0.1.0
 * @category models
 */
export interface TextField<V extends string = string> extends Path<"text"> {
  eq(value: V | TextField<string>): Condition
  neq(value: V | TextField<string>): Condition
  lt(value: string | TextField<string>): Condition
  lte(value: string | TextField<string>): Condition
  gt(value: string | TextField<string>): Condition
  gte(value: string | TextField<string>): Condition
  isIn(values: ReadonlyArray<V>): Condition
  notIn(values: ReadonlyArray<V>): Condition
  contains(text: string, options?: TextOptions): Condition
  startsWith(text: string, options?: TextOptions): Condition
  endsWith(text: string, options?: TextOptions): Condition
}

/**
 * A number field (integers, decimals, a money amount in minor units).
 *
 * @since 0.1.0
 * @category models
 */
export interface NumberField extends Path<"number"> {
  eq(value: number | NumberField): Condition
  neq(value: number | NumberField): Condition
  lt(value: number | NumberField): Condition
  lte(value: number | NumberField): Condition
  gt(value: number | NumberField): Condition
  gte(value: number | NumberField): Condition
  between(low: number, high: number): Condition
  isIn(values: ReadonlyArray<number>): Condition
  notIn(values: ReadonlyArray<number>): Condition
}

/**
 * A boolean field.
 *
 * @since 0.1.0
 * @category models
 */
export interface BooleanField extends Path<"boolean"> {
  eq(value: boolean | BooleanField): Condition
  neq(value: boolean | BooleanField): Condition
  isTrue(): Condition
  isFalse(): Condition
}

/**
 * Relative windows: amounts of minutes, hours, days or weeks (fixed lengths) from now.
 *
 * @since 0.1.0
 * @category models
 */
export interface Relative {
  /** From `amount` units ago up to now, inclusive. */
  withinLast(amount: number, unit: Query.DurationUnit): Condition
  /** From now up to `amount` units ahead, inclusive. */
  withinNext(amount: number, unit: Query.DurationUnit): Condition
  /** Strictly before `amount` units ago. */
  olderThan(amount: number, unit: Query.DurationUnit): Condition
}

/**
 * Calendar windows in an IANA time zone (see `Query.CalendarWindow`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Calendar {
  /** In the current `unit` (today, this week, this quarter). */
  thisPeriod(unit: Query.CalendarUnit, timeZone: string, options?: Query.CalendarOptions): Condition
  /** In the `count` whole units before the current one. */
  lastPeriods(count: number, unit: Query.CalendarUnit, timeZone: string, options?: Query.CalendarOptions): Condition
  /** In the `count` whole units after the current one. */
  nextPeriods(count: number, unit: Query.CalendarUnit, timeZone: string, options?: Query.CalendarOptions): Condition
  /** From unit `from` to unit `to` relative to the current one (0), inclusive. */
  calendar(unit: Query.CalendarUnit, window: Omit<Query.CalendarWindow, "unit">): Condition
}

/**
 * A timestamp field (epoch milliseconds).
 *
 * @since 0.1.0
 * @category models
 */
export interface TimestampField extends Path<"timestamp">, Relative, Calendar {
  before(at: number | TimestampField): Condition
  atOrBefore(at: number | TimestampField): Condition
  after(at: number | TimestampField): Condition
  atOrAfter(at: number | TimestampField): Condition
  between(from: number, to: number): Condition
}

/**
 * A calendar date field (`YYYY-MM-DD`): relative windows count days (or weeks) from today
 * in a zone (UTC unless given).
 *
 * @since 0.1.0
 * @category models
 */
export interface DateField extends Path<"date">, Calendar {
  eq(date: IsoDate | DateField): Condition
  before(date: IsoDate | DateField): Condition
  onOrBefore(date: IsoDate | DateField): Condition
  after(date: IsoDate | DateField): Condition
  onOrAfter(date: IsoDate | DateField): Condition
  between(from: IsoDate, to: IsoDate): Condition
  withinLast(amount: number, unit: "day" | "week", options?: { readonly timeZone?: string }): Condition
  withinNext(amount: number, unit: "day" | "week", options?: { readonly timeZone?: string }): Condition
  olderThan(amount: number, unit: "day" | "week", options?: { readonly timeZone?: string }): Condition
}

/**
 * A money field: its amount (minor units) and currency, each a field.
 *
 * @since 0.1.0
 * @category models
 */
export interface MoneyField<Nullable extends boolean = false> {
  readonly amountMinor: NumberField & (Nullable extends true ? NullChecks : unknown)
  readonly currency: TextField & (Nullable extends true ? NullChecks : unknown)
}

/**
 * A list of text values (tags, emails).
 *
 * @since 0.1.0
 * @category models
 */
export interface ListField<V extends string = string> extends Path<"list"> {
  /** The list holds `value`. */
  has(value: V): Condition
  /** The list holds any of `values`. */
  hasAny(values: ReadonlyArray<V>): Condition
}

/** A branded value as plain data: ids and other branded strings take a plain string. */
type Plain<V> = V extends Brand.Brand<any> ? V extends string ? string : V extends number ? number : V : V

/**
 * The reference type of a field holding values of type `V` (`never` for what no
 * operator fits, such as a JSON document). `Nullable` adds null checks, as a path across
 * a reference needs.
 *
 * @since 0.1.0
 * @category models
 */
export type FieldOf<V, Nullable extends boolean = false> =
  & ([NonNullable<V>] extends [never] ? never
    : [NonNullable<V>] extends [Timestamp.Timestamp] ? TimestampField
    : [NonNullable<V>] extends [typeof Field.IsoDate.Type] ? DateField
    : [NonNullable<V>] extends [Money.Money] ? MoneyField<Nullable extends true ? true : null extends V ? true : false>
    : [NonNullable<V>] extends [string] ? TextField<Plain<NonNullable<V>> & string>
    : [NonNullable<V>] extends [number] ? NumberField
    : [NonNullable<V>] extends [boolean] ? BooleanField
    : [NonNullable<V>] extends [ReadonlyArray<infer E>] ? [E] extends [string] ? ListField<Plain<E> & string> : never
    : never)
  & (Nullable extends true ? NullChecks : null extends V ? NullChecks : unknown)

/** Whether a value is a field reference (a right-hand side naming a field). */
const isRef = (value: unknown): value is Ref => value instanceof Ref

/**
 * The one runtime class behind every field reference type: the types above choose which
 * of its methods a field shows.
 *
 * @since 0.1.0
 * @category constructors
 */
export class Ref {
  constructor(readonly path: string) {}

  get kind(): never {
    throw new Error("Ref.kind exists for the type checker only")
  }

  /** A money field's amount. */
  get amountMinor(): Ref {
    return new Ref(`${this.path}.amountMinor`)
  }

  /** A money field's currency. */
  get currency(): Ref {
    return new Ref(`${this.path}.currency`)
  }

  private compare(op: Query.CompareOp, value: unknown): Condition {
    return new Condition(
      isRef(value)
        ? Query.compare(Query.field(this.path), op, Query.field(value.path))
        : { _tag: "Compare", field: this.path, op, value: value as Query.Scalar }
    )
  }

  eq(value: unknown) {
    return this.compare("eq", value)
  }
  neq(value: unknown) {
    return this.compare("neq", value)
  }
  lt(value: unknown) {
    return this.compare("lt", value)
  }
  lte(value: unknown) {
    return this.compare("lte", value)
  }
  gt(value: unknown) {
    return this.compare("gt", value)
  }
  gte(value: unknown) {
    return this.compare("gte", value)
  }
  before(value: unknown) {
    return this.compare("lt", value)
  }
  atOrBefore(value: unknown) {
    return this.compare("lte", value)
  }
  onOrBefore(value: unknown) {
    return this.compare("lte", value)
  }
  after(value: unknown) {
    return this.compare("gt", value)
  }
  atOrAfter(value: unknown) {
    return this.compare("gte", value)
  }
  onOrAfter(value: unknown) {
    return this.compare("gte", value)
  }
  between(low: Query.Scalar, high: Query.Scalar) {
    return new Condition(Query.between(this.path, low, high))
  }
  isIn(values: ReadonlyArray<Query.Scalar>) {
    return new Condition(Query.isIn(this.path, values))
  }
  notIn(values: ReadonlyArray<Query.Scalar>) {
    return new Condition(Query.notIn(this.path, values))
  }
  isNull() {
    return new Condition(Query.isNull(this.path))
  }
  isNotNull() {
    return new Condition(Query.isNotNull(this.path))
  }
  isTrue() {
    return this.compare("eq", true)
  }
  isFalse() {
    return this.compare("eq", false)
  }
  contains(text: string, options?: TextOptions) {
    return new Condition(Query.contains(this.path, text, options))
  }
  startsWith(text: string, options?: TextOptions) {
    return new Condition(Query.startsWith(this.path, text, options))
  }
  endsWith(text: string, options?: TextOptions) {
    return new Condition(Query.endsWith(this.path, text, options))
  }
  has(value: string) {
    return new Condition(Query.has(this.path, value))
  }
  hasAny(values: ReadonlyArray<string>) {
    return new Condition(Query.hasAny(this.path, values))
  }
  withinLast(amount: number, unit: Query.DurationUnit, options?: { readonly timeZone?: string }) {
    return new Condition(Query.withinLast(this.path, amount, unit, options))
  }
  withinNext(amount: number, unit: Query.DurationUnit, options?: { readonly timeZone?: string }) {
    return new Condition(Query.withinNext(this.path, amount, unit, options))
  }
  olderThan(amount: number, unit: Query.DurationUnit, options?: { readonly timeZone?: string }) {
    return new Condition(Query.olderThan(this.path, amount, unit, options))
  }
  thisPeriod(unit: Query.CalendarUnit, timeZone: string, options?: Query.CalendarOptions) {
    return new Condition(Query.thisPeriod(this.path, unit, timeZone, options))
  }
  lastPeriods(count: number, unit: Query.CalendarUnit, timeZone: string, options?: Query.CalendarOptions) {
    return new Condition(Query.lastPeriods(this.path, count, unit, timeZone, options))
  }
  nextPeriods(count: number, unit: Query.CalendarUnit, timeZone: string, options?: Query.CalendarOptions) {
    return new Condition(Query.nextPeriods(this.path, count, unit, timeZone, options))
  }
  calendar(unit: Query.CalendarUnit, window: Omit<Query.CalendarWindow, "unit">) {
    return new Condition(Query.calendar(this.path, unit, window))
  }
}
