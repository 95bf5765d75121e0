/**
 * Grouping and measuring for `aggregate`: one pass over the matching rows into groups
 * keyed by the group keys' values (null is a group of its own, as in SQL's GROUP BY),
 * then the rows sorted by the plan's total order and cut at the limit. Measures skip
 * nulls like SQL's: `sum` of nothing is 0, `avg`, `min` and `max` of nothing are null,
 * `countDistinct` counts the non-null values once each.
 * Sums of integer fields are exact: plain number additions while the running sum is a
 * safe integer (each value is one, so every such addition is exact), `bigint` from the
 * first that is not; `avg` of integers is that exact sum divided by the count.
 * A measure's `filter` is a predicate its accumulator asks first; a measure of a `term`
 * reads the term's double (null skipped); percentiles sort the group's values once.
 * `having` (with the cursor's position) is applied to the answer rows before the sort.
 */
import type { Query } from "@rapport/core"
import { Collection, Plan, TimeBucket } from "@rapport/core"
import type { Predicate, Reach, Resolve } from "./evaluate.js"
import { compile, holds, numericTerm, reachOf, reader } from "./evaluate.js"
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

/**
 * The continuous percentile `p` of values (sorted here): linear interpolation between the
 * closest ranks, as the `Query` module documents and PostgreSQL's `percentile_cont` computes.
 */
export const percentileOf = (values: Array<number>, p: number): number | null => {
  if (values.length === 0) return null
  values.sort((a, b) => a - b)
  const h = p * (values.length - 1)
  const lo = Math.floor(h)
  const low = values[lo]!
  return h === lo ? low : low + (values[lo + 1]! - low) * (h - lo)
}

/** Reads the number a measure measures on a row: its field's, or its term's double. */
const measured = (measure: Exclude<Query.Measure, { _tag: "Count" }>, reach: Reach | undefined): (row: Row) => Collection.Json => {
  if ("term" in measure) return numericTerm(measure.term, reach)
  return reader(measure.field, reach)
}

const accumulator = (plan: Plan.AggregatePlan, measure: Query.Measure, reach: Reach | undefined): () => Accumulator => {
  if (measure._tag === "Count") {
    return () => {
      let n = 0
      return { add: () => void n++, result: () => n }
    }
  }
  const read = measured(measure, reach)
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
  if (measure._tag === "Percentile") {
    const p = measure.p
    return () => {
      const values: Array<number> = []
      return {
        add: (row) => {
          const v = read(row)
          if (typeof v === "number") values.push(v)
        },
        result: () => percentileOf(values, p)
      }
    }
  }
  // A measure over a term is a double; over an integer field, exact (an average divides the exact sum).
  const integers = (measure._tag === "Sum" || measure._tag === "Avg") && "field" in measure &&
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

/** An accumulator that measures only the rows passing the measure's `filter`. */
const filtered = (make: () => Accumulator, filter: Predicate): () => Accumulator => () => {
  const inner = make()
  return { add: (row) => void (filter(row) && inner.add(row)), result: () => inner.result() }
}

const groupKeyReader = (key: Plan.GroupKeyPlan, reach: Reach | undefined): (row: Row) => Scalar | null => {
  if (key._tag === "Term") {
    const value = numericTerm(key.term, reach)
    return (row) => {
      const v = value(row)
      // One group for 0 and -0, shown as 0 (as SQL, which adds 0.0 too).
      return v === null ? null : v + 0
    }
  }
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
  const reach = reachOf(plan, resolve ?? noViews)
  const keyReaders = plan.groupBy.map((key) => groupKeyReader(key, reach))
  // Counts are kept by the group itself: no accumulator to call per row.
  const makers = plan.measures.map((m) => {
    if (m.filter === undefined) return m._tag === "Count" ? null : accumulator(plan, m, reach)
    return filtered(accumulator(plan, m, reach), compile(m.filter, resolve ?? noViews, undefined, reach))
  })
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
  if (key._tag !== "Field" || !plan.measures.every((m) => m._tag === "Count" && m.filter === undefined)) return undefined
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
    if (plan.having === null || passes(plan.having, row)) out.push(row)
  }
  out.sort(Plan.compareAggregateRows(plan.orderBy))
  return plan.fetch === null ? out : out.slice(0, plan.fetch)
}

const noViews: Resolve = (collection) => {
  throw new Error(`MemoryStore: no view of ${collection} to evaluate a measure's filter`)
}

/** Whether an answer row passes a checked `having`: a comparison on null is false. */
const passes = (having: Plan.HavingPlan, row: Query.AggregateRow): boolean => {
  switch (having._tag) {
    case "Compare": {
      const v = row[having.alias] ?? null
      return v !== null && holds(having.op, Plan.compareScalars(v, having.value))
    }
    case "IsNull":
      return (row[having.alias] ?? null) === null
    case "And":
      return having.conditions.every((c) => passes(c, row))
    case "Or":
      return having.conditions.some((c) => passes(c, row))
    case "Not":
      return !passes(having.condition, row)
  }
}
