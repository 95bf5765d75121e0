/**
 * Grouping and measuring for `aggregate`: one pass over the matching rows into groups
 * keyed by the group keys' values (null is a group of its own, as in SQL's GROUP BY),
 * then the rows sorted by the plan's total order and cut at the limit. Measures skip
 * nulls like SQL's: `sum` of nothing is 0, `avg`, `min` and `max` of nothing are null.
 */
import type { Collection, Query } from "@rapport/core"
import { Plan } from "@rapport/core"
import { bucketer } from "./buckets.js"
import { accessor } from "./evaluate.js"

type Row = Collection.Row
type Scalar = Query.Scalar

interface Accumulator {
  add(row: Row): void
  result(): Scalar | null
}

const scalarOrNull = (v: Collection.Json): Scalar | null => (v === null || typeof v === "object" ? null : v)

const accumulator = (measure: Query.Measure): () => Accumulator => {
  if (measure._tag === "Count") {
    return () => {
      let n = 0
      return { add: () => void n++, result: () => n }
    }
  }
  const read = accessor(measure.field)
  switch (measure._tag) {
    case "Sum":
      return () => {
        let sum = 0
        return {
          add: (row) => {
            const v = read(row)
            if (typeof v === "number") sum += v
          },
          result: () => sum
        }
      }
    case "Avg":
      return () => {
        let sum = 0
        let n = 0
        return {
          add: (row) => {
            const v = read(row)
            if (typeof v === "number") {
              sum += v
              n++
            }
          },
          result: () => (n === 0 ? null : sum / n)
        }
      }
    case "Min":
    case "Max": {
      const sign = measure._tag === "Min" ? -1 : 1
      return () => {
        let best: Scalar | null = null
        return {
          add: (row) => {
            const v = scalarOrNull(read(row))
            if (v !== null && (best === null || Plan.compareScalars(v, best) === sign)) best = v
          },
          result: () => best
        }
      }
    }
  }
}

const groupKeyReader = (key: Query.GroupKey): (row: Row) => Scalar | null => {
  const read = accessor(key.field)
  if (key._tag === "Field") return (row) => scalarOrNull(read(row))
  const bucket = bucketer(key.unit, key.timeZone)
  return (row) => {
    const v = read(row)
    return typeof v === "number" ? bucket(v) : null
  }
}

interface Group {
  readonly keys: ReadonlyArray<Scalar | null>
  readonly measures: ReadonlyArray<Accumulator>
}

/** The answer rows of an aggregate plan over the rows that matched its `where`. */
export const aggregate = (plan: Plan.AggregatePlan, rows: Iterable<Row>): Array<Query.AggregateRow> => {
  const keyReaders = plan.groupBy.map(groupKeyReader)
  const makers = plan.measures.map(accumulator)
  const groups = new Map<unknown, Group>()
  const newGroup = (keys: ReadonlyArray<Scalar | null>): Group => ({ keys, measures: makers.map((make) => make()) })
  // Without group keys the answer is one row, even over no rows at all.
  if (keyReaders.length === 0) groups.set(undefined, newGroup([]))
  for (const row of rows) {
    const keys = keyReaders.map((read) => read(row))
    // One key is its own map key (Map tells 1 from "1" from null); several are joined.
    const id = keys.length === 0 ? undefined : keys.length === 1 ? keys[0] : JSON.stringify(keys)
    let group = groups.get(id)
    if (group === undefined) groups.set(id, group = newGroup(keys))
    for (const m of group.measures) m.add(row)
  }
  const out: Array<Query.AggregateRow> = []
  for (const group of groups.values()) {
    const row: Record<string, Scalar | null> = {}
    plan.groupBy.forEach((g, i) => (row[g.as] = group.keys[i] ?? null))
    plan.measures.forEach((m, i) => (row[m.as] = group.measures[i]!.result()))
    out.push(row)
  }
  out.sort(Plan.compareAggregateRows(plan.orderBy))
  return plan.limit === null ? out : out.slice(0, plan.limit)
}
