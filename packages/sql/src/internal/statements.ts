/**
 * Recently compiled queries, by workspace and query content.
 *
 * Applications run the same list and report queries over and over (a pipeline board, a
 * saved segment, a dashboard tile), and checking and compiling one costs about as much
 * as decoding the page it returns. A hit skips both. Only plans that did not read the
 * clock are kept (a relative window is resolved against `now` into parameter values),
 * and a hit is used only while the catalog still hands out the same specs for every
 * collection the plan reaches: a workspace that redeclares its custom fields gets new
 * specs, so its queries are checked again. The key is the query's JSON, so a caller
 * that builds a new query value with the same content still hits, and one that reuses
 * a value after changing it does not.
 */
import type { Catalog, Plan } from "@rapport/core"
import { Either } from "effect"
import type { Compiled } from "../Compiler.js"

/** How many statements a store keeps; the oldest goes first. */
const CAPACITY = 500

export interface Entry<P> {
  readonly plan: P
  readonly compiled: Compiled
}

type AnyPlan = Pick<Plan.FindPlan, "spec" | "related" | "clockDependent">

/**
 * JSON writes some values as others (`NaN` and `undefined` in a list as `null`, a `Date`
 * as its ISO text, a function not at all), which would let a query the planner refuses
 * share a key with one it accepted. Such values get a key of their own instead.
 */
function faithful(this: unknown, key: string, value: unknown): unknown {
  const original = (this as Record<string, unknown>)[key]
  switch (typeof original) {
    case "number":
      return Number.isFinite(original) ? value : { "\u0000": String(original) }
    case "bigint":
    case "function":
    case "symbol":
    case "undefined":
      return { "\u0000": typeof original }
    case "object":
      return original !== null && typeof (original as { toJSON?: unknown }).toJSON === "function"
        ? { "\u0000": "toJSON", value }
        : value
    default:
      return value
  }
}

export const make = (catalog: Catalog.Service) => {
  const entries = new Map<string, Entry<AnyPlan>>()
  const keyOf = (kind: string, workspaceId: string, query: unknown): string | undefined => {
    try {
      return `${kind}\u0000${workspaceId}\u0000${JSON.stringify(query, faithful)}`
    } catch {
      // Not JSON (a cycle): the planner refuses it; nothing to cache.
      return undefined
    }
  }
  const current = (workspaceId: string, plan: AnyPlan): boolean => {
    if (catalog.spec(workspaceId, plan.spec.name) !== plan.spec) return false
    for (const [name, spec] of plan.related) if (catalog.spec(workspaceId, name) !== spec) return false
    return true
  }
  return {
    /** The entry for `query`, or one made by `build` (kept when it did not read the clock). */
    get: <P extends AnyPlan, E>(
      kind: "find" | "aggregate",
      workspaceId: string,
      query: unknown,
      build: () => Either.Either<Entry<P>, E>
    ): Either.Either<Entry<P>, E> => {
      const key = keyOf(kind, workspaceId, query)
      const hit = key === undefined ? undefined : entries.get(key)
      if (hit !== undefined && current(workspaceId, hit.plan)) return Either.right(hit as Entry<P>)
      const built = build()
      if (key !== undefined && Either.isRight(built) && !built.right.plan.clockDependent) {
        if (entries.size >= CAPACITY) entries.delete(entries.keys().next().value!)
        entries.set(key, built.right)
      }
      return built
    },
    /** How many statements are kept (for tests). */
    size: () => entries.size
  }
}
