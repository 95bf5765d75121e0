/**
 * All of core's services in one layer, and the collections they store.
 *
 * @since 0.1.0
 */
import { Layer, type Schema } from "effect"
import * as Activities from "./Activities.js"
import * as Activity from "./Activity.js"
import * as Association from "./Association.js"
import * as Associations from "./Associations.js"
import * as Catalog from "./Catalog.js"
import * as Companies from "./Companies.js"
import * as Company from "./Company.js"
import * as Contact from "./Contact.js"
import * as Contacts from "./Contacts.js"
import * as Conversation from "./Conversation.js"
import * as Conversations from "./Conversations.js"
import * as CrmEvents from "./CrmEvents.js"
import * as Customer360 from "./Customer360.js"
import type * as CustomField from "./CustomField.js"
import * as IdGenerator from "./IdGenerator.js"
import * as Note from "./Note.js"
import * as Notes from "./Notes.js"
import * as Order from "./Order.js"
import * as Orders from "./Orders.js"
import * as Product from "./Product.js"
import * as Products from "./Products.js"
import type * as Store from "./Store.js"
import * as Task from "./Task.js"
import * as Tasks from "./Tasks.js"
import * as Team from "./Team.js"
import * as Teams from "./Teams.js"
import * as User from "./User.js"
import * as Users from "./Users.js"

/**
 * The collections core stores. Packages that add collections (pipelines, workflows)
 * export their own lists; the catalog is their union.
 *
 * @since 0.1.0
 * @category collections
 */
export const collections = [
  User.collection,
  Team.collection,
  Contact.collection,
  Company.collection,
  Association.collection,
  Activity.collection,
  Note.collection,
  Task.collection,
  Product.collection,
  Order.collection,
  Conversation.collection,
  Conversation.messageCollection
] as const

/**
 * Every core service. Needs a `Store`, the `Catalog` and an `IdGenerator`.
 *
 * @since 0.1.0
 * @category layers
 */
export const services = Customer360.layer.pipe(
  Layer.provideMerge(
    Layer.mergeAll(
      Contacts.layer,
      Orders.layer,
      Conversations.layer,
      Tasks.layer,
      Activities.layer,
      Notes.layer,
      Products.layer,
      Users.layer,
      Teams.layer,
      Companies.layer.pipe(Layer.provideMerge(Associations.layer))
    )
  )
)

/**
 * Everything wired: the services over the given store, with the catalog of core's
 * collections (plus `collections`) and the workspace's custom fields, and ULID ids.
 *
 * @example
 * ```ts
 * import { Crm, CustomField } from "@rapport/core"
 * import { MemoryStore } from "@rapport/memory"
 *
 * const CrmLive = Crm.layer({
 *   store: MemoryStore.layer,
 *   customFields: CustomField.declare({ contact: { plan: CustomField.select(["free", "pro"]) } })
 * })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = <E, R>(options: {
  readonly store: Store.StoreLayer<E, R>
  readonly collections?: ReadonlyArray<{ readonly spec: import("./Collection.js").Spec }>
  readonly customFields?: CustomField.Declaration | ((workspaceId: string) => CustomField.Declaration)
  /** Indexes on custom fields, by collection (see `Catalog.make`). */
  readonly indexes?: Readonly<Record<string, ReadonlyArray<ReadonlyArray<string>>>>
  /**
   * Event definitions besides core's (`PipelinesEvents.all.definitions`, your own): their
   * payload fields become fields of the event log's collection (see `Catalog.make`).
   */
  readonly events?: ReadonlyArray<{ readonly payload: Schema.Schema.Any }>
  readonly ids?: Layer.Layer<IdGenerator.IdGenerator>
}) => {
  const catalog = Catalog.layer({
    collections: [...collections, ...(options.collections ?? [])],
    events: [...CrmEvents.all.definitions, ...(options.events ?? [])],
    ...(options.customFields === undefined ? {} : { customFields: options.customFields }),
    ...(options.indexes === undefined ? {} : { indexes: options.indexes })
  })
  return services.pipe(
    Layer.provideMerge(options.store),
    Layer.provideMerge(catalog),
    Layer.provideMerge(options.ids ?? IdGenerator.layerUlid)
  )
}
