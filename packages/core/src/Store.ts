/**
 * The storage port. One interface, three adapters (`@rapport/memory`,
 * `@rapport/sqlite`, `@rapport/pg`), held to the same behaviour by
 * `@rapport/conformance`. Services talk to the store only through this port.
 * Adapters implement `Engine.Engine`, and `Engine.toStore` builds this port over one:
 * it checks workspaces, collections and events, and plans and pages queries, once for
 * every adapter.
 *
 * Rows are the encoded form of a model (plain JSON values). The store owns `version`
 * checks, uniqueness, references, transactions, query execution and event positions;
 * the services own validation, timestamps and the events' content.
 *
 * ## References
 *
 * A row's references are its fields with a `ref` in the catalog spec (`contactId` of an
 * order) and, in its workspace, its custom fields of type `reference`
 * (`custom.referrer`); `referenceFields` lists them. The store holds them to this, race
 * free, like a SQL foreign key (`ON DELETE RESTRICT`, not deferred):
 *
 * - A write (`insert`, `insertMany`, `update`) whose reference is set (not null) must
 *   point at an existing row of the target collection in the same workspace, as the
 *   writer sees it (committed rows plus its transaction's own writes, the rows of the
 *   same `insertMany` included, a row referring to itself included). An `update` checks
 *   only the references it changes. Otherwise it fails with `Conflict`
 *   "missing-reference" and writes nothing.
 * - A `remove` of a row another row still refers to (a reference to itself does not
 *   count) fails with `Conflict` "still-referenced" and writes nothing.
 * - Both still hold when the transaction commits: of a write pointing at a row and a
 *   concurrent remove of that row, at most one commits; the loser fails with `Conflict`
 *   ("missing-reference", "still-referenced", or "stale-version" where the engine only
 *   knows that another writer came first), at the write or at commit.
 *
 * Services check references first and refuse plainly bad input with a
 * `ValidationError` naming the field; the store's guard is what keeps concurrent
 * commands from leaving a dangling reference. `withoutReferenceChecks` turns the checks
 * off for loading data that already dangles (a restore, an import).
 *
 * @since 0.1.0
 */
import type { Duration, Layer, Option } from "effect"
import { Context, Effect } from "effect"
import type * as CatalogModule from "./Catalog.js"
import type { Catalog } from "./Catalog.js"
import type { Row } from "./Collection.js"
import type * as CustomField from "./CustomField.js"
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
 * One page of an aggregate's rows, and the cursor of the next page (`null` on the last).
 *
 * @since 0.1.0
 * @category models
 */
export interface AggregatePage {
  readonly rows: ReadonlyArray<AggregateRow>
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
   * Inserts a new row; its `version` must be 1. An existing id, a taken unique key (a
   * key with a null part never collides, as in SQL) or a reference to a missing row
   * (see "References" above) fails with `Conflict` and writes nothing. Breaking the
   * contract (another version, an unknown collection) is a `StoreError`.
   */
  readonly insert: (workspaceId: string, collection: string, row: Row) => Effect.Effect<void, Conflict | StoreError>

  /**
   * Inserts many rows of one collection, all or nothing (one transaction, or a
   * savepoint in the current one), with the checks of `insert`; the rows may refer to
   * each other. Imports and seeds use it; adapters write the rows in batches. An empty
   * list does nothing.
   */
  readonly insertMany: (
    workspaceId: string,
    collection: string,
    rows: ReadonlyArray<Row>
  ) => Effect.Effect<void, Conflict | StoreError>

  /**
   * Replaces the row with `row.id` if its stored version is `expectedVersion`; `row.version`
   * must be `expectedVersion + 1`. A stale version, a taken unique key or a changed
   * reference to a missing row fails with `Conflict`, a missing row with `NotFound`.
   */
  readonly update: (
    workspaceId: string,
    collection: string,
    row: Row,
    expectedVersion: number
  ) => Effect.Effect<void, NotFound | Conflict | StoreError>

  /**
   * Deletes the row if its stored version is `expectedVersion` (else `Conflict`
   * "stale-version", or `NotFound`) and no other row refers to it (else `Conflict`
   * "still-referenced").
   */
  readonly remove: (
    workspaceId: string,
    collection: string,
    id: string,
    expectedVersion: number
  ) => Effect.Effect<void, NotFound | Conflict | StoreError>

  /** Runs a find query (checked with `Plan.find` against the `Catalog`). */
  readonly find: (workspaceId: string, query: Find) => Effect.Effect<Page, InvalidQuery | StoreError>

  /** Runs an aggregate query (checked with `Plan.aggregate`): its rows, at most `limit`, after `cursor`. */
  readonly aggregate: (
    workspaceId: string,
    query: Aggregate
  ) => Effect.Effect<ReadonlyArray<AggregateRow>, InvalidQuery | StoreError>

  /**
   * Runs an aggregate query as `aggregate` does, with the cursor of the next page: pass it
   * as the query's `cursor` to read the rows after this page, in the query's total order
   * (`orderBy`, then every group key), each group exactly once.
   */
  readonly aggregatePage: (
    workspaceId: string,
    query: Aggregate
  ) => Effect.Effect<AggregatePage, InvalidQuery | StoreError>

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
    options: {
      readonly after: number
      readonly limit: number
      /** Only events of these types (all when absent; none when empty). */
      readonly types?: ReadonlyArray<string> | undefined
    }
  ) => Effect.Effect<ReadonlyArray<StoredEvent>, StoreError>

  /**
   * The feed: committed events of every workspace with a position greater than `after`,
   * oldest first, at most `limit`, optionally of some types only. Positions are one
   * store-wide order that only grows in commit order, so a consumer serving many
   * workspaces keeps one checkpoint (the last position it read) and, resuming after it,
   * never skips a late commit and never sees an event twice. Within a workspace the feed's
   * order is the order of `readEvents`. For system consumers (a workflow runner), not for
   * requests of one workspace: it reads across tenants.
   */
  readonly readFeed: (options: {
    readonly after: number
    readonly limit: number
    readonly types?: ReadonlyArray<string> | undefined
  }) => Effect.Effect<ReadonlyArray<StoredEvent>, StoreError>

  /**
   * Waits for the feed to have an event past `after` (of `types`, when given): `true` as
   * soon as it has (at once if it already has), `false` when `timeout` passes first. A
   * commit wakes it: in process on every store, and across processes on PostgreSQL
   * (`LISTEN/NOTIFY`); besides, the feed is read again every `pollInterval` (default 1
   * second), which is how a commit by another process reaches it on SQLite.
   */
  readonly awaitFeed: (options: {
    readonly after: number
    readonly types?: ReadonlyArray<string> | undefined
    readonly timeout: Duration.DurationInput
    readonly pollInterval?: Duration.DurationInput | undefined
  }) => Effect.Effect<boolean, StoreError>

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

/**
 * A reference field of a collection: its path in the row (a field name, or
 * `custom.<name>` for a custom field of type `reference`) and the collection it points at.
 *
 * @since 0.1.0
 * @category models
 */
export interface ReferenceField {
  /** The collection whose rows hold the field. */
  readonly collection: string
  /** `contactId`, or `custom.referrer`. */
  readonly path: string
  /** The collection the field points at. */
  readonly target: string
}

const specReferences = new WeakMap<CatalogModule.Service, ReadonlyMap<string, ReadonlyArray<ReferenceField>>>()
const customReferences = new WeakMap<CustomField.Fields, ReadonlyArray<ReferenceField>>()
const NO_REFERENCES: ReadonlyArray<ReferenceField> = Object.freeze([])

const specReferencesOf = (catalog: CatalogModule.Service): ReadonlyMap<string, ReadonlyArray<ReferenceField>> => {
  let byCollection = specReferences.get(catalog)
  if (byCollection === undefined) {
    const map = new Map<string, ReadonlyArray<ReferenceField>>()
    for (const [name, spec] of catalog.collections) {
      const fields: Array<ReferenceField> = []
      for (const [path, field] of Object.entries(spec.fields)) {
        if (field.ref !== undefined) fields.push({ collection: name, path, target: field.ref })
      }
      map.set(name, fields.length === 0 ? NO_REFERENCES : fields)
    }
    specReferences.set(catalog, byCollection = map)
  }
  return byCollection
}

const customReferencesOf = (catalog: CatalogModule.Service, workspaceId: string, collection: string) => {
  const declared = catalog.customFields(workspaceId, collection)
  let fields = customReferences.get(declared)
  if (fields === undefined) {
    const out: Array<ReferenceField> = []
    for (const [name, def] of Object.entries(declared)) {
      if (def.ref !== undefined) out.push({ collection, path: `custom.${name}`, target: def.ref })
    }
    customReferences.set(declared, fields = out.length === 0 ? NO_REFERENCES : out)
  }
  // A declaration object may serve several collections only if it is reused: check the name.
  return fields.length > 0 && fields[0]!.collection !== collection
    ? fields.map((f) => ({ ...f, collection }))
    : fields
}

/**
 * The reference fields of a collection in a workspace: its catalog fields with a `ref`,
 * then its custom fields of type `reference`. Stores enforce exactly these (see
 * "References" in the module documentation).
 *
 * @example
 * ```ts
 * import { Catalog, Crm, Store } from "@rapport/core"
 * const catalog = Catalog.make({ collections: Crm.collections })
 * Store.referenceFields(catalog, "ws_1", "order").map((f) => f.path) // ["contactId", "companyId"]
 * ```
 *
 * @since 0.1.0
 * @category references
 */
export const referenceFields = (
  catalog: CatalogModule.Service,
  workspaceId: string,
  collection: string
): ReadonlyArray<ReferenceField> => {
  const own = specReferencesOf(catalog).get(collection)
  if (own === undefined) return NO_REFERENCES
  const custom = customReferencesOf(catalog, workspaceId, collection)
  return custom.length === 0 ? own : own.length === 0 ? custom : [...own, ...custom]
}

/**
 * Every reference field, of any collection in the workspace, that points at `target`:
 * where a `remove` of a `target` row looks for rows still referring to it.
 *
 * @since 0.1.0
 * @category references
 */
export const referringFields = (
  catalog: CatalogModule.Service,
  workspaceId: string,
  target: string
): ReadonlyArray<ReferenceField> => {
  const out: Array<ReferenceField> = []
  for (const name of catalog.collections.keys()) {
    for (const field of referenceFields(catalog, workspaceId, name)) if (field.target === target) out.push(field)
  }
  return out
}

/**
 * The id a row's reference field holds, or `null` when it is not set.
 *
 * @since 0.1.0
 * @category references
 */
export const referenceValue = (row: Row, field: ReferenceField): string | null => {
  if (field.path.startsWith("custom.")) {
    const custom = row.custom
    if (custom === null || typeof custom !== "object" || Array.isArray(custom)) return null
    const value = (custom as Readonly<Record<string, unknown>>)[field.path.slice(7)]
    return typeof value === "string" ? value : null
  }
  const value = row[field.path]
  return typeof value === "string" ? value : null
}

/**
 * Whether the store checks references (see "References" above) for the writes of the
 * current fiber: `true` unless inside `withoutReferenceChecks`. Adapters read it at
 * every write.
 *
 * @since 0.1.0
 * @category references
 */
export class ReferenceChecks extends Context.Reference<ReferenceChecks>()("@rapport/core/Store/ReferenceChecks", {
  defaultValue: (): boolean => true
}) {}

/**
 * Runs `effect` with the store's reference checks off: its writes may point at rows that
 * do not exist and remove rows still referred to. For loading data that already dangles
 * (a restore, an import of legacy records, a test of how queries treat a dangling
 * reference); services never use it, and nothing checks those references later.
 *
 * @example
 * ```ts
 * import { type Collection, Store } from "@rapport/core"
 * import { Effect } from "effect"
 *
 * const restore = (rows: ReadonlyArray<Collection.Row>) =>
 *   Effect.flatMap(Store.Store, (store) =>
 *     Store.withoutReferenceChecks(store.insertMany("ws_1", "order", rows)))
 * ```
 *
 * @since 0.1.0
 * @category references
 */
export const withoutReferenceChecks = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.provideService(effect, ReferenceChecks, false)
