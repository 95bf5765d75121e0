/**
 * What a segment's condition reads, for incremental refresh: its object's own records,
 * the records its paths reach (one reference away), and the related records it counts
 * (pointing at it directly). A change to any of them can change membership, and each
 * maps back to the object's records it can affect. Conditions traced otherwise (paths of
 * two or more hops, related records through link rows or inside another related
 * condition, paths inside a related condition) make a segment refresh in full.
 */
import type { Catalog } from "@rapport/core"
import { Plan, type Query } from "@rapport/core"
import { Either } from "effect"

export interface Dependencies {
  /** Whether membership can change with the passing of time alone (a relative or calendar window). */
  readonly timeDependent: boolean
  /** Whether every condition can be traced back from a change (else: refresh in full). */
  readonly traceable: boolean
  /** Related records: a change to one affects the object's records its `foreignKey` held or holds. */
  readonly related: ReadonlyArray<{ readonly collection: string; readonly foreignKey: string }>
  /** Records a path reaches: a change to one affects the object's records whose `ref` holds its id. */
  readonly paths: ReadonlyArray<{ readonly collection: string; readonly ref: string }>
}

type Related = Extract<Query.Expr, { _tag: "Related" | "Exists" }>

/** The related conditions of an expression, with whether each is nested in another's `where`. */
const relatedOf = (expr: Query.Expr, nested: boolean, out: Array<{ readonly expr: Related; readonly nested: boolean }>): void => {
  switch (expr._tag) {
    case "And":
    case "Or":
      for (const e of expr.exprs) relatedOf(e, nested, out)
      return
    case "Not":
      return relatedOf(expr.expr, nested, out)
    case "Related":
    case "Exists":
      out.push({ expr, nested })
      if (expr.where !== null) relatedOf(expr.where, true, out)
      if (expr.via !== undefined && expr.via.where !== null) relatedOf(expr.via.where, true, out)
      return
    default:
      return
  }
}

/** The dependencies of a find on `collection`, as the planner resolves it (`undefined` when it does not plan). */
export const of = (catalog: Catalog.Service, workspaceId: string, query: Query.Find, now: number): Dependencies | undefined => {
  const plan = Plan.find(catalog, workspaceId, query, now)
  if (Either.isLeft(plan)) return undefined
  const found: Array<{ readonly expr: Related; readonly nested: boolean }> = []
  if (query.where !== undefined) relatedOf(query.where, false, found)
  let traceable = true
  const related: Array<{ readonly collection: string; readonly foreignKey: string }> = []
  for (const { expr, nested } of found) {
    if (nested || expr.via !== undefined) traceable = false
    else related.push({ collection: expr.collection, foreignKey: expr.foreignKey })
  }
  const paths: Array<{ readonly collection: string; readonly ref: string }> = []
  const own = new Set<Plan.Path>()
  for (const field of query.where === undefined ? [] : fieldsOf(query.where)) {
    const path = Plan.pathAt(plan.right.paths, query.collection, field)
    if (path === undefined) continue
    own.add(path)
    // One reference away maps back by one lookup; more hops would take a chain of them.
    const hop = path.hops[0]!
    if (path.hops.length !== 1) traceable = false
    else if (!paths.some((p) => p.ref === hop.ref)) paths.push({ collection: hop.target.name, ref: hop.ref })
  }
  // Paths the plan resolved elsewhere (inside a related condition's where) are not traced.
  if ([...plan.right.paths.values()].some((p) => !own.has(p))) traceable = false
  return { timeDependent: plan.right.clockDependent, traceable, related, paths }
}


/** The fields the conditions of an expression name on its own records (not inside related conditions). */
const fieldsOf = (expr: Query.Expr): Array<string> => {
  switch (expr._tag) {
    case "And":
    case "Or":
      return expr.exprs.flatMap(fieldsOf)
    case "Not":
      return fieldsOf(expr.expr)
    case "Related":
    case "Exists":
      return []
    case "CompareTerms":
      return [...termFields(expr.left), ...termFields(expr.right)]
    default:
      return [expr.field]
  }
}

const termFields = (term: Query.Term): Array<string> =>
  term._tag === "FieldRef" ? [term.field] : term._tag === "Arith" ? [...termFields(term.left), ...termFields(term.right)] : []
