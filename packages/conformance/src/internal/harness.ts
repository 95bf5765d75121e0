/**
 * Shared wiring of the store suite: fresh workspaces, row builders, paging and error
 * helpers.
 */
import type { Vitest } from "@effect/vitest"
import { expect } from "@effect/vitest"
import { Actor, type Catalog, type Collection, type DomainEvent, Store } from "@rapport/core"
import type { Query } from "@rapport/core"
import { Cause, Duration, Effect, Exit, Option, TestServices } from "effect"
import { ACCOUNT, DEAL } from "../TestCatalog.js"

/** What every test of the suite has in its context. */
export type It = Vitest.MethodsNonLive<Store.Store | Catalog.Catalog>

/** A fixed "now" for tests that use relative windows: 2025-06-15T12:00:00Z. */
export const NOW = Date.UTC(2025, 5, 15, 12, 0, 0)

export const MINUTE = 60_000
export const HOUR = 3_600_000
export const DAY = 86_400_000

let counter = 0

/** A workspace id no other test (or run) uses. */
export const freshWorkspace = (label = "ws"): string =>
  `${label}_${Date.now().toString(36)}_${(counter++).toString(36)}_${Math.random().toString(36).slice(2, 10)}`

type Mutable<T> = { -readonly [K in keyof T]: T[K] }
type Fields = Record<string, Collection.Json>

/** An `account` row with every field present (nulls and empties unless given). */
export const account = (id: string, fields: Fields = {}): Collection.Row => {
  const row: Mutable<Fields> = {
    id,
    version: 1,
    createdAt: 1_000,
    updatedAt: 1_000,
    handle: `h-${id}`,
    name: id,
    nickname: null,
    score: null,
    seats: null,
    active: null,
    lastSeenAt: null,
    since: null,
    revenue: null,
    tags: [],
    profile: null,
    custom: {},
    ...fields
  }
  return row as unknown as Collection.Row
}

/** A `deal` row with every field present. */
export const deal = (id: string, fields: Fields = {}): Collection.Row => {
  const row: Mutable<Fields> = {
    id,
    version: 1,
    createdAt: 1_000,
    updatedAt: 1_000,
    accountId: null,
    stage: "open",
    amount: null,
    qty: null,
    won: null,
    closedAt: null,
    value: null,
    lines: [],
    ...fields
  }
  return row as unknown as Collection.Row
}

/** A `link` row from one record to another (of any collections). */
export const link = (id: string, fields: Fields = {}): Collection.Row => {
  const row: Mutable<Fields> = {
    id,
    version: 1,
    createdAt: 1_000,
    updatedAt: 1_000,
    fromCollection: ACCOUNT,
    fromId: "",
    toCollection: ACCOUNT,
    toId: "",
    label: "",
    ...fields
  }
  return row as unknown as Collection.Row
}

/** The row after an update: same id, version + 1, fields replaced. */
export const bump = (row: Collection.Row, fields: Fields = {}): Collection.Row =>
  ({ ...row, ...fields, version: row.version + 1, updatedAt: row.updatedAt + 1 }) as Collection.Row

export const money = (amountMinor: number, currency: string): Collection.Json => ({ amountMinor, currency })

/**
 * Inserts rows in order, without reference checks: the fixtures hold a dangling
 * reference on purpose, and rows referring to rows inserted after them.
 */
export const insertAll = (workspaceId: string, collection: string, rows: ReadonlyArray<Collection.Row>) =>
  Effect.flatMap(Store.Store, (store) =>
    Store.withoutReferenceChecks(Effect.forEach(rows, (row) => store.insert(workspaceId, collection, row), { discard: true })))

export const insertAccounts = (workspaceId: string, rows: ReadonlyArray<Collection.Row>) =>
  insertAll(workspaceId, ACCOUNT, rows)

export const insertDeals = (workspaceId: string, rows: ReadonlyArray<Collection.Row>) =>
  insertAll(workspaceId, DEAL, rows)

/** Every page of a find, checking page sizes and that no id comes twice. */
export const findAll = (workspaceId: string, query: Query.Find) =>
  Effect.gen(function*() {
    const store = yield* Store.Store
    const rows: Array<Collection.Row> = []
    const seen = new Set<string>()
    let cursor: string | undefined = undefined
    for (let page = 0; page < 100_000; page++) {
      const result: Store.Page = yield* store.find(
        workspaceId,
        cursor === undefined ? query : { ...query, cursor }
      )
      if (query.limit !== undefined) {
        expect(result.rows.length, "a page holds at most `limit` rows").toBeLessThanOrEqual(query.limit)
        if (result.rows.length < query.limit) {
          expect(result.nextCursor, "a page shorter than `limit` is the last").toBeNull()
        }
      } else {
        expect(result.nextCursor, "a find without limit returns one page").toBeNull()
      }
      for (const row of result.rows) {
        expect(seen.has(row.id), `row ${row.id} appears on two pages`).toBe(false)
        seen.add(row.id)
        rows.push(row)
      }
      if (result.nextCursor === null) return rows
      expect(result.rows.length, "a page with a next cursor is not empty").toBeGreaterThan(0)
      cursor = result.nextCursor
    }
    throw new Error("paging did not end")
  })

/** The ids of every row a find returns, in order, paging through with cursors. */
export const findIds = (workspaceId: string, query: Query.Find) =>
  Effect.map(findAll(workspaceId, query), (rows) => rows.map((r) => r.id))

/** Asserts the effect fails with an error of this tag (not a defect, not success), and returns it. */
export const expectFailure = <T extends string>(tag: T) =>
<A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<Extract<E, { readonly _tag: T }>, never, R> =>
  Effect.map(Effect.exit(effect), (exit) => {
    if (Exit.isSuccess(exit)) {
      throw new Error(`expected a ${tag} failure, but it succeeded with ${safeJson(exit.value)}`)
    }
    const failure = Cause.failureOption(exit.cause)
    if (Option.isNone(failure)) {
      throw new Error(`expected a ${tag} failure, got a defect or interruption: ${Cause.pretty(exit.cause)}`)
    }
    const error = failure.value as { readonly _tag?: unknown }
    if (error?._tag !== tag) {
      throw new Error(`expected a ${tag} failure, got ${String(error?._tag)}: ${safeJson(error)}`)
    }
    return error as Extract<E, { readonly _tag: T }>
  })

const safeJson = (value: unknown): string => {
  try {
    return JSON.stringify(value)
  } catch {
    return String(value)
  }
}

/** A typed error raised on purpose inside transactions. */
export class Boom {
  readonly _tag = "Boom"
}

/**
 * Runs `effect` on the live clock with a deadline, so a store that blocks where the
 * port says it must not fails the test with a readable message instead of hanging.
 */
export const deadline = (seconds: number, what: string) => <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  TestServices.provideLive(
    Effect.timeoutFailCause(effect, {
      duration: Duration.seconds(seconds),
      onTimeout: () => Cause.die(new Error(`timed out after ${seconds}s: ${what}`))
    })
  )

/** The position of the newest event in the store, found by appending a marker in a workspace of its own. */
export const feedHead = Effect.gen(function*() {
  const store = yield* Store.Store
  const ws = freshWorkspace("head")
  yield* store.append(ws, [event("Marker", ACCOUNT, "marker")])
  const [marker] = yield* store.readEvents(ws, { after: 0, limit: 1 })
  return marker!.position
})

/** A new event naming a record (and optionally more subjects). */
export const event = (
  type: string,
  collection: string,
  recordId: string,
  options: {
    readonly version?: number
    readonly occurredAt?: number
    readonly subjects?: ReadonlyArray<DomainEvent.Subject>
    readonly payload?: Collection.Json
  } = {}
): DomainEvent.NewEvent => ({
  type,
  collection,
  recordId,
  version: options.version ?? 1,
  occurredAt: options.occurredAt ?? 1_000,
  actor: Actor.system,
  subjects: options.subjects ?? [`${collection}:${recordId}`],
  payload: options.payload ?? {}
})
