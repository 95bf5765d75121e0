/**
 * Domain events: what happened, appended in the same transaction as the state it
 * describes. Timelines, audit and workflows read them.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { Actor } from "./Actor.js"
import type * as Collection from "./Collection.js"

/**
 * A reference to a record, `collection:id` (`contact:con_01J…`). Events name the records
 * they concern as subjects; the timeline of a record is the events that name it.
 *
 * @since 0.1.0
 * @category models
 */
export type Subject = `${string}:${string}`

/**
 * @since 0.1.0
 * @category constructors
 */
export const subject = (collection: string, id: string): Subject => `${collection}:${id}`

/**
 * An event to append. The store assigns its position.
 *
 * @since 0.1.0
 * @category models
 */
export interface NewEvent {
  /** `ContactCreated`, `OrderPlaced`, ... */
  readonly type: string
  readonly collection: string
  readonly recordId: string
  /** The record's version after the change. */
  readonly version: number
  readonly occurredAt: number
  readonly actor: Actor
  /** Every record the event concerns, its own record first. */
  readonly subjects: ReadonlyArray<Subject>
  readonly payload: Collection.Json
}

const Json: Schema.Schema<Collection.Json> = Schema.Union(
  Schema.String,
  Schema.Number,
  Schema.Boolean,
  Schema.Null,
  Schema.Array(Schema.suspend(() => Json)),
  Schema.Record({ key: Schema.String, value: Schema.suspend(() => Json) })
)

/**
 * An event as stored. `position` orders a workspace's log: a reader that resumes after
 * the last position it saw never misses an event and never sees one twice.
 *
 * @since 0.1.0
 * @category models
 */
export class StoredEvent extends Schema.Class<StoredEvent>("@rapport/core/StoredEvent")({
  position: Schema.Int,
  workspaceId: Schema.String,
  type: Schema.String,
  collection: Schema.String,
  recordId: Schema.String,
  version: Schema.Int,
  occurredAt: Schema.Int,
  actor: Actor,
  subjects: Schema.Array(Schema.String),
  payload: Json
}) {}

/**
 * The event type a collection's generic commands emit: `Created`, `Updated`, `Deleted`
 * after the model name (`ContactCreated`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const typeName = (model: string, what: string): string => `${model}${what}`
