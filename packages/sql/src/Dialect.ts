/**
 * What differs between SQL engines, and nothing else (Kysely's Dialect/Compiler split):
 * placeholders, identifier quoting, column types, JSON access, case folding, time
 * buckets, booleans and list parameters. One compiler (`Compiler.ts`) and one store
 * (`SqlStore.ts`) run on every dialect.
 *
 * Values always travel as bound parameters; the only text a dialect splices into SQL
 * is identifiers taken from the catalog (quoted) and a handful of constants of its own.
 *
 * @since 0.1.0
 */
import type { Field, Query } from "@rapport/core"

/**
 * The column type family of a scalar value a SQL expression yields.
 *
 * @since 0.1.0
 * @category models
 */
export type ValueKind = "text" | "float" | "int" | "bool" | "json"

/**
 * One SQL dialect.
 *
 * @since 0.1.0
 * @category models
 */
export interface Dialect {
  readonly name: "pg" | "sqlite"
  /** The placeholder of the `n`th parameter (1-based). */
  readonly placeholder: (n: number) => string
  /** Quotes an identifier (always called with names from the catalog or constants). */
  readonly quote: (identifier: string) => string
  /** The column type of a storage kind (money has two columns, see `Layout`). */
  readonly columnType: (kind: ValueKind) => string
  /** Text columns compare by code point. */
  readonly textCollation: string
  /** Reads a custom value out of the custom-field document as `kind`. */
  readonly jsonField: (column: string, name: string, kind: ValueKind, literal: (name: string) => string) => string
  /** The Unicode default lowercase of a text expression (JavaScript's `toLowerCase`). */
  readonly lower: (expr: string) => string
  /** The bucket of an epoch-millis expression: a `YYYY-MM-DD` text. `zone` is a placeholder. */
  readonly bucket: (expr: string, unit: Query.BucketUnit, zone: string) => string
  /** A parameter value for a boolean. */
  readonly bool: (value: boolean) => unknown
  /** `expr` is one of the values of a bound list parameter. */
  readonly inList: (expr: string, param: string, kind: ValueKind) => string
  /** The list parameter of `inList`. */
  readonly listParam: (values: ReadonlyArray<Query.Scalar>, kind: ValueKind) => unknown
  /** A JSON text array column holds `param`. */
  readonly has: (column: string, param: string) => string
  /** A JSON text array column holds one of the (list) `param`. */
  readonly hasAny: (column: string, param: string) => string
  /**
   * `expr` contains / starts with / ends with a text; `param()` binds the text and returns
   * its placeholder (call it once per use: SQLite's `?` are positional).
   */
  readonly contains: (expr: string, param: () => string) => string
  readonly startsWith: (expr: string, param: () => string) => string
  readonly endsWith: (expr: string, param: () => string) => string
  /** A numeric parameter compared with an integer column (pg needs a cast for fractions). */
  readonly numberParam: (param: string, value: number, column: ValueKind) => string
  /** How many parameters one statement may bind. */
  readonly maxParams: number
  /** Whether a failed statement poisons the whole transaction (PostgreSQL): writes that may fail run in a savepoint. */
  readonly failedStatementAbortsTransaction: boolean
  /** How a JSON value is bound for a json column. */
  readonly jsonParam: (value: unknown) => unknown
  /** NULLS LAST after a direction. */
  readonly nullsLast: string
}

/**
 * The value kind of a scalar field kind.
 *
 * @since 0.1.0
 * @category combinators
 */
export const valueKind = (kind: Field.Kind): ValueKind => {
  switch (kind) {
    case "string":
    case "date":
      return "text"
    case "number":
      return "float"
    case "integer":
    case "timestamp":
      return "int"
    case "boolean":
      return "bool"
    default:
      return "json"
  }
}

const quoteWith = (identifier: string) => `"${identifier.replace(/"/g, "\"\"")}"`

const PG_UNITS: Readonly<Record<Query.BucketUnit, string>> = { day: "day", week: "week", month: "month", year: "year" }

/**
 * PostgreSQL (12+; 15 and 18 tested). Text columns use `COLLATE "C"` (UTF-8 byte order
 * is code point order); case folding uses an ICU or builtin Unicode collation chosen at
 * startup (`lowerCollation`), since `lower()` under "C" only folds ASCII.
 *
 * @example
 * ```ts
 * import { Dialect } from "@rapport/sql"
 * const pg = Dialect.postgres({ lowerCollation: "und-x-icu" })
 * pg.placeholder(2) // "$2"
 * ```
 *
 * @since 0.1.0
 * @category dialects
 */
export const postgres = (options: { readonly lowerCollation?: string | null } = {}): Dialect => {
  const fold = options.lowerCollation === undefined ? "und-x-icu" : options.lowerCollation
  return {
    name: "pg",
    placeholder: (n) => `$${n}`,
    quote: quoteWith,
    columnType: (kind) => {
      switch (kind) {
        case "text":
          return "text COLLATE \"C\""
        case "float":
          return "double precision"
        case "int":
          return "bigint"
        case "bool":
          return "boolean"
        case "json":
          return "jsonb"
      }
    },
    textCollation: "\"C\"",
    jsonField: (column, name, kind, literal) => {
      const key = literal(name)
      switch (kind) {
        case "text":
          return `((${column}->>${key}) COLLATE "C")`
        case "float":
          return `((${column}->>${key})::double precision)`
        case "int":
          return `((${column}->>${key})::bigint)`
        case "bool":
          return `((${column}->${key})::boolean)`
        case "json":
          return `(${column}->${key})`
      }
    },
    lower: (expr) => (fold === null ? `lower(${expr})` : `lower(${expr} COLLATE ${quoteWith(fold)})`),
    bucket: (expr, unit, zone) =>
      `(to_char(date_trunc('${PG_UNITS[unit]}', to_timestamp(${expr} / 1000.0) AT TIME ZONE ${zone}), 'YYYY-MM-DD') COLLATE "C")`,
    bool: (value) => value,
    inList: (expr, param) => `${expr} = ANY(${param})`,
    listParam: (values) => values,
    has: (column, param) => `(${column} ? ${param})`,
    hasAny: (column, param) => `(${column} ?| ${param}::text[])`,
    contains: (expr, param) => `(strpos(${expr}, ${param()}) > 0)`,
    startsWith: (expr, param) => `starts_with(${expr}, ${param()})`,
    endsWith: (expr, param) => {
      const p = param()
      return `(right(${expr}, char_length(${p})) = ${p})`
    },
    numberParam: (param, value, column) =>
      column === "int" ? (Number.isSafeInteger(value) ? `${param}::bigint` : `${param}::double precision`) : column === "float" ? `${param}::double precision` : param,
    maxParams: 65_535,
    failedStatementAbortsTransaction: true,
    jsonParam: (value) => JSON.stringify(value),
    nullsLast: " NULLS LAST"
  }
}

/**
 * SQLite (3.35+). Text compares with `BINARY` (UTF-8 bytes: code point order). Case
 * folding and time buckets call the functions `rapport_lower` and `rapport_bucket`,
 * which the SQLite driver registers on every connection (JavaScript's `toLowerCase`
 * and `TimeBucket.bucketOf`), because SQLite has neither Unicode case mapping nor
 * time zone data.
 *
 * @example
 * ```ts
 * import { Dialect } from "@rapport/sql"
 * Dialect.sqlite.placeholder(2) // "?"
 * ```
 *
 * @since 0.1.0
 * @category dialects
 */
export const sqlite: Dialect = {
  name: "sqlite",
  placeholder: () => "?",
  quote: quoteWith,
  columnType: (kind) => {
    switch (kind) {
      case "text":
        return "TEXT"
      case "float":
        return "REAL"
      case "int":
      case "bool":
        return "INTEGER"
      case "json":
        return "TEXT"
    }
  },
  textCollation: "BINARY",
  jsonField: (column, name, _kind, literal) => `json_extract(${column}, ${literal(`$.${name}`)})`,
  lower: (expr) => `rapport_lower(${expr})`,
  bucket: (expr, unit, zone) => `rapport_bucket(${expr}, '${unit}', ${zone})`,
  bool: (value) => (value ? 1 : 0),
  inList: (expr, param) => `${expr} IN (SELECT value FROM json_each(${param}))`,
  listParam: (values) => JSON.stringify(values),
  has: (column, param) => `EXISTS (SELECT 1 FROM json_each(${column}) WHERE value = ${param})`,
  hasAny: (column, param) =>
    `EXISTS (SELECT 1 FROM json_each(${column}) WHERE value IN (SELECT value FROM json_each(${param})))`,
  contains: (expr, param) => `(instr(${expr}, ${param()}) > 0)`,
  startsWith: (expr, param) => `(substr(${expr}, 1, length(${param()})) = ${param()})`,
  // Sound for every length: a needle longer than the text never equals the shorter substring.
  endsWith: (expr, param) => `(substr(${expr}, length(${expr}) - length(${param()}) + 1) = ${param()})`,
  numberParam: (param) => param,
  maxParams: 32_766,
  failedStatementAbortsTransaction: false,
  jsonParam: (value) => JSON.stringify(value),
  nullsLast: " NULLS LAST"
}
