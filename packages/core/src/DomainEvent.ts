/**
 * Domain events: what happened, appended in the same transaction as the state it
 * describes. Timelines, audit and workflows read them.
 *
 * Each event type is `define`d with a `Schema` for its payload by the package that
 * writes it (`CrmEvents` in core, `PipelinesEvents` in `@rapport/pipelines`), so a
 * reader decodes a stored event into a typed one instead of casting its payload, and a
 * writer's payload is checked by the compiler.
 *
 * @example
 * ```ts
 * import { DomainEvent } from "@rapport/core"
 * import { Either, Schema } from "effect"
 *
 * const InvoiceSent = DomainEvent.define("InvoiceSent", Schema.Struct({ number: Schema.String, totalMinor: Schema.Int }))
 * const InvoicePaid = DomainEvent.define("InvoicePaid", Schema.Struct({ number: Schema.String }))
 * const Invoices = DomainEvent.union(InvoiceSent, InvoicePaid)
 *
 * const describe = (event: DomainEvent.StoredEvent) =>
 *   Either.map(Invoices.decode(event), (e) =>
 *     e.type === "InvoiceSent" ? `sent ${e.payload.number} for ${e.payload.totalMinor}` : `paid ${e.payload.number}`)
 * ```
 *
 * @since 0.1.0
 */
import { Either, Option, ParseResult, Schema, SchemaAST } from "effect"
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
 * A stored event whose type and payload are known: what a definition decodes a
 * `StoredEvent` into.
 *
 * @since 0.1.0
 * @category models
 */
export interface Event<T extends string = string, P = Collection.Json> {
  readonly position: number
  readonly workspaceId: string
  readonly type: T
  readonly collection: string
  readonly recordId: string
  readonly version: number
  readonly occurredAt: number
  readonly actor: Actor
  readonly subjects: ReadonlyArray<string>
  readonly payload: P
}

/**
 * What turns stored events into typed ones: one definition, or a union of them. A
 * consumer that takes a `Decoder` (a workflow trigger, a segment rule) accepts either.
 *
 * @since 0.1.0
 * @category models
 */
export interface Decoder<E extends Event<string, unknown>> {
  /** The event types it decodes: what to ask a store's feed for. */
  readonly types: ReadonlySet<string>
  /**
   * The typed event, or a `ParseError` naming the path at fault (`["type"]` for
   * another type, `["payload"]["to"]` for a bad payload field). An `Either` is also an
   * `Effect`, so `yield*` it in `Effect.gen`.
   */
  readonly decode: (event: Event<string, unknown>) => Either.Either<E, ParseResult.ParseError>
  /** Whether the event is of one of its types with a payload its schema accepts. */
  readonly is: (event: Event<string, unknown>) => event is E
}

/**
 * An event to append, as the writers of Records and the ticket commands take it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Pending<T extends string = string> {
  readonly type: T
  readonly payload: Collection.Json
}

/**
 * One event type: its name and the `Schema` of its payload. Payload schemas describe
 * the stored JSON as it is (refinements and brands, no transformations), so that
 * `decode` and `is` agree and what a writer builds is what a reader decodes.
 *
 * @since 0.1.0
 * @category models
 */
export interface Definition<T extends string, A, I = A> extends Decoder<Event<T, A>> {
  readonly type: T
  readonly payload: Schema.Schema<A, I>
  /** The event to append: the compiler checks the payload against the schema. */
  readonly make: (payload: I) => Pending<T>
}

/**
 * A union of definitions, decoding any of their events into a union discriminated on
 * `type`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Union<E extends Event<string, unknown>> extends Decoder<E> {
  readonly definitions: ReadonlyArray<Definition<E["type"], unknown, unknown>>
}

/**
 * The typed event a definition or union decodes to.
 *
 * @example
 * ```ts
 * import { DomainEvent } from "@rapport/core"
 * import { Schema } from "effect"
 *
 * const InvoicePaid = DomainEvent.define("InvoicePaid", Schema.Struct({ number: Schema.String }))
 * type InvoicePaid = DomainEvent.EventOf<typeof InvoicePaid> // Event<"InvoicePaid", { readonly number: string }>
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type EventOf<D> = D extends Decoder<infer E> ? E : never

/**
 * The payload a definition or union decodes to.
 *
 * @since 0.1.0
 * @category models
 */
export type PayloadOf<D> = EventOf<D>["payload"]

/**
 * Defines an event type with the `Schema` of its payload.
 *
 * @example
 * ```ts
 * import { DomainEvent } from "@rapport/core"
 * import { Either, Schema } from "effect"
 *
 * const InvoicePaid = DomainEvent.define("InvoicePaid", Schema.Struct({ number: Schema.String }))
 * const pending = InvoicePaid.make({ number: "INV-7" }) // { type: "InvoicePaid", payload: { number: "INV-7" } }
 * const read = (event: DomainEvent.StoredEvent) => Either.map(InvoicePaid.decode(event), (e) => e.payload.number)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const define = <const T extends string, A, I>(type: T, payload: Schema.Schema<A, I>): Definition<T, A, I> => {
  const envelope = Schema.decodeUnknownEither(Schema.Struct({ type: Schema.Literal(type), payload }).annotations({ identifier: type }))
  const isPayload = Schema.is(payload)
  return {
    type,
    payload,
    types: new Set([type]),
    // Only the type and the payload are decoded: the rest was decoded by the store.
    decode: (event) => envelopeOf(event, envelope),
    is: (event): event is Event<T, A> => event.type === type && isPayload(event.payload),
    make: (payload) => ({ type, payload: payload as Collection.Json })
  }
}

const envelopeOf = <E extends Event<string, unknown>>(
  event: Event<string, unknown>,
  decode: (u: unknown) => Either.Either<{ readonly type: E["type"]; readonly payload: E["payload"] }, ParseResult.ParseError>
): Either.Either<E, ParseResult.ParseError> =>
  Either.map(decode({ type: event.type, payload: event.payload }), (typed) => ({ ...event, ...typed }) as E)

/**
 * Collects definitions into one decoder: any event of their types decodes into a union
 * discriminated on `type`; an event of another type is a `ParseError` at `["type"]`.
 * Two definitions of one type are a bug, refused when the union is built.
 *
 * @example
 * ```ts
 * import { DomainEvent } from "@rapport/core"
 * import { Effect, Schema } from "effect"
 *
 * const InvoiceSent = DomainEvent.define("InvoiceSent", Schema.Struct({ number: Schema.String, totalMinor: Schema.Int }))
 * const InvoicePaid = DomainEvent.define("InvoicePaid", Schema.Struct({ number: Schema.String }))
 * const Invoices = DomainEvent.union(InvoiceSent, InvoicePaid)
 *
 * const total = (events: ReadonlyArray<DomainEvent.StoredEvent>) =>
 *   Effect.gen(function*() {
 *     let sum = 0
 *     for (const event of events.filter((e) => Invoices.types.has(e.type))) {
 *       const e = yield* Invoices.decode(event) // a bad payload fails with its ParseError
 *       if (e.type === "InvoiceSent") sum += e.payload.totalMinor
 *     }
 *     return sum
 *   })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const union = <const D extends ReadonlyArray<Definition<string, any, any>>>(
  ...definitions: D
): Union<EventOf<D[number]>> => {
  type E = EventOf<D[number]>
  const byType = new Map<string, Definition<string, unknown, unknown>>()
  for (const d of definitions) {
    if (byType.has(d.type)) throw new Error(`DomainEvent.union: ${d.type} is defined twice`)
    byType.set(d.type, d)
  }
  const types: ReadonlySet<string> = new Set(byType.keys())
  const known = Schema.Literal(...types).ast
  return {
    definitions: [...byType.values()] as Union<E>["definitions"],
    types,
    decode: (event) => {
      const definition = byType.get(event.type)
      if (definition !== undefined) return definition.decode(event) as Either.Either<E, ParseResult.ParseError>
      const input = { type: event.type, payload: event.payload }
      return Either.left(
        new ParseResult.ParseError({
          issue: new ParseResult.Pointer("type", input, new ParseResult.Type(known, event.type))
        })
      )
    },
    is: (event): event is E => byType.get(event.type)?.is(event) ?? false
  }
}

/**
 * The `changes` an update event carries: each changed field with its old and new
 * stored values.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Changes = Schema.Record({ key: Schema.String, value: Schema.Struct({ from: Json, to: Json }) })

/**
 * The payload of an event `Records.changeRow` writes: `changes`, plus the fields the
 * command adds (`reason`, `pipelineId`, ...).
 *
 * @since 0.1.0
 * @category schemas
 */
export const changesPayload = <const F extends Schema.Struct.Fields = {}>(fields?: F) =>
  Schema.Struct({ ...(fields ?? {}) as F, changes: Changes })

/**
 * The payload of an event that carries a whole record (`ContactCreated`,
 * `ContactDeleted`): `{ record }`, the row as stored, in the model's encoded form.
 *
 * @since 0.1.0
 * @category schemas
 */
export const recordPayload = <A, I, R>(model: Schema.Schema<A, I, R>) => {
  // The encoded side with its refinements and brands: what was stored, and what kinds its
  // fields are (`EventCollection.payloadFields` reads timestamps and integers from them).
  const stored = Schema.encodedBoundSchema(model)
  // Named after the model, so that a decoding error reads "stored @rapport/core/Contact", not the whole struct.
  const name = SchemaAST.getIdentifierAnnotation(SchemaAST.typeAST(model.ast))
  return Schema.Struct({ record: Option.isSome(name) ? stored.annotations({ identifier: `stored ${name.value}` }) : stored })
}
