/**
 * The collections `@rapport/pipelines` stores: add them to the catalog next to core's,
 * and its events (`PipelinesEvents.all.definitions`), whose payload fields (`payload.to`,
 * `payload.timeInStageMs`) the event log's collection then offers.
 *
 * @example
 * ```ts
 * import { Crm } from "@rapport/core"
 * import { MemoryStore } from "@rapport/memory"
 * import { Collections, PipelinesEvents } from "@rapport/pipelines"
 *
 * const CrmLive = Crm.layer({
 *   store: MemoryStore.layer,
 *   collections: Collections.all,
 *   events: PipelinesEvents.all.definitions
 * })
 * ```
 *
 * @since 0.1.0
 */
import * as Deal from "./Deal.js"
import * as Lead from "./Lead.js"
import * as Ticket from "./Ticket.js"

/**
 * Deals, leads, tickets and ticket replies.
 *
 * @since 0.1.0
 * @category collections
 */
export const all = [Deal.collection, Lead.collection, ...Ticket.collections] as const
