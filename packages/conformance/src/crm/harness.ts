/**
 * Shared wiring of the Crm service suite: the services over the store under test, a
 * fresh workspace per test, and helpers that prove "nothing was written". The
 * pipelines suites (../pipelines) use the same workspaces and snapshot.
 */
import { Catalog, Crm, CustomField, IdGenerator, Store, Workspace } from "@rapport/core"
import { Effect, Layer } from "effect"

/** Custom fields the suite declares, one of each type. */
export const customFields = CustomField.declare({
  contact: {
    plan: CustomField.select(["free", "pro", "enterprise"]),
    seats: CustomField.number(),
    vip: CustomField.boolean(),
    renewsOn: CustomField.date(),
    mrr: CustomField.money(),
    interests: CustomField.multiSelect(["tea", "coffee", "cocoa"]),
    note: CustomField.text(),
    referrer: CustomField.reference("contact")
  }
})

export const makeLayer = <E>(store: Layer.Layer<Store.Store, E, Catalog.Catalog>) =>
  Crm.layer({ store, customFields, ids: IdGenerator.layerSequential })

let counter = 0

/** A workspace id no other test uses, starting with `prefix` (letters, digits, _). */
export const freshWorkspaceId = (prefix = "crm"): Workspace.WorkspaceId =>
  Workspace.WorkspaceId.make(
    `${prefix}_${Date.now().toString(36)}_${(counter++).toString(36)}_${Math.random().toString(36).slice(2, 8)}`
  )

/** Runs `effect` in the workspace `workspaceId`. */
export const inWorkspace = <A, E, R>(workspaceId: Workspace.WorkspaceId, effect: Effect.Effect<A, E, R>) =>
  Effect.provideService(effect, Workspace.CurrentWorkspace, workspaceId)

/** Runs `effect` in a workspace no other test uses. */
export const inFreshWorkspace = <A, E, R>(effect: Effect.Effect<A, E, R>) => inWorkspace(freshWorkspaceId(), effect)

/**
 * The snapshot reads rows and events in pages of this size: small, so that a test can
 * cheaply prove that it pages to the end (badInput.ts does).
 */
export const snapshotPageSize = 25

/** JSON with object keys sorted (bigints marked), so two reads of the same value compare equal on every engine. */
export const stable = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    typeof v === "bigint"
      ? `${v}n`
      : v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v)

/**
 * Everything stored in the current workspace: every row of every collection of the
 * catalog with all its fields, and every event with all its fields, read page by page
 * to the end. Equal snapshots before and after a failed command prove that it wrote
 * nothing: no row inserted, changed (even without a new version) or removed, and no
 * event appended.
 */
export const snapshot = Effect.gen(function*() {
  const store = yield* Store.Store
  const catalog = yield* Catalog.Catalog
  const workspaceId = yield* Workspace.CurrentWorkspace
  const rows: Array<string> = []
  for (const name of catalog.collections.keys()) {
    let cursor: string | null = null
    do {
      const page: Store.Page = yield* store.find(workspaceId, {
        collection: name,
        limit: snapshotPageSize,
        ...(cursor === null ? {} : { cursor })
      })
      for (const row of page.rows) rows.push(`${name}:${row.id}@${row.version} ${stable(row)}`)
      cursor = page.nextCursor
    } while (cursor !== null)
  }
  const events: Array<string> = []
  let after = 0
  // `readEvents` promises at most `limit` events, so only an empty page is the end.
  while (true) {
    const page = yield* store.readEvents(workspaceId, { after, limit: snapshotPageSize })
    const last = page[page.length - 1]
    if (last === undefined) break
    for (const event of page) events.push(`${event.position}:${event.type} ${stable({ ...event })}`)
    after = last.position
  }
  return { rows: rows.sort(), events }
})

/** What the suite's tests have in their context. */
export type Services = Layer.Layer.Success<ReturnType<typeof Crm.layer<never, never>>>
