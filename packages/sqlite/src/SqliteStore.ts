/**
 * Rapport on SQLite: the embedded default. `SqliteStore.layer({ filename })` opens the
 * file (WAL, foreign keys on, busy handling), migrates it and provides the `Store`.
 *
 * Concurrency: a small pool of connections to the same WAL file. Each transaction
 * holds one connection with a deferred `BEGIN`, so its reads see one snapshot and never
 * block readers; reads outside a transaction never see its writes. SQLite has one
 * writer at a time: a transaction that read a snapshot and then tries to write over a
 * newer commit gets `SQLITE_BUSY_SNAPSHOT`, which the store reports as `Conflict`
 * "stale-version"; a writer waiting for the lock retries asynchronously (see
 * `internal/client.ts`). `:memory:` uses a private temporary file deleted when the
 * layer's scope closes, since every connection to `:memory:` would be a separate
 * database.
 *
 * Several processes may share one file. Migrating at startup writes nothing when the
 * schema is current and otherwise takes the write lock up front (`BEGIN IMMEDIATE`),
 * so processes starting at once all start (see `Migrations.run` in `@rapport/sql`).
 *
 * @since 0.1.0
 */
import type { Errors } from "@rapport/core"
import { Errors as E, Store } from "@rapport/core"
import { Dialect, SqlStore } from "@rapport/sql"
import * as SqlClient from "@effect/sql/SqlClient"
import { Effect, Layer } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Client from "./internal/client.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** A file path, or `:memory:` for a private database deleted with the layer. */
  readonly filename: string
  /** Connections in the pool (default 16): at most this many transactions open at once. */
  readonly maxConnections?: number
  /**
   * How long a writer waits for the write lock, in milliseconds (default 5000); a
   * start that must migrate waits this long for another process's migration.
   */
  readonly busyTimeout?: number
  /** Run migrations at startup (default true). */
  readonly migrate?: boolean
}

const driver = (options: Options) =>
    Effect.gen(function*() {
      let filename = options.filename
      if (filename === ":memory:" || filename === "") {
        const dir = mkdtempSync(join(tmpdir(), "rapport-sqlite-"))
        yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(dir, { recursive: true, force: true })))
        filename = join(dir, "memory.db")
      }
      return yield* Client.make({
        filename,
        maxConnections: options.maxConnections ?? 16,
        busyTimeout: options.busyTimeout ?? 5_000
      })
    }).pipe(
      Effect.mapError((e) => new E.StoreError({ operation: "SqliteStore.layer", detail: e.message, cause: e.cause }))
    )

/**
 * The `SqlClient` alone (pooled, WAL), for tools and migrations.
 *
 * @since 0.1.0
 * @category layers
 */
export const clientLayer = (options: Options): Layer.Layer<SqlClient.SqlClient, Errors.StoreError> =>
  Layer.scoped(SqlClient.SqlClient, Effect.map(driver(options), (d) => d.client))

/**
 * The store on a SQLite file.
 *
 * @example
 * ```ts
 * import { Catalog, Crm } from "@rapport/core"
 * import { SqliteStore } from "@rapport/sqlite"
 * import { Layer } from "effect"
 *
 * const StoreLive = SqliteStore.layer({ filename: "crm.db" }).pipe(
 *   Layer.provide(Catalog.layer({ collections: Crm.collections }))
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Store.StoreLayer<Errors.StoreError> =>
  Layer.scoped(
    Store.Store,
    Effect.flatMap(driver(options), (d) =>
      SqlStore.make({
        dialect: Dialect.sqlite,
        direct: d.direct,
        runEach: d.runEach,
        directValues: d.directValues,
        ...(options.migrate === undefined ? {} : { migrate: options.migrate })
      }).pipe(Effect.provideService(SqlClient.SqlClient, d.client)))
  )
