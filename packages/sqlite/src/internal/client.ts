/**
 * A `SqlClient` over a small pool of better-sqlite3 connections to one WAL file.
 *
 * `@effect/sql-sqlite-node` shares one connection behind a semaphore: a transaction
 * then blocks every other read until it commits, and two transactions can never be
 * open at once. The Store port needs both, so each transaction here holds a
 * connection of its own with a deferred `BEGIN` (its reads see one snapshot, WAL
 * readers never block), and reads outside a transaction take any idle connection.
 *
 * better-sqlite3 is synchronous, so SQLite's `busy_timeout` would block the whole
 * process, including the fiber whose commit would release the lock. Instead the busy
 * timeout is 0 and `SQLITE_BUSY` is retried here asynchronously, with backoff, up to
 * `busyTimeout`. `SQLITE_BUSY_SNAPSHOT` (the snapshot is older than a commit the
 * statement would have to write over) is retried only outside a transaction (a
 * `BEGIN IMMEDIATE`, an autocommit write), where the next attempt takes a fresh
 * snapshot; inside one the snapshot stays stale, so it is not retried and the store
 * maps it to `Conflict`.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { Connection } from "@effect/sql/SqlConnection"
import { SqlError } from "@effect/sql/SqlError"
import * as Statement from "@effect/sql/Statement"
import * as Reactivity from "@effect/experimental/Reactivity"
import { TimeBucket } from "@rapport/core"
import type { Query } from "@rapport/core"
import Sqlite from "better-sqlite3"
import { Effect, Scope } from "effect"

export interface PoolOptions {
  readonly filename: string
  readonly maxConnections: number
  readonly busyTimeout: number
}

const bind = (params: ReadonlyArray<unknown>): Array<unknown> =>
  params.map((v) => (v === undefined ? null : typeof v === "boolean" ? (v ? 1 : 0) : v))

const open = (filename: string, busyTimeout: number): Sqlite.Database => {
  // Switching a fresh file to WAL takes its lock: it waits for another process migrating
  // the file (which may take long on a loaded machine) as long as any statement would.
  const db = new Sqlite(filename, { timeout: busyTimeout })
  db.pragma("journal_mode = WAL")
  // From here on the store retries busy statements itself (see `isRetryable`).
  db.pragma("busy_timeout = 0")
  db.pragma("foreign_keys = ON")
  db.pragma("synchronous = NORMAL")
  db.function("rapport_lower", { deterministic: true }, (s: unknown) => (typeof s === "string" ? s.toLowerCase() : s))
  db.function(
    "rapport_bucket",
    { deterministic: true },
    (ms: unknown, unit: unknown, zone: unknown, weekStart: unknown, fiscalYearStartMonth: unknown) =>
      typeof ms === "number" || typeof ms === "bigint"
        ? TimeBucket.bucketOf(Number(ms), unit as Query.BucketUnit, String(zone), calendarOf(weekStart, fiscalYearStartMonth))
        : null
  )
  db.function(
    "rapport_date_bucket",
    { deterministic: true },
    (date: unknown, unit: unknown, weekStart: unknown, fiscalYearStartMonth: unknown) =>
      typeof date === "string"
        ? TimeBucket.dateBucketOf(date, unit as Exclude<Query.BucketUnit, "hour">, calendarOf(weekStart, fiscalYearStartMonth))
        : null
  )
  return db
}

/** The calendar the SQLite dialect writes into a bucket call (checked integers). */
const calendarOf = (weekStart: unknown, fiscalYearStartMonth: unknown): TimeBucket.Calendar => ({
  weekStart: Number(weekStart),
  fiscalYearStartMonth: Number(fiscalYearStartMonth)
})

/** A pooled connection, plus one prepared statement run once per row (bulk inserts). */
interface PoolConnection extends Connection {
  readonly runEach: (sql: string, rows: ReadonlyArray<ReadonlyArray<unknown>>) => Effect.Effect<number, SqlError>
  readonly values: (sql: string, params: ReadonlyArray<unknown>) => Effect.Effect<ReadonlyArray<ReadonlyArray<unknown>>, SqlError>
}

/**
 * Whether running the statement again can succeed: another connection holds the lock
 * (`SQLITE_BUSY`, or `SQLITE_BUSY_RECOVERY` while it recovers the WAL), or the
 * statement's snapshot went stale before it got the write lock while no transaction is
 * open (checked after the failure), so nothing stale is held.
 */
const isRetryable = (db: Sqlite.Database, e: SqlError) => {
  const code = (e.cause as { code?: string } | undefined)?.code
  return code === "SQLITE_BUSY" || code === "SQLITE_BUSY_RECOVERY" || (code === "SQLITE_BUSY_SNAPSHOT" && !db.inTransaction)
}

const makeConnection = (db: Sqlite.Database, busyTimeout: number): PoolConnection => {
  const isBusy = (e: SqlError) => isRetryable(db, e)
  const cache = new Map<string, Sqlite.Statement>()
  const prepare = (sql: string) => {
    let statement = cache.get(sql)
    if (statement === undefined) {
      statement = db.prepare(sql)
      if (cache.size > 500) cache.delete(cache.keys().next().value!)
      cache.set(sql, statement)
    }
    return statement
  }
  const once = (sql: string, params: ReadonlyArray<unknown>): Effect.Effect<ReadonlyArray<any>, SqlError> =>
    Effect.try({
      try: () => {
        const statement = prepare(sql)
        const values = bind(params)
        return statement.reader ? statement.all(...values) : (statement.run(...values), [])
      },
      catch: (cause) => new SqlError({ cause, message: `SQLite: ${(cause as Error)?.message ?? String(cause)}` })
    })
  /** A reading statement's rows as arrays of column values (raw mode), retried on SQLITE_BUSY. */
  const values = (sql: string, params: ReadonlyArray<unknown>): Effect.Effect<ReadonlyArray<ReadonlyArray<unknown>>, SqlError> => {
    const run = (): Array<Array<unknown>> => {
      const statement = prepare(sql)
      // Cached statements are shared: raw mode only for this synchronous call.
      statement.raw(true)
      try {
        return statement.all(...bind(params)) as Array<Array<unknown>>
      } finally {
        statement.raw(false)
      }
    }
    const toError = (cause: unknown) => new SqlError({ cause, message: `SQLite: ${(cause as Error)?.message ?? String(cause)}` })
    return Effect.suspend(() => {
      try {
        return Effect.succeed(run())
      } catch (cause) {
        const error = toError(cause)
        return isBusy(error) ? retryBusy(Effect.try({ try: run, catch: toError })) : Effect.fail(error)
      }
    })
  }
  /** Retries `attempt` while the lock is taken (see `isRetryable`) with backoff, up to `busyTimeout`. */
  const retryBusy = <A>(attempt: Effect.Effect<A, SqlError>): Effect.Effect<A, SqlError> =>
    Effect.suspend(() => {
      const started = Date.now()
      let delay = 1
      const loop: Effect.Effect<A, SqlError> = Effect.catchIf(
        attempt,
        (e) => isBusy(e) && Date.now() - started < busyTimeout,
        () => Effect.suspend(() => {
          const wait = delay
          delay = Math.min(delay * 2, 50)
          return Effect.zipRight(Effect.sleep(wait), loop)
        })
      )
      return loop
    })
  // The common case in one step: run synchronously, and only on SQLITE_BUSY fall back
  // to the retrying loop.
  const execute = (sql: string, params: ReadonlyArray<unknown>): Effect.Effect<ReadonlyArray<any>, SqlError> =>
    Effect.suspend(() => {
      try {
        const statement = prepare(sql)
        const values = bind(params)
        return Effect.succeed(statement.reader ? statement.all(...values) : (statement.run(...values), []))
      } catch (cause) {
        const error = new SqlError({ cause, message: `SQLite: ${(cause as Error)?.message ?? String(cause)}` })
        return isBusy(error) ? retryBusy(once(sql, params)) : Effect.fail(error)
      }
    })
  /**
   * Runs a writing statement once per row, synchronously, stopping at the first row it
   * changed nothing for; the result is how many rows it changed. A busy retry resumes
   * at the row that was refused.
   */
  const runEach = (sql: string, rows: ReadonlyArray<ReadonlyArray<unknown>>): Effect.Effect<number, SqlError> =>
    Effect.suspend(() => {
      let done = 0
      return retryBusy(Effect.try({
        try: () => {
          const statement = prepare(sql)
          for (; done < rows.length; done++) {
            if (statement.run(...bind(rows[done]!)).changes === 0) break
          }
          return done
        },
        catch: (cause) => new SqlError({ cause, message: `SQLite: ${(cause as Error)?.message ?? String(cause)}` })
      }))
    })
  return {
    runEach,
    values,
    execute: (sql, params, transformRows) =>
      transformRows === undefined ? execute(sql, params) : Effect.map(execute(sql, params), transformRows),
    executeRaw: (sql, params) => execute(sql, params),
    executeValues: (sql, params) => Effect.map(execute(sql, params), (rows) => rows.map((r) => Object.values(r))),
    executeUnprepared: (sql, params, transformRows) =>
      transformRows === undefined ? execute(sql, params) : Effect.map(execute(sql, params), transformRows),
    executeStream: () => Effect.dieMessage("executeStream is not supported by the Rapport SQLite client") as never
  }
}

/** What the driver gives the store. */
export interface Driver {
  readonly client: SqlClient.SqlClient
  /** Runs one autocommit statement on a dedicated connection (see `SqlStore.Options.direct`). */
  readonly direct: (sql: string, params: ReadonlyArray<unknown>) => Effect.Effect<ReadonlyArray<any>, SqlError>
  /** `direct` with array rows (see `SqlStore.Options.directValues`). */
  readonly directValues: (sql: string, params: ReadonlyArray<unknown>) => Effect.Effect<ReadonlyArray<ReadonlyArray<unknown>>, SqlError>
  /** Runs one statement per row on the transaction's connection (see `SqlStore.Options.runEach`). */
  readonly runEach: (sql: string, rows: ReadonlyArray<ReadonlyArray<unknown>>) => Effect.Effect<number, SqlError>
}

/**
 * A `SqlClient` over a pool of connections to `filename`, plus a dedicated autocommit
 * connection for statements outside transactions: better-sqlite3 runs each statement to
 * completion synchronously, so one connection serves them all without interleaving,
 * and in WAL mode it reads committed data without waiting for open transactions.
 * Everything is closed with the scope.
 */
export const make = (options: PoolOptions): Effect.Effect<Driver, SqlError, Scope.Scope> =>
  Effect.gen(function*() {
    const all: Array<Sqlite.Database> = []
    const idle: Array<readonly [Sqlite.Database, PoolConnection]> = []
    yield* Effect.addFinalizer(() => Effect.sync(() => all.forEach((db) => db.close())))
    const create = (): readonly [Sqlite.Database, PoolConnection] => {
      const db = open(options.filename, options.busyTimeout)
      all.push(db)
      return [db, makeConnection(db, options.busyTimeout)]
    }
    // The first connection switches the file to WAL before any other opens it.
    idle.push(yield* Effect.try({ try: create, catch: (cause) => new SqlError({ cause, message: "cannot open SQLite" }) }))
    // One permit per connection: waiting for a free connection is interruptible and fair.
    const permits = yield* Effect.makeSemaphore(options.maxConnections)
    const acquirer: Connection.Acquirer = Effect.uninterruptibleMask((restore) =>
      Effect.gen(function*() {
        yield* restore(permits.take(1))
        const entry = yield* Effect.try({
          try: () => idle.pop() ?? create(),
          catch: (cause) => new SqlError({ cause, message: "cannot open SQLite" })
        }).pipe(Effect.tapError(() => permits.release(1)))
        yield* Effect.addFinalizer(() =>
          Effect.sync(() => {
            const [db] = entry
            // A connection never goes back to the pool inside a transaction (a failed ROLLBACK).
            if (db.inTransaction) {
              try {
                db.exec("ROLLBACK")
              } catch {
                // The connection is unusable: drop it, the pool opens another.
                all.splice(all.indexOf(db), 1)
                db.close()
                return
              }
            }
            idle.push(entry)
          }).pipe(Effect.zipRight(permits.release(1)))
        )
        return entry[1]
      })
    )
    const client = yield* SqlClient.make({
      acquirer,
      transactionAcquirer: acquirer,
      compiler: Statement.makeCompilerSqlite(),
      spanAttributes: [["db.system", "sqlite"]]
    }).pipe(Effect.provide(Reactivity.layer))
    const [, autocommit] = yield* Effect.try({ try: create, catch: (cause) => new SqlError({ cause, message: "cannot open SQLite" }) })
    return {
      client,
      direct: (sql, params) => autocommit.execute(sql, params, undefined),
      directValues: autocommit.values,
      runEach: (sql, rows) =>
        Effect.flatMap(Effect.serviceOption(SqlClient.TransactionConnection), (tx) =>
          // Every connection of this client is a PoolConnection.
          (tx._tag === "Some" ? (tx.value[0] as PoolConnection) : autocommit).runEach(sql, rows))
    }
  })
