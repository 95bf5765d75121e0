/**
 * Custom fields: a workspace declares extra fields per collection in code. Their
 * TypeScript types follow the declaration, values are validated on every write, and
 * `custom.<name>` paths can be filtered, sorted and aggregated like built-in fields.
 *
 * @example
 * ```ts
 * import { CustomField } from "@rapport/core"
 *
 * const fields = CustomField.declare({
 *   contact: {
 *     plan: CustomField.select(["free", "pro", "enterprise"]),
 *     seats: CustomField.number(),
 *     renewsOn: CustomField.date()
 *   }
 * })
 * type ContactCustom = CustomField.Values<typeof fields.contact>
 * // { readonly plan?: "free" | "pro" | "enterprise"; readonly seats?: number; readonly renewsOn?: IsoDate }
 * ```
 *
 * @since 0.1.0
 */
import { Either, ParseResult, Schema } from "effect"
import * as Field from "./Field.js"

/**
 * One custom field: its storage kind and value schema, plus what it was declared as.
 *
 * @since 0.1.0
 * @category models
 */
export interface Definition<S extends Schema.Schema.Any = Schema.Schema.Any> extends Field.Field<S> {
  readonly type: "text" | "number" | "boolean" | "date" | "money" | "select" | "multiSelect" | "reference"
  readonly options?: ReadonlyArray<string>
}

/**
 * The custom fields of one collection.
 *
 * @since 0.1.0
 * @category models
 */
export type Fields = Readonly<Record<string, Definition>>

/**
 * Custom fields by collection name.
 *
 * @since 0.1.0
 * @category models
 */
export type Declaration = Readonly<Record<string, Fields>>

/**
 * The TypeScript type of a collection's custom values: every field optional.
 *
 * @since 0.1.0
 * @category models
 */
export type Values<F extends Fields | undefined> = F extends Fields
  ? { readonly [K in keyof F]?: Schema.Schema.Type<F[K]["schema"]> }
  : Readonly<Record<string, unknown>>

/**
 * What a command accepts for a collection's custom values: the plain (encoded) form;
 * on update, `null` removes a value.
 *
 * @since 0.1.0
 * @category models
 */
export type Input<F extends Fields | undefined> = F extends Fields
  ? { readonly [K in keyof F]?: Schema.Schema.Encoded<F[K]["schema"]> | null }
  : Readonly<Record<string, unknown>>

const define = <S extends Schema.Schema.Any>(
  type: Definition["type"],
  field: Field.Field<S>,
  options?: ReadonlyArray<string>
): Definition<S> => ({ ...field, type, ...(options === undefined ? {} : { options }) })

/**
 * Free text (trimmed, at most 10 000 characters).
 *
 * @since 0.1.0
 * @category constructors
 */
export const text = () => define("text", Field.string(Schema.Trim.pipe(Schema.maxLength(10_000))))

/**
 * A finite number.
 *
 * @since 0.1.0
 * @category constructors
 */
export const number = () => define("number", Field.number())

/**
 * @since 0.1.0
 * @category constructors
 */
export const boolean = () => define("boolean", Field.boolean())

/**
 * A calendar day, `YYYY-MM-DD`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const date = () => define("date", Field.date())

/**
 * An amount of money in minor units with its currency.
 *
 * @since 0.1.0
 * @category constructors
 */
export const money = () => define("money", Field.money())

/**
 * One of a fixed list of options.
 *
 * @since 0.1.0
 * @category constructors
 */
export const select = <const O extends ReadonlyArray<string>>(options: O) =>
  define("select", Field.string(Schema.Literal(...options)), options)

/**
 * Any number of a fixed list of options (no duplicates).
 *
 * @since 0.1.0
 * @category constructors
 */
export const multiSelect = <const O extends ReadonlyArray<string>>(options: O) =>
  define(
    "multiSelect",
    {
      kind: "strings",
      nullable: false,
      schema: Schema.Array(Schema.Literal(...options)).pipe(
        Schema.filter((xs) => new Set(xs).size === xs.length, { message: () => "options must not repeat" })
      )
    },
    options
  )

/**
 * The id of a record in another collection.
 *
 * @since 0.1.0
 * @category constructors
 */
export const reference = (collection: string) =>
  define("reference", Field.ref(collection, Schema.String.pipe(Schema.minLength(1))))

const NAME = /^[A-Za-z][A-Za-z0-9_]{0,62}$/

/**
 * Checks a declaration (names are identifiers of at most 63 characters) and returns it
 * with its types intact.
 *
 * @since 0.1.0
 * @category constructors
 */
export const declare = <const D extends Declaration>(declaration: D): D => {
  for (const [collection, fields] of Object.entries(declaration)) {
    for (const name of Object.keys(fields)) {
      if (!NAME.test(name)) {
        throw new Error(`custom field ${collection}.${name}: names are letters, digits and _, starting with a letter`)
      }
    }
  }
  return declaration
}

const schemaCache = new WeakMap<Fields, Schema.Schema<any, any>>()

/**
 * Custom values of a collection that declares none: an empty object. (An empty
 * `Schema.Struct({})` would accept any object, keys and all.)
 */
const noFields = Schema.Record({
  key: Schema.String,
  value: Schema.Never.annotations({ message: () => "is unexpected: no custom field of this name is declared" })
}) as unknown as Schema.Schema<Record<string, unknown>, Record<string, unknown>>

/**
 * The schema of a collection's custom values: every declared field optional, unknown
 * names refused (every name, when the collection declares none).
 *
 * @since 0.1.0
 * @category schemas
 */
export const schemaOf = (fields: Fields): Schema.Schema<Record<string, unknown>, Record<string, unknown>> => {
  const cached = schemaCache.get(fields)
  if (cached !== undefined) return cached
  const props: Record<string, Schema.PropertySignature.All | Schema.Schema.All> = {}
  for (const [name, def] of Object.entries(fields)) props[name] = Schema.optionalWith(def.schema, { exact: true })
  const schema = Object.keys(props).length === 0
    ? noFields
    : Schema.Struct(props) as unknown as Schema.Schema<Record<string, unknown>, Record<string, unknown>>
  schemaCache.set(fields, schema)
  return schema
}

/**
 * Validates custom values against the declaration: the encoded (stored) form, or the
 * list of failures with their paths.
 *
 * @since 0.1.0
 * @category combinators
 */
export const validate = (
  fields: Fields,
  values: unknown
): Either.Either<Record<string, unknown>, ParseResult.ParseError> => {
  const schema = schemaOf(fields)
  return Either.flatMap(
    Schema.decodeUnknownEither(schema, { onExcessProperty: "error", errors: "all" })(values),
    (decoded) => Schema.encodeEither(schema)(decoded)
  )
}

/**
 * Storage specs of the custom fields of one collection.
 *
 * @since 0.1.0
 * @category combinators
 */
export const specs = (fields: Fields | undefined): Record<string, Field.Spec> =>
  fields === undefined ? {} : Field.specs(fields)
