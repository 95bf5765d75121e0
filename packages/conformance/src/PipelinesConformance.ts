/**
 * The pipelines service suite: `@rapport/pipelines`' `Deals`, `Leads` and `Tickets`
 * services run over a store under test. Stage moves and their guards, conversions in
 * one transaction, SLA clocks and escalations must behave the same on every engine; a
 * refused command names the fields at fault and writes nothing (no row, no event), a
 * stale version conflicts, and each test works in a workspace of its own.
 *
 * @since 0.1.0
 */
import { layer } from "@effect/vitest"
import type { Catalog, Store } from "@rapport/core"
import type { Layer } from "effect"
import * as DealsSuite from "./pipelines/deals.js"
import * as EventsSuite from "./pipelines/events.js"
import * as LeadsSuite from "./pipelines/leads.js"
import * as TicketsSuite from "./pipelines/tickets.js"

/**
 * What `run` needs: a name for the report and the store's layer, which receives the
 * suite's `Catalog` (core's collections plus the pipelines' ones).
 *
 * @since 0.1.0
 * @category models
 */
export interface Options<E = unknown> {
  readonly name: string
  readonly layer: Layer.Layer<Store.Store, E, Catalog.Catalog>
  /** Random move sequences in the `Deals` property (default 6). */
  readonly numRuns?: number
}

/**
 * Registers the suite for a store: one `layer` block per service (`Deals on <name>`,
 * `Leads on <name>`, `Tickets on <name>`) and one for the typed events of them all
 * (`Domain events on <name>`), each building the store once. Call it at the top level
 * of a test file.
 *
 * @example
 * ```ts
 * // test/pipelines.test.ts of an adapter package
 * import { PipelinesConformance } from "@rapport/conformance"
 * import { MemoryStore } from "@rapport/memory"
 *
 * PipelinesConformance.run({ name: "memory", layer: MemoryStore.layer })
 * ```
 *
 * @since 0.1.0
 * @category suites
 */
export const run = <E>(options: Options<E>): void => {
  const timeout = "120 seconds"
  layer(DealsSuite.makeLayer(options.layer), { timeout })(`Deals on ${options.name}`, (it) => {
    DealsSuite.dealsSuite(it, { numRuns: options.numRuns ?? 6 })
  })
  layer(LeadsSuite.makeLayer(options.layer), { timeout })(`Leads on ${options.name}`, (it) => {
    LeadsSuite.leadsSuite(it)
  })
  layer(TicketsSuite.makeLayer(options.layer), { timeout })(`Tickets on ${options.name}`, (it) => {
    TicketsSuite.ticketsSuite(it)
  })
  layer(EventsSuite.makeLayer(options.layer), { timeout })(`Domain events on ${options.name}`, EventsSuite.eventsSuite)
}
