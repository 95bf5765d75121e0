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
 * Several processes may start on one database at once. A start first reads the schema
 * (the tables, columns and indexes the engine reports, the applied migrations, the
 * recorded layouts) without taking any lock; when that is current, which is every start
 * but the first after a change, it writes nothing at all. Otherwise the changes run in
 * one transaction that takes the write lock up front (`Dialect.exclusiveTransaction`:
 * `pg_advisory_xact_lock` on PostgreSQL, `BEGIN IMMEDIATE` on SQLite, waiting up to the
 * busy timeout), and
 * reads the schema again under it: a starter that waited finds the work done by the
 * one before it and writes nothing either.
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
    statements: (d) => d.eventLog.schema
  }, {
    id: 2,
    name: "event feed indexes, event rows view",
    statements: (d) => d.eventLog.feedSchema
  }, {
    id: 3,
    name: "event rows view with payload",
    statements: (d) => d.eventLog.payloadView
  }]
}

const storeError = (detail: string, cause?: unknown) =>
  new Errors.StoreError({ operation: "Migrations.run", detail, ...(cause === undefined ? {} : { cause }) })

type Exec = (text: string, params?: ReadonlyArray<unknown>) => Effect.Effect<ReadonlyArray<Record<string, unknown>>, SqlError>

/** What the database holds, as far as migrations are concerned. */
interface Existing {
  /** Every relation name (tables, indexes, views, sequences share a namespace). */
  readonly relations: ReadonlySet<string>
  readonly columns: ReadonlyMap<string, ReadonlySet<string>>
  readonly applied: ReadonlyArray<{ readonly package: string; readonly id: number }>
  readonly layouts: ReadonlyMap<string, string>
}

const MIGRATIONS_TABLE = "rapport_migrations"
const CATALOG_TABLE = "rapport_catalog"

/**
 * Reads the schema without writing or locking: catalog queries only, no DDL (a no-op
 * `CREATE INDEX IF NOT EXISTS` still takes a table lock on PostgreSQL that blocks
 * writers). SQLite names are case-insensitive, so they are compared lower-cased there.
 */
const inspect = (dialect: Dialect, exec: Exec): Effect.Effect<Existing, SqlError> =>
  Effect.gen(function*() {
    const norm = dialect.schemaQueries.normalize
    const relationRows = yield* exec(dialect.schemaQueries.relations)
    const relations = new Set(relationRows.map((r) => norm(String(r.name))))
    const columnRows = yield* exec(dialect.schemaQueries.columns)
    const columns = new Map<string, Set<string>>()
    for (const r of columnRows) {
      const table = norm(String(r.tbl))
      let set = columns.get(table)
      if (set === undefined) columns.set(table, set = new Set())
      set.add(norm(String(r.name)))
    }
    const applied = relations.has(MIGRATIONS_TABLE)
      ? (yield* exec(`SELECT package, id FROM ${MIGRATIONS_TABLE}`)).map((r) => ({ package: String(r.package), id: Number(r.id) }))
      : []
    const layouts = relations.has(CATALOG_TABLE)
      ? new Map((yield* exec(`SELECT collection, layout FROM ${CATALOG_TABLE}`)).map((r) => [String(r.collection), String(r.layout)]))
      : new Map<string, string>()
    return { relations, columns, applied, layouts }
  })

/** The name an `IF NOT EXISTS` index statement of `Layout.ddl` creates, if it is one. */
const indexName = (statement: string): string | undefined => {
  const match = /^CREATE (?:UNIQUE )?INDEX IF NOT EXISTS "((?:[^"]|"")+)"/.exec(statement)
  return match === null ? undefined : match[1]!.replace(/""/g, "\"")
}

/**
 * The statements that bring `existing` up to date: empty when the schema is current.
 * Fails when the database was migrated by newer code.
 */
const pending = (
  dialect: Dialect,
  tables: ReadonlyArray<Layout.Table>,
  packages: ReadonlyArray<PackageMigrations>,
  existing: Existing
): Effect.Effect<ReadonlyArray<readonly [string, ReadonlyArray<unknown>]>, Errors.StoreError> =>
  Effect.suspend(() => {
    const norm = dialect.schemaQueries.normalize
    const has = (name: string) => existing.relations.has(norm(name))
    const p = dialect.placeholder
    const out: Array<readonly [string, ReadonlyArray<unknown>]> = []
    const now = Date.now()
    if (!has(MIGRATIONS_TABLE)) {
      out.push([
        `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (package TEXT NOT NULL, id INTEGER NOT NULL, name TEXT NOT NULL, applied_at BIGINT NOT NULL, PRIMARY KEY (package, id))`,
        []
      ])
    }
    if (!has(CATALOG_TABLE)) {
      out.push([
        `CREATE TABLE IF NOT EXISTS ${CATALOG_TABLE} (collection TEXT NOT NULL PRIMARY KEY, layout TEXT NOT NULL, applied_at BIGINT NOT NULL)`,
        []
      ])
    }
    for (const pkg of packages) {
      const done = new Set(existing.applied.filter((r) => r.package === pkg.package).map((r) => r.id))
      const highestKnown = Math.max(0, ...pkg.migrations.map((m) => m.id))
      const highestApplied = Math.max(0, ...done)
      if (highestApplied > highestKnown) {
        return Effect.fail(storeError(
          `the database schema of ${pkg.package} is at migration ${highestApplied}, newer than this code knows (${highestKnown}); upgrade the code before starting it on this database`
        ))
      }
      for (const m of [...pkg.migrations].sort((a, b) => a.id - b.id)) {
        if (done.has(m.id)) continue
        for (const statement of m.statements(dialect)) out.push([statement, []])
        out.push([
          `INSERT INTO ${MIGRATIONS_TABLE} (package, id, name, applied_at) VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)})`,
          [pkg.package, m.id, m.name, now]
        ])
      }
    }
    for (const table of tables) {
      const [create, ...indexes] = Layout.ddl(dialect, table)
      if (!has(table.name)) {
        out.push([create!, []])
        for (const statement of indexes) out.push([statement, []])
      } else {
        const columns = new Set(table.columns.map((c) => c.name).filter((c) => existing.columns.get(norm(table.name))?.has(norm(c))))
        for (const statement of Layout.addMissingColumns(dialect, table, columns)) out.push([statement, []])
        // Indexes after the columns they may name, which an older table may lack. A
        // statement whose name cannot be read is run: it is idempotent.
        for (const statement of indexes) {
          const name = indexName(statement)
          if (name === undefined || !has(name)) out.push([statement, []])
        }
      }
      const layout = JSON.stringify(table.columns)
      if (existing.layouts.get(table.name) !== layout) {
        out.push([
          `INSERT INTO ${CATALOG_TABLE} (collection, layout, applied_at) VALUES (${p(1)}, ${p(2)}, ${p(3)}) ON CONFLICT (collection) DO UPDATE SET layout = excluded.layout, applied_at = excluded.applied_at`,
          [table.name, layout, now]
        ])
      }
    }
    return Effect.succeed(out)
  })

const codeOf = (error: unknown): string | undefined => {
  const code = (error as { readonly cause?: { readonly code?: unknown } } | null | undefined)?.cause?.code
  return typeof code === "string" ? code : undefined
}

/**
 * Applies the pending migrations of `packages` and synchronises the collection tables
 * of `tables`. Fails with `StoreError` when the database is newer than the code. Finds
 * a current schema without writing or locking anything; see the module documentation
 * for how several processes starting at once share the work.
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
    const exec: Exec = (text, params = []) => client.unsafe<Record<string, unknown>>(text, params)
    const statements = Effect.flatMap(inspect(dialect, exec), (existing) => pending(dialect, tables, packages, existing))
    if ((yield* statements).length === 0) return
    const apply = dialect.exclusiveTransaction(client)(Effect.gen(function*() {
      // Read again under the lock: a starter that waited for it finds the work done.
      for (const [text, params] of yield* statements) yield* exec(text, params)
    }))
    // Under the write lock the snapshot cannot go stale, but `BEGIN IMMEDIATE` itself can
    // meet a commit landing between its snapshot and its lock (`SQLITE_BUSY_SNAPSHOT`).
    // Nothing is held then, so the attempt restarts and reads the schema again (the
    // Rapport client already retries that BEGIN; other clients may not).
    yield* Effect.retry(apply, { times: 3, while: (e) => codeOf(e) === "SQLITE_BUSY_SNAPSHOT" })
  }).pipe(
    Effect.catchTag("SqlError", (e: SqlError) => Effect.fail(storeError(`migration failed: ${e.message}`, e.cause))),
    Effect.catchAllDefect((defect) => Effect.fail(storeError("migration failed to commit", defect)))
  )
