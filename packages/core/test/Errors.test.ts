import { describe, expect, it } from "@effect/vitest"
import { Either, Schema } from "effect"
import { Contact, Errors } from "../src/index.js"

const parseErrorOf = (result: Either.Either<unknown, import("effect").ParseResult.ParseError>) => {
  if (Either.isRight(result)) throw new Error("expected a ParseError")
  return result.left
}

describe("ValidationError", () => {
  it("fromParseError lists each failing field path and message", () => {
    const error = Errors.ValidationError.fromParseError(
      "Contacts.create",
      parseErrorOf(Schema.decodeUnknownEither(Contact.inputs.create, { errors: "all" })({
        firstName: "  ",
        emails: ["ada@example.org", "not-an-email"],
        phones: ["030 123"]
      }))
    )
    expect(error._tag).toBe("ValidationError")
    expect(error.operation).toBe("Contacts.create")
    // Effect echoes each failure of an optional field with an "Expected undefined" issue
    // (the `undefined` branch of `Schema.optional`); see the report on Model.inputs.
    const real = error.issues.filter((i) => !i.message.startsWith("Expected undefined"))
    expect(real.map((i) => ({ path: i.path, message: i.message }))).toEqual([
      { path: "firstName", message: "must not be empty" },
      { path: "emails.1", message: "an email address such as ada@example.com" },
      { path: "phones.0", message: "a phone number in E.164 form such as +4930123456" }
    ])
    expect(error.issues.every((i) => i instanceof Errors.FieldIssue)).toBe(true)
    expect(error.message).toContain(
      "Contacts.create: firstName: must not be empty; emails.1: an email address such as ada@example.com; "
    )
    expect(error.message).toContain("phones.0: a phone number in E.164 form such as +4930123456")
  })

  it("joins the issues into its message", () => {
    const error = Errors.ValidationError.fromParseError(
      "Contacts.create",
      parseErrorOf(Schema.decodeUnknownEither(Contact.inputs.create, { errors: "all" })({ firstName: "", lifecycleStage: "x" }))
    )
    const real = error.issues.filter((i) => !i.message.startsWith("Expected undefined"))
    expect([...new Set(real.map((i) => i.path))]).toEqual(["firstName", "lifecycleStage"])
    expect(real.filter((i) => i.path === "lifecycleStage").map((i) => i.message).join()).toContain(
      '"customer"'
    )
    expect(error.message).toMatch(/^Contacts\.create: firstName: must not be empty; lifecycleStage: /)
  })

  it("names missing fields", () => {
    const error = Errors.ValidationError.fromParseError(
      "Contacts.create",
      parseErrorOf(Schema.decodeUnknownEither(Contact.inputs.create)({}))
    )
    expect(error.issues.map((i) => [i.path, i.message])).toEqual([["firstName", "is missing"]])
  })

  it("uses an empty path for a failure of the whole input", () => {
    const error = Errors.ValidationError.fromParseError(
      "Contacts.create",
      parseErrorOf(Schema.decodeUnknownEither(Contact.inputs.create)("Ada"))
    )
    expect(error.issues).toHaveLength(1)
    expect(error.issues[0]!.path).toBe("")
    expect(error.message).toBe(`Contacts.create: ${error.issues[0]!.message}`)
  })

  it("single builds one issue", () => {
    const error = Errors.ValidationError.single("Orders.refund", "amount", "exceeds the paid total")
    expect(error.issues).toEqual([new Errors.FieldIssue({ path: "amount", message: "exceeds the paid total" })])
    expect(error.message).toBe("Orders.refund: amount: exceeds the paid total")
  })

  it("is a yieldable, encodable tagged error", () => {
    const error = Errors.ValidationError.single("op", "", "bad")
    expect(error).toBeInstanceOf(Error)
    expect(error.message).toBe("op: bad")
    expect(Schema.encodeSync(Errors.ValidationError)(error)).toEqual({
      _tag: "ValidationError",
      operation: "op",
      issues: [{ path: "", message: "bad" }]
    })
  })
})

describe("error messages", () => {
  it("NotFound", () => {
    expect(new Errors.NotFound({ collection: "contact", id: "con_1" }).message).toBe("contact con_1 not found")
  })

  it("Conflict, per reason", () => {
    expect(new Errors.Conflict({
      collection: "contact",
      id: "con_1",
      reason: "stale-version",
      expectedVersion: 2,
      actualVersion: 3
    }).message).toBe("contact con_1: expected version 2, found 3")
    expect(new Errors.Conflict({ collection: "order", id: "ord_1", reason: "duplicate-id" }).message).toBe(
      "order ord_1 already exists"
    )
    expect(new Errors.Conflict({ collection: "order", id: "ord_1", reason: "unique-violation" }).message).toBe(
      "order ord_1: unique key already taken"
    )
    expect(new Errors.Conflict({ collection: "order", id: "ord_1", reason: "unique-violation", detail: "number A-1 taken" })
      .message).toBe("order ord_1: number A-1 taken")
  })

  it("InvalidQuery, with and without a path", () => {
    expect(new Errors.InvalidQuery({ collection: "contact", path: "where.exprs.0", reason: "unknown field" }).message)
      .toBe("query on contact: where.exprs.0: unknown field")
    expect(new Errors.InvalidQuery({ collection: "contact", path: "", reason: "bad" }).message).toBe("query on contact: bad")
  })

  it("StoreError", () => {
    const error = new Errors.StoreError({ operation: "Store.insert", detail: "disk full", cause: new Error("ENOSPC") })
    expect(error.message).toBe("Store.insert: disk full")
    expect(error._tag).toBe("StoreError")
  })
})
