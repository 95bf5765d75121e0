import type { Catalog, Errors, Store } from "@rapport/core"
import { PgHarness } from "@rapport/testkit"
import { Effect, Layer } from "effect"
import { inject } from "vitest"
import { PgStore } from "../src/index.js"

/** A store on a database of its own, dropped when the layer is released. */
export const freshStore = (label: string, options: { readonly maxConnections?: number } = {}): Layer.Layer<
  Store.Store,
  Errors.StoreError,
  Catalog.Catalog
> =>
  Layer.unwrapScoped(
    Effect.map(
      Effect.acquireRelease(
        Effect.promise(() => PgHarness.freshDatabase(inject("rapportPgUrl"), label)),
        (db) => Effect.promise(() => db.drop())
      ),
      (db) => PgStore.layer({ url: db.url, maxConnections: options.maxConnections ?? 20 })
    )
  )
