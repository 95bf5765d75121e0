/**
 * The Crm service suite: core's services (contacts, companies, orders,
 * conversations, tasks, associations, the customer 360) run over a store under test.
 * It checks the rules of the architecture end to end on every engine: bad input is
 * refused with a typed error naming the field and writes nothing, stale versions
 * conflict, events land with the state, and nothing crosses workspaces.
 *
 * @since 0.1.0
 */
import type { Catalog, Store } from "@rapport/core"
import { layer } from "@effect/vitest"
import type { Layer } from "effect"
import * as Harness from "./crm/harness.js"
import { badInputSuite } from "./crm/badInput.js"
import { commandsSuite } from "./crm/commands.js"
import { customerViewSuite } from "./crm/customerView.js"
import * as Fuzz from "./crm/fuzz.js"
import { referencesSuite } from "./crm/references.js"

/**
 * Registers the suite for a store.
 *
 * @example
 * ```ts
 * // test/crm.test.ts of an adapter package
 * import { CrmConformance } from "@rapport/conformance"
 * import { MemoryStore } from "@rapport/memory"
 *
 * CrmConformance.run({ name: "memory", layer: MemoryStore.layer })
 * ```
 *
 * @since 0.1.0
 * @category suites
 */
export const run = <E>(options: {
  readonly name: string
  readonly layer: Layer.Layer<Store.Store, E, Catalog.Catalog>
  /** Random untyped inputs to every command (default 500; `RAPPORT_FUZZ_RUNS` overrides). */
  readonly fuzzRuns?: number
}): void => {
  layer(Harness.makeLayer(options.layer), { timeout: "60 seconds" })(`Crm services on ${options.name}`, (it) => {
    commandsSuite(it)
    badInputSuite(it)
    customerViewSuite(it)
    referencesSuite(it)
  })
  // Core's and the pipelines' commands over one store, fed values no type checked.
  layer(Fuzz.makeLayer(options.layer), { timeout: "60 seconds" })(`Untyped input on ${options.name}`, (it) => {
    Fuzz.fuzzSuite(it, { name: options.name, ...(options.fuzzRuns === undefined ? {} : { runs: options.fuzzRuns }) })
  })
}
