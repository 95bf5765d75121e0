/**
 * The PostgreSQL dialect (documented at `Dialect.postgres`).
 */
import type { Query, TimeBucket } from "@rapport/core"
import { EventCollection } from "@rapport/core"
import type * as SqlClient from "@effect/sql/SqlClient"
import { Effect } from "effect"
import type { Dialect, ValueKind } from "../Dialect.js"

export const quoteIdentifier = (identifier: string) => `"${identifier.replace(/"/g, "\"\"")}"`

/**
 * The local timestamp `wall` truncated to the start of its calendar unit. Weeks from
 * another weekday and fiscal quarters and years are ISO ones of the time shifted back
 * by the calendar's offset, shifted forward again (a month shift only moves the month:
 * the day is truncated away).
 */
const truncate = (wall: string, unit: Exclude<Query.BucketUnit, "hour">, calendar: TimeBucket.Calendar): string => {
  const [shift, field] = unit === "week"
    ? [calendar.weekStart - 1, "days"]
    : unit === "quarter" || unit === "year"
    ? [calendar.fiscalYearStartMonth - 1, "months"]
    : [0, ""]
  return shift === 0
    ? `date_trunc('${unit}', ${wall})`
    : `(date_trunc('${unit}', ${wall} - interval '${shift} ${field}') + interval '${shift} ${field}')`
}

const dayText = (timestamp: string) => `(to_char(${timestamp}, 'YYYY-MM-DD') COLLATE "C")`

/** `2026-10-25T02:00+02:00`: the local hour and the offset in whole minutes toward zero. */
const hourText = (instant: string, zone: string): string => {
  const wall = `(${instant} AT TIME ZONE ${zone})`
  const m = `(trunc(extract(epoch from ${wall} - (${instant} AT TIME ZONE 'UTC')) / 60)::int)`
  return `(to_char(date_trunc('hour', ${wall}), 'YYYY-MM-DD"T"HH24:00') || ` +
    `CASE WHEN ${m} < 0 THEN '-' ELSE '+' END || lpad((abs(${m}) / 60)::text, 2, '0') || ':' || ` +
    `lpad((abs(${m}) % 60)::text, 2, '0') COLLATE "C")`
}

/** The array type a list parameter of a value kind is cast to. */
const ARRAY: Readonly<Record<ValueKind, string>> = {
  text: "text[]",
  float: "double precision[]",
  int: "bigint[]",
  bool: "boolean[]",
  json: "jsonb[]"
}

/** The key of the advisory lock migrations hold (per database). */
const MIGRATION_LOCK = 7260100

/** The key of the advisory lock appends hold until commit (per database). */
const EVENT_LOCK = 7260101

/** The channel an appending transaction notifies (`LISTEN rapport_events` to be woken). */
const EVENT_CHANNEL = "rapport_events"

export const postgres = (options: { readonly lowerCollation?: string | null } = {}): Dialect => {
  const fold = options.lowerCollation === undefined ? "und-x-icu" : options.lowerCollation
  /** The event log as rows of `EventCollection.spec` (column names are its field names), then `more` columns. */
  const eventRowsView = (more: string) =>
    `CREATE OR REPLACE VIEW ${quoteIdentifier(EventCollection.name)} AS SELECT workspace_id, ` +
    `lpad(position::text, 16, '0') COLLATE "C" AS id, version, occurred_at AS "createdAt", occurred_at AS "updatedAt", ` +
    `position, type, collection, record_id AS "recordId", occurred_at AS "occurredAt", ` +
    `(actor->>'kind') COLLATE "C" AS "actorKind", (actor->>'id') COLLATE "C" AS "actorId", subjects${more} FROM rapport_events`
  return {
    name: "postgres",
    placeholder: (n) => `$${n}`,
    quote: quoteIdentifier,
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
    jsonPath: (doc, path, kind, literal) => {
      const p = literal(`{${path.join(",")}}`)
      const [type, read] = kind === "text"
        ? ["string", `((${doc} #>> ${p}) COLLATE "C")`]
        : kind === "bool"
        ? ["boolean", `((${doc} #>> ${p})::boolean)`]
        // Integers as numeric: exact (sums, large amounts), and no cast fails on a fraction.
        : ["number", `((${doc} #>> ${p})::${kind === "int" ? "numeric" : "double precision"})`]
      return `(CASE WHEN jsonb_typeof(${doc} #> ${p}) = '${type}' THEN ${read} END)`
    },
    jsonInteger: (doc, path, literal) => {
      const p = literal(`{${path.join(",")}}`)
      const n = `((${doc} #>> ${p})::numeric)`
      return `(CASE WHEN jsonb_typeof(${doc} #> ${p}) = 'number' THEN (CASE WHEN ${n} = trunc(${n}) AND abs(${n}) <= 9007199254740991 THEN ${n} END) END)`
    },
    elements: (column, alias) => ({
      from: `jsonb_array_elements(CASE WHEN jsonb_typeof(${column}) = 'array' THEN ${column} END) AS ${alias}(value)`,
      value: `${alias}.value`,
      isObject: `jsonb_typeof(${alias}.value) = 'object'`
    }),
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
    // jsonb arrives parsed.
    readJson: (value) => value,
    lower: (expr) => (fold === null ? `lower(${expr})` : `lower(${expr} COLLATE ${quoteIdentifier(fold)})`),
    bucket: (expr, unit, zone, calendar) => {
      const instant = `to_timestamp(${expr} / 1000.0)`
      return unit === "hour"
        ? hourText(instant, zone)
        : dayText(truncate(`(${instant} AT TIME ZONE ${zone})`, unit, calendar))
    },
    dateBucket: (expr, unit, calendar) => dayText(truncate(`(${expr})::timestamp`, unit, calendar)),
    bool: (value) => value,
    inList: (expr, param, kind) => `${expr} = ANY(${param}::${ARRAY[kind]})`,
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
      column === "int"
        ? (Number.isSafeInteger(value) ? `${param}::bigint` : `${param}::double precision`)
        : column === "float"
        ? `${param}::double precision`
        : param,
    asDouble: (expr) => `(${expr})::double precision`,
    // `sum(bigint)` is numeric: exact at any size, read back from its decimal text.
    integerSum: (expr, filter) => ({
      columns: [`coalesce(sum(${expr})${filter()}, 0)`],
      sortKeys: ([sum]) => [sum!],
      keyOf: (value) => [(bind) => `${bind(value.toString())}::numeric`]
    }),
    percentile: (value, p) => {
      const fraction = p()
      return `percentile_cont(${fraction}) WITHIN GROUP (ORDER BY ${value()})`
    },
    exactInteger: (value, bind) => `${bind(value.toString())}::numeric`,
    maxParams: 65_535,
    failedStatementAbortsTransaction: true,
    jsonParam: (value) => JSON.stringify(value),
    nullsLast: " NULLS LAST",
    lockReferenced: " FOR KEY SHARE",
    lockRemoved: " FOR UPDATE",
    eventLog: {
      schema: [
        `CREATE SEQUENCE IF NOT EXISTS rapport_event_position`,
        `CREATE TABLE IF NOT EXISTS rapport_events (workspace_id text COLLATE "C" NOT NULL, position bigint NOT NULL, type text NOT NULL, collection text NOT NULL, record_id text NOT NULL, version bigint NOT NULL, occurred_at bigint NOT NULL, actor jsonb NOT NULL, subjects jsonb NOT NULL, payload jsonb, PRIMARY KEY (workspace_id, position))`,
        `CREATE TABLE IF NOT EXISTS rapport_event_subjects (workspace_id text COLLATE "C" NOT NULL, subject text COLLATE "C" NOT NULL, position bigint NOT NULL, PRIMARY KEY (workspace_id, subject, position))`
      ],
      feedSchema: [
        // Text compared by code point, as in every collection table (and in the memory store).
        `ALTER TABLE rapport_events ALTER COLUMN type TYPE text COLLATE "C", ALTER COLUMN collection TYPE text COLLATE "C", ALTER COLUMN record_id TYPE text COLLATE "C"`,
        `CREATE INDEX IF NOT EXISTS rapport_events_position ON rapport_events (position)`,
        `CREATE INDEX IF NOT EXISTS rapport_events_type ON rapport_events (type, position)`,
        `CREATE INDEX IF NOT EXISTS rapport_events_workspace_type ON rapport_events (workspace_id, type, position)`,
        `CREATE INDEX IF NOT EXISTS rapport_events_record ON rapport_events (workspace_id, record_id)`,
        eventRowsView("")
      ],
      // A replaced view may add columns at its end.
      payloadView: [eventRowsView(", payload")],
      // One round trip inside the lock's window: the lock (held until commit, so positions
      // are handed out in commit order store-wide; see docs/scaling.md), the notification
      // (sent at commit), then the positions. The materialized CTE is scanned before any
      // row of the join exists, so no position is drawn before the lock is held.
      lock: null,
      drawPositions:
        `WITH locked AS MATERIALIZED (SELECT pg_advisory_xact_lock(${EVENT_LOCK}), pg_notify('${EVENT_CHANNEL}', '')) ` +
        `SELECT nextval('rapport_event_position') AS p FROM locked, generate_series(1, $1::int)`,
      notify: null,
      together: (first, second) => `WITH events AS (${first}) ${second}`,
      channel: EVENT_CHANNEL
    },
    // `has`/`hasAny` use jsonb `?`/`?|`, which a GIN index serves (btree_gin would be
    // needed to lead it with workspace_id; the workspace filter is applied on top).
    // Every expression in parentheses (a column name stands alone as well).
    expressionIndex: (index, table, expressions) =>
      `CREATE INDEX IF NOT EXISTS ${index} ON ${table} (${expressions.map((e) => `(${e})`).join(", ")})`,
    listIndex: (index, table, column) => `CREATE INDEX IF NOT EXISTS ${index} ON ${table} USING gin (${column})`,
    schemaQueries: {
      relations: `SELECT relname AS name FROM pg_class WHERE relnamespace = current_schema()::regnamespace`,
      columns:
        `SELECT table_name AS tbl, column_name AS name FROM information_schema.columns WHERE table_schema = current_schema()`,
      normalize: (name) => name
    },
    exclusiveTransaction: (client: SqlClient.SqlClient) => (effect) =>
      client.withTransaction(Effect.zipRight(client.unsafe(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`), effect))
  }
}
