/**
 * The store conformance suite: every behaviour the `Store` port documents, checked on
 * the store under test. A hand-made dataset with hand-worked answers covers every
 * operation and query operator with their edge cases (nulls, empty lists, unicode,
 * time zones and DST, money, custom fields, invalid queries); exact integer sums past
 * 2^53 (money); transactions,
 * concurrency, references, tenancy and the event log get their own tests; and differential
 * properties run random queries over random rows against a reference evaluator.
 *
 * The suite brings its own catalog (`TestCatalog`) and builds the store layer once;
 * every test works in a fresh random workspace, so tests never see each other's rows.
 *
 * @since 0.1.0
 */
import { describe, layer } from "@effect/vitest"
import type { CustomField, Store } from "@rapport/core"
import { Catalog } from "@rapport/core"
import { Layer } from "effect"
import { aggregatesSuite } from "./suites/aggregates.js"
import { calendarSuite } from "./suites/calendar.js"
import { concurrencySuite } from "./suites/concurrency.js"
import { crudSuite } from "./suites/crud.js"
import { differentialSuite } from "./suites/differential.js"
import { eventOrderSuite } from "./suites/eventOrder.js"
import { eventsSuite } from "./suites/events.js"
import { eventQueriesSuite } from "./suites/eventQueries.js"
import { feedSuite } from "./suites/feed.js"
import { injectionSuite } from "./suites/injection.js"
import { invalidSuite } from "./suites/invalid.js"
import { moneySuite } from "./suites/money.js"
import { queriesSuite } from "./suites/queries.js"
import { referencesSuite } from "./suites/references.js"
import { repeatedSuite } from "./suites/repeated.js"
import { tenancySuite } from "./suites/tenancy.js"
import { transactionsSuite } from "./suites/transactions.js"
import * as TestCatalog from "./TestCatalog.js"

/**
 * What `run` needs: a name for the report and the store's layer, which receives the
 * suite's `Catalog`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options<E = unknown> {
  readonly name: string
  readonly layer: Layer.Layer<Store.Store, E, Catalog.Catalog>
  /** Runs per differential property (default 60); the reference race property runs at most 25. */
  readonly numRuns?: number
  /** Rows per collection in the differential properties (default 30). */
  readonly maxRows?: number
  /** Replays the differential properties with this fast-check seed. */
  readonly seed?: number
  /** How long building the store layer may take (default 60 seconds). */
  readonly timeout?: `${number} seconds`
}

/**
 * The names of the suite's areas, in the order they run.
 *
 * @since 0.1.0
 * @category constants
 */
export const areas = [
  "crud",
  "queries",
  "invalid queries",
  "aggregates",
  "money",
  "transactions",
  "concurrency",
  "references",
  "tenancy",
  "events",
  "event order",
  "event feed",
  "event queries",
  "injection",
  "differential",
  "repeated queries"
] as const

/**
 * Registers the whole suite (vitest `describe` blocks) for one store. Call it at the
 * top level of a test file.
 *
 * @example
 * ```ts
 * // test/conformance.test.ts of an adapter package
 * import { StoreConformance } from "@rapport/conformance"
 * import { MemoryStore } from "@rapport/memory"
 *
 * StoreConformance.run({ name: "memory", layer: MemoryStore.layer })
 * ```
 *
 * @since 0.1.0
 * @category suites
 */
export const run = <E>(options: Options<E>): void => {
  const storeLayer = Layer.provideMerge(options.layer, TestCatalog.layer)
  describe(`Store conformance: ${options.name}`, () => {
    layer(storeLayer, { timeout: options.timeout ?? "60 seconds" })((it) => {
      describe("crud", () => crudSuite(it))
      describe("queries", () => queriesSuite(it))
      describe("invalid queries", () => invalidSuite(it))
      describe("aggregates", () => aggregatesSuite(it))
      describe("calendar windows", () => calendarSuite(it))
      describe("money", () =>
        moneySuite(it, {
          ...(options.numRuns === undefined ? {} : { numRuns: Math.min(40, options.numRuns) }),
          ...(options.seed === undefined ? {} : { seed: options.seed })
        }))
      describe("transactions", () => transactionsSuite(it))
      describe("concurrency", () => concurrencySuite(it))
      describe("references", () =>
        referencesSuite(it, {
          numRuns: Math.min(25, options.numRuns ?? 25),
          ...(options.seed === undefined ? {} : { seed: options.seed })
        }))
      describe("tenancy", () => tenancySuite(it))
      describe("events", () => eventsSuite(it))
      describe("event order", () =>
        eventOrderSuite(it, {
          numRuns: Math.min(12, options.numRuns ?? 12),
          ...(options.seed === undefined ? {} : { seed: options.seed })
        }))
      describe("event feed", () => feedSuite(it))
      describe("event queries", () => eventQueriesSuite(it))
      describe("injection", () => injectionSuite(it))
      describe("differential", () =>
        differentialSuite(it, {
          ...(options.numRuns === undefined ? {} : { numRuns: options.numRuns }),
          ...(options.maxRows === undefined ? {} : { maxRows: options.maxRows }),
          ...(options.seed === undefined ? {} : { seed: options.seed })
        }))
    })
    // Its own store, on a catalog whose custom-field declaration the tests can change.
    const declaration: { current: CustomField.Declaration } = { current: TestCatalog.customFields }
    const redeclaring = Layer.provideMerge(
      options.layer,
      Catalog.layer({ ...TestCatalog.options, customFields: () => declaration.current })
    )
    layer(redeclaring, { timeout: options.timeout ?? "60 seconds" })((it) => {
      describe("repeated queries", () => repeatedSuite(it, declaration))
    })
  })
}
