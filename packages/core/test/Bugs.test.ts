// Regression tests for bugs found by the first review of core's pure modules.
import { expect, it } from "@effect/vitest"
import { Either, ParseResult, Schema } from "effect"
import { Contact, CustomField, Errors, Money, Plan, Query, TimeBucket } from "../src/index.js"
import { catalog, now, workspace } from "./fixtures.js"

it("Query.Scalar refuses non-finite numbers (JSON cannot carry them)", () => {
  for (const value of [NaN, Infinity, -Infinity]) {
    expect(Either.isLeft(Schema.decodeUnknownEither(Query.Expr)({ _tag: "Compare", field: "a", op: "eq", value }))).toBe(true)
    expect(Either.isLeft(Schema.decodeUnknownEither(Query.Expr)({ _tag: "In", field: "a", values: [value] }))).toBe(true)
  }
})

it("Plan never throws on malformed queries with a known tag: InvalidQuery instead", () => {
  for (
    const where of [
      { _tag: "And" },
      { _tag: "Not" },
      { _tag: "In", field: "amount" },
      { _tag: "Compare", field: 5, op: "eq", value: 1 },
      { _tag: "Related", collection: "invoice", foreignKey: "accountId", where: null, op: "gt", value: 1 }
    ]
  ) {
    const collection = where._tag === "Related" ? "account" : "invoice"
    const result = Plan.find(catalog, workspace, { collection, where: where as unknown as Query.Expr }, now)
    expect(Either.isLeft(result) && result.left._tag).toBe("InvalidQuery")
  }
  const noAlias = Plan.aggregate(catalog, workspace, { collection: "invoice", measures: [{ _tag: "Count" } as unknown as Query.Measure] }, now)
  expect(Either.isLeft(noAlias)).toBe(true)
})

it("week buckets keep years below 100 and above 9999, and BC years are astronomical", () => {
  expect(TimeBucket.bucketOf(Date.parse("0099-06-15T12:00:00Z"), "week", "UTC")).toBe("0099-06-15")
  expect(TimeBucket.bucketOf(Date.parse("+010000-06-15T12:00:00Z"), "week", "UTC")).toBe("+010000-06-12")
  expect(TimeBucket.bucketOf(Date.parse("-000005-06-15T12:00:00Z"), "day", "UTC")).toBe("-000005-06-15")
})

it("one issue per failing field, and updates cannot set a required field to undefined", () => {
  const r = Schema.decodeUnknownEither(Contact.inputs.create, { errors: "all" })({ firstName: "Ada", emails: ["not-an-email"] })
  if (Either.isRight(r)) throw new Error("expected refusal")
  expect(Errors.ValidationError.fromParseError("Contacts.create", r.left).message)
    .toBe("Contacts.create: emails.0: an email address such as ada@example.com")
  const f = CustomField.declare({ c: { seats: CustomField.number() } }).c
  const v = CustomField.validate(f, { seats: "x" })
  if (Either.isRight(v)) throw new Error("expected refusal")
  expect(ParseResult.ArrayFormatter.formatErrorSync(v.left).map((i) => i.message)).toEqual(['Expected number, actual "x"'])
  expect(Either.isLeft(Schema.decodeUnknownEither(Contact.inputs.update)({ firstName: undefined }))).toBe(true)
  const stage = Schema.decodeUnknownEither(Contact.inputs.create, { errors: "all" })({ firstName: "Ada", lifecycleStage: "whale" })
  if (Either.isRight(stage)) throw new Error("expected refusal")
  const issues = Errors.ValidationError.fromParseError("Contacts.create", stage.left).issues
  expect(issues.length).toBe(1)
  expect(issues[0]!.message).toContain('"customer"')
})

it("Money.format prints amounts past 1e21 in full", () => {
  expect(Money.format({ amountMinor: 1e21, currency: "EUR" })).toBe("10000000000000000000.00 EUR")
})

it("Plan refuses impossible calendar dates", () => {
  expect(Either.isLeft(Plan.find(catalog, workspace, Query.find("invoice", { where: Query.eq("dueOn", "2026-02-30") }), now))).toBe(true)
})

it("a nullable field reports its real reason, not also 'Expected null'", () => {
  const r = Schema.decodeUnknownEither(Contact.inputs.create, { errors: "all" })({ firstName: "Ada", lastName: "", companyId: "x" })
  if (Either.isRight(r)) throw new Error("expected refusal")
  const issues = Errors.ValidationError.fromParseError("Contacts.create", r.left).issues
  expect(issues.map((i) => i.path).sort()).toEqual(["companyId", "lastName"])
  expect(issues.every((i) => !i.message.startsWith("Expected null"))).toBe(true)
})
