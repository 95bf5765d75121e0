/**
 * What a store adapter implements, and the one place every store operation passes
 * through on its way to it.
 *
 * An adapter (`@rapport/memory`, `@rapport/sql`) is an `Engine`: it executes planned
 * queries and checked writes, and nothing else. `Engine.toStore` turns it into the
 * `Store` port the services use, and does, once for every adapter, what every adapter
 * would otherwise redo:
 *
 * - **Tenancy.** Every operation names a workspace. `toStore` checks the id and hands the
 *   engine a `Tenant`, which the engine keys every statement by; the engine never takes a
 *   workspace from anywhere else. This is the enforcement point an access policy (which
 *   actor may read or write which rows and fields) will hook into: a policy sees the
 *   tenant, the operation and the plan here, and can refuse it or narrow its `where`
 *   before any engine runs it, the same for every adapter.
 * - **Planning.** Finds and aggregates are checked and resolved by `Plan` against the
 *   `Catalog` and the `Clock`, and recent plans are reused (see `internal/planCache.ts`);
 *   the engine receives the plan. Every new query node lands in the planner and the
 *   engines' executors, never in a second planner.
 * - **Paging.** The engine returns up to `plan.fetch` rows (one past the page); `toStore`
 *   cuts the page and writes its `nextCursor`, for finds and aggregates alike.
 * - **Events.** Appended events are checked (shape and JSON payload) before the engine
 *   sees them, so engines store them as given.
 * - **Collections.** An operation naming a collection the catalog lacks fails here with a
 *   `StoreError`, before the engine runs.
 *
 * @since 0.1.0
 */
import { Clock, Deferred, Duration, Effect, Either, Exit, FiberId, Option } from "effect"
import * as Catalog from "./Catalog.js"
import type { Row } from "./Collection.js"
import { valueAt as valueAtPath } from "./Collection.js"
import type { NewEvent, StoredEvent, Subject } from "./DomainEvent.js"
import * as EventCollection from "./EventCollection.js"
import type { Conflict, InvalidQuery, NotFound } from "./Errors.js"
import { StoreError } from "./Errors.js"
import { eventDefect } from "./internal/eventCheck.js"
import { fillGaps } from "./internal/gapFill.js"
import * as PlanCache from "./internal/planCache.js"
import * as Plan from "./Plan.js"
import type { Aggregate, AggregateRow } from "./Query.js"
import type * as Store from "./Store.js"

/**
 * The workspace an operation runs in, as checked by `toStore`. Engines key every
 * statement of the operation by `workspaceId` and read it from nowhere else.
 *
 * @since 0.1.0
 * @category models
 */
export interface Tenant {
  readonly workspaceId: string
}

/**
 * A store adapter. Its operations mean what the `Store` port's do (see `Store.Service`),
 * with the work listed in this module's documentation already done by `toStore`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Engine {
  /** The adapter's name in error messages (`MemoryStore`, `SqlStore`). */
  readonly name: string
  readonly transaction: Store.Service["transaction"]
  readonly get: (tenant: Tenant, collection: string, id: string) => Effect.Effect<Option.Option<Row>, StoreError>
  readonly getMany: (
    tenant: Tenant,
    collection: string,
    ids: ReadonlyArray<string>
  ) => Effect.Effect<ReadonlyArray<Row>, StoreError>
  readonly insert: (tenant: Tenant, collection: string, row: Row) => Effect.Effect<void, Conflict | StoreError>
  readonly insertMany: (
    tenant: Tenant,
    collection: string,
    rows: ReadonlyArray<Row>
  ) => Effect.Effect<void, Conflict | StoreError>
  readonly update: (
    tenant: Tenant,
    collection: string,
    row: Row,
    expectedVersion: number
  ) => Effect.Effect<void, NotFound | Conflict | StoreError>
  readonly remove: (
    tenant: Tenant,
    collection: string,
    id: string,
    expectedVersion: number
  ) => Effect.Effect<void, NotFound | Conflict | StoreError>
  /**
   * The rows `plan` selects, in its order, at most `plan.fetch` of them (all when null).
   * A plan of the event log (`EventCollection`) reads committed events only.
   */
  readonly find: (tenant: Tenant, plan: Plan.FindPlan) => Effect.Effect<ReadonlyArray<Row>, StoreError>
  /** The rows of `plan` that pass its `having`, in its order, at most `plan.fetch` (all when null). */
  readonly aggregate: (tenant: Tenant, plan: Plan.AggregatePlan) => Effect.Effect<ReadonlyArray<AggregateRow>, StoreError>
  /** Appends events `toStore` has checked, in the current transaction (one of its own outside one). */
  readonly append: (tenant: Tenant, events: ReadonlyArray<NewEvent>) => Effect.Effect<void, StoreError>
  /** `types`: only those (never empty here: `toStore` answers an empty list itself). */
  readonly readEvents: (
    tenant: Tenant,
    options: { readonly after: number; readonly limit: number; readonly types?: ReadonlyArray<string> | undefined }
  ) => Effect.Effect<ReadonlyArray<StoredEvent>, StoreError>
  /** The feed across workspaces (see `Store.Service.readFeed`); `types` as in `readEvents`. */
  readonly readFeed: (
    options: { readonly after: number; readonly limit: number; readonly types?: ReadonlyArray<string> | undefined }
  ) => Effect.Effect<ReadonlyArray<StoredEvent>, StoreError>
  /**
   * Notified whenever a transaction that may have appended events commits (in process;
   * an engine may also notify it on commits of other processes, as PostgreSQL's does on
   * `NOTIFY`). `awaitFeed` waits on it.
   */
  readonly commits: Signal
  readonly eventsFor: (
    tenant: Tenant,
    options: { readonly subject: Subject; readonly before?: number | undefined; readonly limit: number }
  ) => Effect.Effect<ReadonlyArray<StoredEvent>, StoreError>
}

/**
 * A wake-up call: `next()` is an effect that completes at the first `notify()` after
 * `next()` was called. Take it before reading what you wait for, then await it: a
 * notify in between is not lost.
 *
 * @since 0.1.0
 * @category models
 */
export interface Signal {
  readonly next: () => Effect.Effect<void>
  readonly notify: () => void
}

/**
 * A new `Signal`. Notifying costs one allocation, with or without waiters.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeSignal = (): Signal => {
  let current = Deferred.unsafeMake<void>(FiberId.none)
  return {
    next: () => {
      const awaited = current
      return Deferred.await(awaited)
    },
    notify: () => {
      const done = current
      current = Deferred.unsafeMake<void>(FiberId.none)
      Deferred.unsafeDone(done, Exit.void)
    }
  }
}

const DEFAULT_POLL = Duration.seconds(1)

/** A lone surrogate (half of a UTF-16 pair). */
const LONE_SURROGATE = /\p{Cs}/u

/**
 * Why a workspace id cannot key a statement, if it cannot: it must be non-empty text
 * that every engine stores alike (no NUL, well-formed Unicode).
 */
const badWorkspace = (workspaceId: unknown): string | undefined => {
  if (typeof workspaceId !== "string" || workspaceId.length === 0) return "a workspace id is a non-empty string"
  if (workspaceId.includes("\u0000")) return "a workspace id cannot hold NUL (U+0000)"
  if (LONE_SURROGATE.test(workspaceId)) return "a workspace id must be well-formed Unicode"
  return undefined
}

/**
 * The `Store` port over an engine, for the `Catalog` in context. Adapters call it once
 * (`MemoryStore.make`, `SqlStore.make`); see the module documentation for what it does.
 *
 * @example
 * ```ts
 * import { Engine } from "@rapport/core"
 *
 * // An adapter's `make`: build the engine, then the port over it.
 * declare const engine: Engine.Engine
 * const store = Engine.toStore(engine) // Effect<Store.Service, never, Catalog>
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const toStore = (engine: Engine): Effect.Effect<Store.Service, never, Catalog.Catalog> =>
  Effect.map(Catalog.Catalog, (catalog) => {
    const plans = PlanCache.make(catalog)
    const error = (operation: string, detail: string, cause?: unknown) =>
      new StoreError({ operation: `${engine.name}.${operation}`, detail, ...(cause === undefined ? {} : { cause }) })

    /** The tenant of an operation, or why there is none. */
    const tenantOf = (operation: string, workspaceId: string): Either.Either<Tenant, StoreError> => {
      const bad = badWorkspace(workspaceId)
      return bad === undefined ? Either.right({ workspaceId }) : Either.left(error(operation, bad))
    }

    /** Runs `f` for the tenant of a collection operation, once the workspace and the collection are known good. */
    const onCollection = <A, E>(
      operation: string,
      workspaceId: string,
      collection: string,
      f: (tenant: Tenant) => Effect.Effect<A, E>
    ): Effect.Effect<A, E | StoreError> => {
      const bad = badWorkspace(workspaceId)
      if (bad !== undefined) return Effect.fail(error(operation, bad))
      if (!catalog.collections.has(collection)) {
        return Effect.fail(error(
          operation,
          collection === EventCollection.name
            ? `"${collection}" is the event log: query it with find and aggregate, write to it with append`
            : `unknown collection "${collection}"; declare it in the Catalog`
        ))
      }
      return f({ workspaceId })
    }

    /**
     * The values of a find's sort keys that are paths across references, for its page's
     * last row (`Plan.cursorAfter`): each path followed through the engine, by id, as the
     * query saw it. Null where a reference on the way is null or dangling.
     */
    const sortPathValues = (tenant: Tenant, plan: Plan.FindPlan, row: Row) => {
      const paths = plan.orderBy.flatMap((o) => {
        const path = Plan.pathAt(plan.paths, plan.spec.name, o.field)
        return path === undefined ? [] : [[o.field, path] as const]
      })
      if (paths.length === 0) return Effect.succeed(undefined)
      return Effect.map(
        Effect.forEach(paths, ([field, path]) =>
          Effect.map(
            Effect.reduce(path.hops, Option.some(row), (reached, hop) =>
              Option.match(reached, {
                onNone: () => Effect.succeed(Option.none<Row>()),
                onSome: (r) => {
                  const id = valueAtPath(r, hop.ref)
                  return typeof id === "string" ? engine.get(tenant, hop.target.name, id) : Effect.succeed(Option.none<Row>())
                }
              })),
            (reached) => [field, Option.match(reached, { onNone: () => null, onSome: (r) => valueAtPath(r, path.field) })] as const
          )),
        (entries) => new Map(entries)
      )
    }

    /** The plan of a query: the cached one, or one checked now (reading the clock). */
    const planned = <P extends PlanCache.AnyPlan>(
      kind: "find" | "aggregate",
      workspaceId: string,
      query: unknown,
      plan: (now: number) => Either.Either<P, InvalidQuery>
    ): Effect.Effect<P, InvalidQuery> => {
      const { hit, keep } = plans.lookup<P>(kind, workspaceId, query)
      if (hit !== undefined) return Effect.succeed(hit)
      return Effect.flatMap(Clock.currentTimeMillis, (now) => {
        const built = plan(now)
        if (Either.isRight(built)) keep(built.right)
        return built
      })
    }

    const aggregatePage = (operation: string, workspaceId: string, query: Aggregate) =>
      Either.match(tenantOf(operation, workspaceId), {
        onLeft: Effect.fail,
        onRight: (tenant) =>
          Effect.flatMap(
            planned("aggregate", workspaceId, query, (now) => Plan.aggregate(catalog, workspaceId, query, now)),
            (plan) =>
              Effect.map(engine.aggregate(tenant, plan), (rows): Store.AggregatePage => {
                // A filled answer is one page (the planner refuses cursors with fill).
                if (plan.fill !== null) return { rows: fillGaps(plan, plan.fill, rows), nextCursor: null }
                if (plan.limit === null || rows.length <= plan.limit) return { rows, nextCursor: null }
                const page = rows.slice(0, plan.limit)
                return { rows: page, nextCursor: Plan.aggregateCursorAfter(plan, page[page.length - 1]!) }
              })
          )
      })

    const service: Store.Service = {
      transaction: engine.transaction,

      get: (workspaceId, collection, id) => onCollection("get", workspaceId, collection, (t) => engine.get(t, collection, id)),

      getMany: (workspaceId, collection, ids) =>
        onCollection("getMany", workspaceId, collection, (t) => (ids.length === 0 ? Effect.succeed([]) : engine.getMany(t, collection, ids))),

      insert: (workspaceId, collection, row) =>
        onCollection("insert", workspaceId, collection, (t) => engine.insert(t, collection, row)),

      insertMany: (workspaceId, collection, rows) =>
        onCollection("insertMany", workspaceId, collection, (t) => (rows.length === 0 ? Effect.void : engine.insertMany(t, collection, rows))),

      update: (workspaceId, collection, row, expectedVersion) =>
        onCollection("update", workspaceId, collection, (t) => engine.update(t, collection, row, expectedVersion)),

      remove: (workspaceId, collection, id, expectedVersion) =>
        onCollection("remove", workspaceId, collection, (t) => engine.remove(t, collection, id, expectedVersion)),

      find: (workspaceId, query) =>
        Either.match(tenantOf("find", workspaceId), {
          onLeft: Effect.fail,
          onRight: (tenant) =>
            Effect.flatMap(
              planned("find", workspaceId, query, (now) => Plan.find(catalog, workspaceId, query, now)),
              (plan) =>
                Effect.flatMap(engine.find(tenant, plan), (rows): Effect.Effect<Store.Page, StoreError> => {
                  if (plan.limit === null || rows.length <= plan.limit) return Effect.succeed({ rows, nextCursor: null })
                  const page = rows.slice(0, plan.limit)
                  const last = page[page.length - 1]!
                  return Effect.map(
                    sortPathValues(tenant, plan, last),
                    (values) => ({ rows: page, nextCursor: Plan.cursorAfter(plan, last, values) })
                  )
                })
            )
        }),

      aggregate: (workspaceId, query) => Effect.map(aggregatePage("aggregate", workspaceId, query), (page) => page.rows),

      aggregatePage: (workspaceId, query) => aggregatePage("aggregatePage", workspaceId, query),

      append: (workspaceId, events) =>
        Either.match(tenantOf("append", workspaceId), {
          onLeft: Effect.fail,
          onRight: (tenant) => {
            if (events.length === 0) return Effect.void
            for (const event of events) {
              const defect = eventDefect(event)
              if (defect !== undefined) {
                const name = typeof event?.type === "string" ? `${event.type} of ${String(event.collection)} ${String(event.recordId)}` : "an event"
                return Effect.fail(error("append", `${name} is malformed: ${defect}`))
              }
            }
            return engine.append(tenant, events)
          }
        }),

      readEvents: (workspaceId, options) =>
        Either.match(tenantOf("readEvents", workspaceId), {
          onLeft: Effect.fail,
          onRight: (tenant) =>
            options.limit <= 0 || options.types?.length === 0 ? Effect.succeed([]) : engine.readEvents(tenant, options)
        }),

      readFeed: (options) => (options.limit <= 0 || options.types?.length === 0 ? Effect.succeed([]) : engine.readFeed(options)),

      awaitFeed: (options) =>
        Effect.gen(function*() {
          const { after, types } = options
          const poll = Duration.toMillis(options.pollInterval ?? DEFAULT_POLL)
          const end = (yield* Clock.currentTimeMillis) + Duration.toMillis(options.timeout)
          while (true) {
            // Taken before reading, so a commit landing between the read and the wait wakes it.
            const woken = engine.commits.next()
            if (types?.length !== 0 && (yield* engine.readFeed({ after, limit: 1, types })).length > 0) return true
            const now = yield* Clock.currentTimeMillis
            if (now >= end) return false
            yield* Effect.raceFirst(woken, Effect.sleep(Math.max(1, Math.min(poll, end - now))))
          }
        }),

      eventsFor: (workspaceId, options) =>
        Either.match(tenantOf("eventsFor", workspaceId), {
          onLeft: Effect.fail,
          onRight: (tenant) => (options.limit <= 0 ? Effect.succeed([]) : engine.eventsFor(tenant, options))
        })
    }
    return service
  })
