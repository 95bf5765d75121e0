/**
 * The dialect-generic SQL `Store` over `@effect/sql`'s `SqlClient`. `@rapport/pg` and
 * `@rapport/sqlite` only add a client and a `Dialect`.
 *
 * - It is an `Engine`: `Engine.toStore` checks the workspace, plans queries (as for the
 *   memory store), pages and checks events; the engine compiles each plan once to SQL
 *   (`Compiler`: values bound, identifiers from the catalog) and keeps the statement
 *   for as long as `toStore` hands out the same plan.
 * - Writes are version-guarded single statements (`UPDATE … WHERE version = $v`), so
 *   under concurrency the loser sees zero rows and gets `Conflict` "stale-version".
 *   Inserts use `ON CONFLICT DO NOTHING … RETURNING` so a taken id or key never aborts
 *   a PostgreSQL transaction; updates of tables with unique keys run in a savepoint
 *   there for the same reason.
 * - References (the `Store` port's contract) are checked before the write, in the
 *   writing transaction (one of its own outside a transaction). PostgreSQL, in READ
 *   COMMITTED: a write locks every row it points at `FOR KEY SHARE` (none found:
 *   `Conflict` "missing-reference"), which waits for a concurrent remove of it to end
 *   and then finds no row; a remove locks its row `FOR UPDATE`, which waits for every
 *   writer holding such a lock to end, and then looks for referrers in new statements,
 *   which see those that committed. SQLite has one writer at a time, and a transaction
 *   that read before another writer committed cannot write (`SQLITE_BUSY_SNAPSHOT`,
 *   `Conflict`), so reads in the writing transaction are enough. Collections without
 *   references, and rows whose references are all null, run no extra statement.
 * - `transaction` is `SqlClient.withTransaction` (nested calls are savepoints). A
 *   failed COMMIT, which `@effect/sql` raises as a defect, becomes a `StoreError`;
 *   serialization failures and deadlocks retry the outermost transaction a bounded
 *   number of times.
 * - Event positions (`Dialect.eventLog`): PostgreSQL appends take `pg_advisory_xact_lock` keyed by the
 *   workspace and then draw positions from a sequence. The lock is held until commit,
 *   so within a workspace positions are assigned in commit order and a reader resuming
 *   after the last position it saw never skips a late commit. SQLite has one writer at
 *   a time, so its `AUTOINCREMENT` positions are commit-ordered already.
 *
 * @since 0.1.0
 */
import { Actor, Catalog, DomainEvent, Engine, Errors, EventCollection, Plan, Store } from "@rapport/core"
import type { Collection, Query } from "@rapport/core"
import * as SqlClient from "@effect/sql/SqlClient"
import { SqlError } from "@effect/sql/SqlError"
import { Context, Effect, Either, Layer, Option } from "effect"
import * as Compiler from "./Compiler.js"
import type { Dialect } from "./Dialect.js"
import * as Layout from "./Layout.js"
import * as Migrations from "./Migrations.js"
import { type Codec, codec } from "./internal/rows.js"

type Row = Collection.Row
type Raw = Record<string, unknown>

/**
 * How to build a SQL store.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly dialect: Dialect
  /** Run migrations at startup (default true). With false, the schema must be current. */
  readonly migrate?: boolean
  /** Extra numbered migrations of other packages. */
  readonly migrations?: ReadonlyArray<Migrations.PackageMigrations>
  /** How often a transaction that failed to serialize is retried (default 3). */
  readonly retries?: number
  /**
   * A faster way to run one statement outside any transaction, when the driver has one
   * (the SQLite driver runs it synchronously on a dedicated autocommit connection,
   * skipping the pool and span bookkeeping of a `SqlClient` statement).
   *
   * `reusable` marks the store's own per-table statements (key lookups, version-guarded
   * writes, event reads), whose best plan does not depend on the values bound: a driver
   * may prepare those once per connection (PostgreSQL then reuses a generic plan).
   * Compiled queries are not reusable: the best plan for a date window or a skewed
   * status depends on the values, so they are planned on every call.
   */
  readonly direct?: (
    sql: string,
    params: ReadonlyArray<unknown>,
    reusable: boolean
  ) => Effect.Effect<ReadonlyArray<any>, SqlError>
  /**
   * Runs one prepared statement once per parameter row on the current connection (the
   * transaction's, if one is open), stopping at the first row it changes nothing for,
   * and returns how many rows it changed. When the driver has this (SQLite), bulk
   * inserts use one prepared single-row `INSERT … ON CONFLICT DO NOTHING` per row,
   * which SQLite runs faster than a large multi-row statement with `RETURNING`.
   */
  readonly runEach?: (sql: string, rows: ReadonlyArray<ReadonlyArray<unknown>>) => Effect.Effect<number, SqlError>
  /**
   * The signal the store notifies when its transactions commit events, and that wakes
   * `awaitFeed`. A driver that learns of other processes' commits (PostgreSQL's
   * `LISTEN`) passes one it also notifies; by default the store makes its own.
   */
  readonly commits?: Engine.Signal
  /**
   * `direct` for a query returning rows as arrays of column values in select-list
   * order (better-sqlite3's raw mode), which spares building an object per driver row
   * that the store would only copy into the record. Used for whole-row reads outside
   * transactions.
   */
  readonly directValues?: (
    sql: string,
    params: ReadonlyArray<unknown>,
    reusable: boolean
  ) => Effect.Effect<ReadonlyArray<ReadonlyArray<unknown>>, SqlError>
}

interface Prepared {
  readonly table: Layout.Table
  readonly codec: Codec
  readonly select: string
  readonly byId: string
  readonly byIds: string
  readonly insertHead: string
  readonly rowPlaceholders: (first: number) => string
  readonly insertTail: string
  /** One row, no `RETURNING`: the statement of `Options.runEach`. */
  readonly insertOne: string
  readonly update: string
  readonly remove: string
  readonly versionOf: string
  /** The ids among `$2` that exist, locked `FOR KEY SHARE` on PostgreSQL (rows a write points at). */
  readonly lockIds: string
  /** The version of row `$2`, locked `FOR UPDATE` on PostgreSQL (a row about to be removed). */
  readonly lockRow: string
}

const storeError = (operation: string, detail: string, cause?: unknown) =>
  new Errors.StoreError({ operation: `SqlStore.${operation}`, detail, ...(cause === undefined ? {} : { cause }) })

const codeOf = (error: unknown): string | undefined => {
  const cause = error instanceof SqlError ? error.cause : error
  const code = (cause as { readonly code?: unknown } | null | undefined)?.code
  return typeof code === "string" ? code : undefined
}

const isUniqueViolation = (code: string | undefined) =>
  code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY"
const isRetryable = (code: string | undefined) => code === "40001" || code === "40P01"
/** SQLite: this transaction read a snapshot another writer has since replaced; it cannot write. */
const isStaleSnapshot = (code: string | undefined) => code === "SQLITE_BUSY_SNAPSHOT"

/** The detail of the `Conflict` a lost SQLite snapshot becomes (`isStaleSnapshot`). */
const STALE_SNAPSHOT = "a concurrent transaction committed first"

const EVENT_COLUMNS = "workspace_id, position, type, collection, record_id, version, occurred_at, actor, subjects, payload"

/**
 * Builds the store over the `SqlClient` in the context, migrating first (unless
 * `migrate: false`).
 *
 * @example
 * ```ts
 * import { Catalog, Crm } from "@rapport/core"
 * import { Dialect, SqlStore } from "@rapport/sql"
 * import { Layer } from "effect"
 *
 * // Provide a SqlClient (e.g. from @effect/sql-pg) and a Catalog.
 * const StoreLive = SqlStore.layer({ dialect: Dialect.postgres() }).pipe(
 *   Layer.provide(Catalog.layer({ collections: Crm.collections }))
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: Options
): Effect.Effect<Store.Service, Errors.StoreError, SqlClient.SqlClient | Catalog.Catalog> =>
  Effect.gen(function*() {
    const catalog = yield* Catalog.Catalog
    const sql = yield* SqlClient.SqlClient
    const dialect = options.dialect
    const q = dialect.quote
    const p = dialect.placeholder
    const retries = options.retries ?? 3

    const tables = new Map<string, Layout.Table>()
    for (const [name, spec] of catalog.collections) tables.set(name, Layout.make(spec))
    if (options.migrate !== false) {
      yield* Migrations.run(dialect, [...tables.values()].filter((t) => t.name !== EventCollection.name), [
        Migrations.sql,
        ...(options.migrations ?? [])
      ])
    }

    // The event log's rows are read (never written) through a view of the same layout.
    tables.set(EventCollection.name, Layout.make(EventCollection.spec))
    const prepared = new Map<string, Prepared>()
    for (const table of tables.values()) {
      const name = q(table.name)
      const cols = table.columns.map((c) => q(c.name))
      const select = `SELECT ${cols.join(", ")} FROM ${name}`
      const ws = q("workspace_id")
      const n = table.columns.length
      const setList = cols.map((c, i) => `${c} = ${p(i + 1)}`).join(", ")
      prepared.set(table.name, {
        table,
        codec: codec(dialect, table),
        select,
        byId: `${select} WHERE ${ws} = ${p(1)} AND ${q("id")} = ${p(2)}`,
        byIds: `${select} WHERE ${ws} = ${p(1)} AND ${dialect.inList(q("id"), p(2), "text")}`,
        insertHead: `INSERT INTO ${name} (${[ws, ...cols].join(", ")}) VALUES `,
        rowPlaceholders: (first) => `(${Array.from({ length: n + 1 }, (_, i) => p(first + i)).join(", ")})`,
        insertTail: ` ON CONFLICT DO NOTHING RETURNING ${q("id")}`,
        insertOne: `INSERT INTO ${name} (${[ws, ...cols].join(", ")}) VALUES (${
          Array.from({ length: n + 1 }, (_, i) => p(i + 1)).join(", ")
        }) ON CONFLICT DO NOTHING`,
        update: `UPDATE ${name} SET ${setList} WHERE ${ws} = ${p(n + 1)} AND ${q("id")} = ${p(n + 2)} AND ${q("version")} = ${
          p(n + 3)
        } RETURNING ${q("id")}`,
        remove: `DELETE FROM ${name} WHERE ${ws} = ${p(1)} AND ${q("id")} = ${p(2)} AND ${q("version")} = ${p(3)} RETURNING ${
          q("id")
        }`,
        versionOf: `SELECT ${q("version")} FROM ${name} WHERE ${ws} = ${p(1)} AND ${q("id")} = ${p(2)}`,
        lockIds: `SELECT ${q("id")} FROM ${name} WHERE ${ws} = ${p(1)} AND ${
          dialect.inList(q("id"), p(2), "text")
        }${dialect.lockReferenced}`,
        lockRow: `SELECT ${q("version")} FROM ${name} WHERE ${ws} = ${p(1)} AND ${q("id")} = ${p(2)}${dialect.lockRemoved}`
      })
    }
    const tableOf = (name: string): Layout.Table => {
      const t = tables.get(name)
      if (t === undefined) throw new Compiler.CompileError(`unknown collection "${name}"`)
      return t
    }

    const direct = options.direct
    const viaClient = (text: string, params: ReadonlyArray<unknown>): Effect.Effect<ReadonlyArray<Raw>, SqlError> =>
      sql.unsafe<Raw>(text, params as Array<unknown>)
    const execute = direct === undefined ? viaClient : (text: string, params: ReadonlyArray<unknown>, reusable: boolean) =>
      Effect.contextWithEffect((ctx: Context.Context<never>) =>
        Option.isSome(Context.getOption(ctx, SqlClient.TransactionConnection))
          ? viaClient(text, params)
          : direct(text, params, reusable) as Effect.Effect<ReadonlyArray<Raw>, SqlError>
      )
    /** Runs a statement; `reusable` as in `Options.direct` (the store's own per-table statements). */
    const run = (operation: string, text: string, params: ReadonlyArray<unknown>, reusable = false) =>
      Effect.mapError(execute(text, params, reusable), (e) => storeError(operation, e.message, e.cause))
    const directValues = options.directValues
    /** Runs a statement selecting whole rows of `prep`'s table (its columns, in order), decoded. */
    const runRows = (
      operation: string,
      prep: Prepared,
      text: string,
      params: ReadonlyArray<unknown>,
      reusable: boolean
    ): Effect.Effect<Array<Row>, Errors.StoreError> =>
      directValues === undefined
        ? Effect.map(run(operation, text, params, reusable), (raws) => raws.map(prep.codec.decode))
        : Effect.mapError(
          Effect.contextWithEffect((ctx: Context.Context<never>) =>
            Option.isSome(Context.getOption(ctx, SqlClient.TransactionConnection))
              ? Effect.map(viaClient(text, params), (raws) => raws.map(prep.codec.decode))
              : Effect.map(directValues(text, params, reusable), (values) => values.map(prep.codec.decodeValues))
          ),
          (e) => storeError(operation, e.message, e.cause)
        )
    /** Runs outside the current transaction: reads of committed state only. */
    const outside = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
      Effect.mapInputContext(effect, (ctx: Context.Context<R>) => Context.omit(SqlClient.TransactionConnection)(ctx) as Context.Context<R>)
    const inTransaction = Effect.map(Effect.serviceOption(SqlClient.TransactionConnection), Option.isSome)

    const withPrepared = <A, E>(
      operation: string,
      collection: string,
      f: (prep: Prepared) => Effect.Effect<A, E, never>
    ): Effect.Effect<A, E | Errors.StoreError> => {
      const prep = prepared.get(collection)
      return prep === undefined
        ? Effect.fail(storeError(operation, `unknown collection "${collection}"; declare it in the Catalog`))
        : f(prep)
    }

    const commits = options.commits ?? Engine.makeSignal()
    /** How many appends ran: a transaction that sees it change commits events (see `transaction`). */
    let appends = 0

    const transaction = <A, E, R>(
      effect: Effect.Effect<A, E, R>
    ): Effect.Effect<A, E | Errors.Conflict | Errors.StoreError, R> =>
      Effect.flatMap(inTransaction, (nested) => {
        const once = sql.withTransaction(effect).pipe(
          Effect.catchIf(
            (e): e is SqlError => e instanceof SqlError,
            (e) => Effect.fail(storeError("transaction", e.message, e.cause))
          ),
          // `@effect/sql` raises a failed COMMIT (or ROLLBACK) as a defect.
          Effect.catchSomeDefect((defect) =>
            defect instanceof SqlError
              ? Option.some(Effect.fail(storeError("transaction", `commit failed: ${defect.message}`, defect.cause)))
              : Option.none()
          )
        ) as Effect.Effect<A, E | Errors.StoreError, R>
        if (nested) return once
        return Effect.suspend(() => {
          const appendsBefore = appends
          return Effect.retry(once, {
            times: retries,
            while: (e) => e instanceof Errors.StoreError && isRetryable(codeOf(e.cause))
          }).pipe(Effect.tap(() => {
            // Some transaction appended since this one began (this one, or one that ran
            // alongside it and may not have told yet): wake the feed's waiters.
            if (appends !== appendsBefore) commits.notify()
          }))
        })
      })

    /** Runs a write that may fail in PostgreSQL inside a savepoint when a transaction is open. */
    const guarded = <A, E>(needed: boolean, effect: Effect.Effect<A, E>) =>
      !needed || !dialect.failedStatementAbortsTransaction
        ? effect
        : Effect.flatMap(inTransaction, (tx) => (tx ? transaction(effect) : effect)) as Effect.Effect<A, E | Errors.Conflict | Errors.StoreError>

    const currentVersion = (prep: Prepared, workspaceId: string, id: string) =>
      Effect.map(run("versionOf", prep.versionOf, [workspaceId, id], true), (rows) =>
        rows.length === 0 ? null : Number(rows[0]!.version))

    /** Why an insert of `row` did nothing: its id exists, or one of its unique keys is taken. */
    const insertConflict = (prep: Prepared, workspaceId: string, row: Row) =>
      Effect.gen(function*() {
        const collection = prep.table.name
        if ((yield* currentVersion(prep, workspaceId, row.id)) !== null) {
          return new Errors.Conflict({ collection, id: row.id, reason: "duplicate-id" })
        }
        const fields = prep.table.spec.unique.find(() => true)
        return new Errors.Conflict({
          collection,
          id: row.id,
          reason: "unique-violation",
          detail: prep.table.spec.unique.length === 1 && fields !== undefined
            ? `unique key (${fields.join(", ")}) is already taken`
            : "a unique key is already taken"
        })
      })

    /** Maps the SQL failures of a write: unique keys and lost snapshots are conflicts. */
    const writeError = (operation: string, collection: string, id: string, e: Errors.StoreError) => {
      const code = codeOf(e.cause)
      if (isUniqueViolation(code)) {
        return new Errors.Conflict({ collection, id, reason: "unique-violation", detail: "a unique key is already taken" })
      }
      if (isStaleSnapshot(code)) {
        return new Errors.Conflict({ collection, id, reason: "stale-version", detail: STALE_SNAPSHOT })
      }
      return storeError(operation, e.detail, e.cause)
    }

    /**
     * Runs `effect` in the current transaction, or in one of its own: the reference
     * checks and the write they guard must be atomic. On SQLite a transaction of its own
     * that read before another writer committed cannot write; it is retried.
     */
    const atomically = <A, E>(effect: Effect.Effect<A, E>): Effect.Effect<A, E | Errors.Conflict | Errors.StoreError> =>
      Effect.flatMap(inTransaction, (tx) =>
        tx ? effect : Effect.retry(transaction(effect), {
          times: retries,
          while: (e) => e instanceof Errors.Conflict && e.reason === "stale-version" && e.detail === STALE_SNAPSHOT
        }))

    interface Missing {
      /** The row whose reference points at nothing. */
      readonly id: string
      readonly field: Store.ReferenceField
      readonly target: string
    }

    /**
     * Locks the rows that `rows` (of `collection`) point at and returns the references
     * that point at nothing, in row order. A reference to a row of `rows` itself holds
     * (it is written by the same statement, or the write fails).
     */
    const missingTargets = (
      workspaceId: string,
      collection: string,
      fields: ReadonlyArray<Store.ReferenceField>,
      rows: ReadonlyArray<Row>
    ): Effect.Effect<ReadonlyArray<Missing>, Errors.StoreError> =>
      Effect.gen(function*() {
        const own = fields.some((f) => f.target === collection) ? new Set(rows.map((r) => r.id)) : undefined
        const wanted = new Map<string, Set<string>>()
        for (const row of rows) {
          for (const field of fields) {
            const target = Store.referenceValue(row, field)
            if (target === null || (field.target === collection && own!.has(target))) continue
            let ids = wanted.get(field.target)
            if (ids === undefined) wanted.set(field.target, ids = new Set())
            ids.add(target)
          }
        }
        const found = new Map<string, Set<string>>()
        for (const [target, ids] of wanted) {
          const prep = prepared.get(target)
          // A reference to a collection the catalog lacks can point at nothing.
          if (prep === undefined) continue
          const locked = yield* run("references", prep.lockIds, [workspaceId, dialect.listParam([...ids], "text")], true)
          found.set(target, new Set(locked.map((r) => String(r.id))))
        }
        const out: Array<Missing> = []
        for (const row of rows) {
          for (const field of fields) {
            const target = Store.referenceValue(row, field)
            if (target === null || (field.target === collection && own!.has(target))) continue
            if (!found.get(field.target)?.has(target)) out.push({ id: row.id, field, target })
          }
        }
        return out
      })

    const missingReference = (collection: string, missing: Missing) =>
      new Errors.Conflict({
        collection,
        id: missing.id,
        reason: "missing-reference",
        reference: new Errors.ConflictReference({ field: missing.field.path, collection: missing.field.target, id: missing.target })
      })

    /** Whether the current fiber's writes check references (`Store.withoutReferenceChecks` turns it off). */
    const referenceChecks = Store.ReferenceChecks

    /** The reference fields to check for a write of `rows`: none when checks are off or every reference is null. */
    const fieldsToCheck = (checks: boolean, workspaceId: string, collection: string, rows: ReadonlyArray<Row>) => {
      if (!checks) return undefined
      const fields = Store.referenceFields(catalog, workspaceId, collection)
      if (fields.length === 0) return undefined
      return rows.some((row) => fields.some((f) => Store.referenceValue(row, f) !== null)) ? fields : undefined
    }

    /** The first row other than itself that refers to row `id` of `collection`, read in the current transaction. */
    const firstReferrer = (workspaceId: string, collection: string, id: string, fields: ReadonlyArray<Store.ReferenceField>) =>
      Effect.gen(function*() {
        for (const field of fields) {
          const refers: Query.Expr = { _tag: "Compare", field: field.path, op: "eq", value: id }
          const plan = Plan.find(catalog, workspaceId, {
            collection: field.collection,
            where: field.collection === collection
              ? { _tag: "And", exprs: [refers, { _tag: "Compare", field: "id", op: "neq", value: id }] }
              : refers,
            limit: 1
          }, 0)
          if (Either.isLeft(plan)) return yield* Effect.fail(storeError("remove", `reference check: ${plan.left.message}`))
          const first = (yield* engine.find({ workspaceId }, plan.right))[0]
          if (first !== undefined) return Option.some({ field, id: first.id })
        }
        return Option.none<{ readonly field: Store.ReferenceField; readonly id: string }>()
      })

    const checkNew = (operation: string, collection: string, row: Row): Errors.StoreError | undefined => {
      if (typeof row !== "object" || row === null || typeof row.id !== "string" || row.id.length === 0) {
        return storeError(operation, "the row has no id")
      }
      if (row.version !== 1) return storeError(operation, `${collection} ${row.id}: a new row has version 1, got ${row.version}`)
      return undefined
    }

    const runEach = options.runEach
    /** Inserts rows one prepared statement each (`Options.runEach`), failing at the first taken id or key. */
    const insertEach = (
      prep: Prepared,
      workspaceId: string,
      rows: ReadonlyArray<Row>,
      each: NonNullable<Options["runEach"]>
    ) =>
      Effect.gen(function*() {
        const params = rows.map((row) => {
          const values = prep.codec.encode(row)
          values.unshift(workspaceId)
          return values
        })
        const done = yield* Effect.mapError(
          Effect.mapError(each(prep.insertOne, params), (e) => storeError("insert", e.message, e.cause)),
          (e) => writeError("insert", prep.table.name, rows[0]!.id, e)
        )
        if (done < rows.length) return yield* Effect.fail(yield* insertConflict(prep, workspaceId, rows[done]!))
      })

    const insertBatch = (prep: Prepared, workspaceId: string, rows: ReadonlyArray<Row>) =>
      Effect.gen(function*() {
        const params: Array<unknown> = []
        const groups: Array<string> = []
        for (const row of rows) {
          groups.push(prep.rowPlaceholders(params.length + 1))
          params.push(workspaceId, ...prep.codec.encode(row))
        }
        const inserted = yield* Effect.mapError(
          run("insert", prep.insertHead + groups.join(", ") + prep.insertTail, params),
          (e) => writeError("insert", prep.table.name, rows[0]!.id, e)
        )
        if (inserted.length === rows.length) return
        const remaining = new Map<string, number>()
        for (const r of inserted) remaining.set(String(r.id), (remaining.get(String(r.id)) ?? 0) + 1)
        for (const row of rows) {
          const left = remaining.get(row.id) ?? 0
          if (left > 0) {
            remaining.set(row.id, left - 1)
            continue
          }
          return yield* Effect.fail(yield* insertConflict(prep, workspaceId, row))
        }
      })

    const decodeEvent = (raw: Raw): DomainEvent.StoredEvent => {
      const json = dialect.readJson
      const actor = json(raw.actor) as { kind: Actor.Actor["kind"]; id: string | null }
      return new DomainEvent.StoredEvent({
        position: Number(raw.position),
        workspaceId: raw.workspace_id as string,
        type: raw.type as string,
        collection: raw.collection as string,
        recordId: raw.record_id as string,
        version: Number(raw.version),
        occurredAt: Number(raw.occurred_at),
        actor: new Actor.Actor({ kind: actor.kind, id: actor.id }, true),
        subjects: json(raw.subjects) as Array<string>,
        payload: (json(raw.payload) ?? null) as Collection.Json
      }, true)
    }

    const appendIn = (workspaceId: string, events: ReadonlyArray<DomainEvent.NewEvent>) =>
      Effect.gen(function*() {
        /** The VALUES groups and parameters of `list`, with their positions when drawn first. */
        const rowsOf = (list: ReadonlyArray<DomainEvent.NewEvent>, positions: ReadonlyArray<number> | null) => {
          const params: Array<unknown> = []
          const groups: Array<string> = []
          list.forEach((e, i) => {
            const at = params.length
            const values: Array<unknown> = [
              workspaceId,
              e.type,
              e.collection,
              e.recordId,
              e.version,
              e.occurredAt,
              JSON.stringify({ kind: e.actor.kind, id: e.actor.id }),
              JSON.stringify(e.subjects),
              e.payload === null ? null : JSON.stringify(e.payload)
            ]
            if (positions !== null) values.splice(1, 0, positions[i]!)
            params.push(...values)
            groups.push(`(${values.map((_, j) => p(at + j + 1)).join(", ")})`)
          })
          return { params, groups }
        }
        /** The subject index rows of the events, their parameters numbered from `first`. */
        const subjectsOf = (positions: ReadonlyArray<number>, first: number) => {
          const params: Array<unknown> = []
          const groups: Array<string> = []
          events.forEach((e, i) => {
            for (const subject of new Set(e.subjects)) {
              const at = first + params.length
              params.push(workspaceId, subject, positions[i]!)
              groups.push(`(${p(at + 1)}, ${p(at + 2)}, ${p(at + 3)})`)
            }
          })
          return groups.length === 0
            ? null
            : { sql: `INSERT INTO rapport_event_subjects (workspace_id, subject, position) VALUES ${groups.join(", ")}`, params }
        }
        const log = dialect.eventLog
        appends++
        if (log.lock !== null) yield* run("append", log.lock, [])
        if (log.drawPositions !== null) {
          const drawn = yield* run("append", log.drawPositions, [events.length])
          const positions = drawn.map((r) => Number(r.p)).sort((a, b) => a - b)
          const { groups, params } = rowsOf(events, positions)
          const insert = `INSERT INTO rapport_events (${EVENT_COLUMNS}) VALUES ${groups.join(", ")}`
          const subjects = subjectsOf(positions, params.length)
          if (subjects !== null && log.together !== null) {
            // One round trip fewer inside the append lock's window.
            yield* run("append", log.together(insert, subjects.sql), [...params, ...subjects.params])
          } else {
            yield* run("append", insert, params)
            if (subjects !== null) yield* run("append", subjects.sql, subjects.params)
          }
        } else {
          // The insert assigns each position; one statement per event keeps them in order.
          const positions: Array<number> = []
          const cols = EVENT_COLUMNS.replace("position, ", "")
          for (const event of events) {
            const one = rowsOf([event], null)
            const inserted = yield* run(
              "append",
              `INSERT INTO rapport_events (${cols}) VALUES ${one.groups[0]} RETURNING position`,
              one.params
            )
            positions.push(Number(inserted[0]!.position))
          }
          const subjects = subjectsOf(positions, 0)
          if (subjects !== null) yield* run("append", subjects.sql, subjects.params)
        }
        if (log.notify !== null) yield* run("append", log.notify, [], true)
      })

    /** Queries of the event log read committed events only, as `readEvents` does: outside the current transaction. */
    const committedIf = <A, E>(plan: { readonly spec: { readonly name: string } }, effect: Effect.Effect<A, E>) =>
      plan.spec.name === EventCollection.name ? outside(effect) : effect

    /** Events after a position, oldest first: of one workspace, or of all (`null`, the feed); of some types only. */
    const readLog = (
      operation: string,
      workspaceId: string | null,
      options: { readonly after: number; readonly limit: number; readonly types?: ReadonlyArray<string> | undefined }
    ) => {
      const params: Array<unknown> = []
      const where: Array<string> = []
      if (workspaceId !== null) {
        params.push(workspaceId)
        where.push(`workspace_id = ${p(params.length)}`)
      }
      params.push(options.after)
      where.push(`position > ${dialect.numberParam(p(params.length), options.after, "int")}`)
      if (options.types !== undefined) {
        params.push(dialect.listParam([...new Set(options.types)], "text"))
        where.push(dialect.inList("type", p(params.length), "text"))
      }
      params.push(options.limit)
      return outside(Effect.map(
        run(
          operation,
          `SELECT ${EVENT_COLUMNS} FROM rapport_events WHERE ${where.join(" AND ")} ORDER BY position LIMIT ${p(params.length)}`,
          params,
          true
        ),
        (rows) => rows.map(decodeEvent)
      ))
    }

    /**
     * Compiled statements of the plans `Engine.toStore` keeps and hands out again, by
     * the plan's identity: a repeated query skips both checking and compiling.
     */
    const compiled = new WeakMap<object, Compiler.Compiled>()
    const compiledOf = <P extends object>(operation: string, plan: P, compile: (plan: P) => Compiler.Compiled) => {
      const kept = compiled.get(plan)
      if (kept !== undefined) return Effect.succeed(kept)
      try {
        const made = compile(plan)
        compiled.set(plan, made)
        return Effect.succeed(made)
      } catch (e) {
        return Effect.fail(storeError(operation, e instanceof Error ? e.message : String(e), e))
      }
    }

    const engine: Engine.Engine = {
      name: "SqlStore",
      transaction,

      get: ({ workspaceId }, collection, id) =>
        withPrepared("get", collection, (prep) =>
          Effect.map(
            runRows("get", prep, prep.byId, [workspaceId, id], true),
            (rows) => (rows.length === 0 ? Option.none() : Option.some(rows[0]!))
          )),

      getMany: ({ workspaceId }, collection, ids) =>
        withPrepared("getMany", collection, (prep) => {
          if (ids.length === 0) return Effect.succeed([])
          const unique = [...new Set(ids)]
          return Effect.map(
            runRows("getMany", prep, prep.byIds, [workspaceId, dialect.listParam(unique, "text")], true),
            (rows) => {
              const byId = new Map<string, Row>()
              for (const row of rows) byId.set(row.id, row)
              const out: Array<Row> = []
              for (const id of ids) {
                const row = byId.get(id)
                if (row !== undefined) out.push(row)
              }
              return out
            }
          )
        }),

      insert: ({ workspaceId }, collection, row) =>
        withPrepared("insert", collection, (prep) => {
          const bad = checkNew("insert", collection, row)
          if (bad !== undefined) return Effect.fail(bad)
          return Effect.flatMap(referenceChecks, (checks) => {
            const fields = fieldsToCheck(checks, workspaceId, collection, [row])
            if (fields === undefined) return insertBatch(prep, workspaceId, [row])
            return atomically(Effect.gen(function*() {
              const missing = (yield* missingTargets(workspaceId, collection, fields, [row]))[0]
              if (missing !== undefined) {
                // A taken id is the first thing an insert reports.
                if ((yield* currentVersion(prep, workspaceId, row.id)) !== null) {
                  return yield* Effect.fail(new Errors.Conflict({ collection, id: row.id, reason: "duplicate-id" }))
                }
                return yield* Effect.fail(missingReference(collection, missing))
              }
              yield* insertBatch(prep, workspaceId, [row])
            }))
          })
        }),

      insertMany: ({ workspaceId }, collection, rows) =>
        withPrepared("insertMany", collection, (prep) => {
          if (rows.length === 0) return Effect.void
          for (const row of rows) {
            const bad = checkNew("insertMany", collection, row)
            if (bad !== undefined) return Effect.fail(bad)
          }
          return Effect.flatMap(referenceChecks, (checks) => {
            const fields = fieldsToCheck(checks, workspaceId, collection, rows)
            // Rows of the batch may point at each other: those references hold once it is written.
            const checked = fields === undefined ? Effect.void : Effect.flatMap(
              missingTargets(workspaceId, collection, fields, rows),
              (missing) => missing.length === 0 ? Effect.void : Effect.fail(missingReference(collection, missing[0]!))
            )
            if (runEach !== undefined) return transaction(Effect.zipRight(checked, insertEach(prep, workspaceId, rows, runEach)))
            const perRow = prep.table.columns.length + 1
            const size = Math.max(1, Math.min(1000, Math.floor(dialect.maxParams / perRow)))
            const batches: Array<ReadonlyArray<Row>> = []
            for (let i = 0; i < rows.length; i += size) batches.push(rows.slice(i, i + size))
            const all = Effect.forEach(batches, (batch) => insertBatch(prep, workspaceId, batch), { discard: true })
            return transaction(Effect.zipRight(checked, all))
          })
        }),

      update: ({ workspaceId }, collection, row, expectedVersion) =>
        withPrepared("update", collection, (prep) =>
          Effect.gen(function*() {
            if (typeof row !== "object" || row === null || typeof row.id !== "string" || row.id.length === 0) {
              return yield* Effect.fail(storeError("update", "the row has no id"))
            }
            const missOrStale: Effect.Effect<void, Errors.NotFound | Errors.Conflict | Errors.StoreError> = Effect.flatMap(currentVersion(prep, workspaceId, row.id), (actual): Effect.Effect<void, Errors.NotFound | Errors.Conflict> => {
                if (actual === null) return Effect.fail(new Errors.NotFound({ collection, id: row.id }))
                if (actual !== expectedVersion) {
                  return Effect.fail(
                    new Errors.Conflict({ collection, id: row.id, reason: "stale-version", expectedVersion, actualVersion: actual })
                  )
                }
                return Effect.void
              })
            if (row.version !== expectedVersion + 1) {
              yield* missOrStale
              return yield* Effect.fail(
                storeError("update", `${collection} ${row.id}: the new version must be ${expectedVersion + 1}, got ${row.version}`)
              )
            }
            const write = Effect.gen(function*() {
              const updated = yield* guarded(
                prep.table.unique.length > 0,
                Effect.mapError(
                  run("update", prep.update, [...prep.codec.encode(row), workspaceId, row.id, expectedVersion], true),
                  (e) => writeError("update", collection, row.id, e)
                )
              )
              if (updated.length === 0) {
                yield* missOrStale
                // Deleted and re-created in between: the version it had is not the one asked for.
                return yield* Effect.fail(new Errors.Conflict({ collection, id: row.id, reason: "stale-version", expectedVersion }))
              }
            })
            const fields = fieldsToCheck(yield* referenceChecks, workspaceId, collection, [row])
            if (fields === undefined) return yield* write
            return yield* atomically(Effect.gen(function*() {
              const missing = yield* missingTargets(workspaceId, collection, fields, [row])
              if (missing.length > 0) {
                // Only the references an update changes must hold (one that already dangled
                // does not block other changes); a missing row or a stale version comes first.
                const stored = (yield* runRows("update", prep, prep.byId, [workspaceId, row.id], true))[0]
                if (stored === undefined) return yield* Effect.fail(new Errors.NotFound({ collection, id: row.id }))
                if (stored.version !== expectedVersion) {
                  return yield* Effect.fail(
                    new Errors.Conflict({ collection, id: row.id, reason: "stale-version", expectedVersion, actualVersion: stored.version })
                  )
                }
                const changed = missing.find((m) => Store.referenceValue(stored, m.field) !== m.target)
                if (changed !== undefined) return yield* Effect.fail(missingReference(collection, changed))
              }
              yield* write
            }))
          })),

      remove: ({ workspaceId }, collection, id, expectedVersion) =>
        withPrepared("remove", collection, (prep) => {
          const stale = (actual: number | null) =>
            actual === null
              ? Effect.fail(new Errors.NotFound({ collection, id }))
              : Effect.fail(new Errors.Conflict({ collection, id, reason: "stale-version", expectedVersion, actualVersion: actual }))
          const remove = Effect.gen(function*() {
            const removed = yield* Effect.mapError(
              run("remove", prep.remove, [workspaceId, id, expectedVersion], true),
              (e) => writeError("remove", collection, id, e)
            )
            if (removed.length > 0) return
            return yield* stale(yield* currentVersion(prep, workspaceId, id))
          })
          return Effect.flatMap(referenceChecks, (checks) => {
            const fields = checks ? Store.referringFields(catalog, workspaceId, collection) : []
            if (fields.length === 0) return remove
            return atomically(Effect.gen(function*() {
              // Locked first: a writer pointing at the row now waits for this transaction,
              // and every one that already locked it has ended, so the reads below see it.
              const locked = yield* run("remove", prep.lockRow, [workspaceId, id], true)
              const actual = locked.length === 0 ? null : Number(locked[0]!.version)
              if (actual !== expectedVersion) return yield* stale(actual)
              const referrer = yield* firstReferrer(workspaceId, collection, id, fields)
              if (Option.isSome(referrer)) {
                return yield* Effect.fail(
                  new Errors.Conflict({
                    collection,
                    id,
                    reason: "still-referenced",
                    reference: new Errors.ConflictReference({
                      field: referrer.value.field.path,
                      collection: referrer.value.field.collection,
                      id: referrer.value.id
                    })
                  })
                )
              }
              yield* remove
            }))
          })
        }),

      find: ({ workspaceId }, plan) =>
        Effect.flatMap(
          compiledOf("find", plan, (p) => Compiler.find(dialect, tableOf, workspaceId, p)),
          // The select list is the table's columns, in order (`Compiler.find`).
          (statement) => committedIf(plan, runRows("find", prepared.get(plan.spec.name)!, statement.sql, statement.params, false))
        ),

      aggregate: ({ workspaceId }, plan) =>
        Effect.flatMap(
          compiledOf("aggregate", plan, (p) => Compiler.aggregate(dialect, tableOf, workspaceId, p)),
          // Integer sums come back exact (a bigint past the safe range), see `aggregateRow`.
          (statement) =>
            committedIf(plan, Effect.map(run("aggregate", statement.sql, statement.params), (raws) => raws.map(Compiler.aggregateRow(plan))))
        ),

      append: ({ workspaceId }, events) =>
        Effect.gen(function*() {
          // Outside a transaction the append is one of its own (the lock needs one on pg).
          const tx = yield* inTransaction
          yield* (tx ? appendIn(workspaceId, events) : transaction(appendIn(workspaceId, events))).pipe(
            Effect.catchTag("Conflict", (c) => Effect.fail(storeError("append", c.message)))
          )
        }),

      readEvents: ({ workspaceId }, options) => readLog("readEvents", workspaceId, options),

      readFeed: (options) => readLog("readFeed", null, options),

      commits,

      eventsFor: ({ workspaceId }, options) => {
        const before = options.before === undefined ? "" : ` AND s.position < ${dialect.numberParam(p(3), options.before, "int")}`
        const params: Array<unknown> = [workspaceId, options.subject]
        if (options.before !== undefined) params.push(options.before)
        params.push(options.limit)
        const cols = EVENT_COLUMNS.split(", ").map((c) => `e.${c}`).join(", ")
        return outside(Effect.map(
          run(
            "eventsFor",
            `SELECT ${cols} FROM rapport_event_subjects s JOIN rapport_events e ON e.workspace_id = s.workspace_id AND e.position = s.position WHERE s.workspace_id = ${
              p(1)
            } AND s.subject = ${p(2)}${before} ORDER BY s.position DESC LIMIT ${p(params.length)}`,
            params,
            true
          ),
          (rows) => rows.map(decodeEvent)
        ))
      }
    }
    return yield* Engine.toStore(engine)
  })

/**
 * The store as a layer over a `SqlClient` and a `Catalog`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: Options
): Layer.Layer<Store.Store, Errors.StoreError, SqlClient.SqlClient | Catalog.Catalog> =>
  Layer.effect(Store.Store, make(options))
