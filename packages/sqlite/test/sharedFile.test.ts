/**
 * Several processes on one SQLite file: they all start, whether the file is fresh or
 * already migrated, and a start that finds the schema current writes nothing.
 */
import { afterAll, describe, expect, it } from "@effect/vitest"
import { TestCatalog } from "@rapport/conformance"
import { Store } from "@rapport/core"
import { Dialect, Layout, Migrations } from "@rapport/sql"
import * as SqlClient from "@effect/sql/SqlClient"
import { SqlError } from "@effect/sql/SqlError"
import Sqlite from "better-sqlite3"
import { Effect, Layer } from "effect"
import { spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { SqliteStore } from "../src/index.js"

const dirs: Array<string> = []
const tempFile = () => {
  const dir = mkdtempSync(join(tmpdir(), "rapport-shared-"))
  dirs.push(dir)
  return join(dir, "db.sqlite")
}
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })))
const packageDir = fileURLToPath(new URL("..", import.meta.url))
const script = fileURLToPath(new URL("./fixtures/startStore.ts", import.meta.url))

/** How a child process's start went. */
type Outcome = { readonly ok: true } | { readonly ok: false; readonly error: string }

/**
 * Starts `n` processes on `filename`, waits until every one has loaded its code, then
 * releases them all at once into `SqliteStore.layer`. The busy timeout is generous: a
 * starter waiting for another's migration on a loaded machine must wait, not fail, and
 * the test must not depend on the machine's speed.
 */
const startAll = (filename: string, n: number): Promise<Array<Outcome>> =>
  new Promise((resolve, reject) => {
    const children = Array.from({ length: n }, () =>
      spawn(process.execPath, ["--import", "tsx", script, filename, String(BUSY_TIMEOUT)], {
        cwd: packageDir,
        stdio: ["pipe", "pipe", "pipe"]
      }))
    let ready = 0
    const outcomes = children.map((child) =>
      new Promise<Outcome>((done) => {
        let out = ""
        let err = ""
        let released = false
        child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
          out += chunk
          if (!released && out.startsWith("ready\n")) {
            released = true
            if (++ready === n) for (const c of children) c.stdin.end("go\n")
          }
        })
        child.stderr.setEncoding("utf8").on("data", (chunk: string) => (err += chunk))
        child.on("error", reject)
        child.on("close", (code) => {
          const last = out.trim().split("\n").at(-1) ?? ""
          try {
            done(JSON.parse(last) as Outcome)
          } catch {
            done({ ok: false, error: `exit ${code}: ${err.trim().split("\n").slice(0, 3).join(" / ")}` })
          }
        })
      })
    )
    Promise.all(outcomes).then(resolve, reject)
  })

const failures = (outcomes: ReadonlyArray<Outcome>) => outcomes.flatMap((o) => (o.ok ? [] : [o.error]))

// Sized for a loaded 2-core CI machine: every child is a Node process compiling the
// store with tsx, so the work, not the race, is what takes time. Two rounds of six still
// make starters meet mid-migration (they are released together, after loading).
const ROUNDS = 2
const PROCESSES = 6
/** How long a starter waits for another's migration: far beyond any real migration. */
const BUSY_TIMEOUT = 300_000
/** The test's own limit: above the busy timeout, so a slow machine fails neither. */
const TEST_TIMEOUT = 900_000

const storeOn = (filename: string, options: Partial<SqliteStore.Options> = {}) =>
  Layer.provideMerge(SqliteStore.layer({ filename, ...options }), TestCatalog.layer)

const startOnce = (filename: string, options: Partial<SqliteStore.Options> = {}) =>
  Effect.scoped(Effect.flatMap(Layer.build(storeOn(filename, options)), (ctx) =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      return (yield* store.find("ws", { collection: TestCatalog.ACCOUNT })).rows.length
    }).pipe(Effect.provide(ctx))))

/** What a start could change: the schema, the bookkeeping rows, and the commit counter. */
const snapshot = (filename: string, db: Sqlite.Database) => ({
  dataVersion: db.pragma("data_version", { simple: true }),
  schema: db.prepare("SELECT type, name, sql FROM sqlite_master ORDER BY type, name").all(),
  catalog: db.prepare("SELECT * FROM rapport_catalog ORDER BY collection").all(),
  migrations: db.prepare("SELECT * FROM rapport_migrations ORDER BY package, id").all(),
  file: filename
})

describe("several processes on one SQLite file", () => {
  it("all start at once on an already-migrated file", async () => {
    const file = tempFile()
    await Effect.runPromise(startOnce(file))
    const errors: Array<string> = []
    for (let round = 0; round < ROUNDS; round++) errors.push(...failures(await startAll(file, PROCESSES)))
    expect(errors).toEqual([])
  }, TEST_TIMEOUT)

  it("all start at once on a fresh file", async () => {
    const errors: Array<string> = []
    for (let round = 0; round < ROUNDS; round++) errors.push(...failures(await startAll(tempFile(), PROCESSES)))
    expect(errors).toEqual([])
  }, TEST_TIMEOUT)
})

describe("a start on a current schema", () => {
  it.live("writes nothing: no commit, no DDL, bookkeeping rows untouched", () =>
    Effect.gen(function*() {
      const file = tempFile()
      yield* startOnce(file)
      const db = new Sqlite(file, { readonly: true })
      const before = snapshot(file, db)
      yield* startOnce(file)
      yield* startOnce(file)
      const after = snapshot(file, db)
      db.close()
      // `data_version` changes when another connection commits anything to the file.
      expect(after).toEqual(before)
    }))

  it.live("still finds what is missing: a dropped index and a stale layout are restored", () =>
    Effect.gen(function*() {
      const file = tempFile()
      yield* startOnce(file)
      const db = new Sqlite(file)
      const indexes = () => db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name").all()
      const all = indexes()
      const dropped = (all.find((r) => (r as { name: string }).name.startsWith("ix_deal_")) as { name: string }).name
      db.exec(`DROP INDEX "${dropped}"`)
      db.prepare("UPDATE rapport_catalog SET layout = '[]' WHERE collection = 'account'").run()
      yield* startOnce(file)
      expect(indexes()).toEqual(all)
      expect(db.prepare("SELECT layout FROM rapport_catalog WHERE collection = 'account'").pluck().get()).not.toBe("[]")
      db.close()
    }))

  it.live("does not wait for the write lock another process holds", () =>
    Effect.gen(function*() {
      const file = tempFile()
      yield* startOnce(file)
      const writer = new Sqlite(file)
      writer.exec("BEGIN IMMEDIATE")
      try {
        // A busy timeout far below the test's: waiting for the lock at all would fail.
        expect(yield* startOnce(file, { busyTimeout: 50 })).toBe(0)
      } finally {
        writer.exec("ROLLBACK")
        writer.close()
      }
    }))
})

describe("a start that must migrate", () => {
  it.live("a BEGIN IMMEDIATE that meets a commit landing under it (SQLITE_BUSY_SNAPSHOT) is restarted", () =>
    Effect.gen(function*() {
      const file = tempFile()
      const tables = [...TestCatalog.catalog.collections.values()].map(Layout.make)
      let refused = 0
      yield* Effect.scoped(Effect.gen(function*() {
        const client = yield* SqlClient.SqlClient
        // The client, except that its first two BEGIN IMMEDIATE fail as a stale snapshot would.
        const flaky: SqlClient.SqlClient = Object.assign(Object.create(client) as SqlClient.SqlClient, {
          reserve: Effect.map(client.reserve, (conn) => ({
            ...conn,
            executeUnprepared: (sql: string, params: ReadonlyArray<unknown>, transform: undefined) =>
              sql === "BEGIN IMMEDIATE" && refused < 2
                ? Effect.fail(new SqlError({ cause: { code: "SQLITE_BUSY_SNAPSHOT" }, message: "database is locked" })).pipe(
                  Effect.ensuring(Effect.sync(() => refused++))
                )
                : conn.executeUnprepared(sql, params, transform)
          }))
        })
        yield* Effect.provideService(Migrations.run(Dialect.sqlite, tables), SqlClient.SqlClient, flaky)
      }).pipe(Effect.provide(SqliteStore.clientLayer({ filename: file }))))
      expect(refused).toBe(2)
      expect(yield* startOnce(file)).toBe(0)
    }))
})
