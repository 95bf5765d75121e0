/**
 * Grouping and measuring for `aggregate`: one pass over the matching rows into groups
 * keyed by the group keys' values (null is a group of its own, as in SQL's GROUP BY),
 * then the rows sorted by the plan's total order and cut at the limit. Measures skip
 * nulls like SQL's: `sum` of nothing is 0, `avg`, `min` and `max` of nothing are null,
 * `countDistinct` counts the non-null values once each.
 * Sums of integer fields are exact: plain number additions while the running sum is a
 * safe integer (each value is one, so every such addition is exact), `bigint` from the
 * first that is not; `avg` of integers is that exact sum divided by the count.
 */
import type { Query } from "@rapport/core"
import { Collection, Plan, TimeBucket } from "@rapport/core"
import type { Reach, Resolve } from "./evaluate.js"
import { reader } from "./evaluate.js"
import type { View } from "./view.js"

type Row = Collection.Row
type Scalar = Query.Scalar

interface Accumulator {
  add(row: Row): void
  result(): Query.AggregateRow[string]
}

/** An exact sum of safe integers: a number, or a bigint once past the safe range. */
class IntegerSum {
  n = 0
  private sum = 0
  private big: bigint | undefined = undefined
  add(v: number): void {
    this.n++
    if (this.big === undefined) {
      const next = this.sum + v
      // Two safe integers add exactly whenever the true sum is safe; a rounded sum is
      // never a safe integer (rounding is monotonic and 2^53 is a double).
      if (Number.isSafeInteger(next)) {
        this.sum = next
        return
      }
      this.big = BigInt(this.sum)
    }
    // `trunc` only guards a row breaking its field's kind against a RangeError.
    this.big += BigInt(Math.trunc(v))
  }
  /** A number while safe, else the bigint: the one representation every store returns. */
  value(): number | bigint {
    if (this.big === undefined) return this.sum
    return this.big >= -MAX_SAFE && this.big <= MAX_SAFE ? Number(this.big) : this.big
  }
  /** The exact sum over the count, rounded once more to a double (as SQLite's avg). */
  mean(): number | null {
    return this.n === 0 ? null : Number(this.big ?? this.sum) / this.n
  }
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)

const scalarOrNull = (v: Collection.Json): Scalar | null => (v === null || typeof v === "object" ? null : v)

const accumulator = (plan: Plan.AggregatePlan, measure: Query.Measure, reach: Reach | undefined): () => Accumulator => {
  if (measure._tag === "Count") {
    return () => {
      let n = 0
      return { add: () => void n++, result: () => n }
    }
  }
  const read = reader(measure.field, reach)
  if (measure._tag === "CountDistinct") {
    return () => {
      // A Set tells values apart as SQL's DISTINCT does (0 and -0 are one value, 1 and "1" two).
      const seen = new Set<Scalar>()
      return {
        add: (row) => {
          const v = scalarOrNull(read(row))
          if (v !== null) seen.add(v)
        },
        result: () => seen.size
      }
    }
  }
  const integers = (measure._tag === "Sum" || measure._tag === "Avg") &&
    (Collection.fieldAt(plan.spec, measure.field) ?? Plan.pathAt(plan.paths, plan.spec.name, measure.field)?.spec)?.kind ===
      "integer"
  if (integers) {
    return () => {
      const sum = new IntegerSum()
      return {
        add: (row) => {
          const v = read(row)
          if (typeof v === "number") sum.add(v)
        },
        result: () => (measure._tag === "Sum" ? sum.value() : sum.mean())
      }
    }
  }
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

const groupKeyReader = (key: Plan.GroupKeyPlan, reach: Reach | undefined): (row: Row) => Scalar | null => {
  const read = reader(key.field, reach)
  if (key._tag === "Field") return (row) => scalarOrNull(read(row))
  if (key.of === "date") {
    const unit = key.unit
    const names = new Map<string, string>()
    return (row) => {
      const v = read(row)
      if (typeof v !== "string") return null
      let name = names.get(v)
      if (name === undefined) names.set(v, name = TimeBucket.dateBucketOf(v, unit, key.calendar))
      return name
    }
  }
  const bucket = TimeBucket.bucketer(key.unit, key.timeZone, key.calendar)
  return (row) => {
    const v = read(row)
    return typeof v === "number" ? bucket(v) : null
  }
}

interface Group {
  readonly keys: ReadonlyArray<Scalar | null>
  readonly measures: ReadonlyArray<Accumulator>
  /** How many rows the group holds (what every `Count` measure answers). */
  count: number
}

/**
 * The answer rows of an aggregate plan over the rows that matched its `where`
 * (`predicate`, when given, is that `where`: rows failing it are skipped). `resolve`
 * gives the views the plan's paths reach.
 */
export const aggregate = (
  plan: Plan.AggregatePlan,
  rows: Iterable<Row>,
  predicate?: (row: Row) => boolean,
  resolve?: Resolve
): Array<Query.AggregateRow> => {
  const reach: Reach | undefined = resolve === undefined ? undefined : { resolve, paths: plan.paths, collection: plan.spec.name }
  const keyReaders = plan.groupBy.map((key) => groupKeyReader(key, reach))
  // Counts are kept by the group itself: no accumulator to call per row.
  const makers = plan.measures.map((m) => (m._tag === "Count" ? null : accumulator(plan, m, reach)))
  const measured = makers.filter((make) => make !== null)
  const groups = new Map<unknown, Group>()
  const newGroup = (keys: ReadonlyArray<Scalar | null>): Group => ({
    keys,
    measures: measured.map((make) => make()),
    count: 0
  })
  const add = (group: Group, row: Row) => {
    group.count++
    const measures = group.measures
    for (let i = 0; i < measures.length; i++) measures[i]!.add(row)
  }
  if (keyReaders.length === 0) {
    // Without group keys the answer is one row, even over no rows at all.
    const group = newGroup([])
    groups.set(undefined, group)
    for (const row of rows) if (predicate === undefined || predicate(row)) add(group, row)
  } else if (keyReaders.length === 1) {
    // One key is its own map key (Map tells 1 from "1" from null).
    const read = keyReaders[0]!
    for (const row of rows) {
      if (predicate !== undefined && !predicate(row)) continue
      const key = read(row)
      let group = groups.get(key)
      if (group === undefined) groups.set(key, group = newGroup([key]))
      add(group, row)
    }
  } else {
    for (const row of rows) {
      if (predicate !== undefined && !predicate(row)) continue
      const keys = keyReaders.map((read) => read(row))
      // Several keys are joined into one map key.
      const id = JSON.stringify(keys)
      let group = groups.get(id)
      if (group === undefined) groups.set(id, group = newGroup(keys))
      add(group, row)
    }
  }
  return answer(plan, makers, groups.values())
}

/**
 * A `Count`-only aggregate grouped by one indexed field and without `where`, answered
 * from the index's bucket sizes instead of a pass over the rows (SQL's index-only
 * scan); `undefined` when the plan or the view does not allow it. The groups are those
 * of the pass: an index holds a row under the value its group key reads (strings,
 * numbers and booleans), every other row is in the null group.
 */
export const countFromIndex = (plan: Plan.AggregatePlan, view: View): Array<Query.AggregateRow> | undefined => {
  if (plan.where !== null || plan.groupBy.length !== 1) return undefined
  const key = plan.groupBy[0]!
  if (key._tag !== "Field" || !plan.measures.every((m) => m._tag === "Count")) return undefined
  if (Plan.pathAt(plan.paths, plan.spec.name, key.field) !== undefined) return undefined
  const counts = view.counts(key.field)
  if (counts === undefined) return undefined
  const groups: Array<Group> = []
  let indexed = 0
  for (const [value, count] of counts) {
    groups.push({ keys: [value], measures: [], count })
    indexed += count
  }
  const rest = view.size() - indexed
  if (rest > 0) groups.push({ keys: [null], measures: [], count: rest })
  return answer(plan, plan.measures.map(() => null), groups)
}

const answer = (
  plan: Plan.AggregatePlan,
  makers: ReadonlyArray<(() => Accumulator) | null>,
  groups: Iterable<Group>
): Array<Query.AggregateRow> => {
  const out: Array<Query.AggregateRow> = []
  for (const group of groups) {
    const row: Record<string, Query.AggregateRow[string]> = {}
    plan.groupBy.forEach((g, i) => (row[g.as] = group.keys[i] ?? null))
    let next = 0
    plan.measures.forEach((m, i) => (row[m.as] = makers[i] === null ? group.count : group.measures[next++]!.result()))
    out.push(row)
  }
  out.sort(Plan.compareAggregateRows(plan.orderBy))
  return plan.limit === null ? out : out.slice(0, plan.limit)
}
