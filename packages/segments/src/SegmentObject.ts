/**
 * The objects segments are over (contacts, companies, deals, ...): a collection with
 * the model whose fields the builder types, the references a path may follow
 * (`c.company.industry`), the records that point at it (`c.orders`, counted, summed,
 * averaged in a window) and the workspace's custom fields. `Objects` defines core's and
 * the pipelines'; a vertical CRM defines its own with `make`.
 *
 * @since 0.1.0
 */
import type { CustomField, Query } from "@rapport/core"
import { EventCollection, Timestamp } from "@rapport/core"
import { Schema as SchemaValue } from "effect"
import type { Schema } from "effect"
import { Condition } from "./Condition.js"
import type { FieldOf, NumberField } from "./FieldRef.js"
import { Ref } from "./FieldRef.js"

/**
 * A reference a path may follow: the field holding the id, and the object it refers to
 * (a function, so objects may refer to each other).
 *
 * @since 0.1.0
 * @category models
 */
export interface Link<T> {
  readonly field: string
  readonly target: () => T
}

/**
 * Records of another object that point at this one: the object, and the field of theirs
 * that holds this one's id.
 *
 * @since 0.1.0
 * @category models
 */
export interface Many<T> {
  readonly target: () => T
  readonly foreignKey: string
}

/**
 * An object segments are over.
 *
 * - `F`: the model's fields (`Contact.Contact.fields`), which type the field references.
 * - `R`: the references a path may follow, by name.
 * - `L`: the records pointing at it, by name.
 * - `C`: the custom fields declared for it (`withCustom`).
 *
 * @since 0.1.0
 * @category models
 */
export interface SegmentObject<
  F extends Schema.Struct.Fields = Schema.Struct.Fields,
  R extends Record<string, AnyObject> = any,
  L extends Record<string, AnyObject> = any,
  C extends CustomField.Fields = {}
> {
  /** The collection's name in queries. */
  readonly name: string
  readonly fields: F
  readonly refs: { readonly [K in keyof R]: Link<R[K]> }
  readonly related: { readonly [K in keyof L]: Many<L[K]> }
  /** The field `within` windows of `related` conditions read (`placedAt` for orders). */
  readonly timeField: string
  readonly custom: C
}

/**
 * Any object.
 *
 * @since 0.1.0
 * @category models
 */
export type AnyObject = SegmentObject<any, any, any, any>

/** A window of time for the records a `related` condition counts, on their `timeField`. */
export type Window =
  | { readonly _tag: "Last"; readonly amount: number; readonly unit: Query.DurationUnit }
  | { readonly _tag: "Calendar"; readonly window: Query.CalendarWindow & { readonly timeZone: string } }

/**
 * The last `amount` days up to now (a `within` window).
 *
 * @since 0.1.0
 * @category windows
 */
export const days = (amount: number): Window => ({ _tag: "Last", amount, unit: "day" })

/**
 * The last `amount` weeks up to now.
 *
 * @since 0.1.0
 * @category windows
 */
export const weeks = (amount: number): Window => ({ _tag: "Last", amount, unit: "week" })

/**
 * The last `amount` hours up to now.
 *
 * @since 0.1.0
 * @category windows
 */
export const hours = (amount: number): Window => ({ _tag: "Last", amount, unit: "hour" })

/**
 * A calendar window (this month, the last 2 quarters) in an IANA time zone.
 *
 * @since 0.1.0
 * @category windows
 */
export const inCalendar = (window: Query.CalendarWindow & { readonly timeZone: string }): Window => ({
  _tag: "Calendar",
  window
})

/** The fields of a model type that some operator fits, by name. */
type ModelFields<A, Nullable extends boolean> = {
  readonly [K in keyof A as K extends "custom" ? never : [FieldOf<A[K], Nullable>] extends [never] ? never : K]: FieldOf<
    A[K],
    Nullable
  >
}

/** A workspace's custom fields as references: every custom value can be missing, so each can be null. */
type CustomFields<C extends CustomField.Fields> = {
  readonly [K in keyof CustomField.Values<C>]-?: FieldOf<CustomField.Values<C>[K] | null>
}

/**
 * What the builder's callback gets for an object: a reference for each field, each
 * reference a path may follow (with the target's fields, all nullable), each kind of
 * record pointing at it (`Related`), and `custom`.
 *
 * @since 0.1.0
 * @category models
 */
export type Fields<O extends AnyObject> = O extends SegmentObject<infer F, infer R, infer L, infer C>
  ? ModelFields<Schema.Struct.Type<F>, false> & { readonly [K in keyof R]: PathFields<R[K]> } & {
    readonly [K in keyof L]: Related<L[K]>
  } & { readonly custom: CustomFields<C>; readonly events: Events }
  : never

/**
 * The fields of an event of the log, as a condition on the events naming a record reads
 * them; `payload` has the fields of `P` (a definition's payload, `Events.of`), every one
 * nullable (events of other types lack it, and payloads are read type-guarded).
 *
 * @since 0.1.0
 * @category models
 */
export type EventFields<P = never> = Fields<EventObject> & {
  readonly payload: [P] extends [never] ? {} : PayloadFields<P>
}

/** The fields of a payload: scalars as nullable field references, objects as their fields. */
type PayloadFields<P> = {
  readonly [K in keyof P]-?: [NonNullable<P[K]>] extends [string | number | boolean | ReadonlyArray<any>]
    ? FieldOf<P[K], true>
    : [FieldOf<P[K], true>] extends [never] ? PayloadFields<NonNullable<P[K]>>
    : FieldOf<P[K], true>
}

/**
 * What a related condition over events can also say: `where` on the events' fields (and
 * typed payload, after `of`), a window on `occurredAt`.
 *
 * @since 0.1.0
 * @category models
 */
export interface EventOptions<P> {
  readonly where?: (event: EventFields<P>) => Condition
  readonly within?: Window
}

/**
 * The events of the log naming a record (its timeline: `subjects` holds
 * `<collection>:<id>`), counted, summed or asked for, like other related records. `of`
 * narrows them to one event type, with its payload's fields typed by the definition:
 * `c.events.of(PipelinesEvents.DealStageChanged).exists({ where: (e) => e.payload.to.eq("proposal") })`.
 * Payload fields are those of the catalog's event definitions (`Catalog.make({ events })`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Events<P = never> {
  count(options?: EventOptions<P>): Measure
  sum(field: (event: EventFields<P>) => NumberField, options?: EventOptions<P>): Measure
  avg(field: (event: EventFields<P>) => NumberField, options?: EventOptions<P>): Measure
  min(field: (event: EventFields<P>) => NumberField | { readonly path: string; readonly kind: "timestamp" }, options?: EventOptions<P>): Measure
  max(field: (event: EventFields<P>) => NumberField | { readonly path: string; readonly kind: "timestamp" }, options?: EventOptions<P>): Measure
  exists(options?: EventOptions<P>): Condition
  notExists(options?: EventOptions<P>): Condition
  /** The events of one type, with the payload of its definition. */
  of<T extends string, A>(definition: { readonly type: T; readonly payload: Schema.Schema<A, any> }): Events<A>
}

/**
 * The event log as an object: the fields of `EventCollection` rows.
 *
 * @since 0.1.0
 * @category models
 */
export interface EventObject extends SegmentObject<typeof eventFields, {}, {}> {}

const eventFields = {
  id: SchemaValue.String,
  version: SchemaValue.Number,
  createdAt: Timestamp.Timestamp,
  updatedAt: Timestamp.Timestamp,
  position: SchemaValue.Number,
  type: SchemaValue.String,
  collection: SchemaValue.String,
  recordId: SchemaValue.String,
  occurredAt: Timestamp.Timestamp,
  actorKind: SchemaValue.Literal("user", "api", "workflow", "system"),
  actorId: SchemaValue.NullOr(SchemaValue.String),
  subjects: SchemaValue.Array(SchemaValue.String)
}

/**
 * The event log's object (`EventCollection.name`), which `events` conditions count.
 *
 * @since 0.1.0
 * @category objects
 */
export const eventObject: EventObject = {
  name: EventCollection.name,
  fields: eventFields,
  refs: {},
  related: {},
  timeField: "occurredAt",
  custom: {}
}

/**
 * The fields of an object reached by a path across a reference: every value can be null
 * (the reference can be null or dangling), and further references can be followed.
 *
 * @since 0.1.0
 * @category models
 */
export type PathFields<O extends AnyObject> = O extends SegmentObject<infer F, infer R, any, infer C>
  ? ModelFields<Schema.Struct.Type<F>, true> & { readonly [K in keyof R]: PathFields<R[K]> } & {
    readonly custom: CustomFields<C>
  }
  : never

/**
 * What a `related` condition can also say about the records it counts: a condition on
 * them, and a window on their `timeField`.
 *
 * @since 0.1.0
 * @category models
 */
export interface RelatedOptions<T extends AnyObject> {
  readonly where?: (fields: Fields<T>) => Condition
  readonly within?: Window
}

/**
 * A measure of related records, compared with a number.
 *
 * @since 0.1.0
 * @category models
 */
export interface Measure {
  eq(value: number): Condition
  neq(value: number): Condition
  lt(value: number): Condition
  lte(value: number): Condition
  gt(value: number): Condition
  gte(value: number): Condition
}

/**
 * The records of object `T` that point at a record: count, sum, average, minimum or
 * maximum them, or ask whether any exist. Sums and averages of money amounts need one
 * currency in `where` (`o.total.currency.eq("EUR")`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Related<T extends AnyObject> {
  count(options?: RelatedOptions<T>): Measure
  sum(field: (fields: Fields<T>) => NumberField, options?: RelatedOptions<T>): Measure
  avg(field: (fields: Fields<T>) => NumberField, options?: RelatedOptions<T>): Measure
  min(field: (fields: Fields<T>) => NumberField | { readonly path: string; readonly kind: "timestamp" }, options?: RelatedOptions<T>): Measure
  max(field: (fields: Fields<T>) => NumberField | { readonly path: string; readonly kind: "timestamp" }, options?: RelatedOptions<T>): Measure
  exists(options?: RelatedOptions<T>): Condition
  notExists(options?: RelatedOptions<T>): Condition
}

/**
 * Defines an object. `fields` is the model's (`MyModel.fields` of a `Schema.Class`);
 * `refs` and `related` name what paths and related conditions reach.
 *
 * @example
 * ```ts
 * import { Objects, SegmentObject } from "@rapport/segments"
 * import { Collection, Field } from "@rapport/core"
 * import { Schema } from "effect"
 *
 * const fields = { address: Field.text(), askingPrice: Field.integer(), contactId: Field.ref("contact", Schema.String) }
 * class Listing extends Schema.Class<Listing>("Listing")(Collection.modelFields(Schema.String, fields)) {}
 * const listing = SegmentObject.make({
 *   name: "listing",
 *   fields: Listing.fields,
 *   refs: { contact: { field: "contactId", target: () => Objects.contact } }
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <
  F extends Schema.Struct.Fields,
  R extends Record<string, AnyObject> = {},
  L extends Record<string, AnyObject> = {}
>(options: {
  readonly name: string
  readonly fields: F
  readonly refs?: { readonly [K in keyof R]: Link<R[K]> }
  readonly related?: { readonly [K in keyof L]: Many<L[K]> }
  readonly timeField?: string
}): SegmentObject<F, R, L, {}> => ({
  name: options.name,
  fields: options.fields,
  refs: options.refs ?? ({} as { readonly [K in keyof R]: Link<R[K]> }),
  related: options.related ?? ({} as { readonly [K in keyof L]: Many<L[K]> }),
  timeField: options.timeField ?? "createdAt",
  custom: {}
})

/**
 * The object with a workspace's custom fields (`declaration.contact`), which then type
 * `c.custom.<name>`.
 *
 * @since 0.1.0
 * @category combinators
 */
export const withCustom = <F extends Schema.Struct.Fields, R extends Record<string, AnyObject>, L extends Record<string, AnyObject>, const C extends CustomField.Fields>(
  object: SegmentObject<F, R, L, any>,
  custom: C
): SegmentObject<F, R, L, C> => ({ ...object, custom })

/** A proxy whose every property is a field reference under `prefix` (custom values, unknown fields). */
const refsUnder = (prefix: string): Record<string, Ref> =>
  new Proxy({} as Record<string, Ref>, {
    get: (_, name) => (typeof name === "string" ? new Ref(`${prefix}${name}`) : undefined)
  })

/**
 * The field references of an object, under a path prefix (`companyId.` across a
 * reference). Related records are offered at the top only: a path's target is reached
 * by id, and counting its related records is a query of its own.
 */
const fieldsUnder = (object: AnyObject, prefix: string, top: boolean): unknown =>
  new Proxy({}, {
    get: (_, name) => {
      if (typeof name !== "string") return undefined
      if (name === "custom") return refsUnder(`${prefix}custom.`)
      if (Object.hasOwn(object.refs, name)) {
        const link = object.refs[name] as Link<AnyObject>
        return fieldsUnder(link.target(), `${prefix}${link.field}.`, false)
      }
      if (top && Object.hasOwn(object.related, name)) return related(object.related[name] as Many<AnyObject>)
      if (top && name === "events") return events(undefined)
      return new Ref(`${prefix}${name}`)
    }
  })

/**
 * The references the builder's callback gets for an object.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fieldsOf = <O extends AnyObject>(object: O): Fields<O> => fieldsUnder(object, "", true) as Fields<O>

/** The where of a related condition: its type (events of one type), its own condition and its window, and-ed. */
const relatedWhere = (
  target: AnyObject,
  options: RelatedOptions<AnyObject> | undefined,
  decorate: (fields: unknown) => unknown,
  type: string | undefined
): Query.Expr | undefined => {
  const parts: Array<Query.Expr> = []
  if (type !== undefined) parts.push({ _tag: "Compare", field: "type", op: "eq", value: type })
  if (options?.where !== undefined) parts.push(options.where(decorate(fieldsOf(target)) as never).expr)
  const window = options?.within
  if (window !== undefined) {
    parts.push(
      window._tag === "Last"
        ? { _tag: "Within", field: target.timeField, direction: "past", amount: window.amount, unit: window.unit }
        : { _tag: "Calendar", field: target.timeField, ...window.window }
    )
  }
  return parts.length === 0 ? undefined : parts.length === 1 ? parts[0] : { _tag: "And", exprs: parts }
}

/**
 * Field references under `prefix` that also reach further down (`payload.record.stage`):
 * each property is a reference to its path, whose unknown properties are paths below it.
 */
const nestedRefs = (path: string): unknown =>
  new Proxy(new Ref(path), {
    get: (ref, name, receiver) =>
      typeof name !== "string" || name in ref ? Reflect.get(ref, name, receiver) : nestedRefs(`${path}.${name}`)
  })

/** The events naming the record, of one type when `type` is given. */
const events = (type: string | undefined): Events<any> => {
  const base = related({ target: () => eventObject, foreignKey: "subjects" }, (fields) =>
    new Proxy(fields as object, { get: (f, name, r) => (name === "payload" ? nestedRefs("payload") : Reflect.get(f, name, r)) }), type)
  return { ...base, of: (definition: { readonly type: string }) => events(definition.type) } as unknown as Events<any>
}

const related = (
  many: Many<AnyObject>,
  decorate: (fields: unknown) => unknown = (fields) => fields,
  type?: string
): Related<AnyObject> => {
  const target = many.target()
  const build = (measure: Query.RelatedMeasure, options: RelatedOptions<AnyObject> | undefined): Measure => {
    const where = relatedWhere(target, options, decorate, type) ?? null
    const compare = (op: Query.CompareOp) => (value: number) =>
      new Condition({ _tag: "Related", collection: target.name, foreignKey: many.foreignKey, where, measure, op, value })
    return { eq: compare("eq"), neq: compare("neq"), lt: compare("lt"), lte: compare("lte"), gt: compare("gt"), gte: compare("gte") }
  }
  const pathOf = (pick: (fields: any) => { readonly path: string }) => pick(decorate(fieldsOf(target))).path
  const exists = (options: RelatedOptions<AnyObject> | undefined): Condition => {
    const where = relatedWhere(target, options, decorate, type) ?? null
    return new Condition({ _tag: "Exists", collection: target.name, foreignKey: many.foreignKey, where })
  }
  return {
    count: (options) => build({ _tag: "Count" }, options),
    sum: (pick, options) => build({ _tag: "Sum", field: pathOf(pick) }, options),
    avg: (pick, options) => build({ _tag: "Avg", field: pathOf(pick) }, options),
    min: (pick, options) => build({ _tag: "Min", field: pathOf(pick) }, options),
    max: (pick, options) => build({ _tag: "Max", field: pathOf(pick) }, options),
    exists,
    notExists: (options) => exists(options).not()
  }
}
