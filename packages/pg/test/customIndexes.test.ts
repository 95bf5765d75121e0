/**
 * Indexes on custom fields (`Catalog.make`'s `indexes`) are expression indexes that an
 * `eq` on the custom path uses: the index holds the very expression the compiler reads.
 */
import { describe, expect, it } from "@effect/vitest"
import { TestCatalog } from "@rapport/conformance"
import { Catalog, Plan, Query } from "@rapport/core"
import { Compiler, Dialect, Layout } from "@rapport/sql"
import { PgHarness } from "@rapport/testkit"
import { Effect, Either, Layer } from "effect"
import pg from "pg"
import { inject } from "vitest"
import { PgStore } from "../src/index.js"

const options = { ...TestCatalog.options, indexes: { account: [["custom.tier"], ["custom.mrr.currency"]] } }
const catalog = Catalog.make(options)

describe("indexes on custom fields", () => {
  it.effect("are expression indexes, created idempotently, which an eq on the path uses (EXPLAIN)", () =>
    Effect.acquireUseRelease(
      Effect.promise(() => PgHarness.freshDatabase(inject("rapportPgUrl"), "customix")),
      (db) =>
        Effect.gen(function*() {
          const layer = Layer.provideMerge(PgStore.layer({ url: db.url, maxConnections: 2 }), Catalog.layer(options))
          yield* Effect.scoped(Layer.build(layer))
          // A second start finds the indexes and creates nothing.
          yield* Effect.scoped(Layer.build(layer))
          yield* Effect.acquireUseRelease(
            Effect.promise(async () => {
              const client = new pg.Client({ connectionString: db.url })
              await client.connect()
              return client
            }),
            (client) =>
              Effect.gen(function*() {
                const names = yield* Effect.promise(() =>
                  client.query<{ indexname: string; indexdef: string }>(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE 'cx_%'"
                  )
                )
                expect(names.rows).toHaveLength(2)
                const named = (text: string) => names.rows.find((r) => r.indexdef.includes(text))!.indexname
                const tables = (name: string) => Layout.make(catalog.collections.get(name)!)
                // The table is empty: without a sequential scan to fall back on, the planner shows which index serves.
                yield* Effect.promise(() => client.query("SET enable_seqscan = off"))
                const planOf = (where: Query.Expr) =>
                  Effect.promise(async () => {
                    const plan = Either.getOrThrow(Plan.find(catalog, "ws", Query.find("account", { where }), 0))
                    const { params, sql } = Compiler.find(Dialect.postgres(), tables, "ws", plan)
                    const rows = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN ${sql}`, [...params])
                    return rows.rows.map((r) => r["QUERY PLAN"]).join("\n")
                  })
                expect(yield* planOf(Query.eq("custom.tier", "pro"))).toContain(named("'tier'"))
                expect(yield* planOf(Query.eq("custom.mrr.currency", "EUR"))).toContain(named("'{mrr,currency}'"))
                expect(yield* planOf(Query.eq("custom.note", "x"))).not.toContain("cx_")
              }),
            (client) => Effect.promise(() => client.end())
          )
        }),
      (db) => Effect.promise(() => db.drop())
    ), 60_000)
})
