/**
 * Several processes starting on one PostgreSQL database: they all start, whether it is
 * fresh or already migrated, and a start that finds the schema current takes no lock
 * and writes nothing. Each store here has a pool (and sessions) of its own, as a
 * separate process would.
 */
import { describe, expect, it } from "@effect/vitest"
import { TestCatalog } from "@rapport/conformance"
import { EventCollection, Query, Store } from "@rapport/core"
import { Dialect } from "@rapport/sql"
import { PgHarness } from "@rapport/testkit"
import { Effect, Either, Layer } from "effect"
import pg from "pg"
import { inject } from "vitest"
import { PgStore } from "../src/index.js"

/** Runs `f` on a database of its own, dropped afterwards. */
const onFreshDatabase = <A, E>(label: string, f: (url: string) => Effect.Effect<A, E>) =>
  Effect.acquireUseRelease(
    Effect.promise(() => PgHarness.freshDatabase(inject("rapportPgUrl"), label)),
    (db) => f(db.url),
    (db) => Effect.promise(() => db.drop())
  )

/** One start: build the store (it migrates), one read, release. */
const startOnce = (url: string) =>
  Effect.scoped(Effect.flatMap(
    Layer.build(Layer.provideMerge(PgStore.layer({ url, maxConnections: 2 }), TestCatalog.layer)),
    (ctx) =>
      Effect.gen(function*() {
        const store = yield* Store.Store
        return (yield* store.find("ws", { collection: TestCatalog.ACCOUNT })).rows.length
      }).pipe(Effect.provide(ctx))
  ))

const startAll = (url: string, n: number) =>
  Effect.map(
    Effect.all(Array.from({ length: n }, () => Effect.either(startOnce(url))), { concurrency: "unbounded" }),
    (outcomes) => outcomes.flatMap((o) => (Either.isLeft(o) ? [o.left.message] : []))
  )

/** A session of its own, for holding locks while a store starts. */
const session = (url: string) =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      return client
    }),
    (client) => Effect.promise(() => client.end())
  )

/** What a start could change: the relations of the schema and the bookkeeping rows. */
const snapshot = (client: pg.Client) =>
  Effect.promise(async () => ({
    relations: (await client.query(
      `SELECT relname, relkind, xmin::text AS xmin FROM pg_class WHERE relnamespace = current_schema()::regnamespace ORDER BY relname`
    )).rows,
    catalog: (await client.query(`SELECT collection, layout, applied_at::text, xmin::text AS xmin FROM rapport_catalog ORDER BY collection`))
      .rows,
    migrations: (await client.query(`SELECT package, id, applied_at::text FROM rapport_migrations ORDER BY package, id`)).rows
  }))

/**
 * A start that must not wait for `held`: it is disconnected from the timeout, so a
 * start blocked on a lock fails the test instead of hanging it.
 */
const startWhileHeld = (url: string) =>
  startOnce(url).pipe(
    Effect.disconnect,
    Effect.timeoutFail({ duration: "60 seconds", onTimeout: () => new Error("the start waited for a lock it does not need") })
  )

describe("several stores starting on one PostgreSQL database", () => {
  it.live("8 at once all start, on a fresh database and then on the migrated one, in 3 rounds", () =>
    Effect.gen(function*() {
      const errors: Array<string> = []
      for (let round = 0; round < 3; round++) {
        yield* onFreshDatabase("startup", (url) =>
          Effect.gen(function*() {
            errors.push(...(yield* startAll(url, 8)))
            errors.push(...(yield* startAll(url, 8)))
          }))
      }
      expect(errors).toEqual([])
    }), 240_000)
})

describe("a start on a current PostgreSQL schema", () => {
  it.live("writes nothing and does not wait while another starter holds the migration lock", () =>
    onFreshDatabase("startup_lock", (url) =>
      Effect.scoped(Effect.gen(function*() {
        yield* startOnce(url)
        const holder = yield* session(url)
        const before = yield* snapshot(holder)
        yield* Effect.promise(() => holder.query(`BEGIN; SELECT pg_advisory_xact_lock(7260100)`))
        expect(yield* startWhileHeld(url)).toBe(0)
        yield* Effect.promise(() => holder.query(`ROLLBACK`))
        expect(yield* snapshot(holder)).toEqual(before)
      }))), 120_000)

  it.live("takes no table lock, so a writer's open transaction does not hold it up", () =>
    onFreshDatabase("startup_writer", (url) =>
      Effect.scoped(Effect.gen(function*() {
        yield* startOnce(url)
        const writer = yield* session(url)
        // The lock every INSERT, UPDATE and DELETE holds until its transaction ends.
        yield* Effect.promise(() => writer.query(`BEGIN; LOCK TABLE account IN ROW EXCLUSIVE MODE`))
        expect(yield* startWhileHeld(url)).toBe(0)
        yield* Effect.promise(() => writer.query(`ROLLBACK`))
      }))), 120_000)
})

describe("a start on a PostgreSQL schema from before migration 3", () => {
  it.live("gives the event rows view its payload column", () =>
    onFreshDatabase("startup_payload_view", (url) =>
      Effect.scoped(Effect.gen(function*() {
        yield* startOnce(url)
        const client = yield* session(url)
        // Back to what migration 2 left: its view, without `payload`, and no record of migration 3.
        yield* Effect.promise(async () => {
          await client.query(`DROP VIEW "${EventCollection.name}"`)
          for (const statement of Dialect.postgres().eventLog.feedSchema) await client.query(statement)
          await client.query(`DELETE FROM rapport_migrations WHERE package = '@rapport/sql' AND id = 3`)
          await client.query(
            `INSERT INTO rapport_events (workspace_id, position, type, collection, record_id, version, occurred_at, actor, subjects, payload) ` +
              `VALUES ('ws', nextval('rapport_event_position'), 'DealStageChanged', 'deal', 'd1', 1, 0, '{"kind":"system","id":null}', '["deal:d1"]', '{"to":"won"}')`
          )
        })
        const rows = yield* Effect.scoped(Effect.flatMap(
          Layer.build(Layer.provideMerge(PgStore.layer({ url, maxConnections: 2 }), TestCatalog.layer)),
          (ctx) =>
            Effect.flatMap(Store.Store, (store) => store.find("ws", Query.find(EventCollection.name, { where: Query.eq("payload.to", "won") })))
              .pipe(Effect.provide(ctx))
        ))
        expect(rows.rows.map((r) => [r.recordId, r.payload])).toEqual([["d1", { to: "won" }]])
      }))), 120_000)
})
