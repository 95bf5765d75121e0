/**
 * Schema migrations. Two kinds of schema live in a Rapport database:
 *
 * - **System tables** (the event log), owned by packages and changed by numbered
 *   migrations, numbered **per package** (`@rapport/sql` 1, 2, …). Every known
 *   migration whose id is not recorded runs, in id order, so a lower id merged after a
 *   higher one ran is still applied (the built-in `@effect/sql` migrator would skip
 *   it). A database holding an id above the highest this code knows was migrated by
 *   newer code: the store refuses to start with a `StoreError`.
 * - **Collection tables**, derived from the catalog (`Layout`). They are synchronised
 *   idempotently at startup: missing tables, columns and indexes are created, and the
 *   layout is recorded in `rapport_catalog`. Additive changes (a new collection, field
 *   or index) need no hand-written migration; added columns are nullable, since rows
 *   written before have no value. Renames, drops and kind changes are not guessed:
 *   write them as a numbered migration of your own package. Custom fields live in the
 *   JSON column `custom`, so declaring them never needs DDL.
 *
 * Everything runs in one transaction, under `pg_advisory_xact_lock` on PostgreSQL (two
 * processes starting at once do not race) and the write lock on SQLite.
 *
 * @since 0.1.0
 */
import { Errors } from "@rapport/core"
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Effect } from "effect"
import type { Dialect } from "./Dialect.js"
import * as Layout from "./Layout.js"

/**
 * One numbered migration of a package.
 *
 * @since 0.1.0
 * @category models
 */
export interface Migration {
  readonly id: number
  readonly name: string
  readonly statements: (dialect: Dialect) => ReadonlyArray<string>
}

/**
 * The migrations of one package.
 *
 * @since 0.1.0
 * @category models
 */
export interface PackageMigrations {
  readonly package: string
  readonly migrations: ReadonlyArray<Migration>
}

/**
 * The system tables of `@rapport/sql`: the event log and its subject index.
 *
 * `rapport_event_subjects(workspace_id, subject, position)` has a B-tree primary key,
 * so a timeline ("events naming `contact:c1`, newest first, before P, at most N") is
 * one backward range scan that stops after N entries. A GIN index on a jsonb array of
 * subjects finds the events too, but cannot return them in position order: every
 * matching event would be fetched and sorted before the limit applies.
 *
 * @since 0.1.0
 * @category migrations
 */
export const sql: PackageMigrations = {
  package: "@rapport/sql",
  migrations: [{
    id: 1,
    name: "event log",
    statements: (d) =>
      d.name === "pg"
        ? [
          `CREATE SEQUENCE IF NOT EXISTS rapport_event_position`,
          `CREATE TABLE IF NOT EXISTS rapport_events (workspace_id text COLLATE "C" NOT NULL, position bigint NOT NULL, type text NOT NULL, collection text NOT NULL, record_id text NOT NULL, version bigint NOT NULL, occurred_at bigint NOT NULL, actor jsonb NOT NULL, subjects jsonb NOT NULL, payload jsonb, PRIMARY KEY (workspace_id, position))`,
          `CREATE TABLE IF NOT EXISTS rapport_event_subjects (workspace_id text COLLATE "C" NOT NULL, subject text COLLATE "C" NOT NULL, position bigint NOT NULL, PRIMARY KEY (workspace_id, subject, position))`
        ]
        : [
          `CREATE TABLE IF NOT EXISTS rapport_events (position INTEGER PRIMARY KEY AUTOINCREMENT, workspace_id TEXT NOT NULL, type TEXT NOT NULL, collection TEXT NOT NULL, record_id TEXT NOT NULL, version INTEGER NOT NULL, occurred_at INTEGER NOT NULL, actor TEXT NOT NULL, subjects TEXT NOT NULL, payload TEXT)`,
          `CREATE INDEX IF NOT EXISTS rapport_events_workspace ON rapport_events (workspace_id, position)`,
          `CREATE TABLE IF NOT EXISTS rapport_event_subjects (workspace_id TEXT NOT NULL, subject TEXT NOT NULL, position INTEGER NOT NULL, PRIMARY KEY (workspace_id, subject, position)) WITHOUT ROWID`
        ]
  }]
}

const storeError = (detail: string, cause?: unknown) =>
  new Errors.StoreError({ operation: "Migrations.run", detail, ...(cause === undefined ? {} : { cause }) })

/**
 * Applies the pending migrations of `packages` and synchronises the collection tables
 * of `tables`. Fails with `StoreError` when the database is newer than the code.
 *
 * @example
 * ```ts
 * import { Catalog, Crm } from "@rapport/core"
 * import { Dialect, Layout, Migrations } from "@rapport/sql"
 *
 * const catalog = Catalog.make({ collections: Crm.collections })
 * const tables = [...catalog.collections.values()].map(Layout.make)
 * const migrate = Migrations.run(Dialect.sqlite, tables) // needs a SqlClient
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const run = (
  dialect: Dialect,
  tables: ReadonlyArray<Layout.Table>,
  packages: ReadonlyArray<PackageMigrations> = [sql]
): Effect.Effect<void, Errors.StoreError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const client = yield* SqlClient.SqlClient
    const exec = (text: string, params: ReadonlyArray<unknown> = []) => client.unsafe<Record<string, unknown>>(text, params)
    const p = dialect.placeholder
    yield* client.withTransaction(Effect.gen(function*() {
      if (dialect.name === "pg") yield* exec(`SELECT pg_advisory_xact_lock(7260100)`)
      yield* exec(
        `CREATE TABLE IF NOT EXISTS rapport_migrations (package TEXT NOT NULL, id INTEGER NOT NULL, name TEXT NOT NULL, applied_at BIGINT NOT NULL, PRIMARY KEY (package, id))`
      )
      yield* exec(
        `CREATE TABLE IF NOT EXISTS rapport_catalog (collection TEXT NOT NULL PRIMARY KEY, layout TEXT NOT NULL, applied_at BIGINT NOT NULL)`
      )
      const applied = yield* exec(`SELECT package, id FROM rapport_migrations`)
      for (const pkg of packages) {
        const done = new Set(applied.filter((r) => r.package === pkg.package).map((r) => Number(r.id)))
        const highestKnown = Math.max(0, ...pkg.migrations.map((m) => m.id))
        const highestApplied = Math.max(0, ...done)
        if (highestApplied > highestKnown) {
          return yield* Effect.fail(storeError(
            `the database schema of ${pkg.package} is at migration ${highestApplied}, newer than this code knows (${highestKnown}); upgrade the code before starting it on this database`
          ))
        }
        for (const m of [...pkg.migrations].sort((a, b) => a.id - b.id)) {
          if (done.has(m.id)) continue
          for (const statement of m.statements(dialect)) yield* exec(statement)
          yield* exec(
            `INSERT INTO rapport_migrations (package, id, name, applied_at) VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)})`,
            [pkg.package, m.id, m.name, Date.now()]
          )
        }
      }
      for (const table of tables) {
        const [create, ...indexes] = Layout.ddl(dialect, table)
        yield* exec(create!)
        const existing = dialect.name === "pg"
          ? yield* exec(
            `SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`,
            [table.name]
          )
          : yield* exec(`SELECT name FROM pragma_table_info(?)`, [table.name])
        for (const statement of Layout.addMissingColumns(dialect, table, new Set(existing.map((r) => String(r.name))))) {
          yield* exec(statement)
        }
        // Indexes after the columns they may name, which an older table may lack.
        for (const statement of indexes) yield* exec(statement)
        const layout = JSON.stringify(table.columns)
        yield* exec(
          `INSERT INTO rapport_catalog (collection, layout, applied_at) VALUES (${p(1)}, ${p(2)}, ${p(3)}) ON CONFLICT (collection) DO UPDATE SET layout = excluded.layout, applied_at = excluded.applied_at`,
          [table.name, layout, Date.now()]
        )
      }
    }))
  }).pipe(
    Effect.catchTag("SqlError", (e: SqlError) => Effect.fail(storeError(`migration failed: ${e.message}`, e.cause))),
    Effect.catchAllDefect((defect) => Effect.fail(storeError("migration failed to commit", defect)))
  )
