/**
 * The in-memory `Store`: pure TypeScript, no native module, nothing to set up. It holds
 * to the same contract as the SQL stores (the conformance suite runs on all of them), so
 * a test suite written against it means the same on SQLite and PostgreSQL:
 *
 * - Transactions are all-or-nothing and isolated: writes are staged per transaction and
 *   applied atomically at commit, after re-checking versions, unique keys and references
 *   against whatever other fibers committed meanwhile (the loser gets `Conflict`).
 * - It is an `Engine` (`Engine.toStore` checks the workspace, plans queries, pages and
 *   checks events, as for the SQL stores); plans are compiled into closures that use
 *   indexes on foreign keys and `spec.indexes` fields.
 * - Event positions come from one store-wide counter assigned at commit, so they grow in
 *   commit order.
 * - Stored rows are frozen deep copies: a caller mutating a row it wrote or read cannot
 *   change what is stored (mutating one throws, in strict mode).
 *
 * @since 0.1.0
 */
import { Catalog, Engine, Errors, Store } from "@rapport/core"
import type { Collection, DomainEvent, Query } from "@rapport/core"
import { Context, Effect, Either, Exit, FiberRef, Layer, Option } from "effect"
import { aggregate as runAggregate, countFromIndex } from "./internal/aggregate.js"
import { candidates } from "./internal/candidates.js"
import { Database } from "./internal/database.js"
import { compile, reachOf } from "./internal/evaluate.js"
import type { Reach, Resolve } from "./internal/evaluate.js"
import type { PendingEvent } from "./internal/events.js"
import { freezeJson } from "./internal/json.js"
import { sortRows } from "./internal/order.js"
import { commit, Transaction } from "./internal/transaction.js"
import type { View } from "./internal/view.js"
import { committedView, emptyView, overlayView } from "./internal/view.js"
import * as Writes from "./internal/writes.js"

type Row = Collection.Row

const storeError = (operation: string, detail: string, cause?: unknown) =>
  new Errors.StoreError({
    operation: `MemoryStore.${operation}`,
    detail,
    ...(cause === undefined ? {} : { cause })
  })

/**
 * Builds a store with its own empty state. Each `make` (each time the layer is built)
 * is a separate database.
 *
 * @example
 * ```ts
 * import { Catalog, Crm } from "@rapport/core"
 * import { MemoryStore } from "@rapport/memory"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const store = yield* MemoryStore.make
 *   return yield* store.find("ws_1", { collection: "contact", limit: 10 })
 * }).pipe(Effect.provideService(Catalog.Catalog, Catalog.make({ collections: Crm.collections })))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Store.Service, never, Catalog.Catalog> = Effect.gen(function*() {
  const catalog = yield* Catalog.Catalog
  const db = new Database(catalog)
  // The transaction the current fiber runs in. Per store, so two stores never share one;
  // forked fibers inherit it, like a SQL connection shared by the fibers of a transaction.
  const currentTx = FiberRef.unsafeMake<Transaction | null>(null)
  const commits = Engine.makeSignal()

  /**
   * Runs a synchronous write in the current transaction, or as its own transaction;
   * `f` learns whether to check references (`Store.ReferenceChecks`).
   */
  const write = (
    operation: string,
    f: (tx: Transaction | null, checkRefs: boolean) => Writes.WriteError | undefined
  ): Effect.Effect<void, Writes.WriteError> =>
    // One step of the runtime, not four: bulk loads run this for every row.
    Effect.withFiberRuntime<void, Writes.WriteError>((fiber) => {
      const tx = fiber.getFiberRef(currentTx)
      if (tx !== null && !tx.open) {
        return Effect.fail(storeError(operation, "the transaction this fiber joined has already ended"))
      }
      const error = f(tx, Context.get(fiber.getFiberRef(FiberRef.currentContext), Store.ReferenceChecks))
      return error === undefined ? Effect.void : Effect.fail(error)
    })

  /** What the current fiber sees of a collection: committed rows plus its transaction's own. */
  const viewIn = (tx: Transaction | null, workspaceId: string, collection: string): View => {
    // The event log's rows are committed events only: a transaction never stages any.
    const overlay = tx === null || !tx.open ? undefined : tx.overlay(workspaceId, collection)
    if (overlay !== undefined) return overlayView(overlay)
    const table = db.table(workspaceId, collection)
    return table === undefined ? emptyView : committedView(table)
  }

  /** Runs a synchronous read against the current fiber's view of a workspace. */
  const readIn = <A, E>(workspaceId: string, f: (view: Resolve) => Either.Either<A, E>): Effect.Effect<A, E> =>
    Effect.flatMap(FiberRef.get(currentTx), (tx) =>
      Effect.suspend(() => {
        const views = new Map<string, View>()
        return f((name) => {
          let view = views.get(name)
          if (view === undefined) views.set(name, view = viewIn(tx, workspaceId, name))
          return view
        })
      }))

  /** One row as the current fiber sees it, without building a view (the hot path of `get`). */
  const rowIn = (tx: Transaction | null, workspaceId: string, collection: string, id: string): Row | undefined => {
    const entry = tx === null || !tx.open ? undefined : tx.overlay(workspaceId, collection)?.entries.get(id)
    return entry === undefined ? db.table(workspaceId, collection)?.get(id) : entry.row ?? undefined
  }

  const matching = (view: View, where: Query.Expr | null, resolve: Resolve, reach?: Reach): Array<Row> => {
    const pick = candidates(view, where)
    const predicate = compile(where, resolve, pick.size, reach)
    const out: Array<Row> = []
    for (const row of pick.rows) if (predicate(row)) out.push(row)
    return out
  }

  const transaction = <A, E, R>(
    effect: Effect.Effect<A, E, R>
  ): Effect.Effect<A, E | Errors.Conflict | Errors.StoreError, R> =>
    Effect.flatMap(FiberRef.get(currentTx), (outer) => {
      // A nested call joins the transaction already running, as a savepoint: when it
      // fails, its own writes are taken back and the outer transaction carries on
      // (what a SQL store's nested transaction does).
      if (outer !== null && outer.open) {
        return Effect.uninterruptibleMask((restore) => {
          const savepoint = outer.savepoint()
          return Effect.onExit(restore(effect), (exit) =>
            Effect.sync(() => (Exit.isFailure(exit) ? outer.rollbackTo(savepoint) : outer.release(savepoint))))
        })
      }
      return Effect.uninterruptibleMask((restore) => {
        const tx = new Transaction(db)
        return Effect.flatMap(Effect.exit(restore(Effect.locally(effect, currentTx, tx))), (exit): Effect.Effect<A, E | Errors.Conflict> => {
          if (Exit.isFailure(exit)) {
            // Failure, defect or interruption: the staged writes are simply dropped.
            tx.open = false
            return exit
          }
          const conflict = commit(db, tx)
          if (conflict !== undefined) return Effect.fail(conflict)
          if (tx.events.length > 0) commits.notify()
          return exit
        })
      })
    })

  const engine: Engine.Engine = {
    name: "MemoryStore",
    transaction,

    get: ({ workspaceId }, collection, id) =>
      Effect.withFiberRuntime((fiber) =>
        Effect.succeed(Option.fromNullable(rowIn(fiber.getFiberRef(currentTx), workspaceId, collection, id)))
      ),

    getMany: ({ workspaceId }, collection, ids) =>
      Effect.map(FiberRef.get(currentTx), (tx) => {
        const rows: Array<Row> = []
        for (const id of ids) {
          const row = rowIn(tx, workspaceId, collection, id)
          if (row !== undefined) rows.push(row)
        }
        return rows
      }),

    insertMany: ({ workspaceId }, collection, rows) =>
      // Its own transaction (or a savepoint), so a failure takes back the rows staged before it.
      transaction(write("insertMany", (tx, checkRefs) =>
        Writes.insertMany(db, tx!, workspaceId, collection, rows, checkRefs))) as Effect.Effect<
          void,
          Errors.Conflict | Errors.StoreError
        >,

    insert: ({ workspaceId }, collection, row) =>
      write("insert", (tx, checkRefs) => Writes.insert(db, tx, workspaceId, collection, row, checkRefs)) as Effect.Effect<
        void,
        Errors.Conflict | Errors.StoreError
      >,

    update: ({ workspaceId }, collection, row, expectedVersion) =>
      write("update", (tx, checkRefs) => Writes.update(db, tx, workspaceId, collection, row, expectedVersion, checkRefs)),

    remove: ({ workspaceId }, collection, id, expectedVersion) =>
      write("remove", (tx, checkRefs) => Writes.remove(db, tx, workspaceId, collection, id, expectedVersion, checkRefs)),

    find: ({ workspaceId }, plan) =>
      readIn(workspaceId, (view) => {
        const reach = reachOf(plan, view)
        return Either.right<ReadonlyArray<Row>>(
          sortRows(matching(view(plan.spec.name), plan.where, view, reach), plan.orderBy, plan.fetch, reach)
        )
      }),

    aggregate: ({ workspaceId }, plan) =>
      readIn(workspaceId, (view) => {
        const counted = countFromIndex(plan, view(plan.spec.name))
        if (counted !== undefined) return Either.right<ReadonlyArray<Query.AggregateRow>>(counted)
        // The predicate runs inside the grouping pass: no array of the matching rows.
        const pick = candidates(view(plan.spec.name), plan.where)
        const reach = reachOf(plan, view)
        const predicate = plan.where === null ? undefined : compile(plan.where, view, pick.size, reach)
        return Either.right<ReadonlyArray<Query.AggregateRow>>(runAggregate(plan, pick.rows, predicate, view))
      }),

    append: ({ workspaceId }, events) =>
      Effect.flatMap(FiberRef.get(currentTx), (tx) =>
        Effect.suspend(() => {
          if (tx !== null && !tx.open) {
            return Effect.fail(storeError("append", "the transaction this fiber joined has already ended"))
          }
          const pending = events.map((event) => pendingEvent(workspaceId, event))
          if (tx === null) {
            db.appendEvents(pending)
            commits.notify()
          } else tx.events.push(...pending)
          return Effect.void
        })),

    readEvents: ({ workspaceId }, options) =>
      Effect.sync(() => db.log.read(workspaceId, options.after, options.limit, options.types)),

    readFeed: (options) => Effect.sync(() => db.log.feed(options.after, options.limit, options.types)),

    commits,

    eventsFor: ({ workspaceId }, options) =>
      Effect.sync(() => db.log.about(workspaceId, options.subject, options.before, options.limit))
  }
  return yield* Engine.toStore(engine)
})

/** An appended event (checked by `Engine.toStore`) as the log keeps it: copied and frozen. */
const pendingEvent = (workspaceId: string, event: DomainEvent.NewEvent): PendingEvent => ({
  workspaceId,
  type: event.type,
  collection: event.collection,
  recordId: event.recordId,
  version: event.version,
  occurredAt: event.occurredAt,
  actor: event.actor,
  subjects: Object.freeze([...event.subjects]),
  payload: freezeJson(event.payload)
})

/**
 * The store as a layer, one fresh database per build. The usual wiring of a test suite.
 *
 * @example
 * ```ts
 * import { Catalog, Crm } from "@rapport/core"
 * import { MemoryStore } from "@rapport/memory"
 * import { Layer } from "effect"
 *
 * const StoreLive = MemoryStore.layer.pipe(
 *   Layer.provide(Catalog.layer({ collections: Crm.collections }))
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Store.StoreLayer = Layer.effect(Store.Store, make)
