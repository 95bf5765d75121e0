/**
 * Fields describe a record's stored shape once: the `Schema` that validates the value
 * and the storage kind the stores use to lay out columns, compare, sort and aggregate.
 * Models are built from fields, so the TypeScript type, the validation and the storage
 * layout cannot disagree.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as Money from "./Money.js"
import { Timestamp } from "./Timestamp.js"

/**
 * How a value is stored and compared.
 *
 * - `string`: text, compared by Unicode code point. Only storable text (see
 *   `textIssue`): commands refuse text holding NUL (U+0000) or a lone surrogate.
 * - `number`: a finite double; `integer`: a safe integer.
 * - `boolean`.
 * - `timestamp`: epoch milliseconds (integer).
 * - `date`: a calendar day as `YYYY-MM-DD` text (no time, no zone).
 * - `money`: `{ amountMinor, currency }`; paths `.amountMinor` and `.currency` are queryable
 *   (`Field.money()` cannot be negative, `Field.signedMoney()` can).
 * - `strings`: a list of text values (tags, emails); queried with `has`/`hasAny`.
 * - `json`: a document, stored but not queryable; a list of objects whose element fields
 *   are declared (`Field.objects`) is queried with `any`; an object whose properties are
 *   declared (the event log's `payload`) is queried by path (`payload.to`).
 * - `custom`: the workspace's custom field values; `custom.<name>` paths are queryable
 *   with the kind their declaration gives.
 *
 * @since 0.1.0
 * @category models
 */
export type Kind =
  | "string"
  | "number"
  | "integer"
  | "boolean"
  | "timestamp"
  | "date"
  | "money"
  | "strings"
  | "json"
  | "custom"

/**
 * The storage description of one field: plain data, what a `Store` needs.
 *
 * @since 0.1.0
 * @category models
 */
export interface Spec {
  readonly kind: Kind
  readonly nullable: boolean
  /** For foreign keys: the collection whose `id` this field holds. */
  readonly ref?: string | undefined
  /**
   * For keys to a record of any collection (an association's `fromId`): the field of the
   * same record that names the collection whose `id` this field holds (`fromCollection`).
   */
  readonly refNamedBy?: string | undefined
  /**
   * For a `json` list of objects (`Field.objects`): the fields of each element, which
   * `any` conditions query (`Query.any("lineItems", Query.eq("sku", "TEA-1"))`).
   */
  readonly elements?: Readonly<Record<string, Spec>> | undefined
  /**
   * For a `json` object: its queryable properties by dotted path below the field
   * (`to`, `record.total.amountMinor`), each a scalar kind. A path reads null where the
   * document has no such property or holds a value of another type there (documents are
   * not checked against the declaration), on every engine.
   */
  readonly properties?: Readonly<Record<string, Spec>> | undefined
}

/**
 * A field: its storage spec plus the `Schema` of its value.
 *
 * @since 0.1.0
 * @category models
 */
export interface Field<S extends Schema.Schema.Any = Schema.Schema.Any> extends Spec {
  readonly schema: S
}

const make = <S extends Schema.Schema.Any>(kind: Kind, schema: S, ref?: string): Field<S> => ({
  kind,
  nullable: false,
  ref,
  schema
})

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/**
 * Why a text cannot be stored as it is, or `undefined` when it can. Every engine
 * stores text the same way only when it holds no NUL character (U+0000) and is
 * well-formed Unicode (no lone surrogate such as `"\uD800"`): PostgreSQL refuses the
 * rest and SQLite replaces lone surrogates, so commands refuse such text in every text
 * they store (fields, ids, custom values, JSON documents, message bodies) with a
 * `ValidationError` naming the field, on every store.
 *
 * @example
 * ```ts
 * import { Field } from "@rapport/core"
 * console.log(Field.textIssue("Ada")) // undefined
 * console.log(Field.textIssue("Ada\u0000")) // "must not contain the NUL character (U+0000)"
 * ```
 *
 * @since 0.1.0
 * @category predicates
 */
export const textIssue = (text: string): string | undefined => {
  if (text.includes("\u0000")) return "must not contain the NUL character (U+0000)"
  const lone = loneSurrogate.exec(text)
  return lone === null
    ? undefined
    : `must be well-formed Unicode: a lone surrogate U+${lone[0].charCodeAt(0).toString(16).toUpperCase()} at index ${lone.index}`
}

/**
 * Text. Pass a refined schema (a literal union, a pattern) to narrow it.
 *
 * @example
 * ```ts
 * import { Field } from "@rapport/core"
 * import { Schema } from "effect"
 * const stage = Field.string(Schema.Literal("lead", "customer"))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const string = <S extends Schema.Schema<any, any, never> = typeof Schema.String>(
  schema?: S
): Field<S> => make("string", (schema ?? Schema.String) as S)

/**
 * A non-empty trimmed text, the usual shape of names and titles.
 *
 * @since 0.1.0
 * @category constructors
 */
export const text = (maxLength = 1000) =>
  make(
    "string",
    Schema.Trim.pipe(
      Schema.minLength(1, { message: () => "must not be empty" }),
      Schema.maxLength(maxLength, { message: () => `at most ${maxLength} characters` })
    )
  )

/**
 * A finite double.
 *
 * @since 0.1.0
 * @category constructors
 */
export const number = <S extends Schema.Schema<any, any, never> = typeof Schema.Finite>(schema?: S): Field<S> =>
  make("number", (schema ?? Schema.Finite) as S)

/**
 * A safe integer.
 *
 * @since 0.1.0
 * @category constructors
 */
export const integer = <S extends Schema.Schema<any, any, never> = typeof Schema.Int>(schema?: S): Field<S> =>
  make("integer", (schema ?? Schema.Int) as S)

/**
 * @since 0.1.0
 * @category constructors
 */
export const boolean = (): Field<typeof Schema.Boolean> => make("boolean", Schema.Boolean)

/**
 * An instant, epoch milliseconds.
 *
 * @since 0.1.0
 * @category constructors
 */
export const timestamp = (): Field<typeof Timestamp> => make("timestamp", Timestamp)

/**
 * A calendar day, `YYYY-MM-DD`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const date = () => make("date", IsoDate)

/**
 * A calendar day as `YYYY-MM-DD` that exists in the Gregorian calendar.
 *
 * @since 0.1.0
 * @category models
 */
export const IsoDate = Schema.String.pipe(
  Schema.filter(
    (s) => {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s)
      if (m === null) return false
      const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
      return d.toISOString().slice(0, 10) === s
    },
    { message: () => "a calendar date as YYYY-MM-DD" }
  ),
  Schema.brand("@rapport/core/IsoDate")
)

/**
 * Money that cannot be negative (a price, a total, a deal's value): a negative
 * `amountMinor` is refused with a `ValidationError` on `<field>.amountMinor`.
 *
 * @example
 * ```ts
 * import { Field } from "@rapport/core"
 * const price = Field.money()
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const money = (): Field<typeof Money.NonNegative> => make("money", Money.NonNegative)

/**
 * Money of either sign, for amounts where below zero means something (an account
 * balance, a credit note, a manual adjustment). Stored, queried and summed like
 * `money`.
 *
 * @example
 * ```ts
 * import { Field } from "@rapport/core"
 * const balance = Field.signedMoney()
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const signedMoney = (): Field<typeof Money.Money> => make("money", Money.Money)

/**
 * A list of text values; pass an item schema to refine (emails, tags).
 *
 * @since 0.1.0
 * @category constructors
 */
export const strings = <S extends Schema.Schema<any, any, never> = typeof Schema.String>(
  item?: S
): Field<Schema.Array$<S>> => make("strings", Schema.Array((item ?? Schema.String) as S))

/**
 * An opaque JSON document (line items, participants): stored, not queryable.
 *
 * @since 0.1.0
 * @category constructors
 */
export const json = <S extends Schema.Schema.Any>(schema: S): Field<S> => make("json", schema)

/**
 * A list of objects stored as one JSON document (an order's line items), whose element
 * fields `elements` declares: `Query.any(field, where)` holds when some element matches
 * `where`. Elements hold scalars and money (no references, no lists).
 *
 * @example
 * ```ts
 * import { Field } from "@rapport/core"
 * import { Schema } from "effect"
 * const Line = Schema.Struct({ sku: Schema.String, quantity: Schema.Int })
 * const lines = Field.objects(Schema.Array(Line), { sku: Field.string(), quantity: Field.integer() })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const objects = <S extends Schema.Schema.Any>(schema: S, elements: Readonly<Record<string, Spec>>): Field<S> => {
  for (const [name, f] of Object.entries(elements)) {
    if (f.ref !== undefined || f.refNamedBy !== undefined || !["string", "number", "integer", "boolean", "timestamp", "date", "money"].includes(f.kind)) {
      throw new Error(`element field ${name}: elements hold scalars and money, not a ${f.kind}${f.ref === undefined ? "" : " reference"}`)
    }
  }
  return { ...make("json", schema), elements: specs(elements) }
}

/**
 * A foreign key: holds the `id` of a record in `collection`. Stores index it, and
 * `related` query conditions join through it.
 *
 * @since 0.1.0
 * @category constructors
 */
export const ref = <S extends Schema.Schema<any, any, never>>(collection: string, idSchema: S): Field<S> =>
  make("string", idSchema, collection)

/**
 * A key to a record of any collection: holds an `id`, and `collectionField` (a `string`
 * field of the same record) names the collection. `related` and `exists` conditions go
 * through such keys with `via` (an association's `fromId` and `toId`); the planner then
 * keeps only the link rows naming the right collections.
 *
 * @example
 * ```ts
 * import { Field } from "@rapport/core"
 * import { Schema } from "effect"
 * const fields = { toCollection: Field.string(), toId: Field.anyRef("toCollection", Schema.String) }
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const anyRef = <S extends Schema.Schema<any, any, never>>(collectionField: string, idSchema: S): Field<S> => ({
  ...make("string", idSchema),
  refNamedBy: collectionField
})

/**
 * The field may hold `null` (stored as SQL NULL). Its type becomes `A | null`.
 *
 * @since 0.1.0
 * @category combinators
 */
export const nullable = <S extends Schema.Schema.Any>(field: Field<S>): Field<Schema.NullOr<S>> => ({
  ...field,
  nullable: true,
  schema: Schema.NullOr(field.schema)
})

/**
 * The `Schema.Struct` fields of a field map, to build a model class from.
 *
 * @since 0.1.0
 * @category combinators
 */
export const schemas = <const F extends Record<string, Field>>(fields: F): { readonly [K in keyof F]: F[K]["schema"] } => {
  const out: Record<string, Schema.Schema.Any> = {}
  for (const [name, field] of Object.entries(fields)) out[name] = field.schema
  return out as { readonly [K in keyof F]: F[K]["schema"] }
}

/**
 * The storage specs of a field map (drops the schemas).
 *
 * @since 0.1.0
 * @category combinators
 */
export const specs = (fields: Record<string, Spec>): Record<string, Spec> => {
  const out: Record<string, Spec> = {}
  for (const [name, field] of Object.entries(fields)) {
    out[name] = {
      kind: field.kind,
      nullable: field.nullable,
      ...(field.ref === undefined ? {} : { ref: field.ref }),
      ...(field.refNamedBy === undefined ? {} : { refNamedBy: field.refNamedBy }),
      ...(field.elements === undefined ? {} : { elements: field.elements }),
      ...(field.properties === undefined ? {} : { properties: field.properties })
    }
  }
  return out
}
