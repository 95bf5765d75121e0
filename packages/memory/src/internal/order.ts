/**
 * Sorting found rows by a plan's total order: nulls last in both directions, text by
 * code point (`Plan.compareScalars`), `id` as the final tie-break (the plan appends it).
 * With a limit, only the first `limit + 1` rows are kept (a bounded heap), so a small
 * page of a large match costs O(n log k) rather than a full sort.
 */
import type { Collection, Query } from "@rapport/core"
import { Plan } from "@rapport/core"
import type { Reach } from "./evaluate.js"
import { reader } from "./evaluate.js"

type Row = Collection.Row
type Key = Query.Scalar | null

interface Keyed {
  readonly row: Row
  readonly keys: ReadonlyArray<Key>
}

const scalarOrNull = (v: Collection.Json): Key => (v === null || typeof v === "object" ? null : v)

const comparator = (orderBy: ReadonlyArray<Query.Order>) => {
  const desc = orderBy.map((o) => o.direction === "desc")
  const n = orderBy.length
  return (a: Keyed, b: Keyed): number => {
    for (let i = 0; i < n; i++) {
      const x = a.keys[i]!
      const y = b.keys[i]!
      const c = Plan.compareScalars(x, y)
      if (c !== 0) return desc[i] && x !== null && y !== null ? -c : c
    }
    return 0
  }
}

/** Keeps the `k` smallest items under `cmp`, in order. */
const smallest = <A>(items: ReadonlyArray<A>, k: number, cmp: (a: A, b: A) => number): Array<A> => {
  // A max-heap of the best k so far: its root is the worst kept item.
  const heap: Array<A> = []
  const up = (i: number) => {
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (cmp(heap[i]!, heap[parent]!) <= 0) return
      ;[heap[i], heap[parent]] = [heap[parent]!, heap[i]!]
      i = parent
    }
  }
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let top = i
      if (l < heap.length && cmp(heap[l]!, heap[top]!) > 0) top = l
      if (r < heap.length && cmp(heap[r]!, heap[top]!) > 0) top = r
      if (top === i) return
      ;[heap[i], heap[top]] = [heap[top]!, heap[i]!]
      i = top
    }
  }
  for (const item of items) {
    if (heap.length < k) {
      heap.push(item)
      up(heap.length - 1)
    } else if (cmp(item, heap[0]!) < 0) {
      heap[0] = item
      down(0)
    }
  }
  return heap.sort(cmp)
}

/**
 * The rows in `orderBy` order; with `keep`, only the first `keep` of them. Sort keys that
 * are paths across references are read through `reach`.
 */
export const sortRows = (
  rows: ReadonlyArray<Row>,
  orderBy: ReadonlyArray<Query.Order>,
  keep: number | null,
  reach?: Reach
): Array<Row> => {
  const readers = orderBy.map((o) => reader(o.field, reach))
  const keyed = rows.map((row): Keyed => ({ row, keys: readers.map((read) => scalarOrNull(read(row))) }))
  const cmp = comparator(orderBy)
  const sorted = keep !== null && keep * 4 < keyed.length ? smallest(keyed, keep, cmp) : keyed.sort(cmp)
  const out = sorted.map((k) => k.row)
  return keep === null ? out : out.slice(0, keep)
}
