/**
 * @rapport/sqlite: Rapport on SQLite.
 *
 * @since 0.1.0
 */

/**
 * The SQLite `Store` layer.
 *
 * @since 0.1.0
 */
export * as SqliteStore from "./SqliteStore.js"
