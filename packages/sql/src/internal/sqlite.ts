/**
 * The SQLite dialect (documented at `Dialect.sqlite`).
 */
import { EventCollection } from "@rapport/core"
import * as SqlClient from "@effect/sql/SqlClient"
import type { Connection } from "@effect/sql/SqlConnection"
import { Effect, Exit, Scope } from "effect"
import type { Dialect } from "../Dialect.js"
import { quoteIdentifier } from "./postgres.js"

const LOW_MASK = "4294967295"
const SUM_BOUND = 2n ** 94n
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

/**
 * A transaction that holds the write lock from its first statement: `BEGIN IMMEDIATE`.
 * A deferred `BEGIN` would read a snapshot first and then fail to write over a commit
 * made meanwhile (`SQLITE_BUSY_SNAPSHOT`); waiting for the lock is the driver's busy
 * handling.
 */
const immediateTransaction = (client: SqlClient.SqlClient) => <A, E, R>(effect: Effect.Effect<A, E, R>) => {
  const run = (text: string) => (conn: Connection) => Effect.asVoid(conn.executeUnprepared(text, [], undefined))
  return Effect.suspend(() => {
    // A BEGIN that failed (the lock stayed taken past the busy timeout) opened nothing
    // to roll back: the ROLLBACK would fail and hide the reason as a defect.
    let begun = false
    return SqlClient.makeWithTransaction({
      transactionTag: SqlClient.TransactionConnection,
      spanAttributes: [["db.system", "sqlite"]],
      acquireConnection: Effect.flatMap(
        Scope.make(),
        (scope) =>
          Effect.map(Scope.extend(client.reserve, scope), (conn) => [scope, conn] as const).pipe(
            Effect.onError((cause) => Scope.close(scope, Exit.failCause(cause)))
          )
      ),
      begin: (conn) => Effect.tap(run("BEGIN IMMEDIATE")(conn), () => (begun = true)),
      savepoint: (conn, id) => Effect.tap(run(`SAVEPOINT effect_sql_${id}`)(conn), () => (begun = true)),
      commit: run("COMMIT"),
      rollback: (conn) => (begun ? run("ROLLBACK")(conn) : Effect.void),
      rollbackSavepoint: (conn, id) => (begun ? run(`ROLLBACK TO SAVEPOINT effect_sql_${id}`)(conn) : Effect.void)
    })(effect)
  })
}

/** The event log as rows of `EventCollection.spec` (column names are its field names), then `more` columns. */
const eventRowsView = (more: string) =>
  `CREATE VIEW IF NOT EXISTS ${quoteIdentifier(EventCollection.name)} AS SELECT workspace_id, ` +
  `substr('0000000000000000' || position, -16, 16) AS id, version, occurred_at AS createdAt, occurred_at AS updatedAt, ` +
  `position, type, collection, record_id AS recordId, occurred_at AS occurredAt, ` +
  `json_extract(actor, '$.kind') AS actorKind, json_extract(actor, '$.id') AS actorId, subjects${more} FROM rapport_events`

export const sqlite: Dialect = {
  name: "sqlite",
  placeholder: () => "?",
  quote: quoteIdentifier,
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
  jsonPath: (doc, path, kind, literal) => {
    const p = literal(`$.${path.join(".")}`)
    const types = kind === "text" ? "'text'" : kind === "bool" ? "'true', 'false'" : "'integer', 'real'"
    return `(CASE WHEN json_type(${doc}, ${p}) IN (${types}) THEN json_extract(${doc}, ${p}) END)`
  },
  // JSON text Rapport writes holds whole numbers as integer literals (`JSON.stringify`
  // never writes `1.0`), which `json_type` tells from fractions without a comparison.
  jsonInteger: (doc, path, literal) => {
    const p = literal(`$.${path.join(".")}`)
    const v = `json_extract(${doc}, ${p})`
    return `(CASE WHEN json_type(${doc}, ${p}) = 'integer' THEN (CASE WHEN abs(${v}) <= 9007199254740991 THEN ${v} END) END)`
  },
  elements: (column, alias) => ({
    from: `json_each(CASE WHEN json_type(${column}) = 'array' THEN ${column} END) AS ${alias}`,
    value: `${alias}.value`,
    isObject: `${alias}.type = 'object'`
  }),
  // JSON columns are text. Empty lists and objects (no tags, no custom values) are most
  // of what CRM rows hold: built directly, a fresh value each time, they skip the parser.
  readJson: (value) =>
    typeof value === "string" ? (value === "[]" ? [] : value === "{}" ? {} : JSON.parse(value)) : value,
  lower: (expr) => `rapport_lower(${expr})`,
  bucket: (expr, unit, zone, calendar) =>
    `rapport_bucket(${expr}, '${unit}', ${zone}, ${calendar.weekStart}, ${calendar.fiscalYearStartMonth})`,
  dateBucket: (expr, unit, calendar) =>
    `rapport_date_bucket(${expr}, '${unit}', ${calendar.weekStart}, ${calendar.fiscalYearStartMonth})`,
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
  asDouble: (expr) => `CAST(${expr} AS REAL)`,
  // `sum()` raises past 2^63 and `total()` is a double, so the sum is two exact 64-bit
  // sums: value = high · 2^32 + low, with high = floor(value / 2^32) (`>>` keeps the
  // sign) and 0 ≤ low < 2^32; neither can leave 64 bits below 2^31 rows per group. As
  // text, since the driver would round integers past 2^53. (high + carry, low mod 2^32)
  // sort like the sum itself.
  integerSum: (expr, filter) => {
    const high = `coalesce(sum(${expr} >> 32)${filter()}, 0)`
    const low = `coalesce(sum(${expr} & ${LOW_MASK})${filter()}, 0)`
    return {
      columns: [`CAST(${high} AS TEXT)`, `CAST(${low} AS TEXT)`],
      sortKeys: ([h, l]) => {
        const [hi, lo] = [`CAST(${h} AS INTEGER)`, `CAST(${l} AS INTEGER)`]
        return [`(${hi} + (${lo} >> 32))`, `(${lo} & ${LOW_MASK})`]
      },
      keyOf: (value) => {
        // No sum reaches 2^94 (2^31 rows of 64-bit values): beyond, every comparison is settled alike.
        const v = value > SUM_BOUND ? SUM_BOUND : value < -SUM_BOUND ? -SUM_BOUND : value
        return [(bind) => bind(v >> 32n), (bind) => bind(Number(v & 0xffffffffn))]
      }
    }
  },
  // better-sqlite3 builds SQLite with SQLITE_ENABLE_PERCENTILE: percentile_cont(Y, P) as PostgreSQL's.
  percentile: (value, p) => `percentile_cont(${value()}, ${p()})`,
  exactInteger: (value, bind) =>
    bind(value >= INT64_MIN && value <= INT64_MAX ? (Number.isSafeInteger(Number(value)) ? Number(value) : value) : Number(value)),
  maxParams: 32_766,
  failedStatementAbortsTransaction: false,
  jsonParam: (value) => JSON.stringify(value),
  nullsLast: " NULLS LAST",
  // One writer at a time, and a transaction that read before another committed cannot
  // write (`SQLITE_BUSY_SNAPSHOT`): reads in the writing transaction are enough.
  lockReferenced: "",
  lockRemoved: "",
  eventLog: {
    schema: [
      `CREATE TABLE IF NOT EXISTS rapport_events (position INTEGER PRIMARY KEY AUTOINCREMENT, workspace_id TEXT NOT NULL, type TEXT NOT NULL, collection TEXT NOT NULL, record_id TEXT NOT NULL, version INTEGER NOT NULL, occurred_at INTEGER NOT NULL, actor TEXT NOT NULL, subjects TEXT NOT NULL, payload TEXT)`,
      `CREATE INDEX IF NOT EXISTS rapport_events_workspace ON rapport_events (workspace_id, position)`,
      `CREATE TABLE IF NOT EXISTS rapport_event_subjects (workspace_id TEXT NOT NULL, subject TEXT NOT NULL, position INTEGER NOT NULL, PRIMARY KEY (workspace_id, subject, position)) WITHOUT ROWID`
    ],
    // `position` is the rowid: the feed reads the table in its own order.
    feedSchema: [
      `CREATE INDEX IF NOT EXISTS rapport_events_type ON rapport_events (type, position)`,
      `CREATE INDEX IF NOT EXISTS rapport_events_workspace_type ON rapport_events (workspace_id, type, position)`,
      `CREATE INDEX IF NOT EXISTS rapport_events_record ON rapport_events (workspace_id, record_id)`,
      eventRowsView("")
    ],
    // SQLite cannot replace a view: drop it and create it again (in the migration's transaction).
    payloadView: [`DROP VIEW IF EXISTS ${quoteIdentifier(EventCollection.name)}`, eventRowsView(", payload")],
    // One writer at a time: `AUTOINCREMENT` positions are commit-ordered already.
    lock: null,
    drawPositions: null,
    // Other processes find commits by polling (in process, the store signals them).
    notify: null,
    together: null,
    channel: null
  },
  // Expressions as written: SQLite matches a query's expression against them as parsed.
  expressionIndex: (index, table, expressions) => `CREATE INDEX IF NOT EXISTS ${index} ON ${table} (${expressions.join(", ")})`,
  listIndex: () => null,
  schemaQueries: {
    relations: `SELECT name FROM sqlite_master`,
    columns: `SELECT m.name AS tbl, c.name AS name FROM sqlite_master m, pragma_table_info(m.name) c WHERE m.type = 'table'`,
    normalize: (name) => name.toLowerCase()
  },
  exclusiveTransaction: immediateTransaction
}
