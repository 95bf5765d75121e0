/**
 * @rapport/sql: the dialect-generic SQL `Store` of Rapport over `@effect/sql`.
 *
 * @since 0.1.0
 */

/**
 * What differs between SQL engines: quoting, placeholders, types, JSON, case folding, buckets.
 *
 * @since 0.1.0
 */
export * as Dialect from "./Dialect.js"

/**
 * The table layout of a collection, derived from its catalog spec.
 *
 * @since 0.1.0
 */
export * as Layout from "./Layout.js"

/**
 * The Query compiler: checked plans to SQL and parameters.
 *
 * @since 0.1.0
 */
export * as Compiler from "./Compiler.js"

/**
 * Numbered per-package migrations and the catalog table synchronisation.
 *
 * @since 0.1.0
 */
export * as Migrations from "./Migrations.js"

/**
 * The SQL `Store` over a `SqlClient`.
 *
 * @since 0.1.0
 */
export * as SqlStore from "./SqlStore.js"
