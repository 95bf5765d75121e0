/**
 * "Nothing was written", checked the same way in every pipelines service test: a
 * snapshot of every row (its whole stored content) of every collection in the catalog,
 * and every event of the current workspace. Equal before and after a refused command
 * means no row changed and no event was appended.
 *
 * Usage:
 *   const error = yield* failsWritingNothing(deals.changeAmount(deal, { amountMinor: 1.5, currency: "EUR" }))
 *   expect(issuePaths(error)).toEqual(["amount.amountMinor"])
 */
import { expect } from "@effect/vitest"
import { Catalog, type Errors, Store, Workspace } from "@rapport/core"
import { Effect } from "effect"

/** A row as JSON with its keys sorted, so two reads of the same row compare equal. */
const stable = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : typeof v === "bigint"
      ? v.toString()
      : v)

/** Every row (collection, id@version, content) and every event (position:type) of the workspace. */
export const snapshot = Effect.gen(function*() {
  const store = yield* Store.Store
  const catalog = yield* Catalog.Catalog
  const workspaceId = yield* Workspace.CurrentWorkspace
  const rows: Array<string> = []
  for (const name of catalog.collections.keys()) {
    let cursor: string | null = null
    do {
      const page: Store.Page = yield* store.find(workspaceId, { collection: name, ...(cursor === null ? {} : { cursor }) })
      for (const row of page.rows) rows.push(`${name}:${row.id}@${row.version} ${stable(row)}`)
      cursor = page.nextCursor
    } while (cursor !== null)
  }
  const events = yield* store.readEvents(workspaceId, { after: 0, limit: 100_000 })
  return { rows: rows.sort(), events: events.map((e) => `${e.position}:${e.type}`) }
})

/** Runs a command that must fail, checks that it wrote nothing, and returns its error. */
export const failsWritingNothing = <A, E, R>(command: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const before = yield* snapshot
    const error = yield* Effect.flip(command)
    expect(yield* snapshot).toEqual(before)
    return error
  })

/** The fields a `ValidationError` names, sorted; any other error gives its tag, so a test shows what came instead. */
export const issuePaths = (error: { readonly _tag: string }): ReadonlyArray<string> | string =>
  error._tag === "ValidationError"
    ? (error as Errors.ValidationError).issues.map((i) => i.path).sort()
    : error._tag
