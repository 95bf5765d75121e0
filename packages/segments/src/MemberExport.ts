/**
 * Members as files: CSV (RFC 4180) and JSON, one column per field path, written a page
 * of records at a time so a large segment never sits in memory whole.
 *
 * @since 0.1.0
 */
import { Collection } from "@rapport/core"

/**
 * What `export` writes.
 *
 * @since 0.1.0
 * @category models
 */
export type Format = "csv" | "json"

/**
 * A cell of a CSV file: text as it is, numbers and booleans as JSON writes them, null as
 * an empty cell, lists and objects as JSON text. Quoted when it holds a comma, a quote,
 * or a line break (quotes doubled), as RFC 4180 says; a cell starting with `=`, `+`, `-`
 * or `@` is prefixed with `'` so that a spreadsheet does not run it as a formula (CSV
 * injection).
 *
 * @since 0.1.0
 * @category formatting
 */
export const csvCell = (value: Collection.Json): string => {
  if (value === null) return ""
  const text = typeof value === "string"
    ? /^[=+\-@]/.test(value) ? `'${value}` : value
    : typeof value === "object"
    ? JSON.stringify(value)
    : String(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, "\"\"")}"` : text
}

/**
 * The CSV header line of the columns.
 *
 * @since 0.1.0
 * @category formatting
 */
export const csvHeader = (columns: ReadonlyArray<string>): string => `${columns.map(csvCell).join(",")}\r\n`

/**
 * The CSV lines of a page of rows.
 *
 * @since 0.1.0
 * @category formatting
 */
export const csvRows = (rows: ReadonlyArray<Collection.Row>, columns: ReadonlyArray<string>): string =>
  rows.map((row) => `${columns.map((c) => csvCell(Collection.valueAt(row, c))).join(",")}\r\n`).join("")

/**
 * A row as a JSON object of the columns (paths as keys, `null` where a row has none).
 *
 * @since 0.1.0
 * @category formatting
 */
export const jsonObject = (row: Collection.Row, columns: ReadonlyArray<string>): Record<string, Collection.Json> =>
  Object.fromEntries(columns.map((c) => [c, Collection.valueAt(row, c)]))
