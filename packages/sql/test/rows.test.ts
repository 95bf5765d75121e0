import { describe, expect, it } from "@effect/vitest"
import { Collection, Field } from "@rapport/core"
import { FastCheck as fc, Schema } from "effect"
import { Dialect, Layout } from "../src/index.js"
import { codec } from "../src/internal/rows.js"

// Every storage kind, a money pair and a field whose name needs quoting in JavaScript.
const fields = {
  name: Field.string(),
  "odd \"name\"": Field.nullable(Field.string()),
  seats: Field.integer(),
  score: Field.nullable(Field.number()),
  active: Field.nullable(Field.boolean()),
  total: Field.nullable(Field.money()),
  tags: Field.strings(),
  profile: Field.nullable(Field.json(Schema.Unknown))
}
class Thing extends Schema.Class<Thing>("Thing")(Collection.modelFields(Schema.String, fields)) {}
const table = Layout.make(Collection.make({ name: "thing", schema: Thing, fields }).spec)

const json = fc.oneof(fc.constant(null), fc.constant([]), fc.constant({}), fc.array(fc.string()), fc.dictionary(fc.string(), fc.integer()))
const row = fc.record({
  id: fc.string(),
  version: fc.integer({ min: 1 }),
  createdAt: fc.integer({ min: 0 }),
  updatedAt: fc.integer({ min: 0 }),
  name: fc.string(),
  "odd \"name\"": fc.option(fc.string(), { nil: null }),
  seats: fc.integer(),
  score: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => x + 0), { nil: null }),
  active: fc.option(fc.boolean(), { nil: null }),
  total: fc.option(fc.record({ amountMinor: fc.integer(), currency: fc.constantFrom("EUR", "USD") }), { nil: null }),
  tags: fc.array(fc.string()),
  profile: json
})

describe("row codec", () => {
  for (const dialect of [Dialect.sqlite, Dialect.postgres()]) {
    it(`${dialect.name}: generated and field-by-field decoders agree, and give back what was encoded`, () => {
      const fast = codec(dialect, table)
      const plain = codec(dialect, table, { generate: false })
      // What a driver returns: SQLite gives JSON as text and booleans as 0/1, pg parses jsonb.
      const fromDriver = (v: unknown, i: number) => {
        const kind = table.columns[i]!.kind
        if (kind === "bool" && typeof v === "boolean") return dialect.name === "sqlite" ? (v ? 1 : 0) : v
        if (kind === "json" && dialect.name === "postgres" && typeof v === "string") return JSON.parse(v)
        return v
      }
      fc.assert(fc.property(row, (r) => {
        const values = fast.encode(r as unknown as Collection.Row).map(fromDriver)
        const byName = Object.fromEntries(table.columns.map((c, i) => [c.name, values[i]]))
        const expected = JSON.parse(JSON.stringify(r))
        expect(fast.decodeValues(values)).toEqual(expected)
        expect(plain.decodeValues(values)).toEqual(expected)
        expect(fast.decode(byName)).toEqual(expected)
        expect(plain.decode(byName)).toEqual(expected)
      }), { numRuns: 300 })
    })
  }

  it("gives every record its own lists and objects", () => {
    const c = codec(Dialect.sqlite, table)
    const values = c.encode({ id: "a", version: 1, createdAt: 0, updatedAt: 0, name: "n", "odd \"name\"": null, seats: 1, score: null, active: null, total: null, tags: [], profile: {} })
    const a = c.decodeValues(values)
    const b = c.decodeValues(values)
    expect(a.tags).not.toBe(b.tags)
    expect(a.profile).not.toBe(b.profile)
  })
})
