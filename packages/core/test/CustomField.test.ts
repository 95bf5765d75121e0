import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import { Either, ParseResult } from "effect"
import { CustomField, Field, Money } from "../src/index.js"

const fields = CustomField.declare({
  contact: {
    note: CustomField.text(),
    seats: CustomField.number(),
    vip: CustomField.boolean(),
    renewsOn: CustomField.date(),
    budget: CustomField.money(),
    plan: CustomField.select(["free", "pro", "enterprise"]),
    modules: CustomField.multiSelect(["crm", "desk", "shop"]),
    manager: CustomField.reference("user")
  }
}).contact

const validate = (values: unknown) => CustomField.validate(fields, values)

/** The failing paths and messages, in order. */
const issuesOf = (values: unknown) => {
  const result = validate(values)
  if (Either.isRight(result)) throw new Error(`expected a refusal of ${JSON.stringify(values)}`)
  return ParseResult.ArrayFormatter.formatErrorSync(result.left).map((i) => ({ path: i.path.join("."), message: i.message }))
}

/**
 * The issues without the echo of `Schema.optional`'s `undefined` branch, which Effect
 * adds after every real failure of an optional field.
 */
const realIssuesOf = (values: unknown) => issuesOf(values).filter((i) => !i.message.startsWith("Expected undefined"))

const pathsOf = (values: unknown) => [...new Set(realIssuesOf(values).map((i) => i.path))]

describe("CustomField.declare", () => {
  it("returns the declaration unchanged", () => {
    const declaration = { order: { channel: CustomField.text() } }
    expect(CustomField.declare(declaration)).toBe(declaration)
  })

  it("accepts identifiers up to 63 characters", () => {
    for (const name of ["a", "plan", "Plan_2", "x_y_z", "a".repeat(63)]) {
      expect(() => CustomField.declare({ contact: { [name]: CustomField.text() } })).not.toThrow()
    }
  })

  it("refuses names that are not identifiers, naming the field", () => {
    for (const name of ["", "1plan", "_plan", "has-dash", "has space", "dotted.name", "ünï", "a".repeat(64), "x;drop"]) {
      expect(() => CustomField.declare({ contact: { [name]: CustomField.text() } })).toThrow(
        `custom field contact.${name}: names are letters, digits and _, starting with a letter`
      )
    }
  })

  it("declares storage kinds per type", () => {
    expect(CustomField.specs(fields)).toEqual({
      note: { kind: "string", nullable: false },
      seats: { kind: "number", nullable: false },
      vip: { kind: "boolean", nullable: false },
      renewsOn: { kind: "date", nullable: false },
      budget: { kind: "money", nullable: false },
      plan: { kind: "string", nullable: false },
      modules: { kind: "strings", nullable: false },
      manager: { kind: "string", nullable: false, ref: "user" }
    })
    expect(CustomField.specs(undefined)).toEqual({})
    expect(fields.plan.type).toBe("select")
    expect(fields.plan.options).toEqual(["free", "pro", "enterprise"])
    expect(fields.modules.type).toBe("multiSelect")
    expect(fields.note.options).toBeUndefined()
  })
})

describe("CustomField.validate", () => {
  it("accepts every type and returns the encoded form", () => {
    const result = validate({
      note: "  hello  ",
      seats: 12.5,
      vip: true,
      renewsOn: "2026-02-28",
      budget: { amountMinor: 50000, currency: "EUR" },
      plan: "pro",
      modules: ["crm", "shop"],
      manager: "usr_1"
    })
    expect(result).toEqual(Either.right({
      note: "hello",
      seats: 12.5,
      vip: true,
      renewsOn: "2026-02-28",
      budget: { amountMinor: 50000, currency: "EUR" },
      plan: "pro",
      modules: ["crm", "shop"],
      manager: "usr_1"
    }))
    // The stored form is plain data, not a Money instance.
    const budget = Either.getOrThrow(result).budget
    expect(budget).not.toBeInstanceOf(Money.Money)
  })

  it("accepts an empty object: every field is optional", () => {
    expect(validate({})).toEqual(Either.right({}))
    expect(validate({ modules: [] })).toEqual(Either.right({ modules: [] }))
  })

  it("refuses wrong values per type", () => {
    expect(pathsOf({ note: 5 })).toEqual(["note"])
    expect(pathsOf({ note: "x".repeat(10_001) })).toEqual(["note"])
    expect(pathsOf({ seats: "12" })).toEqual(["seats"])
    expect(pathsOf({ seats: Number.NaN })).toEqual(["seats"])
    expect(pathsOf({ seats: Infinity })).toEqual(["seats"])
    expect(pathsOf({ vip: "yes" })).toEqual(["vip"])
    expect(pathsOf({ renewsOn: "2026-02-30" })).toEqual(["renewsOn"])
    expect(pathsOf({ renewsOn: "2026-2-3" })).toEqual(["renewsOn"])
    expect(pathsOf({ budget: { amountMinor: 1.5, currency: "EUR" } })).toEqual(["budget.amountMinor"])
    expect(pathsOf({ budget: { amountMinor: 1, currency: "eur" } })).toEqual(["budget.currency"])
    expect(pathsOf({ plan: "gold" })).toEqual(["plan"])
    expect(pathsOf({ plan: "Pro" })).toEqual(["plan"])
    expect(pathsOf({ modules: ["crm", "nope"] })).toEqual(["modules.1"])
    expect(pathsOf({ modules: "crm" })).toEqual(["modules"])
    expect(pathsOf({ manager: "" })).toEqual(["manager"])
    expect(pathsOf({ manager: 7 })).toEqual(["manager"])
  })

  it("refuses repeated multiSelect options", () => {
    expect(realIssuesOf({ modules: ["crm", "desk", "crm"] })).toEqual([{ path: "modules", message: "options must not repeat" }])
  })

  it("refuses unknown keys", () => {
    const issues = issuesOf({ plan: "pro", colour: "red" })
    expect(issues).toHaveLength(1)
    expect(issues[0]!.path).toBe("colour")
    expect(issues[0]!.message).toMatch(/^is unexpected/)
  })

  it("refuses null (removing a value is the service's job, not a stored value)", () => {
    expect(pathsOf({ plan: null })).toEqual(["plan"])
  })

  it("refuses values that are not objects", () => {
    for (const values of [null, "plan", 5, ["pro"]]) expect(Either.isLeft(validate(values))).toBe(true)
  })

  it("names the expected value in its messages", () => {
    expect(realIssuesOf({ seats: "x" })).toEqual([{ path: "seats", message: 'Expected number, actual "x"' }])
    expect(realIssuesOf({ budget: { amountMinor: "1", currency: "EUR" } })).toEqual([
      { path: "budget.amountMinor", message: 'Expected number, actual "1"' }
    ])
  })

  it("reports every issue with its path", () => {
    expect(pathsOf({
      note: 1,
      seats: "many",
      renewsOn: "someday",
      plan: "gold",
      modules: ["crm", "crm"],
      budget: { amountMinor: "1", currency: "EUR" },
      extra: true
    }).sort()).toEqual(["budget.amountMinor", "extra", "modules", "note", "plan", "renewsOn", "seats"])
  })

  it("caches the schema per declaration", () => {
    expect(CustomField.schemaOf(fields)).toBe(CustomField.schemaOf(fields))
  })
})

describe("CustomField types", () => {
  type F = typeof fields

  it("Values gives every field as optional, with its decoded type", () => {
    type V = CustomField.Values<F>
    expectTypeOf<V>().toEqualTypeOf<{
      readonly note?: string
      readonly seats?: number
      readonly vip?: boolean
      readonly renewsOn?: typeof Field.IsoDate.Type
      readonly budget?: Money.Money
      readonly plan?: "free" | "pro" | "enterprise"
      readonly modules?: ReadonlyArray<"crm" | "desk" | "shop">
      readonly manager?: string
    }>()
    expectTypeOf<CustomField.Values<undefined>>().toEqualTypeOf<Readonly<Record<string, unknown>>>()
  })

  it("Input takes the encoded form and null", () => {
    type I = CustomField.Input<F>
    expectTypeOf<I["plan"]>().toEqualTypeOf<"free" | "pro" | "enterprise" | null | undefined>()
    expectTypeOf<I["renewsOn"]>().toEqualTypeOf<string | null | undefined>()
    expectTypeOf<I["budget"]>().toEqualTypeOf<
      { readonly amountMinor: number; readonly currency: string } | null | undefined
    >()
    const ok: I = { plan: null, budget: { amountMinor: 1, currency: "EUR" }, modules: ["crm"] }
    expect(ok.plan).toBeNull()
    // @ts-expect-error: not one of the options
    const bad: I = { plan: "gold" }
    // @ts-expect-error: not a declared field
    const unknownKey: I = { colour: "red" }
    expect([bad, unknownKey]).toHaveLength(2)
  })
})
