/**
 * Rows to parameters and back, one precomputed codec per table: a flat loop over the
 * table's slots to encode, a generated decoder per driver row form, no Schema work on
 * the hot path. Integers come back from PostgreSQL's
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

/**
 * `generate: false` keeps the field-by-field decoders (what runs where code generation is
 * not allowed); tests use it to check both agree.
 */
export const codec = (dialect: Dialect, table: Table, options: { readonly generate?: boolean } = {}): Codec => {
  const readJson = (v: unknown): Json => (v === null || v === undefined ? null : (dialect.readJson(v) as Json))
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
  // Where each slot's columns are, by position (array rows) and by name (object rows).
  const position = new Map(table.columns.map((c, i) => [c.name, i]))
  const byPosition: Access = (column) => position.get(column.name)!
  const byName: Access = (column) => column.name
  return {
    encode,
    decode: decoder<Record<string, unknown>>(table, byName, readJson, options.generate ?? true),
    decodeValues: decoder<ReadonlyArray<unknown>>(table, byPosition, readJson, options.generate ?? true)
  }
}

/** How a decoder finds a column in a driver row: its position, or its name. */
type Access = (column: { readonly name: string }) => number | string

const bool = (v: unknown): boolean | null => (v === null || v === undefined ? null : v === true || v === 1 || v === 1n)
const text = (v: unknown): Json => (v === undefined ? null : (v as Json))
const money = (amount: unknown, currency: unknown): Json =>
  amount === null || amount === undefined ? null : { amountMinor: num(amount)!, currency: currency as string }

/** One record field: the function that reads it and the columns it reads. */
interface Reader {
  readonly field: string
  readonly read: "num" | "bool" | "text" | "money" | "json"
  readonly keys: ReadonlyArray<number | string>
}

const readersOf = (table: Table, access: Access): Array<Reader> =>
  table.slots.map((slot) => {
    switch (slot._tag) {
      case "Scalar": {
        const kind = slot.column.kind
        const read = kind === "int" || kind === "float" ? "num" : kind === "bool" ? "bool" : "text"
        return { field: slot.field, read, keys: [access(slot.column)] }
      }
      case "Money":
        return { field: slot.field, read: "money", keys: [access(slot.amount), access(slot.currency)] }
      case "Json":
        return { field: slot.field, read: "json", keys: [access(slot.column)] }
    }
  })

/**
 * A row decoder for one table and one driver row form. It is generated as a single
 * function that builds the record as an object literal: V8 then creates each record
 * with its final shape in one step, about three times faster than assigning field by
 * field (0.17 against 0.48 µs a contact row), which is most of what a page of rows costs
 * beyond the driver. Field names and column names enter the source only as JSON string
 * literals, positions only as integers. Where generating code is not allowed (a content
 * security policy without `unsafe-eval`), the same readers run field by field.
 */
const decoder = <Raw extends ReadonlyArray<unknown> | Record<string, unknown>>(
  table: Table,
  access: Access,
  json: (v: unknown) => Json,
  generate: boolean
): (raw: Raw) => Row => {
  const readers = readersOf(table, access)
  const fns = { num, bool, text, money, json }
  const fieldByField = (raw: Raw): Row => {
    const get = raw as unknown as Readonly<Record<number | string, unknown>>
    const out: Record<string, Json> = {}
    for (const r of readers) {
      const fn = fns[r.read] as (...values: ReadonlyArray<unknown>) => Json
      out[r.field] = fn(...r.keys.map((k) => get[k]))
    }
    return out as unknown as Row
  }
  if (!generate) return fieldByField
  const source = readers.map((r) =>
    `${JSON.stringify(r.field)}: ${r.read}(${r.keys.map((k) => `v[${JSON.stringify(k)}]`).join(", ")})`
  )
  try {
    const make = new Function(...Object.keys(fns), `"use strict"; return (v) => ({ ${source.join(", ")} })`)
    return make(...Object.values(fns)) as (raw: Raw) => Row
  } catch {
    // Generating code is not allowed here.
    return fieldByField
  }
}
