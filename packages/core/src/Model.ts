/**
 * Shared building blocks of the customer model: ids, emails, phones, tags, and the
 * `define` helper that turns a field map into a model class plus its collection.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as Collection from "./Collection.js"
import * as Field from "./Field.js"

/**
 * A branded id schema with a prefix check (`con_…`), so a `ContactId` can never be
 * passed where an `OrderId` is expected.
 *
 * @since 0.1.0
 * @category constructors
 */
export const id = <const B extends string>(brand: B, prefix: string) =>
  Schema.String.pipe(
    Schema.pattern(new RegExp(`^${prefix}_[A-Za-z0-9]{1,64}$`), { message: () => `a ${prefix}_… id` }),
    Schema.brand(brand)
  )

/**
 * An email address, trimmed and lowercased (so lookups match whatever case was typed).
 *
 * @since 0.1.0
 * @category models
 */
export const Email = Schema.Trim.pipe(
  Schema.compose(Schema.Lowercase),
  Schema.pattern(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, { message: () => "an email address such as ada@example.com" }),
  Schema.maxLength(254)
)

/**
 * A phone number in E.164 form (`+4930123456`): a plus and 7 to 15 digits. Spaces,
 * dashes and parentheses are removed first.
 *
 * @since 0.1.0
 * @category models
 */
export const Phone = Schema.transform(Schema.String, Schema.String, {
  strict: true,
  decode: (s) => s.replace(/[\s\-().]/g, ""),
  encode: (s) => s
}).pipe(Schema.pattern(/^\+[1-9]\d{6,14}$/, { message: () => "a phone number in E.164 form such as +4930123456" }))

/**
 * A tag: trimmed, lowercase, 1–64 characters.
 *
 * @since 0.1.0
 * @category models
 */
export const Tag = Schema.Trim.pipe(
  Schema.compose(Schema.Lowercase),
  Schema.minLength(1, { message: () => "must not be empty" }),
  Schema.maxLength(64)
)

/**
 * An http(s) URL.
 *
 * @since 0.1.0
 * @category models
 */
export const Url = Schema.String.pipe(
  Schema.filter((s) => {
    try {
      const u = new URL(s)
      return u.protocol === "https:" || u.protocol === "http:"
    } catch {
      return false
    }
  }, { message: () => "an http(s) URL" })
)

/**
 * The custom-field map every customer-facing record carries.
 *
 * @since 0.1.0
 * @category constructors
 */
export const customField = (): Field.Field<Schema.Record$<typeof Schema.String, typeof Schema.Unknown>> => ({
  kind: "custom",
  nullable: false,
  schema: Schema.Record({ key: Schema.String, value: Schema.Unknown })
})

/**
 * @since 0.1.0
 * @category models
 */
export type Row = Collection.Row

type FieldMap = Readonly<Record<string, Field.Field>>
type TypeOf<F extends Field.Field> = Schema.Schema.Type<F["schema"]>
type EncodedOf<F extends Field.Field> = Schema.Schema.Encoded<F["schema"]>

/**
 * Fields a create command may leave out: nullable ones (default `null`), lists
 * (default `[]`), the custom map (default `{}`) and those with an explicit default.
 *
 * @since 0.1.0
 * @category models
 */
export type OptionalKeys<F extends FieldMap, D> = {
  [K in keyof F]: K extends keyof D ? K
    : null extends TypeOf<F[K]> ? K
    : TypeOf<F[K]> extends ReadonlyArray<any> ? K
    : F[K] extends Field.Field<Schema.Record$<any, any>> ? K
    : never
}[keyof F]

/**
 * The input of a create command, in its plain (encoded) form.
 *
 * @since 0.1.0
 * @category models
 */
export type CreateInput<F extends FieldMap, D = {}> =
  & { readonly [K in Exclude<keyof F, OptionalKeys<F, D>>]: EncodedOf<F[K]> }
  & { readonly [K in OptionalKeys<F, D>]?: EncodedOf<F[K]> }

/**
 * The values of the fields once decoded.
 *
 * @since 0.1.0
 * @category models
 */
export type Values<F extends FieldMap> = { readonly [K in keyof F]: TypeOf<F[K]> }

/**
 * The input of an update command: any subset of the updatable fields.
 *
 * @since 0.1.0
 * @category models
 */
export type UpdateInput<F extends FieldMap, Fixed extends keyof F = never> = {
  readonly [K in Exclude<keyof F, Fixed>]?: EncodedOf<F[K]>
}

/**
 * Builds the create and update input schemas of a model from its fields: one
 * definition, so the inputs cannot drift from the model. `fixed` fields cannot be
 * changed by a plain update (they have commands of their own, or never change).
 *
 * @since 0.1.0
 * @category constructors
 */
export const inputs = <
  const F extends FieldMap,
  const D extends { readonly [K in keyof F]?: () => TypeOf<F[K]> } = {},
  const Fixed extends keyof F = never
>(
  fields: F,
  options: { readonly defaults?: D; readonly fixed?: ReadonlyArray<Fixed> } = {}
): {
  readonly create: Schema.Schema<Values<F>, CreateInput<F, D>>
  readonly update: Schema.Schema<Partial<Omit<Values<F>, Fixed>>, UpdateInput<F, Fixed>>
} => {
  const defaults = (options.defaults ?? {}) as Record<string, (() => unknown) | undefined>
  const fixed = new Set<string>(options.fixed as ReadonlyArray<string> | undefined ?? [])
  const create: Record<string, Schema.Schema.All | Schema.PropertySignature.All> = {}
  const update: Record<string, Schema.Schema.All | Schema.PropertySignature.All> = {}
  for (const [name, field] of Object.entries(fields)) {
    const explicit = defaults[name]
    const fallback = explicit ??
      (field.nullable ? () => null : field.kind === "strings" ? () => [] : field.kind === "custom" ? () => ({}) : undefined)
    create[name] = fallback === undefined ? field.schema : Schema.optionalWith(field.schema, { exact: true, default: fallback as () => never })
    if (!fixed.has(name)) update[name] = Schema.optionalWith(field.schema, { exact: true })
  }
  return {
    create: Schema.Struct(create) as any,
    update: Schema.Struct(update) as any
  }
}
