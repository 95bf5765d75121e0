/**
 * Shared wiring of the Crm service suite: the services over the store under test, a
 * fresh workspace per test, and helpers that prove "nothing was written".
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

/** Runs `effect` in a workspace no other test uses. */
export const inFreshWorkspace = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.provideService(
    effect,
    Workspace.CurrentWorkspace,
    Workspace.WorkspaceId.make(`crm_${Date.now().toString(36)}_${(counter++).toString(36)}_${Math.random().toString(36).slice(2, 8)}`)
  )

/**
 * A fingerprint of everything stored in the current workspace: every row of every
 * collection (id and version) and every event position. Equal fingerprints before and
 * after a failed command prove that it wrote nothing.
 */
export const snapshot = Effect.gen(function*() {
  const store = yield* Store.Store
  const catalog = yield* Catalog.Catalog
  const workspaceId = yield* Workspace.CurrentWorkspace
  const rows: Array<string> = []
  for (const name of catalog.collections.keys()) {
    const page = yield* store.find(workspaceId, { collection: name })
    for (const row of page.rows) rows.push(`${name}:${row.id}@${row.version}`)
  }
  const events = yield* store.readEvents(workspaceId, { after: 0, limit: 100_000 })
  return { rows: rows.sort(), events: events.map((e) => `${e.position}:${e.type}`) }
})

/** What the suite's tests have in their context. */
export type Services = Layer.Layer.Success<ReturnType<typeof Crm.layer<never, never>>>
