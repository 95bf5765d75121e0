/**
 * The customer 360: one call returns a contact with its company, recent orders and
 * totals, conversations, open tasks, recent activities and a merged, paginated
 * timeline of everything that happened to it, newest first.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Schema } from "effect"
import type * as Activity from "./Activity.js"
import { Activities } from "./Activities.js"
import type * as Actor from "./Actor.js"
import { Companies } from "./Companies.js"
import type * as Company from "./Company.js"
import type * as Contact from "./Contact.js"
import { Contacts } from "./Contacts.js"
import type * as Conversation from "./Conversation.js"
import { Conversations } from "./Conversations.js"
import * as DomainEvent from "./DomainEvent.js"
import { InvalidQuery } from "./Errors.js"
import * as Input from "./Input.js"
import type * as Order from "./Order.js"
import { Orders } from "./Orders.js"
import type { Totals } from "./Orders.js"
import * as Store from "./Store.js"
import type * as Task from "./Task.js"
import { Tasks } from "./Tasks.js"
import { CurrentWorkspace } from "./Workspace.js"

/**
 * One thing that happened to the customer.
 *
 * @since 0.1.0
 * @category models
 */
export interface TimelineEntry {
  readonly position: number
  readonly type: string
  readonly collection: string
  readonly recordId: string
  readonly occurredAt: number
  readonly actor: Actor.Actor
  readonly payload: DomainEvent.StoredEvent["payload"]
}

/**
 * The customer 360 of a contact.
 *
 * @since 0.1.0
 * @category models
 */
export interface View {
  readonly contact: Contact.Contact
  readonly company: Company.Company | null
  readonly orders: { readonly recent: ReadonlyArray<Order.Order>; readonly totals: ReadonlyArray<Totals> }
  readonly conversations: { readonly recent: ReadonlyArray<Conversation.Conversation>; readonly open: number }
  readonly openTasks: ReadonlyArray<Task.Task>
  readonly recentActivities: ReadonlyArray<Activity.Activity>
  readonly timeline: { readonly entries: ReadonlyArray<TimelineEntry>; readonly nextCursor: string | null }
}

/**
 * How much of each part to load. `timelineCursor` is the `nextCursor` of a previous
 * view or timeline page.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly recent?: number
  readonly timelineLimit?: number
  readonly timelineCursor?: string
}

/** Arguments come from outside (HTTP, saved JSON): decoded like any command input. */
const Paging = Schema.Struct({
  limit: Schema.optionalWith(Schema.Int, { exact: true }),
  cursor: Schema.optionalWith(Schema.String, { exact: true })
})
const TimelineInput = Schema.Struct({
  contactId: Input.Id,
  options: Schema.optionalWith(Paging, { exact: true, default: () => ({}) })
})
const GetInput = Schema.Struct({
  contactId: Input.Id,
  options: Schema.optionalWith(
    Schema.Struct({
      recent: Schema.optionalWith(Schema.Int, { exact: true }),
      timelineLimit: Schema.optionalWith(Schema.Int, { exact: true }),
      timelineCursor: Schema.optionalWith(Schema.String, { exact: true })
    }),
    { exact: true, default: () => ({}) }
  )
})

const decode = <T, I>(command: string, schema: Schema.Schema<T, I>, input: unknown) =>
  Input.decode(`Customer360.${command}`, schema, input)

const decodeCursor = (cursor: string | undefined) => {
  if (cursor === undefined) return Effect.succeed(undefined)
  const position = /^[1-9]\d{0,15}$/.test(cursor) ? Number(cursor) : Number.NaN
  return Number.isSafeInteger(position)
    ? Effect.succeed(position)
    : Effect.fail(new InvalidQuery({ collection: "timeline", path: "cursor", reason: "not a timeline cursor" }))
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = Effect.gen(function*() {
  const store = yield* Store.Store
  const contacts = yield* Contacts
  const companies = yield* Companies
  const orders = yield* Orders
  const conversations = yield* Conversations
  const tasks = yield* Tasks
  const activities = yield* Activities

  const timeline = (contactId: string, given: { readonly limit?: number; readonly cursor?: string } = {}) =>
    Effect.gen(function*() {
      const options = yield* decode("timeline", TimelineInput, { contactId, options: given })
      contactId = options.contactId
      const workspaceId = yield* CurrentWorkspace
      const limit = Math.min(Math.max(options.options.limit ?? 20, 1), 500)
      const before = yield* decodeCursor(options.options.cursor)
      const events = yield* store.eventsFor(workspaceId, {
        subject: DomainEvent.subject("contact", contactId),
        before,
        limit: limit + 1
      })
      const page = events.slice(0, limit)
      const last = page[page.length - 1]
      return {
        entries: page.map((e): TimelineEntry => ({
          position: e.position,
          type: e.type,
          collection: e.collection,
          recordId: e.recordId,
          occurredAt: e.occurredAt,
          actor: e.actor,
          payload: e.payload
        })),
        nextCursor: events.length > limit && last !== undefined ? String(last.position) : null
      }
    })

  /** Counted by the store, so the figure is exact however many threads there are. */
  const openConversations = (contactId: string) =>
    Effect.gen(function*() {
      const workspaceId = yield* CurrentWorkspace
      const rows = yield* store.aggregate(workspaceId, {
        collection: "conversation",
        where: {
          _tag: "And",
          exprs: [
            { _tag: "Compare", field: "contactId", op: "eq", value: contactId },
            { _tag: "Compare", field: "status", op: "eq", value: "open" }
          ]
        },
        measures: [{ _tag: "Count", as: "open" }]
      })
      return Number(rows[0]?.open ?? 0)
    })

  return {
    /** The whole view of one contact (`NotFound` when it does not exist). */
    get: (contactId: string, given: Options = {}) =>
      Effect.gen(function*() {
        const decoded = yield* decode("get", GetInput, { contactId, options: given })
        contactId = decoded.contactId
        const options = decoded.options
        const recent = Math.min(Math.max(options.recent ?? 5, 1), 100)
        const contact = yield* contacts.get(contactId)
        const [company, recentOrders, totals, threads, open, openTasks, recentActivities, entries] = yield* Effect.all([
          // Only a company that is gone is shown as none; a failing store is the caller's error.
          contact.companyId === null
            ? Effect.succeed(null)
            : companies.get(contact.companyId).pipe(Effect.catchTag("NotFound", () => Effect.succeed(null))),
          orders.forContact(contactId, { limit: recent }),
          orders.totalsFor(contactId),
          conversations.forContact(contactId, { limit: recent }),
          openConversations(contactId),
          tasks.openFor(contactId),
          activities.forContact(contactId, { limit: recent }),
          timeline(contactId, {
            ...(options.timelineLimit === undefined ? {} : { limit: options.timelineLimit }),
            ...(options.timelineCursor === undefined ? {} : { cursor: options.timelineCursor })
          })
        ])
        return {
          contact,
          company,
          orders: { recent: recentOrders.items, totals },
          conversations: { recent: threads.items, open },
          openTasks,
          recentActivities: recentActivities.items,
          timeline: entries
        } satisfies View
      }),

    /** One page of a contact's timeline, newest first. */
    timeline
  }
})

/**
 * @since 0.1.0
 * @category models
 */
export type Service = Effect.Effect.Success<typeof make>

/**
 * @example
 * ```ts
 * import { Customer360 } from "@rapport/core"
 * import { Effect } from "effect"
 * const show = (contactId: string) =>
 *   Effect.gen(function*() {
 *     const view = yield* Effect.flatMap(Customer360.Customer360, (c) => c.get(contactId))
 *     console.log(view.contact.displayName, view.orders.totals, view.timeline.entries.length)
 *   })
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class Customer360 extends Context.Tag("@rapport/core/Customer360")<Customer360, Service>() {}

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = Layer.effect(Customer360, make)
