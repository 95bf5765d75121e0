/**
 * Recently checked plans, by workspace and query content.
 *
 * Applications run the same list and report queries over and over (a pipeline board, a
 * saved segment, a dashboard tile), and checking one costs about as much as decoding the
 * page it returns. A hit skips it, and hands the engine the same plan object as before,
 * so an engine may keep what it derived from a plan (the SQL stores keep its compiled
 * statement) by the plan's identity. Only plans that did not read the clock are kept (a
 * relative window is resolved against `now`), and a hit is used only while the catalog
 * still hands out the same specs for every collection the plan reaches: a workspace
 * that redeclares its custom fields gets new specs, so its queries are checked again.
 * The key is the query's JSON, so a caller that builds a new query value with the same
 * content still hits, and one that reuses a value after changing it does not.
 */
import type * as Catalog from "../Catalog.js"
import type * as Plan from "../Plan.js"

/** How many plans a store keeps; the oldest goes first. */
const CAPACITY = 500

export type AnyPlan = Pick<Plan.FindPlan, "spec" | "related" | "clockDependent">

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

const keyOf = (kind: string, workspaceId: string, query: unknown): string | undefined => {
  try {
    return `${kind}\u0000${workspaceId}\u0000${JSON.stringify(query, faithful)}`
  } catch {
    // Not JSON (a cycle): the planner refuses it; nothing to cache.
    return undefined
  }
}

export const make = (catalog: Catalog.Service) => {
  const entries = new Map<string, AnyPlan>()
  const current = (workspaceId: string, plan: AnyPlan): boolean => {
    if (catalog.spec(workspaceId, plan.spec.name) !== plan.spec) return false
    for (const [name, spec] of plan.related) if (catalog.spec(workspaceId, name) !== spec) return false
    return true
  }
  return {
    /**
     * The kept plan of `query` if it is still current, and `keep`, which keeps a plan
     * made for it (unless the plan read the clock).
     */
    lookup: <P extends AnyPlan>(
      kind: "find" | "aggregate",
      workspaceId: string,
      query: unknown
    ): { readonly hit: P | undefined; readonly keep: (plan: P) => void } => {
      const key = keyOf(kind, workspaceId, query)
      const hit = key === undefined ? undefined : entries.get(key)
      return {
        hit: hit !== undefined && current(workspaceId, hit) ? (hit as P) : undefined,
        keep: (plan) => {
          if (key === undefined || plan.clockDependent) return
          if (entries.size >= CAPACITY && !entries.has(key)) entries.delete(entries.keys().next().value!)
          entries.set(key, plan)
        }
      }
    }
  }
}
