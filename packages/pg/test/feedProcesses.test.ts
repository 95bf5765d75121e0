/**
 * The feed across processes: several writer processes on one PostgreSQL database append
 * in workspaces of their own while this process follows the feed with one checkpoint. It
 * sees every committed event exactly once, in each workspace's commit order, and a
 * commit in another process wakes its `awaitFeed` (`NOTIFY` → `LISTEN`) without polling.
 */
import { describe, expect, it } from "@effect/vitest"
import { TestCatalog } from "@rapport/conformance"
import type { DomainEvent } from "@rapport/core"
import { Store } from "@rapport/core"
import { PgHarness } from "@rapport/testkit"
import { Effect, Layer } from "effect"
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { inject } from "vitest"
import { PgStore } from "../src/index.js"

const packageDir = fileURLToPath(new URL("..", import.meta.url))
const script = fileURLToPath(new URL("./fixtures/appendEvents.ts", import.meta.url))

type Outcome = { readonly committed: ReadonlyArray<string> } | { readonly error: string }

/** Starts the writers, releases them together once every one is connected, and gathers what each committed. */
const writers = (url: string, labels: ReadonlyArray<string>, transactions: number) => {
  let released = false
  let ready = 0
  const children = labels.map((label) =>
    spawn(process.execPath, ["--import", "tsx", script, url, label, String(transactions)], {
      cwd: packageDir,
      stdio: ["pipe", "pipe", "pipe"]
    })
  )
  const outcomes = children.map((child) =>
    new Promise<Outcome>((done, fail) => {
      let out = ""
      let err = ""
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        out += chunk
        if (out.startsWith("ready\n") && !out.includes("\u0001")) {
          out = out.replace("ready\n", "\u0001")
          if (++ready === children.length && !released) {
            released = true
            for (const c of children) c.stdin.end("go\n")
          }
        }
      })
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => (err += chunk))
      child.on("error", fail)
      child.on("close", (code) => {
        const last = out.replace("\u0001", "").trim().split("\n").at(-1) ?? ""
        try {
          done(JSON.parse(last) as Outcome)
        } catch {
          done({ error: `exit ${code}: ${err.trim().split("\n").slice(0, 3).join(" / ")}` })
        }
      })
    })
  )
  return Promise.all(outcomes)
}

const onFreshDatabase = <A, E>(label: string, f: (url: string) => Effect.Effect<A, E, Store.Store>) =>
  Effect.acquireUseRelease(
    Effect.promise(() => PgHarness.freshDatabase(inject("rapportPgUrl"), label)),
    (db) => f(db.url).pipe(Effect.provide(Layer.provideMerge(PgStore.layer({ url: db.url }), TestCatalog.layer))),
    (db) => Effect.promise(() => db.drop())
  )

describe("the feed across processes on PostgreSQL", () => {
  it.live("4 writer processes, one consumer: every committed event exactly once, in commit order per workspace", () =>
    onFreshDatabase("feedprocs", (url) =>
      Effect.gen(function*() {
        const store = yield* Store.Store
        const labels = ["p0", "p1", "p2", "p3"]
        const seen: Array<DomainEvent.StoredEvent> = []
        const done = new Set<string>()
        const consumer = Effect.gen(function*() {
          let after = 0
          while (done.size < labels.length) {
            yield* store.awaitFeed({ after, timeout: "10 seconds", pollInterval: "500 millis" })
            for (const e of yield* store.readFeed({ after, limit: 9 })) {
              if (e.type === "Done") done.add(e.workspaceId)
              else seen.push(e)
              after = e.position
            }
          }
        })
        const [outcomes] = yield* Effect.all([
          Effect.promise(() => writers(url, labels, 40)),
          consumer
        ], { concurrency: "unbounded" })
        const committed = outcomes.flatMap((o) => {
          if ("error" in o) throw new Error(`a writer failed: ${o.error}`)
          return o.committed
        })
        expect(committed.length).toBeGreaterThan(0)
        expect(seen.map((e) => e.recordId).sort()).toEqual([...committed].sort())
        for (let i = 1; i < seen.length; i++) expect(seen[i]!.position).toBeGreaterThan(seen[i - 1]!.position)
        for (const label of labels) {
          for (const w of [0, 1, 2]) {
            const ws = `${label}-w${w}`
            const log = yield* store.readEvents(ws, { after: 0, limit: 1000 })
            expect(seen.filter((e) => e.workspaceId === ws).map((e) => e.recordId)).toEqual(log.map((e) => e.recordId))
          }
        }
      })), 180_000)

  it.live("a commit in another process wakes awaitFeed without polling", () =>
    onFreshDatabase("feedwake", (url) =>
      Effect.gen(function*() {
        const store = yield* Store.Store
        const head = (yield* store.readFeed({ after: 0, limit: 1 })).length
        expect(head).toBe(0)
        // Polling once an hour: only the notification can return it within the test's time.
        const [woken] = yield* Effect.all([
          store.awaitFeed({ after: 0, timeout: "2 minutes", pollInterval: "1 hour" }),
          Effect.promise(() => writers(url, ["solo"], 1))
        ], { concurrency: "unbounded" })
        expect(woken).toBe(true)
      })), 180_000)
})
