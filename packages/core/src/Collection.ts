/**
 * A collection is a kind of record (contact, order, ...): its model `Schema` and the
 * storage spec the stores lay out, index and query by. Every record has `id`,
 * `version`, `createdAt` and `updatedAt`; the rest comes from its fields.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as Field from "./Field.js"

/**
 * A JSON value as stored: what a row's fields hold.
 *
 * @since 0.1.0
 * @category models
 */
export type Json = string | number | boolean | null | ReadonlyArray<Json> | { readonly [key: string]: Json }

/**
 * A stored record in its encoded form: plain JSON values keyed by field name.
 *
 * @since 0.1.0
 * @category models
 */
export interface Row {
  readonly id: string
  readonly version: number
  readonly createdAt: number
  readonly updatedAt: number
  readonly [field: string]: Json
}

/**
 * The storage spec of a collection: plain data, what a `Store` needs to lay out a
 * table, validate a query and compile it. `custom` holds the custom fields the
 * workspace declared for this collection (empty when none).
 *
 * @since 0.1.0
 * @category models
 */
export interface Spec {
  readonly name: string
  readonly fields: Readonly<Record<string, Field.Spec>>
  readonly indexes: ReadonlyArray<ReadonlyArray<string>>
  readonly unique: ReadonlyArray<ReadonlyArray<string>>
  readonly custom: Readonly<Record<string, Field.Spec>>
  /**
   * The custom fields `indexes` names (`custom.tier`), with their specs: stores build
   * those indexes on the custom values (expression indexes on SQL). Set by `Catalog.make`.
   */
  readonly indexedCustom?: Readonly<Record<string, Field.Spec>>
}

/**
 * A collection: a name, the model schema (decoding a `Row` into the model) and its spec.
 *
 * @since 0.1.0
 * @category models
 */
export interface Collection<A> {
  readonly name: string
  /** Decodes a stored `Row` into the model (and encodes it back). */
  readonly schema: Schema.Schema<A, any>
  readonly spec: Spec
}

/**
 * A record's version: 1 on insert, +1 on every update.
 *
 * @since 0.1.0
 * @category models
 */
export const Version = Schema.Int.pipe(Schema.positive())

/**
 * The fields every record has.
 *
 * @since 0.1.0
 * @category models
 */
export const baseFields = {
  version: Field.integer(Version),
  createdAt: Field.timestamp(),
  updatedAt: Field.timestamp()
} as const

/**
 * The specs of the implicit fields, with `id`.
 *
 * @since 0.1.0
 * @category models
 */
export const baseSpecs: Readonly<Record<string, Field.Spec>> = {
  id: { kind: "string", nullable: false },
  version: { kind: "integer", nullable: false },
  createdAt: { kind: "timestamp", nullable: false },
  updatedAt: { kind: "timestamp", nullable: false }
}

/**
 * The `Schema.Class` fields of a model: `id`, the base fields and the given fields.
 *
 * @since 0.1.0
 * @category constructors
 */
export const modelFields = <Id extends Schema.Schema<any, any, never>, const F extends Record<string, Field.Field>>(
  id: Id,
  fields: F
) => ({ id, ...Field.schemas(baseFields), ...Field.schemas(fields) })

/**
 * Builds a collection from its model class and its field map.
 *
 * @example
 * ```ts
 * import { Collection, Field, Id } from "@rapport/core"
 * import { Schema } from "effect"
 *
 * const fields = { name: Field.text(), sku: Field.string() }
 * class Widget extends Schema.Class<Widget>("Widget")(Collection.modelFields(Schema.String, fields)) {}
 * const widgets = Collection.make({ name: "widget", schema: Widget, fields, unique: [["sku"]] })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <A>(options: {
  readonly name: string
  readonly schema: Schema.Schema<A, any>
  readonly fields: Readonly<Record<string, Field.Field>>
  readonly indexes?: ReadonlyArray<ReadonlyArray<string>>
  readonly unique?: ReadonlyArray<ReadonlyArray<string>>
}): Collection<A> => ({
  name: options.name,
  schema: options.schema,
  spec: {
    name: options.name,
    fields: { ...baseSpecs, ...Field.specs(options.fields) },
    indexes: options.indexes ?? [],
    unique: options.unique ?? [],
    custom: {}
  }
})

/**
 * The spec with the workspace's custom fields filled in.
 *
 * @since 0.1.0
 * @category combinators
 */
export const withCustom = (spec: Spec, custom: Readonly<Record<string, Field.Spec>>): Spec => ({ ...spec, custom })

/**
 * The spec of a field path: a top-level field, a `money` part (`total.amountMinor`,
 * `total.currency`), a custom field (`custom.plan`), a custom money part
 * (`custom.mrr.amountMinor`) or a declared property of a JSON document (`payload.to`,
 * always nullable). `undefined` when unknown.
 *
 * @since 0.1.0
 * @category combinators
 */
export const fieldAt = (spec: Spec, path: string): Field.Spec | undefined => {
  const direct = Object.hasOwn(spec.fields, path) ? spec.fields[path] : undefined
  if (direct !== undefined) return direct.kind === "custom" || direct.kind === "json" ? undefined : direct
  const dot = path.indexOf(".")
  if (dot < 0) return undefined
  const head = path.slice(0, dot)
  const rest = path.slice(dot + 1)
  const parent = Object.hasOwn(spec.fields, head) ? spec.fields[head] : undefined
  if (parent === undefined) return undefined
  if (parent.kind === "json") {
    const property = parent.properties !== undefined && Object.hasOwn(parent.properties, rest)
      ? parent.properties[rest]
      : undefined
    return property === undefined ? undefined : { ...property, nullable: true }
  }
  if (parent.kind === "money") {
    if (rest === "amountMinor") return { kind: "integer", nullable: parent.nullable }
    if (rest === "currency") return { kind: "string", nullable: parent.nullable }
    return undefined
  }
  if (parent.kind === "custom") {
    // A custom money field's parts: `custom.mrr.amountMinor`, `custom.mrr.currency`.
    const dot2 = rest.indexOf(".")
    const name = dot2 < 0 ? rest : rest.slice(0, dot2)
    const custom = Object.hasOwn(spec.custom, name) ? spec.custom[name] : undefined
    if (custom === undefined) return undefined
    // Custom values are optional per record, so every custom path can be null.
    if (dot2 < 0) return { ...custom, nullable: true }
    const part = rest.slice(dot2 + 1)
    if (custom.kind !== "money") return undefined
    if (part === "amountMinor") return { kind: "integer", nullable: true }
    if (part === "currency") return { kind: "string", nullable: true }
    return undefined
  }
  return undefined
}

/**
 * A path into a declared property of a JSON document field (`payload.record.stage`): the
 * field, the property's segments and its spec (nullable). `undefined` for other paths.
 * Engines read such a path type-guarded: a value of another type than `spec.kind` reads null.
 *
 * @since 0.1.0
 * @category combinators
 */
export const propertyAt = (
  spec: Spec,
  path: string
): { readonly field: string; readonly segments: ReadonlyArray<string>; readonly spec: Field.Spec } | undefined => {
  const dot = path.indexOf(".")
  if (dot < 0) return undefined
  const field = path.slice(0, dot)
  const parent = Object.hasOwn(spec.fields, field) ? spec.fields[field] : undefined
  if (parent?.kind !== "json" || parent.properties === undefined) return undefined
  const property = fieldAt(spec, path)
  return property === undefined ? undefined : { field, segments: path.slice(dot + 1).split("."), spec: property }
}

/**
 * Whether a stored value has the JSON type a field kind reads: what makes a property of
 * a document read as itself rather than null.
 *
 * @since 0.1.0
 * @category combinators
 */
export const fitsKind = (kind: Field.Kind, value: Json): boolean => {
  switch (kind) {
    case "string":
    case "date":
      return typeof value === "string"
    case "number":
      return typeof value === "number"
    case "integer":
    case "timestamp":
      // What `Schema.Int` accepts: a fraction or an integer beyond 2^53 is not one.
      return Number.isSafeInteger(value)
    case "boolean":
      return typeof value === "boolean"
    default:
      return false
  }
}

/**
 * A reader for a path of a spec's rows: `valueAt`, except that a property of a JSON
 * document (`propertyAt`) reads null where the document holds another type there.
 *
 * @since 0.1.0
 * @category combinators
 */
export const readerAt = (spec: Spec, path: string): (row: Row) => Json => {
  const property = propertyAt(spec, path)
  if (property === undefined) return (row) => valueAt(row, path)
  const { field, segments, spec: { kind } } = property
  return (row) => {
    let value: Json | undefined = row[field]
    for (const segment of segments) {
      if (value === null || value === undefined || typeof value !== "object" || Array.isArray(value)) return null
      value = Object.hasOwn(value, segment) ? (value as { readonly [key: string]: Json })[segment] : undefined
    }
    return value !== undefined && value !== null && fitsKind(kind, value) ? value : null
  }
}

/**
 * Reads a field path from a row (`undefined` and missing both read as `null`).
 *
 * @since 0.1.0
 * @category combinators
 */
export const valueAt = (row: Row, path: string): Json => {
  const direct = row[path]
  if (direct !== undefined) return direct
  const dot = path.indexOf(".")
  if (dot < 0) return null
  const parent = row[path.slice(0, dot)]
  if (parent === null || parent === undefined || typeof parent !== "object" || Array.isArray(parent)) return null
  const record = parent as { readonly [key: string]: Json }
  const rest = path.slice(dot + 1)
  const value = record[rest]
  if (value !== undefined) return value
  // One level further: a part of a custom money value (`custom.mrr.amountMinor`).
  const dot2 = rest.indexOf(".")
  if (dot2 < 0) return null
  const inner = record[rest.slice(0, dot2)]
  if (inner === null || inner === undefined || typeof inner !== "object" || Array.isArray(inner)) return null
  const part = (inner as { readonly [key: string]: Json })[rest.slice(dot2 + 1)]
  return part === undefined ? null : part
}
