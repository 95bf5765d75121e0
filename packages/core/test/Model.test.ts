import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import { Either, ParseResult, Schema } from "effect"
import { Contact, Field, Model } from "../src/index.js"

const fields = {
  name: Field.text(100),
  nickname: Field.nullable(Field.text()),
  tags: Field.strings(Model.Tag),
  custom: Model.customField(),
  status: Field.string(Schema.Literal("open", "closed")),
  priority: Field.integer(),
  createdBy: Field.string()
}

const inputs = Model.inputs(fields, {
  defaults: { status: () => "open" as const, priority: () => 3 },
  fixed: ["createdBy"]
})

const failingPaths = (result: Either.Either<unknown, ParseResult.ParseError>) => {
  if (Either.isRight(result)) throw new Error("expected a refusal")
  return ParseResult.ArrayFormatter.formatErrorSync(result.left).map((i) => i.path.join("."))
}

describe("Model.inputs create", () => {
  const decode = Schema.decodeUnknownEither(inputs.create, { errors: "all" })

  it("applies defaults: nullable → null, lists → [], custom → {}, explicit defaults", () => {
    expect(decode({ name: " Ada ", createdBy: "usr_1" })).toEqual(Either.right({
      name: "Ada",
      nickname: null,
      tags: [],
      custom: {},
      status: "open",
      priority: 3,
      createdBy: "usr_1"
    }))
  })

  it("keeps values that are given, over the defaults", () => {
    expect(decode({
      name: "Ada",
      nickname: "Countess",
      tags: [" VIP "],
      custom: { plan: "pro" },
      status: "closed",
      priority: 1,
      createdBy: "usr_1"
    })).toEqual(Either.right({
      name: "Ada",
      nickname: "Countess",
      tags: ["vip"],
      custom: { plan: "pro" },
      status: "closed",
      priority: 1,
      createdBy: "usr_1"
    }))
  })

  it("builds a fresh default for every decode", () => {
    const a = Either.getOrThrow(decode({ name: "A", createdBy: "u" }))
    const b = Either.getOrThrow(decode({ name: "B", createdBy: "u" }))
    expect(a.tags).not.toBe(b.tags)
    expect(a.custom).not.toBe(b.custom)
  })

  it("refuses missing required fields, each by name", () => {
    expect(failingPaths(decode({})).sort()).toEqual(["createdBy", "name"])
    expect(failingPaths(decode({ name: "Ada" }))).toEqual(["createdBy"])
  })

  it("refuses bad values of optional fields instead of defaulting them", () => {
    expect(failingPaths(decode({ name: "Ada", createdBy: "u", status: "archived" }))).toContain("status")
    expect(failingPaths(decode({ name: "Ada", createdBy: "u", priority: 1.5 }))).toContain("priority")
    expect(failingPaths(decode({ name: "   ", createdBy: "u" }))).toEqual(["name"])
    expect(failingPaths(decode({ name: "x".repeat(101), createdBy: "u" }))).toEqual(["name"])
    expect(failingPaths(decode({ name: "Ada", createdBy: "u", tags: ["ok", "  "] }))).toContain("tags.1")
  })

  it("types the create input: required fields required, defaulted ones optional", () => {
    type Input = Schema.Schema.Encoded<typeof inputs.create>
    expectTypeOf<Input>().toHaveProperty("name")
    const minimal: Input = { name: "Ada", createdBy: "u" }
    expect(minimal.name).toBe("Ada")
    // @ts-expect-error: createdBy has no default
    const missing: Input = { name: "Ada" }
    expect(missing).toBeDefined()
  })
})

describe("Model.inputs update", () => {
  const decode = Schema.decodeUnknownEither(inputs.update)

  it("makes every field optional and applies no defaults", () => {
    expect(decode({})).toEqual(Either.right({}))
    expect(decode({ nickname: null })).toEqual(Either.right({ nickname: null }))
    expect(decode({ name: " Grace " })).toEqual(Either.right({ name: "Grace" }))
    expect(decode({ status: "closed", priority: 9 })).toEqual(Either.right({ status: "closed", priority: 9 }))
  })

  it("still validates the fields that are given", () => {
    expect(Either.isLeft(decode({ name: "" }))).toBe(true)
    expect(Either.isLeft(decode({ status: "archived" }))).toBe(true)
    expect(Either.isLeft(decode({ name: null }))).toBe(true)
  })

  it("excludes fixed fields", () => {
    expect(decode({ createdBy: "usr_2", name: "Ada" })).toEqual(Either.right({ name: "Ada" }))
    const strict = Schema.decodeUnknownEither(inputs.update, { onExcessProperty: "error" })
    expect(failingPaths(strict({ createdBy: "usr_2" }))).toEqual(["createdBy"])
    type Update = Schema.Schema.Encoded<typeof inputs.update>
    expectTypeOf<keyof Update>().toEqualTypeOf<"name" | "nickname" | "tags" | "custom" | "status" | "priority">()
  })

  it("Contact.inputs: consent fields are fixed, lifecycleStage defaults to lead", () => {
    const created = Schema.decodeUnknownSync(Contact.inputs.create)({ firstName: "Ada" })
    expect(created).toMatchObject({
      firstName: "Ada",
      lastName: null,
      emails: [],
      phones: [],
      tags: [],
      lifecycleStage: "lead",
      consentStatus: "unknown",
      consentSource: null,
      consentAt: null,
      ownerId: null,
      companyId: null,
      custom: {}
    })
    const strict = Schema.decodeUnknownEither(Contact.inputs.update, { onExcessProperty: "error" })
    for (const key of ["consentStatus", "consentSource", "consentAt"]) {
      expect(failingPaths(strict({ [key]: null }))).toEqual([key])
    }
    expect(Schema.decodeUnknownSync(Contact.inputs.update)({ lifecycleStage: "customer" })).toEqual({
      lifecycleStage: "customer"
    })
  })
})

describe("Email, Phone, Tag", () => {
  const email = Schema.decodeUnknownEither(Model.Email)
  const phone = Schema.decodeUnknownEither(Model.Phone)

  it("Email trims and lowercases", () => {
    expect(email("  Ada.Lovelace@Example.COM \n")).toEqual(Either.right("ada.lovelace@example.com"))
    expect(email("ADA@X.ORG")).toEqual(Either.right("ada@x.org"))
  })

  it("Email refuses what is not an address", () => {
    for (const bad of ["", "ada", "ada@x", "@x.org", "ada@", "a b@x.org", "ada@x .org", "ada@@x.org"]) {
      expect(Either.isLeft(email(bad))).toBe(true)
    }
    expect(Either.isLeft(email(`${"a".repeat(245)}@example.org`))).toBe(true)
    expect(Either.isRight(email(`${"a".repeat(242)}@example.org`))).toBe(true)
  })

  it("Phone strips spaces, dashes, dots and parentheses", () => {
    expect(phone("+49 30 123-456")).toEqual(Either.right("+4930123456"))
    expect(phone("+1 (555) 123.4567")).toEqual(Either.right("+15551234567"))
    expect(phone("+1234567")).toEqual(Either.right("+1234567"))
    expect(phone("+123456789012345")).toEqual(Either.right("+123456789012345"))
  })

  it("Phone requires E.164", () => {
    for (const bad of ["4930123456", "030 123456", "+0301234567", "+123456", "+1234567890123456", "+49 30 ABC", "", "+"]) {
      const result = phone(bad)
      expect(Either.isLeft(result)).toBe(true)
    }
    const result = phone("030 123456")
    if (Either.isRight(result)) throw new Error("expected a refusal")
    expect(ParseResult.TreeFormatter.formatErrorSync(result.left)).toContain("a phone number in E.164 form such as +4930123456")
  })

  it("Tag trims, lowercases and refuses empty tags", () => {
    expect(Schema.decodeUnknownSync(Model.Tag)("  VIP ")).toBe("vip")
    expect(Either.isLeft(Schema.decodeUnknownEither(Model.Tag)("   "))).toBe(true)
    expect(Either.isLeft(Schema.decodeUnknownEither(Model.Tag)("x".repeat(65)))).toBe(true)
  })

  it("id checks the prefix", () => {
    const ContactId = Model.id("Test/ContactId", "con")
    expect(Either.isRight(Schema.decodeUnknownEither(ContactId)("con_01ABC"))).toBe(true)
    for (const bad of ["ord_01ABC", "con_", "con-01", "con_01 ABC", `con_${"a".repeat(65)}`]) {
      expect(Either.isLeft(Schema.decodeUnknownEither(ContactId)(bad))).toBe(true)
    }
  })
})
