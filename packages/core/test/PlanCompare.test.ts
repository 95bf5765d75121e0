// Plan checks of field references and arithmetic (`Query.compare`): kinds, money units,
// currency pins, the arithmetic range, paths of refusals.
import { describe, expect, it } from "@effect/vitest"
import { Either, Schema } from "effect"
import { Catalog, Collection, Errors, Field, Plan, Query } from "../src/index.js"

const fields = {
  name: Field.string(),
  memo: Field.nullable(Field.string()),
  probability: Field.number(),
  units: Field.integer(),
  createdOn: Field.date(),
  closedAt: Field.nullable(Field.timestamp()),
  won: Field.boolean(),
  amount: Field.money(),
  cost: Field.nullable(Field.money()),
  tags: Field.strings()
}
const deal = Collection.make({
  name: "deal",
  schema: Schema.Struct(Collection.modelFields(Schema.String, fields)) as unknown as Schema.Schema<unknown, any>,
  fields
})
const catalog = Catalog.make({ collections: [deal] })
const find = (where: Query.Expr) => Plan.find(catalog, "ws", Query.find("deal", { where }), 0)

const refused = (where: Query.Expr, path: string, reason: RegExp) => {
  const result = find(where)
  if (Either.isRight(result)) throw new Error(`expected InvalidQuery at ${path}, got a plan`)
  expect(result.left).toBeInstanceOf(Errors.InvalidQuery)
  expect(result.left.path).toBe(path)
  expect(result.left.reason).toMatch(reason)
}
const accepted = (where: Query.Expr) => {
  const result = find(where)
  if (Either.isLeft(result)) throw new Error(`expected a plan, got ${result.left.message}`)
  // The condition reaches the engines as written.
  expect(result.right.where).toEqual(where)
}

const f = Query.field
const amount = f("amount.amountMinor")
const cost = f("cost.amountMinor")

describe("Plan: compare", () => {
  it("accepts fields of one kind, and numbers of any numeric kind", () => {
    accepted(Query.compare(f("name"), "lt", f("memo")))
    accepted(Query.compare(f("createdOn"), "gte", "2024-01-01"))
    accepted(Query.compare(f("won"), "neq", true))
    accepted(Query.compare(Query.subtract(f("closedAt"), f("units")), "gt", Query.multiply(f("probability"), 7)))
  })

  it("refuses other kinds, naming the comparison or the operand", () => {
    refused(Query.compare(f("name"), "eq", f("units")), "where", /cannot compare text with a number/)
    refused(Query.compare(f("createdOn"), "eq", f("name")), "where", /cannot compare a date with text/)
    refused(Query.compare(f("createdOn"), "eq", "01/02/2024"), "where.right", /YYYY-MM-DD/)
    refused(Query.compare(f("won"), "gt", f("won")), "where", /booleans support eq and neq, not gt/)
    refused(Query.compare(f("tags"), "eq", "x"), "where.left", /strings field/)
    refused(Query.compare(f("amount"), "eq", 1), "where.left", /money field; compare its parts/)
    refused(Query.compare(Query.add(f("name"), 1), "gt", 1), "where.left", /arithmetic applies to numbers, not text/)
    refused(Query.compare(1, "lt", Query.add(2, 3)), "where", /compares no field/)
    refused(Query.and(Query.eq("won", true), Query.compare(f("nope"), "lt", 1)), "where.exprs.1.left", /unknown field "nope"/)
    refused(Query.compare(f("units"), "lt", Query.divide(1, f("nope"))), "where.right.right", /unknown field "nope"/)
  })

  it("checks literals: finite, storable text, and arithmetic operands within 2^-64 … 2^64", () => {
    refused(Query.compare(f("units"), "lt", Number.POSITIVE_INFINITY), "where.right.value", /finite/i)
    refused(Query.compare(f("name"), "eq", "a\u0000"), "where.right", /NUL/)
    refused(Query.compare(Query.multiply(f("units"), 2 ** 65), "gt", 0), "where.left.right", /between 2\^-64 and 2\^64/)
    refused(Query.compare(Query.add(f("units"), 2 ** -70), "gt", 0), "where.left.right", /between 2\^-64 and 2\^64/)
    accepted(Query.compare(Query.multiply(f("units"), 2 ** 64), "gt", 2 ** 70))
    accepted(Query.compare(Query.add(f("units"), -(2 ** -64)), "gt", 0))
    accepted(Query.compare(Query.divide(f("units"), 0), "gt", 0))
    expect(Plan.inArithRange(0) && Plan.inArithRange(2 ** 64) && !Plan.inArithRange(2 ** 64 * 1.0000001)).toBe(true)
  })

  it("allows at most 8 operands a side", () => {
    const sum = (n: number) => Array.from({ length: n - 1 }, (_, i) => i + 1).reduce((t: Query.Term, k) => Query.add(t, k), f("units"))
    accepted(Query.compare(sum(8), "gt", sum(8)))
    refused(Query.compare(f("units"), "gt", sum(9)), "where.right", /at most 8 operands/)
  })

  it("keeps money amounts apart from plain numbers, except for scaling", () => {
    accepted(Query.compare(Query.multiply(amount, f("probability")), "gt", 1000))
    accepted(Query.compare(Query.divide(amount, f("units")), "lt", Query.subtract(amount, 100)))
    accepted(Query.compare(Query.divide(amount, amount), "lt", f("probability")))
    refused(Query.compare(amount, "gt", f("units")), "where", /cannot compare a money amount \(amount\) with a plain number/)
    refused(Query.compare(Query.add(amount, f("units")), "gt", 1), "where.left", /cannot add a money amount \(amount\) and a plain number/)
    refused(Query.compare(Query.multiply(amount, amount), "gt", 1), "where.left", /cannot multiply/)
    refused(Query.compare(Query.divide(f("units"), amount), "gt", 1), "where.left", /cannot divide a plain number/)
    refused(Query.compare(Query.divide(2, amount), "gt", 1), "where.left", /cannot divide a literal/)
  })

  it("compares two money amounts only where an enclosing and keeps one currency", () => {
    const cmp = Query.compare(amount, "gt", cost)
    refused(cmp, "where", /"amount" and "cost" may hold different currencies/)
    refused(Query.compare(Query.subtract(amount, cost), "gt", 0), "where.left", /different currencies/)
    refused(Query.and(Query.eq("amount.currency", "EUR"), cmp), "where.exprs.1", /different currencies/)
    refused(Query.and(Query.eq("amount.currency", "EUR"), Query.eq("cost.currency", "USD"), cmp), "where.exprs.2", /different/)
    refused(Query.or(Query.compare(f("amount.currency"), "eq", f("cost.currency")), cmp), "where.exprs.1", /different/)
    refused(Query.and(Query.not(Query.neq("amount.currency", "EUR")), Query.eq("cost.currency", "EUR"), cmp), "where.exprs.2", /different/)
    accepted(Query.and(Query.eq("amount.currency", "EUR"), Query.isIn("cost.currency", ["EUR"]), cmp))
    accepted(Query.and(Query.compare(f("cost.currency"), "eq", f("amount.currency")), Query.or(cmp, Query.not(cmp))))
    accepted(Query.and(Query.and(Query.eq("amount.currency", "EUR")), Query.eq("won", true), Query.and(Query.eq("cost.currency", "EUR"), cmp)))
    accepted(Query.and(Query.compare(f("amount.currency"), "eq", f("cost.currency")), Query.compare(Query.divide(amount, cost), "gt", 0.5)))
  })

  it("decodes from and encodes to JSON", () => {
    const where = Query.compare(Query.multiply(amount, f("probability")), "gt", 1000)
    const json = JSON.parse(JSON.stringify(Schema.encodeSync(Query.Expr)(where)))
    expect(json).toEqual({
      _tag: "CompareTerms",
      left: {
        _tag: "Arith",
        op: "multiply",
        left: { _tag: "FieldRef", field: "amount.amountMinor" },
        right: { _tag: "FieldRef", field: "probability" }
      },
      op: "gt",
      right: { _tag: "Literal", value: 1000 }
    })
    expect(Schema.decodeUnknownSync(Query.Expr)(json)).toEqual(where)
    const bad = Plan.find(catalog, "ws", { collection: "deal", where: { ...json, right: { _tag: "Column", name: "x" } } }, 0)
    expect(Either.isLeft(bad) && bad.left.path.startsWith("where")).toBe(true)
  })
})
