/**
 * The event feed: how soon a waiting consumer wakes after a commit (`awaitFeed`), and
 * what PostgreSQL's store-wide append lock costs writers of different workspaces.
 *
 * - Commit-to-wake latency, p50 and p99, on each store: a consumer waits in `awaitFeed`
 *   with polling set to an hour (so only the wake counts), a writer appends one event
 *   (its own transaction), and the time from the end of that append (its commit
 *   acknowledged) to the consumer's return, which includes its read of the feed, is one
 *   sample (0 when the consumer returned first). On PostgreSQL also across processes: writer and consumer on two
 *   stores with pools and listeners of their own, so the wake is `NOTIFY` → `LISTEN`.
 *   Baseline: the raw driver's `LISTEN`/`NOTIFY` round trip on the same server.
 * - Appends across workspaces on PostgreSQL: 8 writers, each in a workspace of its own,
 *   each appending one event per transaction. Rapport (store-wide advisory lock, sequence,
 *   subject index, `NOTIFY`) against hand-written SQL doing the same inserts with no lock
 *   and no notify; and Rapport without its lock, to isolate what the lock costs.
 *
 * Run with `npx pnpm@10 bench feed` (or `npx tsx bench/feed.ts`).
 */
import { Actor, Catalog, Crm, Store } from "@rapport/core"
import { MemoryStore } from "@rapport/memory"
import { PgStore } from "@rapport/pg"
import { Dialect, SqlStore } from "@rapport/sql"
import { SqliteStore } from "@rapport/sqlite"
import { PgHarness } from "@rapport/testkit"
import { Effect, Layer, ManagedRuntime } from "effect"
import pg from "pg"
import { writeResults } from "./lib/compare.js"

const SAMPLES = 300
const WRITERS = 8
const APPENDS_PER_WRITER = 150

type StoreLayer = Layer.Layer<Store.Store, unknown, Catalog.Catalog>

const runtimeOf = (layer: StoreLayer) =>
  ManagedRuntime.make(layer.pipe(Layer.provide(Catalog.layer({ collections: Crm.collections }))))

const event = (i: number) => ({
  type: "Pinged",
  collection: "contact",
  recordId: `con_${i}`,
  version: 1,
  occurredAt: i,
  actor: Actor.system,
  subjects: [`contact:con_${i}` as const],
  payload: { i }
})

const percentile = (sorted: ReadonlyArray<number>, p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!

const summary = (samples: ReadonlyArray<number>) => {
  const sorted = [...samples].sort((a, b) => a - b)
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) }
}

/** Commit-to-wake samples (ms): `writer` appends, `reader` waits. */
const wakeLatency = async (writer: StoreLayer, reader?: StoreLayer) => {
  const w = runtimeOf(writer)
  const r = reader === undefined ? w : runtimeOf(reader)
  try {
    const writeStore = await w.runPromise(Store.Store)
    const readStore = await r.runPromise(Store.Store)
    const samples: Array<number> = []
    const fromStart: Array<number> = []
    await w.runPromise(writeStore.append("wake", [event(0)]))
    let after = (await r.runPromise(readStore.readEvents("wake", { after: 0, limit: 1 })))[0]!.position
    for (let i = 1; i <= SAMPLES + 20; i++) {
      const woken = r.runPromise(readStore.awaitFeed({ after, timeout: "10 seconds", pollInterval: "1 hour" }))
      // Let the consumer reach its wait before the commit.
      await new Promise((resolve) => setTimeout(resolve, 2))
      let wokeAt = 0
      const waited = woken.then((ok) => {
        wokeAt = performance.now()
        return ok
      })
      const startedAt = performance.now()
      await w.runPromise(writeStore.append("wake", [event(i)]))
      const committedAt = performance.now()
      if (!(await waited)) throw new Error("the consumer was not woken within 10 s")
      // The first ones warm up connections and plans.
      if (i > 20) {
        samples.push(Math.max(0, wokeAt - committedAt))
        fromStart.push(wokeAt - startedAt)
      }
      after = (await r.runPromise(readStore.readFeed({ after, limit: 10 }))).at(-1)!.position
    }
    return { ...summary(samples), appendToWake: summary(fromStart) }
  } finally {
    if (r !== w) await r.dispose()
    await w.dispose()
  }
}

/** The raw driver's wake (ms): a transaction inserting one row and notifying on one client, woken on another. */
const rawNotify = async (url: string) => {
  const listener = new pg.Client({ connectionString: url })
  const notifier = new pg.Client({ connectionString: url })
  await listener.connect()
  await notifier.connect()
  try {
    await listener.query("LISTEN bench_raw")
    await notifier.query(
      "CREATE TABLE raw_wake (workspace_id text, position bigserial, payload jsonb, PRIMARY KEY (workspace_id, position))"
    )
    const samples: Array<number> = []
    const fromStart: Array<number> = []
    for (let i = 0; i < SAMPLES + 20; i++) {
      let wokeAt = 0
      const woken = new Promise<void>((resolve) => listener.once("notification", () => resolve())).then(() => {
        wokeAt = performance.now()
      })
      await new Promise((resolve) => setTimeout(resolve, 2))
      const startedAt = performance.now()
      await notifier.query("BEGIN")
      await notifier.query("INSERT INTO raw_wake (workspace_id, payload) VALUES ($1, $2)", ["wake", JSON.stringify({ i })])
      await notifier.query("SELECT pg_notify('bench_raw', '')")
      await notifier.query("COMMIT")
      const committedAt = performance.now()
      await woken
      if (i >= 20) {
        samples.push(Math.max(0, wokeAt - committedAt))
        fromStart.push(wokeAt - startedAt)
      }
    }
    return { ...summary(samples), appendToWake: summary(fromStart) }
  } finally {
    await listener.end()
    await notifier.end()
  }
}

/** Wall time (ms) of `WRITERS` writers in workspaces of their own, each appending one event per transaction. */
const rapportAppends = async (layer: StoreLayer) => {
  const rt = runtimeOf(layer)
  try {
    const store = await rt.runPromise(Store.Store)
    await rt.runPromise(store.append("warm", [event(0)]))
    const started = performance.now()
    await rt.runPromise(Effect.all(
      Array.from({ length: WRITERS }, (_, w) =>
        Effect.forEach(Array.from({ length: APPENDS_PER_WRITER }, (_, i) => i), (i) =>
          store.append(`writer${w}`, [event(i)]), { discard: true })),
      { concurrency: "unbounded", discard: true }
    ))
    return performance.now() - started
  } finally {
    await rt.dispose()
  }
}

const rawAppends = async (url: string) => {
  const pool = new pg.Pool({ connectionString: url, max: 10 })
  try {
    await pool.query(`
      CREATE SEQUENCE raw_position;
      CREATE TABLE raw_events (workspace_id text NOT NULL, position bigint NOT NULL, type text NOT NULL, collection text NOT NULL,
        record_id text NOT NULL, version bigint NOT NULL, occurred_at bigint NOT NULL, actor jsonb NOT NULL, subjects jsonb NOT NULL,
        payload jsonb, PRIMARY KEY (workspace_id, position));
      CREATE INDEX raw_events_position ON raw_events (position);
      CREATE INDEX raw_events_type ON raw_events (type, position);
      CREATE INDEX raw_events_workspace_type ON raw_events (workspace_id, type, position);
      CREATE TABLE raw_subjects (workspace_id text NOT NULL, subject text NOT NULL, position bigint NOT NULL,
        PRIMARY KEY (workspace_id, subject, position));
    `)
    const append = async (ws: string, i: number) => {
      const client = await pool.connect()
      try {
        await client.query("BEGIN")
        const e = event(i)
        const { rows } = await client.query(
          `INSERT INTO raw_events VALUES ($1, nextval('raw_position'), $2, $3, $4, $5, $6, $7, $8, $9) RETURNING position`,
          [ws, e.type, e.collection, e.recordId, e.version, e.occurredAt, JSON.stringify({ kind: "system", id: null }), JSON.stringify(e.subjects), JSON.stringify(e.payload)]
        )
        await client.query(`INSERT INTO raw_subjects VALUES ($1, $2, $3)`, [ws, e.subjects[0], rows[0].position])
        await client.query("COMMIT")
      } finally {
        client.release()
      }
    }
    await append("warm", 0)
    const started = performance.now()
    await Promise.all(Array.from({ length: WRITERS }, async (_, w) => {
      for (let i = 0; i < APPENDS_PER_WRITER; i++) await append(`writer${w}`, i)
    }))
    return performance.now() - started
  } finally {
    await pool.end()
  }
}

/** Rapport on PostgreSQL with the append lock taken out (what a lock per workspace gives writers of different workspaces). */
const withoutAppendLock = (url: string): StoreLayer =>
  Layer.unwrapEffect(Effect.map(PgStore.dialect, (d) =>
    SqlStore.layer({
      dialect: {
        ...d,
        eventLog: {
          ...d.eventLog,
          drawPositions: `WITH n AS MATERIALIZED (SELECT pg_notify('rapport_events', '')) SELECT nextval('rapport_event_position') AS p FROM n, generate_series(1, $1::int)`
        }
      } satisfies Dialect.Dialect
    }))).pipe(
      Layer.provide(PgStore.clientLayer({ url })),
      Layer.mapError((e) => e)
    ) as StoreLayer

export const run = async () => {
  const server = await PgHarness.start()
  const dbs = await Promise.all(["bench_feed_wake", "bench_feed_rapport", "bench_feed_nolock", "bench_feed_raw"].map((n) =>
    PgHarness.freshDatabase(server.url, n)
  ))
  const [wakeDb, rapportDb, nolockDb, rawDb] = dbs
  try {
    console.log(`PostgreSQL ${server.version}; ${SAMPLES} wakes per store, ${WRITERS} writers x ${APPENDS_PER_WRITER} appends`)
    const latency = {
      memory: await wakeLatency(MemoryStore.layer),
      sqlite: await wakeLatency(SqliteStore.layer({ filename: ":memory:" })),
      pgInProcess: await wakeLatency(PgStore.layer({ url: wakeDb!.url })),
      pgAcrossProcesses: await wakeLatency(PgStore.layer({ url: wakeDb!.url }), PgStore.layer({ url: wakeDb!.url })),
      rawPgNotify: await rawNotify(wakeDb!.url)
    }
    const appendsRapport = await rapportAppends(PgStore.layer({ url: rapportDb!.url }))
    const appendsNoLock = await rapportAppends(withoutAppendLock(nolockDb!.url))
    const appendsRaw = await rawAppends(rawDb!.url)

    const ms = (n: number) => `${n.toFixed(2)} ms`
    console.log("\ncommit-to-wake latency (p50 / p99)")
    for (const [name, l] of Object.entries(latency)) {
      console.log(`  ${name.padEnd(18)} ${ms(l.p50).padStart(9)} / ${ms(l.p99).padEnd(9)}  (from the start of the append: ${ms(l.appendToWake.p50)} / ${ms(l.appendToWake.p99)})`)
    }
    const total = WRITERS * APPENDS_PER_WRITER
    const perSec = (t: number) => Math.round((total / t) * 1000)
    console.log(`\nappends across ${WRITERS} workspaces (appends/s)`)
    console.log(`  rapport (store-wide lock, notify)  ${perSec(appendsRapport)}`)
    console.log(`  rapport without the lock            ${perSec(appendsNoLock)}`)
    console.log(`  hand-written SQL (no lock, no notify) ${perSec(appendsRaw)}`)
    const rows = [
      // From the start of the write: a commit-to-wake of 0 (woken before the writer heard its commit) has no ratio.
      {
        case: "append-to-wake p50, across processes (vs a hand-written insert + NOTIFY transaction and LISTEN)",
        ratio: latency.pgAcrossProcesses.appendToWake.p50 / latency.rawPgNotify.appendToWake.p50
      },
      {
        case: "append-to-wake p99, across processes (vs a hand-written insert + NOTIFY transaction and LISTEN)",
        ratio: latency.pgAcrossProcesses.appendToWake.p99 / latency.rawPgNotify.appendToWake.p99
      },
      { case: `appends, ${WRITERS} workspaces at once (vs hand-written SQL)`, ratio: appendsRapport / appendsRaw },
      { case: `appends, ${WRITERS} workspaces at once: with the store-wide lock vs without`, ratio: appendsRapport / appendsNoLock }
    ]
    for (const r of rows) console.log(`  ${r.case}: ${r.ratio.toFixed(2)}x`)
    writeResults("feed", {
      postgres: server.version,
      latencyMs: latency,
      appendsPerSecond: { rapport: perSec(appendsRapport), rapportWithoutLock: perSec(appendsNoLock), handWritten: perSec(appendsRaw) },
      rows
    })
  } finally {
    for (const db of dbs) await db.drop()
    await server.stop()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run()
