/**
 * Rows to parameters and back, one precomputed codec per table: a flat loop over the
 * table's slots, no Schema work on the hot path. Integers come back from PostgreSQL's
 * `bigint` as strings and are converted with `Number` (exact up to 2^53); SQLite's 0/1
 * become booleans; JSON columns are parsed where the driver returns text.
 */
import type { Collection } from "@rapport/core"
import type { Dialect } from "../Dialect.js"
import type { Table } from "../Layout.js"

type Row = Collection.Row
type Json = Collection.Json

export interface Codec {
  /** The parameter values of a row, in `table.columns` order. */
  readonly encode: (row: Row) => Array<unknown>
  /** A row from the columns the driver returned. */
  readonly decode: (raw: Record<string, unknown>) => Row
  /** A row from the values of `table.columns`, in that order (a driver's array rows). */
  readonly decodeValues: (values: ReadonlyArray<unknown>) => Row
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : typeof v === "number" ? v : Number(v))

export const codec = (dialect: Dialect, table: Table): Codec => {
  const parseJson = dialect.name === "sqlite"
  // Empty lists and objects (no tags, no custom values) are most of what CRM rows hold:
  // built directly, a fresh value each time, they skip the parser.
  const readJson = (v: unknown): Json =>
    v === null || v === undefined
      ? null
      : parseJson && typeof v === "string"
      ? v === "[]" ? [] : v === "{}" ? {} : (JSON.parse(v) as Json)
      : (v as Json)
  const encode = (row: Row): Array<unknown> => {
    const out: Array<unknown> = []
    for (const slot of table.slots) {
      const v = row[slot.field]
      switch (slot._tag) {
        case "Scalar":
          out.push(v === undefined ? null : typeof v === "boolean" ? dialect.bool(v) : v)
          break
        case "Money":
          if (v === null || v === undefined || typeof v !== "object" || Array.isArray(v)) out.push(null, null)
          else {
            const m = v as { readonly amountMinor?: Json; readonly currency?: Json }
            out.push(m.amountMinor ?? null, m.currency ?? null)
          }
          break
        case "Json":
          out.push(
            v === null || v === undefined
              ? slot.kind === "custom" ? dialect.jsonParam({}) : slot.kind === "strings" ? dialect.jsonParam([]) : null
              : dialect.jsonParam(v)
          )
      }
    }
    return out
  }
  const decode = (raw: Record<string, unknown>): Row => {
    const out: Record<string, Json> = {}
    for (const slot of table.slots) {
      switch (slot._tag) {
        case "Scalar": {
          const v = raw[slot.column.name]
          switch (slot.column.kind) {
            case "int":
            case "float":
              out[slot.field] = num(v)
              break
            case "bool":
              out[slot.field] = v === null || v === undefined ? null : v === true || v === 1 || v === 1n
              break
            default:
              out[slot.field] = v === undefined ? null : (v as Json)
          }
          break
        }
        case "Money": {
          const amount = raw[slot.amount.name]
          out[slot.field] = amount === null || amount === undefined
            ? null
            : { amountMinor: num(amount)!, currency: raw[slot.currency.name] as string }
          break
        }
        case "Json":
          out[slot.field] = readJson(raw[slot.column.name])
      }
    }
    return out as unknown as Row
  }
  // Column positions of each slot, for array rows.
  const position = new Map(table.columns.map((c, i) => [c.name, i]))
  const at = (column: { readonly name: string }) => position.get(column.name)!
  const readers: Array<(values: ReadonlyArray<unknown>, out: Record<string, Json>) => void> = table.slots.map((slot) => {
    const field = slot.field
    switch (slot._tag) {
      case "Scalar": {
        const i = at(slot.column)
        switch (slot.column.kind) {
          case "int":
          case "float":
            return (values, out) => void (out[field] = num(values[i]))
          case "bool":
            return (values, out) => {
              const v = values[i]
              out[field] = v === null || v === undefined ? null : v === true || v === 1 || v === 1n
            }
          default:
            return (values, out) => {
              const v = values[i]
              out[field] = v === undefined ? null : (v as Json)
            }
        }
      }
      case "Money": {
        const a = at(slot.amount)
        const c = at(slot.currency)
        return (values, out) => {
          const amount = values[a]
          out[field] = amount === null || amount === undefined ? null : { amountMinor: num(amount)!, currency: values[c] as string }
        }
      }
      case "Json": {
        const i = at(slot.column)
        return (values, out) => void (out[field] = readJson(values[i]))
      }
    }
  })
  const decodeValues = (values: ReadonlyArray<unknown>): Row => {
    const out: Record<string, Json> = {}
    for (const read of readers) read(values, out)
    return out as unknown as Row
  }
  return { encode, decode, decodeValues }
}
