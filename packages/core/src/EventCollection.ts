/**
 * The event log as a collection you query: `Query.find(EventCollection.name, …)` and
 * `Query.aggregate(EventCollection.name, …)` filter, sort, group and count a workspace's
 * committed events with the whole Query AST, on every store. What funnels, cohorts, time
 * in stage and activity counts read, and a record's history ("the stage changes of this
 * deal") is a query instead of a scan in application code.
 *
 * Each event is a row with these fields (every store exposes the same):
 *
 * | field | kind | what it holds |
 * |---|---|---|
 * | `id` | string | the position, zero-padded to 16 digits, so ids sort like positions |
 * | `position` | integer | the event's position in the log |
 * | `type` | string | `DealStageChanged`, … |
 * | `collection`, `recordId` | string | the record the event is about |
 * | `version` | integer | that record's version after the change |
 * | `occurredAt` | timestamp | when (also `createdAt` and `updatedAt`) |
 * | `actorKind`, `actorId` | string | who (`user`, `api`, `workflow`, `system`; the id or null) |
 * | `subjects` | strings | every record it names (`has("subjects", "deal:deal_1")`) |
 * | `payload` | json | the payload as appended; its declared properties are fields (below) |
 *
 * **Payload fields.** `payload.<path>` is a field for every scalar the catalog's event
 * definitions hold at a fixed path (`Catalog.make({ events })`, core's `CrmEvents` by
 * default): `payload.to` and `payload.timeInStageMs` of `DealStageChanged`,
 * `payload.record.lifecycleStage` of `ContactCreated`. Each is nullable (other types do
 * not have it) and takes the kind its schemas give (`Timestamp` fields are timestamps,
 * so they bucket by day). Payloads are not checked against the definitions when
 * appended, so every store reads a property type-guarded: where an event holds another
 * JSON type than the declared kind, the field reads null, in filters, sorts, groups and
 * measures alike. A path two definitions give different kinds is not a field.
 *
 * Queries read committed events only, as `readEvents` does (inside a transaction, its own
 * appended events are not there yet). The collection is read-only: events are written by
 * `Store.append`, and a write naming it fails with `StoreError`.
 *
 * @since 0.1.0
 */
import type { Row, Spec } from "./Collection.js"
import type { StoredEvent } from "./DomainEvent.js"
import type * as Field from "./Field.js"
import * as PayloadProperties from "./internal/payloadProperties.js"

/**
 * The collection's name in queries.
 *
 * @since 0.1.0
 * @category constants
 */
export const name = "domainEvent"

const text: Field.Spec = { kind: "string", nullable: false }
const integer: Field.Spec = { kind: "integer", nullable: false }
const timestamp: Field.Spec = { kind: "timestamp", nullable: false }

/**
 * The collection's spec without payload fields: its layout (what the SQL stores read
 * through their view). The catalog hands out `specFor` its events for `name`
 * (`Catalog.Service.spec`), without listing it among the collections an application stores.
 *
 * @since 0.1.0
 * @category constants
 */
export const spec: Spec = {
  name,
  fields: {
    id: text,
    version: integer,
    createdAt: timestamp,
    updatedAt: timestamp,
    position: integer,
    type: text,
    collection: text,
    recordId: text,
    occurredAt: timestamp,
    actorKind: text,
    actorId: { kind: "string", nullable: true },
    subjects: { kind: "strings", nullable: false },
    payload: { kind: "json", nullable: true }
  },
  indexes: [["type", "position"], ["recordId"]],
  unique: [],
  custom: {}
}

/**
 * The payload fields a set of event definitions declares: every scalar at a fixed path
 * of their payload schemas, by path below `payload`, with the kind they agree on (see
 * the module doc).
 *
 * @example
 * ```ts
 * import { DomainEvent, EventCollection } from "@rapport/core"
 * import { Schema } from "effect"
 *
 * const InvoicePaid = DomainEvent.define("InvoicePaid", Schema.Struct({ number: Schema.String, totalMinor: Schema.Int }))
 * console.log(EventCollection.payloadFields([InvoicePaid]))
 * // { number: { kind: "string", nullable: true }, totalMinor: { kind: "integer", nullable: true } }
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const payloadFields = (
  definitions: Iterable<{ readonly payload: PayloadProperties.PayloadSource["payload"] }>
): Record<string, Field.Spec> => PayloadProperties.derive(definitions)

/**
 * The collection's spec with payload fields (`payloadFields`): what a catalog hands out.
 *
 * @since 0.1.0
 * @category constructors
 */
export const specFor = (properties: Readonly<Record<string, Field.Spec>>): Spec => ({
  ...spec,
  fields: { ...spec.fields, payload: { kind: "json", nullable: true, properties } }
})

/** Digits of the largest safe integer: zero-padded to this, ids sort like positions. */
const ID_DIGITS = 16

/**
 * The id of the event at a position.
 *
 * @since 0.1.0
 * @category constructors
 */
export const idOf = (position: number): string => String(position).padStart(ID_DIGITS, "0")

/**
 * A stored event as a row of the collection.
 *
 * @since 0.1.0
 * @category constructors
 */
export const row = (event: StoredEvent): Row => ({
  id: idOf(event.position),
  version: event.version,
  createdAt: event.occurredAt,
  updatedAt: event.occurredAt,
  position: event.position,
  type: event.type,
  collection: event.collection,
  recordId: event.recordId,
  occurredAt: event.occurredAt,
  actorKind: event.actor.kind,
  actorId: event.actor.id,
  subjects: [...event.subjects],
  payload: event.payload
})
