/**
 * The stores the segments tests run on: memory, SQLite in memory, and PostgreSQL on a
 * database of its own (dropped with the layer), named after the test file.
 */
import type { Store } from "@rapport/core"
import { MemoryStore } from "@rapport/memory"
import { PgStore } from "@rapport/pg"
import { SqliteStore } from "@rapport/sqlite"
import { PgHarness } from "@rapport/testkit"
import { Effect, Layer } from "effect"
import { inject } from "vitest"

export const stores = (label: string): ReadonlyArray<readonly [string, () => Store.StoreLayer<unknown>]> => [
  ["memory", () => MemoryStore.layer],
  ["sqlite", () => SqliteStore.layer({ filename: ":memory:" })],
  [
    "postgres",
    () =>
      Layer.unwrapScoped(Effect.map(
        Effect.acquireRelease(
          Effect.promise(() => PgHarness.freshDatabase(inject("rapportPgUrl"), label)),
          (db) => Effect.promise(() => db.drop())
        ),
        (db) => PgStore.layer({ url: db.url, maxConnections: 4 })
      ))
  ]
]

/** Type-checks a line without running it: what a wrong line would do at run time does not matter. */
export const typeOnly = (_line: () => unknown): void => {}
