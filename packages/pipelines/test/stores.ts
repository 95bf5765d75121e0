/**
 * The three stores every pipelines service test runs on: memory, SQLite (`:memory:`,
 * a private temp file) and PostgreSQL (a fresh database on the test server). Each entry
 * is a store layer still needing the `Catalog`, as `Crm.layer({ store })` expects.
 *
 * Usage:
 *   for (const store of Stores.all) {
 *     layer(Crm.layer({ store: store.layer, collections: Pipelines.collections }))(`Deals on ${store.name}`, (it) => { ... })
 *   }
 */
import type { Catalog, Store } from "@rapport/core"
import { MemoryStore } from "@rapport/memory"
import { PgStore } from "@rapport/pg"
import { SqliteStore } from "@rapport/sqlite"
import { PgHarness } from "@rapport/testkit"
import { Effect, Layer } from "effect"
import { inject } from "vitest"

export interface TestStore {
  readonly name: string
  readonly layer: Layer.Layer<Store.Store, unknown, Catalog.Catalog>
}

/** A PostgreSQL store on a database of its own, dropped when the layer is released. */
export const pg = (label: string): Layer.Layer<Store.Store, unknown, Catalog.Catalog> =>
  Layer.unwrapScoped(Effect.gen(function*() {
    const db = yield* Effect.acquireRelease(
      Effect.promise(() => PgHarness.freshDatabase(inject("rapportPgUrl"), label)),
      (db) => Effect.promise(() => db.drop())
    )
    return PgStore.layer({ url: db.url })
  }))

/** The three engines; `label` names the PostgreSQL database (letters, digits, _). */
export const all = (label: string): ReadonlyArray<TestStore> => [
  { name: "memory", layer: MemoryStore.layer },
  { name: "sqlite", layer: SqliteStore.layer({ filename: ":memory:" }) },
  { name: "pg", layer: pg(label) }
]
