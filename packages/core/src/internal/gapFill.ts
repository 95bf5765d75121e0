/**
 * Gap filling of a bucket key (`GroupKey` `fill`), the same for every engine: after the
 * engine's rows, each bucket of the range that no row holds is added, for every
 * combination of the other group keys' values among the rows, with the measures of no
 * rows; then the rows are sorted again by the plan's total order and the limit applied.
 */
import type { AggregatePlan, GapFill } from "../Plan.js"
import { compareAggregateRows } from "../Plan.js"
import type { AggregateRow, Measure } from "../Query.js"

/** What a measure is over no rows: counts and sums are 0, the rest null. */
const empty = (measure: Measure): 0 | null => {
  switch (measure._tag) {
    case "Count":
    case "CountDistinct":
    case "Sum":
      return 0
    case "Avg":
    case "Min":
    case "Max":
    case "Percentile":
      return null
  }
}

export const fillGaps = (plan: AggregatePlan, fill: GapFill, rows: ReadonlyArray<AggregateRow>): ReadonlyArray<AggregateRow> => {
  const others = plan.groupBy.filter((g) => g.as !== fill.key).map((g) => g.as)
  // Group key values are scalars or null: JSON names a combination exactly.
  const combos = new Map<string, ReadonlyArray<AggregateRow[string]>>()
  const present = new Set<string>()
  for (const row of rows) {
    const values = others.map((as) => row[as] ?? null)
    const combo = JSON.stringify(values)
    combos.set(combo, values)
    present.add(`${combo}\u0000${String(row[fill.key])}`)
  }
  if (others.length === 0) combos.set("[]", [])
  const measures = Object.fromEntries(plan.measures.map((m) => [m.as, empty(m)]))
  const out: Array<AggregateRow> = [...rows]
  for (const [combo, values] of combos) {
    for (const bucket of fill.buckets) {
      if (present.has(`${combo}\u0000${bucket}`)) continue
      const row: Record<string, AggregateRow[string]> = { ...measures }
      others.forEach((as, i) => (row[as] = values[i] ?? null))
      row[fill.key] = bucket
      out.push(row)
    }
  }
  out.sort(compareAggregateRows(plan.orderBy))
  return fill.limit === null ? out : out.slice(0, fill.limit)
}
