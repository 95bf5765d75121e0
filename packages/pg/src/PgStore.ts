/**
 * Rapport on PostgreSQL: the server engine. `PgStore.layer({ url })` connects with
 * `@effect/sql-pg` (JSON keys never renamed), picks the collation that gives `lower()`
 * Unicode's default case mapping (ICU `und-x-icu`, else PostgreSQL 17+'s builtin
 * `pg_unicode_fast`), migrates and provides the `Store`.
 *
 * Writes are version-guarded statements under READ COMMITTED: a concurrent writer of
 * the same row blocks on its row lock, then re-checks `version` and loses with
 * `Conflict`. Event positions come from a sequence drawn under a store-wide
 * `pg_advisory_xact_lock` held until commit, so they grow in commit order across all
 * workspaces and one feed serves them all (see `docs/scaling.md`). An appending
 * transaction `NOTIFY`s `rapport_events`; the store `LISTEN`s on a connection of its own
 * and wakes its `awaitFeed` waiters on every commit, of any process.
 *
 * Several processes may start on one database at once: a start that finds the schema
 * current only reads the catalogs (no lock, no DDL, so open writers never hold it up),
 * and migrating runs under a `pg_advisory_xact_lock` (see `Migrations.run`).
 *
 * @since 0.1.0
 */
import type { Store } from "@rapport/core"
import { Engine, Errors } from "@rapport/core"
import { Dialect, SqlStore } from "@rapport/sql"
import * as SqlClient from "@effect/sql/SqlClient"
import * as PgClient from "@effect/sql-pg/PgClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Effect, Layer, Redacted } from "effect"
import { listen } from "./internal/listener.js"
import * as Pool from "./internal/pool.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** `postgres://user:password@host:port/database` */
  readonly url: string | Redacted.Redacted
  /** Pool size (default 10). */
  readonly maxConnections?: number
  /** Run migrations at startup (default true). */
  readonly migrate?: boolean
}

const FOLDING_COLLATIONS = ["und-x-icu", "pg_unicode_fast"] as const

/**
 * The dialect for the connected server: the first Unicode-folding collation it has.
 *
 * @since 0.1.0
 * @category constructors
 */
export const dialect: Effect.Effect<Dialect.Dialect, Errors.StoreError, SqlClient.SqlClient> = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const rows = yield* sql.unsafe<{ collname: string }>(
    `SELECT collname FROM pg_collation WHERE collname = ANY($1::text[])`,
    [FOLDING_COLLATIONS as unknown as string]
  )
  const found = FOLDING_COLLATIONS.find((c) => rows.some((r) => r.collname === c))
  return Dialect.postgres({ lowerCollation: found ?? null })
}).pipe(Effect.mapError((e) => new Errors.StoreError({ operation: "PgStore.dialect", detail: e.message, cause: e.cause })))

/**
 * The `SqlClient` alone, on a pool of its own.
 *
 * @since 0.1.0
 * @category layers
 */
export const clientLayer = (options: Options): Layer.Layer<SqlClient.SqlClient | PgClient.PgClient, SqlError> =>
  Layer.unwrapScoped(Effect.map(Pool.make(poolOptions(options)), clientOn))

const poolOptions = (options: Options): Pool.PoolOptions => ({
  url: options.url,
  maxConnections: options.maxConnections ?? 10
})

// The pool's lifetime is the enclosing scope's: `PgClient` only borrows it.
const clientOn = (pool: Pool.Pool) => PgClient.layerFromPool({ acquire: Effect.succeed(pool), transformJson: false })

/**
 * The store on a PostgreSQL database.
 *
 * @example
 * ```ts
 * import { Catalog, Crm } from "@rapport/core"
 * import { PgStore } from "@rapport/pg"
 * import { Layer } from "effect"
 *
 * const StoreLive = PgStore.layer({ url: "postgres://localhost/crm" }).pipe(
 *   Layer.provide(Catalog.layer({ collections: Crm.collections }))
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Store.StoreLayer<Errors.StoreError> =>
  Layer.unwrapScoped(Effect.gen(function*() {
    const pool = yield* Pool.make(poolOptions(options))
    const direct = Pool.direct(pool)
    // Commits of other processes wake this store's feed waiters too.
    const commits = Engine.makeSignal()
    return Layer.unwrapScoped(Effect.gen(function*() {
      const d = yield* dialect
      if (d.eventLog.channel !== null) yield* listen(options.url, d.eventLog.channel, commits)
      return SqlStore.layer({
        dialect: d,
        // Autocommit statements skip the SqlClient's per-statement bookkeeping, and
        // whole-row reads take rows as arrays, sparing an object per driver row that the
        // store would only copy (see `internal/pool.ts`; SQLite does the same).
        direct: direct.rows,
        directValues: direct.values,
        commits,
        ...(options.migrate === undefined ? {} : { migrate: options.migrate })
      })
    })).pipe(Layer.provide(clientOn(pool)))
  })).pipe(
    Layer.mapError((e) =>
      e instanceof Errors.StoreError ? e : new Errors.StoreError({ operation: "PgStore.layer", detail: e.message, cause: e.cause })
    )
  )
