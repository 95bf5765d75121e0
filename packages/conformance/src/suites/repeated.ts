/**
 * Running the same query again. A store may keep what it worked out for a query it ran
 * before (the SQL stores keep its plan and compiled statement); a repeated query must
 * still be refused whenever checking it now would refuse it: after the workspace stops
 * declaring a custom field it names, or when it differs from an accepted query only in
 * values JSON writes alike (a `Date` and its ISO text, a function property).
 *
 * The suite's catalog reads the custom-field declaration from `declaration.current`,
 * so a test can redeclare a workspace's fields while the store runs.
 */
import { expect } from "@effect/vitest"
import type { CustomField } from "@rapport/core"
import { Query, Store } from "@rapport/core"
import { Effect } from "effect"
import { freshWorkspace, type It } from "../internal/harness.js"
import { ACCOUNT, customFields } from "../TestCatalog.js"

export const repeatedSuite = (it: It, declaration: { current: CustomField.Declaration }) => {
  it.effect("a query on a custom field is checked again once the workspace no longer declares the field", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      const query = Query.find(ACCOUNT, { where: Query.eq("custom.tier", "pro") })
      expect((yield* store.find(ws, query)).rows).toEqual([])
      expect((yield* store.find(ws, query)).rows).toEqual([])
      declaration.current = { account: { quota: customFields.account.quota } }
      const error = yield* Effect.flip(store.find(ws, query)).pipe(
        Effect.ensuring(Effect.sync(() => (declaration.current = customFields)))
      )
      expect(error._tag).toBe("InvalidQuery")
    }))

  it.effect("a query JSON would write like an accepted one is still refused", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      const iso = "2026-01-01T00:00:00.000Z"
      const accepted = Query.find(ACCOUNT, { where: Query.eq("name", iso) })
      yield* store.find(ws, accepted)
      const withDate = { collection: ACCOUNT, where: { _tag: "Compare", field: "name", op: "eq", value: new Date(iso) } }
      expect((yield* Effect.flip(store.find(ws, withDate as unknown as Query.Find)))._tag).toBe("InvalidQuery")
      const withFunction = { ...accepted, orderBy: () => [] }
      expect((yield* Effect.flip(store.find(ws, withFunction as unknown as Query.Find)))._tag).toBe("InvalidQuery")
    }))
}
