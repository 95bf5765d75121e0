/**
 * Deep, frozen copies of stored values. A SQL store hands out fresh values decoded from
 * its tables, so nothing a caller does to a row it passed in or got back can change what
 * is stored; copying once on write and freezing gives the same guarantee without a copy
 * on every read.
 */
import type { Collection } from "@rapport/core"

type Json = Collection.Json
type Row = Collection.Row

/** A frozen deep copy of a JSON value; `undefined` properties are dropped, as JSON would. */
export const freezeJson = (value: Json): Json => {
  if (value === null || typeof value !== "object") return value
  if (Object.isFrozen(value) && isDeepFrozen(value)) return value
  if (Array.isArray(value)) return Object.freeze(value.map(freezeJson))
  const out: Record<string, Json> = {}
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, Json | undefined>)[key]
    if (v !== undefined) out[key] = freezeJson(v)
  }
  return Object.freeze(out)
}

// Values the store already froze (rows read back and written again with a small change)
// are shared instead of copied.
const isDeepFrozen = (value: object): boolean => {
  for (const v of Object.values(value)) {
    if (v !== null && typeof v === "object" && !(Object.isFrozen(v) && isDeepFrozen(v))) return false
  }
  return true
}

/** A frozen deep copy of a row. */
export const freezeRow = (row: Row): Row => freezeJson(row as unknown as Json) as unknown as Row
