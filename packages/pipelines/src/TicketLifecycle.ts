/**
 * The ticket lifecycle as a `Machine`: new → open → pending (waiting on the customer) /
 * on hold (waiting on a third party) → solved → closed. A customer reply reopens a
 * solved ticket and brings a pending one back to open; a merge closes a ticket from any
 * state but closed. Workspaces may use their own machine: each state declares its
 * `category` in `meta`, which SLA clocks and metrics read.
 *
 * @since 0.1.0
 */
import * as Machine from "./Machine.js"
import type * as Ticket from "./Ticket.js"

/**
 * The `meta` every lifecycle state carries.
 *
 * @since 0.1.0
 * @category models
 */
export interface StateMeta {
  readonly category: Ticket.Category
}

/**
 * The default lifecycle. Events: `open`, `wait` (pending), `hold` (on hold), `solve`,
 * `close`, `reopen`, and the two the `Tickets` service sends itself: `customer_reply`
 * (pending → open, solved → open) and `merge` (any open state → closed).
 *
 * @example
 * ```ts
 * import { Machine, TicketLifecycle } from "@rapport/pipelines"
 * import { Either } from "effect"
 *
 * const step = Machine.transition(TicketLifecycle.standard, "solved", { type: "customer_reply" })
 * if (Either.isRight(step)) console.log(step.right.to) // "open"
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const standard = Machine.make({
  id: "ticket",
  initial: "new",
  states: {
    new: {
      on: { open: "open", wait: "pending", hold: "on_hold", solve: "solved", merge: "closed", close: "closed" },
      meta: { category: "new" }
    },
    open: {
      on: { wait: "pending", hold: "on_hold", solve: "solved", merge: "closed" },
      meta: { category: "open" }
    },
    pending: {
      on: { open: "open", customer_reply: "open", hold: "on_hold", solve: "solved", merge: "closed" },
      meta: { category: "pending" }
    },
    on_hold: {
      on: { open: "open", wait: "pending", solve: "solved", merge: "closed" },
      meta: { category: "on_hold" }
    },
    solved: {
      on: { reopen: "open", customer_reply: "open", close: "closed", merge: "closed" },
      meta: { category: "solved" }
    },
    closed: { final: true, meta: { category: "closed" } }
  }
})

/**
 * Any ticket lifecycle: a machine whose events are plain `{ type }` objects and whose
 * guards read the `Ticket`.
 *
 * @since 0.1.0
 * @category models
 */
export type Lifecycle = Machine.Any

/**
 * A custom lifecycle from a definition: every state must declare a `category` in its
 * `meta` (states named like a category may omit it).
 *
 * @example
 * ```ts
 * import { TicketLifecycle } from "@rapport/pipelines"
 *
 * const triage = TicketLifecycle.make({
 *   id: "triage",
 *   initial: "triage",
 *   states: {
 *     triage: { on: { accept: "working" }, meta: { category: "new" } },
 *     working: { on: { solve: "done", merge: "archived" }, meta: { category: "open" } },
 *     done: { on: { customer_reply: "working", close: "archived" }, meta: { category: "solved" } },
 *     archived: { final: true, meta: { category: "closed" } }
 *   }
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (definition: Machine.Definition): Lifecycle => Machine.fromDefinition(definition) as Lifecycle

const categories: ReadonlyArray<string> = ["new", "open", "pending", "on_hold", "solved", "closed"]

/**
 * The category of a state: its `meta.category`, else its name when that is a category,
 * else `open`.
 *
 * @example
 * ```ts
 * import { TicketLifecycle } from "@rapport/pipelines"
 *
 * TicketLifecycle.categoryOf(TicketLifecycle.standard, "on_hold") // "on_hold"
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const categoryOf = (lifecycle: Machine.Any, state: string): Ticket.Category => {
  const meta = (lifecycle.meta as Record<string, unknown>)[state]
  const declared = typeof meta === "object" && meta !== null ? (meta as { category?: unknown }).category : undefined
  if (typeof declared === "string" && categories.includes(declared)) return declared as Ticket.Category
  if (categories.includes(state)) return state as Ticket.Category
  return "open"
}
