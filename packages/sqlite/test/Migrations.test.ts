import { describe, expect, it } from "@effect/vitest"
import { TestCatalog } from "@rapport/conformance"
import { Catalog, EventCollection, Plan, Query, Store } from "@rapport/core"
import { Compiler, Dialect, Layout, Migrations } from "@rapport/sql"
import Sqlite from "better-sqlite3"
import { Effect, Either, Exit, Layer } from "effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { SqliteStore } from "../src/index.js"

const tempFile = () => join(mkdtempSync(join(tmpdir(), "rapport-migrations-")), "db.sqlite")
const storeOn = (filename: string) => Layer.provideMerge(SqliteStore.layer({ filename }), TestCatalog.layer)

describe("Migrations", () => {
  it.effect("the layer refuses to start on a database migrated by newer code", () =>
    Effect.gen(function*() {
      const file = tempFile()
      yield* Effect.scoped(Layer.build(storeOn(file)))
      const db = new Sqlite(file)
      db.prepare("INSERT INTO rapport_migrations (package, id, name, applied_at) VALUES ('@rapport/sql', 99, 'future', 0)").run()
      db.close()
      const exit = yield* Effect.exit(Effect.scoped(Layer.build(storeOn(file))))
      expect(Exit.isFailure(exit)).toBe(true)
      if (Exit.isFailure(exit)) {
        const error = exit.cause._tag === "Fail" ? exit.cause.error : undefined
        expect(error?._tag).toBe("StoreError")
        expect(error?.message).toContain("newer than this code knows")
      }
    }))

  it.effect("a database from before migration 3 gets the event rows' payload column on the next start", () =>
    Effect.gen(function*() {
      const file = tempFile()
      yield* Effect.scoped(Layer.build(storeOn(file)))
      // Back to what migration 2 left: its view, without `payload`, and no record of migration 3.
      const db = new Sqlite(file)
      db.exec(`DROP VIEW "${EventCollection.name}"`)
      for (const statement of Dialect.sqlite.eventLog.feedSchema) db.exec(statement)
      db.prepare("DELETE FROM rapport_migrations WHERE package = '@rapport/sql' AND id = 3").run()
      db.prepare(
        "INSERT INTO rapport_events (workspace_id, type, collection, record_id, version, occurred_at, actor, subjects, payload) " +
          `VALUES ('ws', 'DealStageChanged', 'deal', 'd1', 1, 0, '{"kind":"system","id":null}', '["deal:d1"]', '{"to":"won"}')`
      ).run()
      db.close()
      const rows = yield* Effect.scoped(Effect.flatMap(Layer.build(storeOn(file)), (ctx) =>
        Effect.provide(
          Effect.flatMap(Store.Store, (store) => store.find("ws", Query.find(EventCollection.name, { where: Query.eq("payload.to", "won") }))),
          ctx
        )))
      expect(rows.rows.map((r) => [r.recordId, r.payload])).toEqual([["d1", { to: "won" }]])
    }))

  it.effect("a lower id merged after a higher one ran is still applied; reruns are idempotent", () =>
    Effect.gen(function*() {
      const file = tempFile()
      const tables = [...TestCatalog.catalog.collections.values()].map(Layout.make)
      const m = (id: number): Migrations.Migration => ({
        id,
        name: `m${id}`,
        statements: () => [`CREATE TABLE IF NOT EXISTS extra_${id} (x INTEGER)`]
      })
      const run = (migrations: ReadonlyArray<Migrations.Migration>) =>
        Effect.scoped(Effect.flatMap(Layer.build(SqliteStore.clientLayer({ filename: file })), (ctx) =>
          Effect.provide(
            Migrations.run(Dialect.sqlite, tables, [Migrations.sql, { package: "@app", migrations }]),
            ctx
          )))
      yield* run([m(2)])
      yield* run([m(1), m(2)])
      yield* run([m(1), m(2)])
      const db = new Sqlite(file)
      const ids = db.prepare("SELECT id FROM rapport_migrations WHERE package = '@app' ORDER BY id").all()
      const tablesNow = db.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'extra_%' ORDER BY name").all()
      db.close()
      expect(ids).toEqual([{ id: 1 }, { id: 2 }])
      expect(tablesNow).toEqual([{ name: "extra_1" }, { name: "extra_2" }])
    }))

  it.effect("a new field in the catalog becomes a nullable column on the next start", () =>
    Effect.gen(function*() {
      const file = tempFile()
      const db = new Sqlite(file)
      db.exec(`CREATE TABLE "deal" ("workspace_id" TEXT NOT NULL, "id" TEXT NOT NULL, PRIMARY KEY ("workspace_id", "id"))`)
      db.close()
      yield* Effect.scoped(Effect.flatMap(Layer.build(storeOn(file)), (ctx) =>
        Effect.gen(function*() {
          const store = yield* Store.Store
          expect((yield* store.find("ws", { collection: "deal" })).rows).toEqual([])
        }).pipe(Effect.provide(ctx))))
      const check = new Sqlite(file)
      const cols = check.prepare("SELECT name FROM pragma_table_info('deal')").all().map((r) => (r as { name: string }).name)
      check.close()
      expect(cols).toContain("value_amount_minor")
      expect(cols).toContain("stage")
    }))
})

describe("indexes on custom fields", () => {
  const options = { ...TestCatalog.options, indexes: { account: [["custom.tier"], ["custom.mrr.currency"]] } }
  const catalog = Catalog.make(options)

  it.effect("are expression indexes, created idempotently, which an eq on the path uses (EXPLAIN QUERY PLAN)", () =>
    Effect.gen(function*() {
      const file = tempFile()
      const layer = Layer.provideMerge(SqliteStore.layer({ filename: file }), Catalog.layer(options))
      yield* Effect.scoped(Layer.build(layer))
      // A second start finds the indexes and creates nothing.
      yield* Effect.scoped(Layer.build(layer))
      const tables = (name: string) => Layout.make(catalog.collections.get(name)!)
      const db = new Sqlite(file)
      const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'cx_%'").all()
      expect(indexes).toHaveLength(2)
      const planOf = (where: Query.Expr) => {
        const plan = Either.getOrThrow(Plan.find(catalog, "ws", Query.find("account", { where }), 0))
        const { params, sql } = Compiler.find(Dialect.sqlite, tables, "ws", plan)
        return db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params).map((r) => String((r as { detail: unknown }).detail)).join("\n")
      }
      const named = (text: string) =>
        (indexes as ReadonlyArray<{ name: string }>).map((r) => r.name).find((name) =>
          String(db.prepare("SELECT sql FROM sqlite_master WHERE name = ?").pluck().get(name)).includes(text)
        )
      const tier = named("$.tier")
      const currency = named("$.mrr.currency")
      expect(planOf(Query.eq("custom.tier", "pro"))).toContain(`USING INDEX ${tier}`)
      expect(planOf(Query.eq("custom.mrr.currency", "EUR"))).toContain(`USING INDEX ${currency}`)
      // Without the index the same query scans.
      expect(planOf(Query.eq("custom.note", "x"))).not.toContain("cx_")
      db.close()
    }))

  it("refuses a path that is no declared scalar custom field, and per-workspace declarations", () => {
    expect(() => Catalog.make({ ...TestCatalog.options, indexes: { account: [["custom.nope"]] } })).toThrow(/custom.nope/)
    expect(() => Catalog.make({ ...TestCatalog.options, indexes: { account: [["custom.interests"]] } })).toThrow(/scalar/)
    expect(() => Catalog.make({ ...TestCatalog.options, customFields: () => TestCatalog.customFields, indexes: { account: [["custom.tier"]] } }))
      .toThrow(/static/)
  })
})
