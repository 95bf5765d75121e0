/**
 * @rapport/pg: Rapport on PostgreSQL.
 *
 * @since 0.1.0
 */

/**
 * The PostgreSQL `Store` layer.
 *
 * @since 0.1.0
 */
export * as PgStore from "./PgStore.js"
