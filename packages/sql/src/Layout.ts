/**
 * The table of a collection, derived from its catalog `Spec`: one column per scalar
 * field, two per money field (`<f>_amount_minor`, `<f>_currency`, so money parts are
 * plain, indexable columns), a JSON column for lists, documents and the custom-field
 * map. `workspace_id` leads the primary key `(workspace_id, id)`, every unique key and
 * every index.
 *
 * Custom fields live in the JSON column `custom` (jsonb on PostgreSQL, TEXT JSON on
 * SQLite), so a workspace can declare fields without DDL. They stay filterable and
 * sortable through JSON extraction with the field name as a SQL literal (never a
 * parameter), which is what lets an expression index serve them, e.g. on PostgreSQL
 * `CREATE INDEX ON account (workspace_id, (("custom"->>'tier') COLLATE "C"))` and on
 * SQLite `CREATE INDEX ... ON account (workspace_id, json_extract(custom, '$.tier'))`.
 *
 * @since 0.1.0
 */
import type { Collection, Field } from "@rapport/core"
import type { Dialect, ValueKind } from "./Dialect.js"
import { valueKind } from "./Dialect.js"

/**
 * One column: the field path it serves, its SQL name and type family.
 *
 * @since 0.1.0
 * @category models
 */
export interface Column {
  readonly name: string
  readonly kind: ValueKind
  readonly notNull: boolean
}

/**
 * How one field of a row is stored.
 *
 * @since 0.1.0
 * @category models
 */
export type Slot =
  | { readonly _tag: "Scalar"; readonly field: string; readonly column: Column; readonly kind: Field.Kind }
  | { readonly _tag: "Money"; readonly field: string; readonly amount: Column; readonly currency: Column }
  | { readonly _tag: "Json"; readonly field: string; readonly column: Column; readonly kind: Field.Kind }

/**
 * The table of one collection.
 *
 * @since 0.1.0
 * @category models
 */
export interface Table {
  readonly name: string
  readonly spec: Collection.Spec
  readonly slots: ReadonlyArray<Slot>
  readonly columns: ReadonlyArray<Column>
  /** Unique keys as column lists (without `workspace_id`). */
  readonly unique: ReadonlyArray<ReadonlyArray<string>>
  /** Indexes as column lists (without `workspace_id`). */
  readonly indexes: ReadonlyArray<ReadonlyArray<string>>
  /** JSON list columns (`strings`), which get a GIN index on PostgreSQL. */
  readonly lists: ReadonlyArray<string>
  /**
   * Indexes naming custom fields (`Catalog.make`'s `indexes`): each a list of columns and
   * custom values, the latter indexed as the compiler reads them (expression indexes).
   */
  readonly expressionIndexes: ReadonlyArray<ReadonlyArray<IndexPart>>
}

/**
 * One part of an expression index: a column, or a custom value read out of the JSON
 * column `column` at `path` (`["tier"]`, `["mrr", "currency"]`) as `kind`.
 *
 * @since 0.1.0
 * @category models
 */
export type IndexPart =
  | { readonly _tag: "Column"; readonly name: string }
  | { readonly _tag: "Custom"; readonly column: string; readonly path: ReadonlyArray<string>; readonly kind: ValueKind }

/**
 * The column name of a money part.
 *
 * @since 0.1.0
 * @category combinators
 */
export const moneyColumn = (field: string, part: "amountMinor" | "currency"): string =>
  part === "amountMinor" ? `${field}_amount_minor` : `${field}_currency`

/** The columns of a field path of a `unique` or `indexes` entry. */
const columnsOf = (spec: Collection.Spec, path: string): ReadonlyArray<string> => {
  const field = Object.hasOwn(spec.fields, path) ? spec.fields[path] : undefined
  if (field === undefined) {
    const dot = path.indexOf(".")
    const head = path.slice(0, dot)
    const part = path.slice(dot + 1)
    if (dot > 0 && spec.fields[head]?.kind === "money" && (part === "amountMinor" || part === "currency")) {
      return [moneyColumn(head, part)]
    }
    throw new Error(`collection ${spec.name}: index field "${path}" is not a field`)
  }
  if (field.kind === "money") return [moneyColumn(path, "amountMinor"), moneyColumn(path, "currency")]
  return [path]
}

/**
 * Lays out the table of a collection spec.
 *
 * @example
 * ```ts
 * import { Crm } from "@rapport/core"
 * import { Layout } from "@rapport/sql"
 * const table = Layout.make(Crm.collections[0]!.spec)
 * table.columns.map((c) => c.name) // ["id", "version", ...]
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (spec: Collection.Spec): Table => {
  const slots: Array<Slot> = []
  const columns: Array<Column> = []
  const lists: Array<string> = []
  const seen = new Set<string>(["workspace_id"])
  const add = (column: Column) => {
    if (seen.has(column.name)) throw new Error(`collection ${spec.name}: column "${column.name}" is laid out twice`)
    seen.add(column.name)
    columns.push(column)
    return column
  }
  for (const [field, f] of Object.entries(spec.fields)) {
    switch (f.kind) {
      case "money": {
        const amount = add({ name: moneyColumn(field, "amountMinor"), kind: "int", notNull: !f.nullable })
        const currency = add({ name: moneyColumn(field, "currency"), kind: "text", notNull: !f.nullable })
        slots.push({ _tag: "Money", field, amount, currency })
        break
      }
      case "strings":
      case "json":
      case "custom": {
        const column = add({ name: field, kind: "json", notNull: f.kind !== "json" && !f.nullable })
        if (f.kind === "strings") lists.push(field)
        slots.push({ _tag: "Json", field, column, kind: f.kind })
        break
      }
      default: {
        const column = add({ name: field, kind: valueKind(f.kind), notNull: !f.nullable })
        slots.push({ _tag: "Scalar", field, column, kind: f.kind })
      }
    }
  }
  const custom = spec.indexedCustom ?? {}
  const isCustom = (path: string) => path.startsWith("custom.") && spec.fields.custom?.kind === "custom"
  const expressionIndexes = spec.indexes.filter((fields) => fields.some(isCustom)).map((fields) =>
    fields.flatMap((p): ReadonlyArray<IndexPart> => {
      if (!isCustom(p)) return columnsOf(spec, p).map((name) => ({ _tag: "Column", name }))
      const path = p.slice("custom.".length).split(".")
      const f = custom[path[0]!]
      if (f === undefined) throw new Error(`collection ${spec.name}: index field "${p}" is no declared custom field`)
      const kind = path.length === 1 ? valueKind(f.kind) : path[1] === "amountMinor" ? "int" : "text"
      return [{ _tag: "Custom", column: "custom", path, kind }]
    })
  )
  const indexes: Array<ReadonlyArray<string>> = spec.indexes.filter((fields) => !fields.some(isCustom)).map((fields) =>
    fields.flatMap((p) => columnsOf(spec, p))
  )
  const unique = spec.unique.map((fields) => fields.flatMap((p) => columnsOf(spec, p)))
  // Every foreign key gets an index, so `related` conditions are index lookups, unless
  // an index or unique key already leads with it (a second one would only slow writes).
  for (const [field, f] of Object.entries(spec.fields)) {
    if (f.ref !== undefined && ![...indexes, ...unique].some((ix) => ix[0] === field)) indexes.push([field])
  }
  return {
    name: spec.name,
    spec,
    slots,
    columns,
    unique,
    indexes,
    lists,
    expressionIndexes
  }
}

const hash = (text: string): string => {
  // FNV-1a, enough to keep generated index names unique and below 63 bytes.
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h.toString(36)
}

/**
 * The DDL of a table, idempotent (`IF NOT EXISTS`): the table, its unique indexes and
 * indexes, all led by `workspace_id`.
 *
 * @since 0.1.0
 * @category combinators
 */
export const ddl = (dialect: Dialect, table: Table): ReadonlyArray<string> => {
  const q = dialect.quote
  const name = q(table.name)
  const cols = [
    `${q("workspace_id")} ${dialect.columnType("text")} NOT NULL`,
    ...table.columns.map((c) => `${q(c.name)} ${dialect.columnType(c.kind)}${c.notNull ? " NOT NULL" : ""}`)
  ]
  const out = [
    `CREATE TABLE IF NOT EXISTS ${name} (${cols.join(", ")}, PRIMARY KEY (${q("workspace_id")}, ${q("id")}))`
  ]
  for (const key of table.unique) {
    const ix = `ux_${table.name.slice(0, 30)}_${hash(`u:${table.name}:${key.join(",")}`)}`
    out.push(`CREATE UNIQUE INDEX IF NOT EXISTS ${q(ix)} ON ${name} (${[q("workspace_id"), ...key.map(q)].join(", ")})`)
  }
  for (const key of table.indexes) {
    const ix = `ix_${table.name.slice(0, 30)}_${hash(`i:${table.name}:${key.join(",")}`)}`
    out.push(`CREATE INDEX IF NOT EXISTS ${q(ix)} ON ${name} (${[q("workspace_id"), ...key.map(q)].join(", ")})`)
  }
  for (const parts of table.expressionIndexes) {
    const key = parts.map((p) => (p._tag === "Column" ? p.name : `${p.column}:${p.path.join(".")}:${p.kind}`)).join(",")
    const ix = q(`cx_${table.name.slice(0, 30)}_${hash(`c:${table.name}:${key}`)}`)
    // `id` last: a find sorted by its default tie-break reads the index in order (without
    // it, SQLite prefers the primary key's order to the filter, having no statistics).
    const expressions = [q("workspace_id"), ...parts.map((p) => indexExpression(dialect, p)), q("id")]
    out.push(dialect.expressionIndex(ix, name, expressions))
  }
  for (const list of table.lists) {
    const ix = dialect.listIndex(q(`gx_${table.name.slice(0, 30)}_${hash(`g:${table.name}:${list}`)}`), name, q(list))
    if (ix !== null) out.push(ix)
  }
  return out
}

/**
 * The expression of an index part, exactly as `Compiler` reads the path (so the engine
 * matches the query's expression with the index's): `Dialect.jsonField` for a custom value,
 * `Dialect.jsonPath` for a part of a custom money value.
 */
const indexExpression = (dialect: Dialect, part: IndexPart): string => {
  if (part._tag === "Column") return dialect.quote(part.name)
  const column = dialect.quote(part.column)
  const literal = (text: string) => `'${text}'`
  return part.path.length === 1
    ? dialect.jsonField(column, part.path[0]!, part.kind, literal)
    : dialect.jsonPath(column, part.path, part.kind, literal)
}

/**
 * `ALTER TABLE` statements adding the columns of `table` missing from `existing`.
 * Added columns are nullable: rows written before the change have no value for them.
 *
 * @since 0.1.0
 * @category combinators
 */
export const addMissingColumns = (
  dialect: Dialect,
  table: Table,
  existing: ReadonlySet<string>
): ReadonlyArray<string> =>
  table.columns.filter((c) => !existing.has(c.name)).map((c) =>
    `ALTER TABLE ${dialect.quote(table.name)} ADD COLUMN ${dialect.quote(c.name)} ${dialect.columnType(c.kind)}`
  )
