/**
 * Private test harness shared by the packages' test suites.
 */
export * as PgHarness from "./PgHarness.js"
