/**
 * What differs between SQL engines, and nothing else (Kysely's Dialect/Compiler split):
 * placeholders, identifier quoting, column types, JSON access, case folding, time
 * buckets, booleans, list parameters, row locks, exact sums, how the event log hands
 * out positions, and how migrations inspect and lock the schema. One compiler
 * (`Compiler.ts`), one store (`SqlStore.ts`) and one migrator (`Migrations.ts`) run on
 * every dialect, and none of them branches on which dialect it has: a third engine is a
 * new value of this interface, with no edit to them.
 *
 * Values always travel as bound parameters; the only text a dialect splices into SQL
 * is identifiers taken from the catalog (quoted) and a handful of constants of its own.
 *
 * @since 0.1.0
 */
import type { Field, Query, TimeBucket } from "@rapport/core"
import type * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import type { Effect } from "effect"
import { postgres as makePostgres } from "./internal/postgres.js"
import { sqlite as sqliteDialect } from "./internal/sqlite.js"

/**
 * The column type family of a scalar value a SQL expression yields.
 *
 * @since 0.1.0
 * @category models
 */
export type ValueKind = "text" | "float" | "int" | "bool" | "json"

/**
 * How a dialect computes an exact sum of a 64-bit integer expression: `columns` are the
 * select-list expressions (one: the sum itself; two: its high and low 32-bit halves, put
 * together by `Compiler.aggregateRow`). An aggregate reads them back by alias in an outer
 * query: `sortKeys` are the expressions over those output columns that sort like the sum
 * (lexicographically), `keyOf` splits a value the same way, each part binding its own
 * parameter (so a `having` or a cursor compares the sum exactly).
 *
 * @since 0.1.0
 * @category models
 */
export interface IntegerSum {
  readonly columns: readonly [string] | readonly [string, string]
  readonly sortKeys: (columns: ReadonlyArray<string>) => ReadonlyArray<string>
  readonly keyOf: (value: bigint) => ReadonlyArray<(bind: (value: unknown) => string) => string>
}

/**
 * How the event log (`rapport_events`) hands out positions that grow in commit order
 * within a workspace.
 *
 * @since 0.1.0
 * @category models
 */
export interface EventLog {
  /** The DDL of the log and its subject index (migration 1 of `@rapport/sql`). */
  readonly schema: ReadonlyArray<string>
  /**
   * Migration 2: the indexes of the feed and of reads filtered by type (by position
   * across workspaces where the primary key does not serve it, by type and position, by
   * workspace, type and position, by workspace and record), and the view that shows the
   * log as the rows of `EventCollection` (named `EventCollection.name`, one column per
   * field of `EventCollection.spec`, plus `workspace_id`).
   */
  readonly feedSchema: ReadonlyArray<string>
  /**
   * Migration 3: the view of migration 2 again, with the `payload` column (whose declared
   * properties are the collection's payload fields).
   */
  readonly payloadView: ReadonlyArray<string>
  /**
   * A statement (no parameters) run in an appending transaction before it draws
   * positions, holding a lock until commit, so that positions are handed out in commit
   * order store-wide (PostgreSQL's advisory lock); `null` where writers are serialized
   * anyway (SQLite).
   */
  readonly lock: string | null
  /**
   * A statement yielding `n` fresh positions as column `p`, `n` bound as the only
   * parameter; `null` when the `INSERT` assigns the position (`RETURNING position`). It
   * may take the append lock and send the notification itself, sparing round trips
   * inside the lock's window (PostgreSQL's does; its `lock` and `notify` are then `null`).
   */
  readonly drawPositions: string | null
  /**
   * A statement (no parameters) run in an appending transaction that wakes waiting
   * consumers of other processes when it commits (PostgreSQL `NOTIFY`); `null` when the
   * engine has no such push.
   */
  readonly notify: string | null
  /**
   * Runs two inserts (the events, then their subject index rows; placeholders numbered
   * across both) as one statement (PostgreSQL: a data-modifying `WITH`); `null` where
   * the engine cannot, and they run one after the other.
   */
  readonly together: ((first: string, second: string) => string) | null
  /** The channel appending transactions notify, to listen on; `null` when they notify none. */
  readonly channel: string | null
}

/**
 * One SQL dialect. Implement it to run Rapport on another engine; the conformance suite
 * (`@rapport/conformance`) then says whether it holds to the `Store` contract.
 *
 * @since 0.1.0
 * @category models
 */
export interface Dialect {
  /** A name for messages and traces ("postgres", "sqlite"). Nothing branches on it. */
  readonly name: string
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
  /**
   * Reads a path (`["unitPrice", "amountMinor"]`) out of a JSON document as `kind`, NULL
   * when the value there is of another JSON type (so no cast can fail). `literal` quotes
   * the path text (the segments are checked identifiers).
   */
  readonly jsonPath: (doc: string, path: ReadonlyArray<string>, kind: ValueKind, literal: (text: string) => string) => string
  /**
   * An integer read from a JSON document at `path`, type-guarded as `jsonPath` is, and
   * also NULL unless it is a whole number within ±(2^53 − 1) (what `Schema.Int` accepts,
   * and what the memory store reads there): the integer properties of a document.
   */
  readonly jsonInteger: (doc: string, path: ReadonlyArray<string>, literal: (text: string) => string) => string
  /**
   * The elements of a JSON list column as a `FROM` item named `alias` (none when the
   * column holds no list), the expression of one element's document, and the condition
   * that it is an object.
   */
  readonly elements: (column: string, alias: string) => { readonly from: string; readonly value: string; readonly isObject: string }
  /** A JSON column's value as the driver returns it, as JSON (SQLite returns text). */
  readonly readJson: (value: unknown) => unknown
  /** The Unicode default lowercase of a text expression (JavaScript's `toLowerCase`). */
  readonly lower: (expr: string) => string
  /**
   * The bucket of an epoch-millis expression, named as `TimeBucket.bucketOf` names it
   * (`YYYY-MM-DD`; `YYYY-MM-DDTHH:00±HH:MM` for hours). `zone` is a placeholder; the
   * calendar's numbers are checked integers, safe to write into the statement.
   */
  readonly bucket: (expr: string, unit: Query.BucketUnit, zone: string, calendar: TimeBucket.Calendar) => string
  /** The bucket of a `YYYY-MM-DD` text expression, as `TimeBucket.dateBucketOf` names it. */
  readonly dateBucket: (expr: string, unit: Exclude<Query.BucketUnit, "hour">, calendar: TimeBucket.Calendar) => string
  /** A parameter value for a boolean. */
  readonly bool: (value: boolean) => unknown
  /** `expr` is one of the values of a bound list parameter (`param`, bound with `listParam`). */
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
  /**
   * A numeric expression as a double (`Query.compare` arithmetic is double precision on
   * every engine, never integer arithmetic, which overflows or turns into floats unlike
   * JavaScript).
   */
  readonly asDouble: (expr: string) => string
  /**
   * The exact sum of a 64-bit integer expression (money amounts), see `IntegerSum`;
   * `filter()` is the measure's `FILTER (WHERE …)` clause (or empty), to call after each
   * `sum(…)` it restricts (it binds parameters anew each call).
   */
  readonly integerSum: (expr: string, filter: () => string) => IntegerSum
  /**
   * The continuous percentile (PostgreSQL's `percentile_cont`: linear interpolation between
   * the closest ranks) of a double expression, `p` a placeholder of a double from 0 to 1;
   * each thunk is called once, in the order its text appears.
   */
  readonly percentile: (value: () => string, p: () => string) => string
  /** An exact integer of any size compared with an integer or numeric expression, bound by `bind`. */
  readonly exactInteger: (value: bigint, bind: (value: unknown) => string) => string
  /** How many parameters one statement may bind. */
  readonly maxParams: number
  /** Whether a failed statement poisons the whole transaction (PostgreSQL): writes that may fail run in a savepoint. */
  readonly failedStatementAbortsTransaction: boolean
  /** How a JSON value is bound for a json column. */
  readonly jsonParam: (value: unknown) => unknown
  /** NULLS LAST after a direction. */
  readonly nullsLast: string
  /**
   * Appended to a `SELECT` of rows a write points at, so that a concurrent remove of
   * them waits (PostgreSQL `FOR KEY SHARE`); empty where writers are serialized.
   */
  readonly lockReferenced: string
  /**
   * Appended to the `SELECT` of a row about to be removed, so that writers pointing at
   * it wait (PostgreSQL `FOR UPDATE`); empty where writers are serialized.
   */
  readonly lockRemoved: string
  /** See `EventLog`. */
  readonly eventLog: EventLog
  /**
   * Indexes beyond `workspace_id`-led B-trees: for a JSON list column (`has`, `hasAny`),
   * the `CREATE INDEX` statement named `index`, or `null` when the engine has none that
   * serves those tests.
   */
  readonly listIndex: (index: string, table: string, column: string) => string | null
  /**
   * The `CREATE INDEX IF NOT EXISTS` statement of an index named `index` on expressions
   * (`workspace_id`, then custom values as the compiler reads them).
   */
  readonly expressionIndex: (index: string, table: string, expressions: ReadonlyArray<string>) => string
  /** What migrations read of the schema, without writing or locking. */
  readonly schemaQueries: {
    /** Every relation name (tables, indexes, sequences) as column `name`. */
    readonly relations: string
    /** Every column of every table as `tbl`, `name`. */
    readonly columns: string
    /** Names as compared (SQLite compares them case-insensitively). */
    readonly normalize: (name: string) => string
  }
  /**
   * Runs `effect` in a transaction holding the schema's write lock from its first
   * statement, so that processes starting at once migrate one after another.
   */
  readonly exclusiveTransaction: (
    client: SqlClient.SqlClient
  ) => <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | SqlError, R>
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
export const postgres: (options?: { readonly lowerCollation?: string | null }) => Dialect = makePostgres

/**
 * SQLite (3.35+, built with `SQLITE_ENABLE_PERCENTILE` as better-sqlite3 builds it, for
 * `percentile_cont`). Text compares with `BINARY` (UTF-8 bytes: code point order). Case
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
export const sqlite: Dialect = sqliteDialect
