/**
 * The store's own `pg` pool, and the fast path over it.
 *
 * `@effect/sql-pg` runs every statement through a span, an interruptible acquire of a
 * pooled client and a cancel hook. That is what transactions and migrations need, but a
 * single autocommit read pays it on every `get` or `find`: about 100 µs a statement
 * here, a third of a primary-key lookup. The store therefore creates the pool itself,
 * hands it to `PgClient.layerFromPool` for everything transactional, and runs its
 * autocommit statements straight on the pool.
 *
 * The store's own per-table statements (`reusable`: key lookups, version-guarded
 * writes, event reads) are prepared by name, so the server parses them once per
 * connection and reuses a generic plan, which for a key lookup is the plan it would pick
 * anyway. Compiled queries stay unnamed: after five runs of a named statement the
 * server may settle on a generic plan, and for a query whose best plan depends on the
 * values (a 90-day window, a skewed status) that plan can be many times slower (we
 * measured 5x on the benchmark's "3+ orders in 90 days"). The number of names is bounded
 * (`MAX_NAMED`) all the same; texts past it run unnamed.
 */
import { SqlError } from "@effect/sql/SqlError"
import { Effect, Redacted, type Scope } from "effect"
import pg from "pg"

/** How many distinct statement texts get a server-side prepared statement by default. */
export const MAX_NAMED = 1_000

export interface PoolOptions {
  readonly url: string | Redacted.Redacted
  readonly maxConnections: number
}

export type Pool = pg.Pool

/** Opens the pool, checks that the server answers, and ends the pool with the scope. */
export const make = (options: PoolOptions): Effect.Effect<pg.Pool, SqlError, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: async () => {
        const pool = new pg.Pool({
          connectionString: typeof options.url === "string" ? options.url : Redacted.value(options.url),
          max: options.maxConnections,
          application_name: "@rapport/pg"
        })
        // A broken idle client is dropped by the pool; without a listener Node would throw.
        pool.on("error", () => {})
        await pool.query("SELECT 1")
        return pool
      },
      catch: (cause) => new SqlError({ cause, message: "PgStore: failed to connect" })
    }),
    (pool) => Effect.promise(() => pool.end())
  )

/** Runs statements on the pool outside any transaction, each on whichever client is idle. */
export const direct = (pool: pg.Pool, maxNamed: number = MAX_NAMED) => {
  const names = new Map<string, string>()
  const nameOf = (text: string): string | undefined => {
    let name = names.get(text)
    if (name === undefined && names.size < maxNamed) {
      name = `rapport_${names.size + 1}`
      names.set(text, name)
    }
    return name
  }
  const query = <R>(config: pg.QueryConfig & { readonly rowMode?: "array" }) =>
    Effect.async<ReadonlyArray<R>, SqlError>((resume) => {
      pool.query(config, (error: Error | undefined, result: pg.QueryResult) => {
        resume(
          error === undefined || error === null
            ? Effect.succeed(result.rows as Array<R>)
            : Effect.fail(new SqlError({ cause: error, message: "Failed to execute statement" }))
        )
      })
    })
  const config = (text: string, params: ReadonlyArray<unknown>, reusable: boolean) => {
    const name = reusable ? nameOf(text) : undefined
    return name === undefined
      ? { text, values: params as Array<unknown> }
      : { name, text, values: params as Array<unknown> }
  }
  return {
    /** Rows as objects keyed by column name. */
    rows: (text: string, params: ReadonlyArray<unknown>, reusable: boolean) =>
      query<Record<string, unknown>>(config(text, params, reusable)),
    /** Rows as arrays of column values, in select-list order. */
    values: (text: string, params: ReadonlyArray<unknown>, reusable: boolean) =>
      query<ReadonlyArray<unknown>>({ ...config(text, params, reusable), rowMode: "array" }),
    /** How many statement texts have a name (for tests). */
    named: () => names.size
  }
}
