/**
 * Wakes the store's feed waiters on commits of other processes: one connection of its
 * own (outside the pool, so it never holds a pooled client) that `LISTEN`s on the
 * channel appending transactions `NOTIFY` (`Dialect.postgres`'s `eventLog.notify`).
 *
 * Notifications are a wake-up, not the data: a consumer reads the feed after waking, and
 * `awaitFeed` polls besides, so a notification lost while the connection was down only
 * delays a wake until the next poll. After losing the connection the listener connects
 * again (every `RETRY_MS`) and then wakes everyone once, for what it may have missed.
 */
import type { Engine } from "@rapport/core"
import { Effect, Redacted, type Scope } from "effect"
import pg from "pg"

const RETRY_MS = 1_000

export const listen = (
  url: string | Redacted.Redacted,
  channel: string,
  signal: Engine.Signal
): Effect.Effect<void, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.sync(() => {
      let closed = false
      let client: pg.Client | undefined
      let timer: ReturnType<typeof setTimeout> | undefined
      const connect = (reconnecting: boolean) => {
        if (closed) return
        const c = new pg.Client({
          connectionString: typeof url === "string" ? url : Redacted.value(url),
          application_name: "@rapport/pg listener"
        })
        client = c
        const retry = () => {
          c.removeAllListeners()
          c.on("error", () => {})
          c.end().catch(() => {})
          if (!closed && timer === undefined) {
            timer = setTimeout(() => {
              timer = undefined
              connect(true)
            }, RETRY_MS)
          }
        }
        c.on("notification", (message) => {
          if (message.channel === channel) signal.notify()
        })
        c.on("error", retry)
        c.on("end", () => {
          if (!closed) retry()
        })
        c.connect()
          .then(() => c.query(`LISTEN ${channel}`))
          .then(() => {
            if (reconnecting) signal.notify()
          })
          .catch(retry)
      }
      connect(false)
      return {
        close: () => {
          closed = true
          if (timer !== undefined) clearTimeout(timer)
          const c = client
          return c === undefined ? Promise.resolve() : c.end().catch(() => {})
        }
      }
    }),
    (listener) => Effect.promise(() => listener.close())
  ).pipe(Effect.asVoid)
