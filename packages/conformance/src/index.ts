/**
 * @rapport/conformance: the suites every Rapport `Store` adapter must pass.
 *
 * @since 0.1.0
 */

/**
 * The Store port suite: operations, queries, transactions, concurrency, tenancy,
 * events and differential properties.
 *
 * @since 0.1.0
 */
export * as StoreConformance from "./StoreConformance.js"

/**
 * The catalog the Store suite runs on.
 *
 * @since 0.1.0
 */
export * as TestCatalog from "./TestCatalog.js"

/**
 * The Crm services suite.
 *
 * @since 0.1.0
 */
export * as CrmConformance from "./CrmConformance.js"

/**
 * The pipelines services suite: `Deals`, `Leads` and `Tickets`.
 *
 * @since 0.1.0
 */
export * as PipelinesConformance from "./PipelinesConformance.js"
