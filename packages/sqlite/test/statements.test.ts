// The SQL store keeps compiled statements of recent queries (`@rapport/sql`'s
// internal/statements.ts): a reused statement must never let through what the planner
// would refuse now.
import { expect, it } from "@effect/vitest"
import { TestCatalog } from "@rapport/conformance"
import { Catalog, CustomField, Query, Store } from "@rapport/core"
import { Effect, Layer } from "effect"
import { SqliteStore } from "../src/index.js"

let declaration: CustomField.Declaration = TestCatalog.customFields
const StoreLive = SqliteStore.layer({ filename: ":memory:" }).pipe(
  Layer.provideMerge(Catalog.layer({ ...TestCatalog.options, customFields: () => declaration }))
)

it.effect("a query on a custom field is checked again once the workspace no longer declares the field", () =>
  Effect.gen(function*() {
    const store = yield* Store.Store
    const query = Query.find(TestCatalog.ACCOUNT, { where: Query.eq("custom.tier", "pro") })
    expect((yield* store.find("ws", query)).rows).toEqual([])
    expect((yield* store.find("ws", query)).rows).toEqual([])
    declaration = CustomField.declare({ account: { quota: CustomField.number() } })
    const error = yield* Effect.flip(store.find("ws", query))
    expect(error._tag).toBe("InvalidQuery")
    declaration = TestCatalog.customFields
  }).pipe(Effect.provide(StoreLive)))

it.effect("values JSON would write alike do not share a statement: a Date is refused after its ISO text ran", () =>
  Effect.gen(function*() {
    const store = yield* Store.Store
    const iso = "2026-01-01T00:00:00.000Z"
    yield* store.find("ws", Query.find(TestCatalog.ACCOUNT, { where: Query.eq("name", iso) }))
    const withDate = { collection: TestCatalog.ACCOUNT, where: { _tag: "Compare", field: "name", op: "eq", value: new Date(iso) } }
    expect((yield* Effect.flip(store.find("ws", withDate as unknown as Query.Find)))._tag).toBe("InvalidQuery")
    // A property JSON drops (a function) does not make a refused query look like a valid one.
    const withExtra = { ...Query.find(TestCatalog.ACCOUNT, { where: Query.eq("name", iso) }), orderBy: () => [] }
    expect((yield* Effect.flip(store.find("ws", withExtra as unknown as Query.Find)))._tag).toBe("InvalidQuery")
  }).pipe(Effect.provide(StoreLive)))
