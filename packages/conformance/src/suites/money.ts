/**
 * Exact integer sums: a `sum` of an integer field (a money amount, an `integer` field)
 * is exact on every store however large, a `number` while it is a safe integer and a
 * `bigint` beyond (`Query.AggregateRow`), and aggregate rows sort by its exact value.
 * An `avg` of integers is the exact sum over the count, as a double. The stores differ
 * underneath (PostgreSQL's `sum(bigint)` is `numeric`, SQLite's `sum()` raises past
 * 2^63 and its `total()` is a double, JavaScript numbers round past 2^53), which is why
 * the values here sit at the limits.
 */
import { expect } from "@effect/vitest"
import type { Collection, Query } from "@rapport/core"
import { Catalog, Store } from "@rapport/core"
import { Effect, FastCheck as fc } from "effect"
import * as Reference from "../internal/reference.js"
import { deal, freshWorkspace, type It, money, NOW } from "../internal/harness.js"
import { DEAL } from "../TestCatalog.js"

const MAX = Number.MAX_SAFE_INTEGER
const MAX_SAFE = BigInt(MAX)

/** How a row holds an exact integer: a number while safe, else a bigint. */
const exact = (n: bigint): number | bigint => (n >= -MAX_SAFE && n <= MAX_SAFE ? Number(n) : n)

const sumOf = (xs: ReadonlyArray<number | null>): bigint =>
  xs.reduce<bigint>((s, x) => (x === null ? s : s + BigInt(x)), 0n)

const relativelyClose = (actual: unknown, expected: number, what: string) => {
  expect(typeof actual, what).toBe("number")
  expect(Math.abs((actual as number) - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(
    Math.abs(expected) * 1e-12
  )
}

const insertRows = (ws: string, rows: ReadonlyArray<Collection.Row>) =>
  rows.length === 0 ? Effect.void : Effect.flatMap(Store.Store, (store) => store.transaction(store.insertMany(ws, DEAL, rows)))

/** Integers where the engines part ways: ±2^53, ±2^32 (SQLite's split), 0 and small ones. */
const signed = fc.oneof(
  fc.integer({ min: MAX - 3, max: MAX }),
  fc.integer({ min: -MAX, max: -MAX + 3 }),
  fc.integer({ min: 2 ** 32 - 2, max: 2 ** 32 + 2 }),
  fc.integer({ min: -(2 ** 32) - 2, max: -(2 ** 32) + 2 }),
  fc.integer({ min: -3, max: 3 }),
  fc.integer({ min: -MAX, max: MAX })
)
const amount = fc.oneof(
  fc.integer({ min: MAX - 3, max: MAX }),
  fc.integer({ min: 2 ** 32 - 2, max: 2 ** 32 + 2 }),
  fc.integer({ min: 0, max: 3 }),
  fc.integer({ min: 0, max: MAX })
)
const rowArb = fc.record({
  stage: fc.constantFrom("a", "b", "c"),
  qty: fc.option(signed, { nil: null, freq: 5 }),
  value: fc.option(fc.record({ amountMinor: amount, currency: fc.constantFrom("EUR", "JPY") }), { nil: null, freq: 5 })
})

export const moneySuite = (it: It, options: { readonly numRuns?: number; readonly seed?: number } = {}) => {
  it.effect("integer sums past 2^53 are exact bigints, sums in range stay numbers, and rows sort by the exact sum", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace("money")
      yield* insertRows(ws, [
        deal("e1", { stage: "a", qty: MAX, value: money(MAX, "EUR") }),
        deal("e2", { stage: "a", qty: MAX, value: money(MAX, "EUR") }),
        deal("e3", { stage: "a", qty: -MAX, value: money(1, "EUR") }),
        deal("u1", { stage: "b", qty: -MAX, value: money(MAX, "USD") }),
        deal("u2", { stage: "b", qty: -MAX, value: money(1, "USD") }),
        deal("j1", { stage: "c", qty: 3, value: money(3, "JPY") }),
        deal("j2", { stage: "c", qty: null, value: money(4, "JPY") }),
        deal("n1", { stage: "d", qty: null, value: null })
      ])
      const byCurrency = yield* store.aggregate(ws, {
        collection: DEAL,
        groupBy: [{ _tag: "Field", as: "currency", field: "value.currency" }],
        measures: [
          { _tag: "Sum", as: "total", field: "value.amountMinor" },
          { _tag: "Avg", as: "mean", field: "value.amountMinor" },
          { _tag: "Count", as: "n" }
        ],
        orderBy: [{ field: "total", direction: "desc" }]
      })
      // 2·MAX + 1 and 2^53 are past the safe range (2^53 is a double, but not a safe one).
      expect(byCurrency.map(({ currency, total, n }) => ({ currency, total, n }))).toEqual([
        { currency: "EUR", total: 2n * MAX_SAFE + 1n, n: 3 },
        { currency: "USD", total: 2n ** 53n, n: 2 },
        { currency: "JPY", total: 7, n: 2 },
        { currency: null, total: 0, n: 1 }
      ])
      relativelyClose(byCurrency[0]!.mean, Number(2n * MAX_SAFE + 1n) / 3, "EUR mean")
      relativelyClose(byCurrency[1]!.mean, 2 ** 52, "USD mean")
      expect(byCurrency[3]!.mean).toBeNull()

      const byStage = yield* store.aggregate(ws, {
        collection: DEAL,
        groupBy: [{ _tag: "Field", as: "stage", field: "stage" }],
        measures: [{ _tag: "Sum", as: "qty", field: "qty" }, { _tag: "Avg", as: "meanQty", field: "qty" }],
        orderBy: [{ field: "qty", direction: "asc" }],
        limit: 3
      })
      // MAX + MAX − MAX comes back into range: a plain number again.
      expect(byStage.map(({ stage, qty }) => ({ stage, qty }))).toEqual([
        { stage: "b", qty: -2n * MAX_SAFE },
        { stage: "d", qty: 0 },
        { stage: "c", qty: 3 }
      ])
      relativelyClose(byStage[0]!.meanQty, -MAX, "mean of b")
      expect(byStage[1]!.meanQty).toBeNull()
    }))

  it.effect("a sum past 2^63 is exact too (SQLite's sum() would overflow)", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace("money")
      const n = 1_100
      yield* insertRows(ws, Array.from({ length: n }, (_, i) => deal(`r${String(i).padStart(4, "0")}`, { qty: MAX - i, value: money(MAX, "EUR") })))
      const expectedQty = BigInt(n) * MAX_SAFE - BigInt((n * (n - 1)) / 2)
      expect(expectedQty > 2n ** 63n).toBe(true)
      const [row] = yield* store.aggregate(ws, {
        collection: DEAL,
        where: { _tag: "Compare", field: "value.currency", op: "eq", value: "EUR" },
        measures: [{ _tag: "Sum", as: "qty", field: "qty" }, { _tag: "Sum", as: "total", field: "value.amountMinor" }]
      })
      expect(row).toEqual({ qty: expectedQty, total: BigInt(n) * MAX_SAFE })
    }), { timeout: 120_000 })

  it.effect.prop(
    "property: integer sums near the limits equal the exact sum and sort by it, on every store and in the reference",
    { rows: fc.array(rowArb, { maxLength: 24 }), descending: fc.boolean() },
    ({ descending, rows }) =>
      Effect.gen(function*() {
        const store = yield* Store.Store
        const catalog = yield* Catalog.Catalog
        const ws = freshWorkspace("money")
        const data = rows.map((r, i) => deal(`p${String(i).padStart(2, "0")}`, r))
        yield* insertRows(ws, data)
        const direction = descending ? "desc" : "asc"
        const queries: ReadonlyArray<Query.Aggregate> = [
          {
            collection: DEAL,
            groupBy: [{ _tag: "Field", as: "stage", field: "stage" }],
            measures: [{ _tag: "Sum", as: "sum", field: "qty" }, { _tag: "Avg", as: "mean", field: "qty" }],
            orderBy: [{ field: "sum", direction }]
          },
          {
            collection: DEAL,
            groupBy: [{ _tag: "Field", as: "currency", field: "value.currency" }],
            measures: [{ _tag: "Sum", as: "sum", field: "value.amountMinor" }, { _tag: "Avg", as: "mean", field: "value.amountMinor" }],
            orderBy: [{ field: "sum", direction }]
          }
        ]
        const groups = [
          { key: "stage", read: (r: (typeof rows)[number]) => [r.stage, r.qty] as const },
          { key: "currency", read: (r: (typeof rows)[number]) => [r.value?.currency ?? null, r.value?.amountMinor ?? null] as const }
        ]
        for (const [q, query] of queries.entries()) {
          const { key, read } = groups[q]!
          const byKey = new Map<string | null, Array<number | null>>()
          for (const r of rows) {
            const [k, v] = read(r)
            byKey.set(k, [...(byKey.get(k) ?? []), v])
          }
          // Sorted by the exact sum, ties by the key ascending with null last (the plan's total order).
          const expected = [...byKey.entries()].map(([k, xs]) => ({ k, sum: sumOf(xs), values: xs.filter((x) => x !== null) }))
            .sort((a, b) => {
              if (a.sum !== b.sum) return (a.sum < b.sum ? -1 : 1) * (descending ? -1 : 1)
              return a.k === b.k ? 0 : a.k === null ? 1 : b.k === null ? -1 : a.k < b.k ? -1 : 1
            })
          const actual = yield* store.aggregate(ws, query)
          const reference = Reference.aggregate(catalog, ws, { [DEAL]: data }, query, NOW)
          for (const [name, answer] of [["store", actual], ["reference", reference]] as const) {
            expect(answer.map((r) => ({ k: r[key], sum: r.sum })), name).toEqual(expected.map((e) => ({ k: e.k, sum: exact(e.sum) })))
            answer.forEach((r, i) => {
              const e = expected[i]!
              if (e.values.length === 0) expect(r.mean, name).toBeNull()
              else relativelyClose(r.mean, Number(e.sum) / e.values.length, `${name} mean of ${e.k}`)
            })
          }
        }
      }),
    {
      timeout: 120_000,
      fastCheck: { numRuns: options.numRuns ?? 40, ...(options.seed === undefined ? {} : { seed: options.seed }) }
    }
  )
}
