/**
 * The differential properties: random rows and random queries, answered by the store
 * and by the reference evaluator; the answers must be equal.
 */
import { expect } from "@effect/vitest"
import { Catalog, type Collection, type Query, Store } from "@rapport/core"
import { Effect, FastCheck as fc, TestClock } from "effect"
import * as Arbitraries from "../internal/arbitraries.js"
import { findAll, freshWorkspace, type It, NOW } from "../internal/harness.js"
import * as Reference from "../internal/reference.js"
import { ACCOUNT, DEAL } from "../TestCatalog.js"

/** How hard the differential properties push. */
export interface Options {
  /** Runs per property (default 60). */
  readonly numRuns?: number
  /** At most this many rows per collection (default 30, so at most 60 rows). */
  readonly maxRows?: number
  /** A fast-check seed to replay a failure. */
  readonly seed?: number
}

const seedDataset = (data: Reference.Dataset) =>
  Effect.gen(function*() {
    const store = yield* Store.Store
    const ws = freshWorkspace("diff")
    yield* store.transaction(
      Effect.gen(function*() {
        for (const row of data[ACCOUNT] ?? []) yield* store.insert(ws, ACCOUNT, row)
        for (const row of data[DEAL] ?? []) yield* store.insert(ws, DEAL, row)
      })
    )
    return ws
  })

const compareAggregates = (
  kinds: ReadonlyMap<string, string>,
  actual: ReadonlyArray<Query.AggregateRow>,
  expected: ReadonlyArray<Query.AggregateRow>
) => {
  const exact = (rows: ReadonlyArray<Query.AggregateRow>) =>
    rows.map((row) => Object.fromEntries(Object.entries(row).filter(([k]) => kinds.get(k) !== "float")))
  expect(exact(actual)).toEqual(exact(expected))
  actual.forEach((row, i) => {
    for (const [alias, kind] of kinds) {
      if (kind !== "float") continue
      const a = row[alias] ?? null
      const e = expected[i]![alias] ?? null
      if (e === null || a === null) expect(a, `${alias} of row ${i}`).toBe(e)
      else {
        expect(typeof a).toBe("number")
        expect(Math.abs((a as number) - (e as number)), `${alias} of row ${i}: ${a} vs ${e}`).toBeLessThanOrEqual(
          Math.abs(e as number) * 1e-9 + 1e-9
        )
      }
    }
  })
}

export const differentialSuite = (it: It, options: Options = {}) => {
  const numRuns = options.numRuns ?? 60
  const maxRows = options.maxRows ?? 30
  const fastCheck = { numRuns, ...(options.seed === undefined ? {} : { seed: options.seed }) }

  it.effect.prop(
    "differential: find (every page, in order) equals the reference",
    { data: Arbitraries.dataset(maxRows), queries: fc.array(Arbitraries.find, { minLength: 1, maxLength: 4 }) },
    ({ data, queries }) =>
      Effect.gen(function*() {
        yield* TestClock.setTime(NOW)
        const catalog = yield* Catalog.Catalog
        const dataset: Reference.Dataset = { [ACCOUNT]: data.accounts, [DEAL]: data.deals }
        const ws = yield* seedDataset(dataset)
        for (const query of queries) {
          const expected = Reference.find(catalog, ws, dataset, query, NOW)
          const actual = yield* findAll(ws, query)
          expect(actual.map((r) => r.id), JSON.stringify(query)).toEqual(expected.map((r) => r.id))
          expect(actual as ReadonlyArray<Collection.Row>).toEqual(expected)
        }
      }),
    { timeout: 120_000, fastCheck }
  )

  it.effect.prop(
    "differential: aggregate equals the reference",
    { data: Arbitraries.dataset(maxRows), queries: fc.array(Arbitraries.aggregate, { minLength: 1, maxLength: 4 }) },
    ({ data, queries }) =>
      Effect.gen(function*() {
        yield* TestClock.setTime(NOW)
        const store = yield* Store.Store
        const catalog = yield* Catalog.Catalog
        const dataset: Reference.Dataset = { [ACCOUNT]: data.accounts, [DEAL]: data.deals }
        const ws = yield* seedDataset(dataset)
        for (const query of queries) {
          const expected = Reference.aggregate(catalog, ws, dataset, query, NOW)
          const actual = yield* store.aggregate(ws, query)
          compareAggregates(Reference.outputKinds(catalog, ws, query), actual, expected)
        }
      }),
    { timeout: 120_000, fastCheck }
  )

  it.effect.prop(
    "differential: every random find and aggregate is accepted (generators produce valid queries)",
    { find: Arbitraries.find, aggregate: Arbitraries.aggregate },
    ({ aggregate, find }) =>
      Effect.gen(function*() {
        const store = yield* Store.Store
        const ws = freshWorkspace()
        yield* store.find(ws, find)
        yield* store.aggregate(ws, aggregate)
      }),
    { fastCheck: { numRuns: 100 } }
  )
}
