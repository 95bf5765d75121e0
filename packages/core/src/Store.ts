/**
 * The storage port. One interface, three adapters (`@rapport/memory`,
 * `@rapport/sqlite`, `@rapport/pg`), held to the same behaviour by
 * `@rapport/conformance`. Services talk to the store only through this port.
 *
 * Rows are the encoded form of a model (plain JSON values). The store owns `version`
 * checks, uniqueness, transactions, query execution and event positions; the services
 * own validation, timestamps and the events' content.
 *
 * @since 0.1.0
 */
import type { Effect, Layer, Option } from "effect"
import { Context } from "effect"
import type { Catalog } from "./Catalog.js"
import type { Row } from "./Collection.js"
import type { NewEvent, StoredEvent, Subject } from "./DomainEvent.js"
import type { Conflict, InvalidQuery, NotFound, StoreError } from "./Errors.js"
import type { Aggregate, AggregateRow, Find } from "./Query.js"

/**
 * One page of a find: the rows, and the cursor of the next page (`null` on the last).
 *
 * @since 0.1.0
 * @category models
 */
export interface Page {
  readonly rows: ReadonlyArray<Row>
  readonly nextCursor: string | null
}

/**
 * The port. Every operation names the workspace; no operation reads or writes another
 * workspace's rows or events.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /**
   * Runs `effect` as one transaction: all its writes and appended events become
   * visible together when it succeeds, and none of them when it fails (or is
   * interrupted). Reads inside see the transaction's own writes; nobody else does
   * until it commits. A write that conflicts with a write committed meanwhile (the
   * record changed or was deleted, a unique key was taken) fails with `Conflict`, at
   * the write or at commit.
   *
   * A nested call is a savepoint: if the inner effect fails, its writes and events
   * are undone and the outer transaction goes on (when it handles the failure); if it
   * succeeds, its writes commit or roll back with the outer transaction.
   */
  readonly transaction: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | Conflict | StoreError, R>

  /** The row with this id, if any. */
  readonly get: (workspaceId: string, collection: string, id: string) => Effect.Effect<Option.Option<Row>, StoreError>

  /** The rows with these ids that exist, in the order of `ids` (a repeated id repeats its row). */
  readonly getMany: (
    workspaceId: string,
    collection: string,
    ids: ReadonlyArray<string>
  ) => Effect.Effect<ReadonlyArray<Row>, StoreError>

  /**
   * Inserts a new row; its `version` must be 1. An existing id or a taken unique key
   * (a key with a null part never collides, as in SQL) fails with `Conflict` and writes
   * nothing. Breaking the contract (another version, an unknown collection) is a
   * `StoreError`.
   */
  readonly insert: (workspaceId: string, collection: string, row: Row) => Effect.Effect<void, Conflict | StoreError>

  /**
   * Inserts many rows of one collection, all or nothing (one transaction, or a
   * savepoint in the current one), with the checks of `insert`. Imports and seeds use
   * it; adapters write the rows in batches. An empty list does nothing.
   */
  readonly insertMany: (
    workspaceId: string,
    collection: string,
    rows: ReadonlyArray<Row>
  ) => Effect.Effect<void, Conflict | StoreError>

  /**
   * Replaces the row with `row.id` if its stored version is `expectedVersion`; `row.version`
   * must be `expectedVersion + 1`. A stale version (or a taken unique key) fails with
   * `Conflict`, a missing row with `NotFound`.
   */
  readonly update: (
    workspaceId: string,
    collection: string,
    row: Row,
    expectedVersion: number
  ) => Effect.Effect<void, NotFound | Conflict | StoreError>

  /** Deletes the row if its stored version is `expectedVersion`. */
  readonly remove: (
    workspaceId: string,
    collection: string,
    id: string,
    expectedVersion: number
  ) => Effect.Effect<void, NotFound | Conflict | StoreError>

  /** Runs a find query (checked with `Plan.find` against the `Catalog`). */
  readonly find: (workspaceId: string, query: Find) => Effect.Effect<Page, InvalidQuery | StoreError>

  /** Runs an aggregate query (checked with `Plan.aggregate`). */
  readonly aggregate: (
    workspaceId: string,
    query: Aggregate
  ) => Effect.Effect<ReadonlyArray<AggregateRow>, InvalidQuery | StoreError>

  /** Appends events to the workspace's log, in the current transaction. */
  readonly append: (workspaceId: string, events: ReadonlyArray<NewEvent>) => Effect.Effect<void, StoreError>

  /**
   * Committed events with a position greater than `after`, oldest first, at most `limit`
   * (a transaction does not see its own appended events before it commits).
   * Positions only grow in commit order, so resuming after the last position read never
   * skips an event.
   */
  readonly readEvents: (
    workspaceId: string,
    options: { readonly after: number; readonly limit: number }
  ) => Effect.Effect<ReadonlyArray<StoredEvent>, StoreError>

  /**
   * Committed events that name `subject`, newest first, with a position below `before`
   * (all when absent), at most `limit`.
   */
  readonly eventsFor: (
    workspaceId: string,
    options: { readonly subject: Subject; readonly before?: number | undefined; readonly limit: number }
  ) => Effect.Effect<ReadonlyArray<StoredEvent>, StoreError>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Store extends Context.Tag("@rapport/core/Store")<Store, Service>() {}

/**
 * What a store adapter's layer is: it provides the `Store` and needs the `Catalog`
 * (plus `R`), failing with `E` when it cannot start. `MemoryStore.layer` is a
 * `StoreLayer`, `SqliteStore.layer(...)` and `PgStore.layer(...)` are
 * `StoreLayer<Errors.StoreError>`, and `Crm.layer({ store })` takes any of them, so one
 * function can wire either engine.
 *
 * @example
 * ```ts
 * import { Crm, Errors, Store } from "@rapport/core"
 * import { MemoryStore } from "@rapport/memory"
 * import { SqliteStore } from "@rapport/sqlite"
 *
 * const crmOn = (store: Store.StoreLayer<Errors.StoreError>) => Crm.layer({ store })
 * const inTests = crmOn(MemoryStore.layer)
 * const embedded = crmOn(SqliteStore.layer({ filename: "crm.db" }))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type StoreLayer<E = never, R = never> = Layer.Layer<Store, E, R | Catalog>
