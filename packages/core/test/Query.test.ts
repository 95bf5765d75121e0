import { describe, expect, it } from "@effect/vitest"
import { Arbitrary, Either, FastCheck as fc, Schema } from "effect"
import { Query } from "../src/index.js"

describe("constructors", () => {
  it("comparisons", () => {
    expect(Query.eq("a", 1)).toEqual({ _tag: "Compare", field: "a", op: "eq", value: 1 })
    expect(Query.neq("a", "x")).toEqual({ _tag: "Compare", field: "a", op: "neq", value: "x" })
    expect(Query.lt("a", 1)).toEqual({ _tag: "Compare", field: "a", op: "lt", value: 1 })
    expect(Query.lte("a", 1)).toEqual({ _tag: "Compare", field: "a", op: "lte", value: 1 })
    expect(Query.gt("a", 1)).toEqual({ _tag: "Compare", field: "a", op: "gt", value: 1 })
    expect(Query.gte("a", false)).toEqual({ _tag: "Compare", field: "a", op: "gte", value: false })
    expect(Query.between("a", 1, 2)).toEqual({ _tag: "Between", field: "a", low: 1, high: 2 })
    expect(Query.isIn("a", [1, 2])).toEqual({ _tag: "In", field: "a", values: [1, 2] })
    expect(Query.notIn("a", [])).toEqual({ _tag: "NotIn", field: "a", values: [] })
    expect(Query.isNull("a")).toEqual({ _tag: "IsNull", field: "a" })
    expect(Query.isNotNull("a")).toEqual({ _tag: "Not", expr: { _tag: "IsNull", field: "a" } })
  })

  it("text, defaulting to case-sensitive", () => {
    expect(Query.contains("n", "ad")).toEqual({ _tag: "Text", field: "n", op: "contains", value: "ad", caseInsensitive: false })
    expect(Query.startsWith("n", "A", { caseInsensitive: true })).toEqual({
      _tag: "Text",
      field: "n",
      op: "startsWith",
      value: "A",
      caseInsensitive: true
    })
    expect(Query.endsWith("n", "e", {})).toEqual({ _tag: "Text", field: "n", op: "endsWith", value: "e", caseInsensitive: false })
    expect(Query.equalsText("email", "ADA@x.org", { caseInsensitive: true })).toEqual({
      _tag: "Text",
      field: "email",
      op: "equals",
      value: "ADA@x.org",
      caseInsensitive: true
    })
  })

  it("lists, windows and logic", () => {
    expect(Query.has("tags", "vip")).toEqual({ _tag: "Has", field: "tags", value: "vip" })
    expect(Query.hasAny("tags", ["a", "b"])).toEqual({ _tag: "HasAny", field: "tags", values: ["a", "b"] })
    expect(Query.withinLast("placedAt", 90, "day")).toEqual({
      _tag: "Within",
      field: "placedAt",
      direction: "past",
      amount: 90,
      unit: "day"
    })
    expect(Query.withinNext("dueAt", 2, "hour")).toEqual({
      _tag: "Within",
      field: "dueAt",
      direction: "future",
      amount: 2,
      unit: "hour"
    })
    expect(Query.and()).toEqual({ _tag: "And", exprs: [] })
    expect(Query.or(Query.isNull("a"), Query.eq("b", 1))).toEqual({
      _tag: "Or",
      exprs: [{ _tag: "IsNull", field: "a" }, { _tag: "Compare", field: "b", op: "eq", value: 1 }]
    })
    expect(Query.not(Query.and())).toEqual({ _tag: "Not", expr: { _tag: "And", exprs: [] } })
    expect(Query.unitMillis).toEqual({ minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 604_800_000 })
  })

  it("related and exists", () => {
    expect(Query.related("order", "contactId", { op: "gte", value: 3 })).toEqual({
      _tag: "Related",
      collection: "order",
      foreignKey: "contactId",
      where: null,
      measure: { _tag: "Count" },
      op: "gte",
      value: 3
    })
    expect(Query.related("order", "contactId", {
      where: Query.eq("status", "paid"),
      measure: { _tag: "Sum", field: "total.amountMinor" },
      op: "gt",
      value: 100_000
    })).toEqual({
      _tag: "Related",
      collection: "order",
      foreignKey: "contactId",
      where: { _tag: "Compare", field: "status", op: "eq", value: "paid" },
      measure: { _tag: "Sum", field: "total.amountMinor" },
      op: "gt",
      value: 100_000
    })
    expect(Query.exists("task", "contactId")).toEqual({
      _tag: "Exists",
      collection: "task",
      foreignKey: "contactId",
      where: null
    })
    expect(Query.exists("task", "contactId", Query.isNull("doneAt"))).toMatchObject({
      _tag: "Exists",
      where: { _tag: "IsNull", field: "doneAt" }
    })
    expect(Query.notExists("task", "contactId")).toEqual(Query.not(Query.exists("task", "contactId")))
  })

  it("find and aggregate", () => {
    expect(Query.find("contact")).toEqual({ collection: "contact" })
    expect(Query.find("contact", { where: Query.eq("a", 1), orderBy: [{ field: "a", direction: "desc" }], limit: 5 }))
      .toEqual({
        collection: "contact",
        where: { _tag: "Compare", field: "a", op: "eq", value: 1 },
        orderBy: [{ field: "a", direction: "desc" }],
        limit: 5
      })
    expect(Query.aggregate("order", { measures: [{ _tag: "Count", as: "n" }] })).toEqual({
      collection: "order",
      measures: [{ _tag: "Count", as: "n" }]
    })
  })
})

// ---------------------------------------------------------------------------
// JSON round trips
// ---------------------------------------------------------------------------

const field = fc.oneof(
  fc.constantFrom("a", "firstName", "total.amountMinor", "custom.plan", "ünïcødé", "😀"),
  fc.string({ minLength: 1, maxLength: 8 })
)
/** Finite and not -0: the numbers JSON carries unchanged. */
const jsonNumber = fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n))
const scalar: fc.Arbitrary<Query.Scalar> = fc.oneof(fc.string({ maxLength: 8 }), jsonNumber, fc.boolean())
const compareOp = fc.constantFrom<Query.CompareOp>("eq", "neq", "lt", "lte", "gt", "gte")
const unit = fc.constantFrom<Query.DurationUnit>("minute", "hour", "day", "week")
const relatedMeasure = fc.oneof(
  fc.constant({ _tag: "Count" } as const),
  fc.record({ _tag: fc.constantFrom("Sum" as const, "Min" as const, "Max" as const), field })
)

const { expr } = fc.letrec<{ expr: Query.Expr }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.record({ _tag: fc.constant("Compare" as const), field, op: compareOp, value: scalar }),
    fc.record({ _tag: fc.constant("Between" as const), field, low: scalar, high: scalar }),
    fc.record({ _tag: fc.constantFrom("In" as const, "NotIn" as const), field, values: fc.array(scalar, { maxLength: 4 }) }),
    fc.record({ _tag: fc.constant("IsNull" as const), field }),
    fc.record({
      _tag: fc.constant("Text" as const),
      field,
      op: fc.constantFrom<Query.TextOp>("contains", "startsWith", "endsWith", "equals"),
      value: fc.string({ maxLength: 8 }),
      caseInsensitive: fc.boolean()
    }),
    fc.record({ _tag: fc.constant("Has" as const), field, value: fc.string({ maxLength: 8 }) }),
    fc.record({ _tag: fc.constant("HasAny" as const), field, values: fc.array(fc.string({ maxLength: 8 }), { maxLength: 4 }) }),
    fc.record({
      _tag: fc.constant("Within" as const),
      field,
      direction: fc.constantFrom("past" as const, "future" as const),
      amount: fc.nat(),
      unit
    }),
    fc.record({ _tag: fc.constantFrom("And" as const, "Or" as const), exprs: fc.array(tie("expr"), { maxLength: 3 }) }),
    fc.record({ _tag: fc.constant("Not" as const), expr: tie("expr") }),
    fc.record({
      _tag: fc.constant("Related" as const),
      collection: field,
      foreignKey: field,
      where: fc.option(tie("expr"), { nil: null }),
      measure: relatedMeasure,
      op: compareOp,
      value: jsonNumber
    })
  )
}))

const order = fc.record({ field, direction: fc.constantFrom("asc" as const, "desc" as const) })

const findArb: fc.Arbitrary<Query.Find> = fc.record({
  collection: field,
  where: expr,
  orderBy: fc.array(order, { maxLength: 3 }),
  limit: fc.integer({ min: 1, max: 10_000 }),
  cursor: fc.string()
}, { requiredKeys: ["collection"] })

const term: fc.Arbitrary<Query.Term> = fc.letrec<{ term: Query.Term }>((tie) => ({
  term: fc.oneof(
    { depthSize: "small" },
    fc.record({ _tag: fc.constant("FieldRef" as const), field }),
    fc.record({ _tag: fc.constant("Literal" as const), value: scalar }),
    fc.record({
      _tag: fc.constant("Arith" as const),
      op: fc.constantFrom<Query.ArithOp>("add", "subtract", "multiply", "divide"),
      left: tie("term"),
      right: tie("term")
    })
  )
})).term

const { having } = fc.letrec<{ having: Query.Having }>((tie) => ({
  having: fc.oneof(
    { depthSize: "small" },
    fc.record({ _tag: fc.constant("Compare" as const), alias: field, op: compareOp, value: scalar }),
    fc.record({ _tag: fc.constant("IsNull" as const), alias: field }),
    fc.record({ _tag: fc.constantFrom("And" as const, "Or" as const), conditions: fc.array(tie("having"), { maxLength: 3 }) }),
    fc.record({ _tag: fc.constant("Not" as const), condition: tie("having") })
  )
}))

const fraction = fc.double({ min: 0, max: 1, noNaN: true }).map((n) => (Object.is(n, -0) ? 0 : n))

const measureArb: fc.Arbitrary<Query.Measure> = fc.oneof(
  fc.record({ _tag: fc.constant("Count" as const), as: field, filter: expr }, { requiredKeys: ["_tag", "as"] }),
  fc.record({
    _tag: fc.constantFrom("Sum" as const, "Avg" as const, "Min" as const, "Max" as const),
    as: field,
    field,
    filter: expr
  }, { requiredKeys: ["_tag", "as", "field"] }),
  fc.record({
    _tag: fc.constantFrom("Sum" as const, "Avg" as const, "Min" as const, "Max" as const),
    as: field,
    term,
    filter: expr
  }, { requiredKeys: ["_tag", "as", "term"] }),
  fc.record({ _tag: fc.constant("Percentile" as const), as: field, field, p: fraction }),
  fc.record({ _tag: fc.constant("Percentile" as const), as: field, term, p: fraction })
).map((m) => m as Query.Measure)

const aggregateArb: fc.Arbitrary<Query.Aggregate> = fc.record({
  collection: field,
  where: expr,
  having,
  cursor: fc.string(),
  groupBy: fc.array(
    fc.oneof(
      fc.record({ _tag: fc.constant("Field" as const), as: field, field }),
      fc.record({ _tag: fc.constant("Term" as const), as: field, term }),
      fc.record({
        _tag: fc.constant("Bucket" as const),
        as: field,
        field,
        unit: fc.constantFrom<Query.BucketUnit>("day", "week", "month", "year"),
        timeZone: fc.constantFrom("UTC", "Europe/Berlin", "Not/A_Zone")
      })
    ),
    { maxLength: 3 }
  ),
  measures: fc.array(measureArb, { maxLength: 3 }),
  orderBy: fc.array(order, { maxLength: 3 }),
  limit: fc.integer({ min: 1, max: 10_000 })
}, { requiredKeys: ["collection", "measures"] })

const viaJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value))

/** Replaces the numbers JSON cannot carry (NaN, ±Infinity, -0) by 0. */
const jsonSafe = (value: unknown): unknown => {
  if (typeof value === "number") return Number.isFinite(value) && !Object.is(value, -0) ? value : 0
  if (Array.isArray(value)) return value.map(jsonSafe)
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]))
  }
  return value
}

describe("schemas round-trip through JSON", () => {
  it.prop("Expr", [expr], ([e]) => {
    expect(Schema.decodeUnknownSync(Query.Expr)(viaJson(e))).toEqual(e)
    expect(Schema.encodeSync(Query.Expr)(e)).toEqual(e)
  }, { fastCheck: { numRuns: 500 } })

  it.prop("Find", [findArb], ([q]) => {
    expect(Schema.decodeUnknownSync(Query.Find)(viaJson(q))).toEqual(q)
  }, { fastCheck: { numRuns: 300 } })

  it.prop("Aggregate", [aggregateArb], ([q]) => {
    expect(Schema.decodeUnknownSync(Query.Aggregate)(viaJson(q))).toEqual(q)
  }, { fastCheck: { numRuns: 300 } })

  it.prop(
    "Find, from the schema's own Arbitrary (numbers made JSON-safe)",
    [Arbitrary.make(Query.Find).map(jsonSafe)],
    ([q]) => {
      const decoded = Schema.decodeUnknownSync(Query.Find)(q)
      expect(Schema.decodeUnknownSync(Query.Find)(viaJson(decoded))).toEqual(decoded)
    },
    { fastCheck: { numRuns: 200 } }
  )

  it.prop(
    "Aggregate, from the schema's own Arbitrary (numbers made JSON-safe)",
    [Arbitrary.make(Query.Aggregate).map(jsonSafe)],
    ([q]) => {
      const decoded = Schema.decodeUnknownSync(Query.Aggregate)(q)
      expect(Schema.decodeUnknownSync(Query.Aggregate)(viaJson(decoded))).toEqual(decoded)
    },
    { fastCheck: { numRuns: 200 } }
  )

  it("a deep condition survives the trip", () => {
    let e: Query.Expr = Query.related("order", "contactId", { where: Query.withinLast("placedAt", 90, "day"), op: "gte", value: 3 })
    for (let i = 0; i < 50; i++) e = i % 2 === 0 ? Query.not(e) : Query.and(e, Query.eq("x", i))
    expect(Schema.decodeUnknownSync(Query.Expr)(viaJson(e))).toEqual(e)
  })
})

describe("schemas refuse malformed JSON", () => {
  const refusesExpr = (value: unknown) => expect(Either.isLeft(Schema.decodeUnknownEither(Query.Expr)(value))).toBe(true)

  it("an unknown _tag", () => {
    refusesExpr({ _tag: "Regex", field: "a", value: ".*" })
    refusesExpr({ _tag: "compare", field: "a", op: "eq", value: 1 })
    refusesExpr({ field: "a", op: "eq", value: 1 })
    refusesExpr(Query.and(Query.eq("a", 1), { _tag: "Regex" } as unknown as Query.Expr))
    refusesExpr(Query.not({ _tag: "Nope" } as unknown as Query.Expr))
  })

  it("missing fields", () => {
    refusesExpr({ _tag: "Compare", field: "a", op: "eq" })
    refusesExpr({ _tag: "Compare", op: "eq", value: 1 })
    refusesExpr({ _tag: "Text", field: "a", op: "contains", value: "x" })
    refusesExpr({ _tag: "Between", field: "a", low: 1 })
    refusesExpr({ _tag: "In", field: "a" })
    refusesExpr({ _tag: "And" })
    refusesExpr({ _tag: "Not" })
    refusesExpr({ _tag: "Related", collection: "order", foreignKey: "contactId", op: "gte", value: 1 })
    refusesExpr({ _tag: "Within", field: "a", direction: "past", amount: 1 })
  })

  it("wrong values", () => {
    refusesExpr({ _tag: "Compare", field: "", op: "eq", value: 1 })
    refusesExpr({ _tag: "Compare", field: "a", op: "like", value: 1 })
    refusesExpr({ _tag: "Compare", field: "a", op: "eq", value: null })
    refusesExpr({ _tag: "Compare", field: "a", op: "eq", value: { $ne: 1 } })
    refusesExpr({ _tag: "Compare", field: "a", op: "eq", value: [1] })
    refusesExpr({ _tag: "In", field: "a", values: [1, {}] })
    refusesExpr({ _tag: "HasAny", field: "a", values: ["x", 1] })
    refusesExpr({ _tag: "Text", field: "a", op: "matches", value: "x", caseInsensitive: false })
    refusesExpr({ _tag: "Text", field: "a", op: "contains", value: "x", caseInsensitive: "yes" })
    refusesExpr({ _tag: "Within", field: "a", direction: "past", amount: -1, unit: "day" })
    refusesExpr({ _tag: "Within", field: "a", direction: "past", amount: 1.5, unit: "day" })
    refusesExpr({ _tag: "Within", field: "a", direction: "past", amount: 1, unit: "month" })
    refusesExpr({ _tag: "Within", field: "a", direction: "sideways", amount: 1, unit: "day" })
    refusesExpr({ ...Query.related("order", "contactId", { op: "gte", value: 1 }), measure: { _tag: "Median", field: "x" } })
    refusesExpr({ ...Query.related("order", "contactId", { op: "gte", value: 1 }), measure: { _tag: "Sum" } })
  })

  it("NaN and infinities where the schema asks for finite numbers", () => {
    refusesExpr({ ...Query.related("order", "contactId", { op: "gte", value: 1 }), value: Number.NaN })
    refusesExpr({ ...Query.related("order", "contactId", { op: "gte", value: 1 }), value: Infinity })
    refusesExpr({ _tag: "Within", field: "a", direction: "past", amount: Number.NaN, unit: "day" })
    refusesExpr({ _tag: "Within", field: "a", direction: "past", amount: Infinity, unit: "day" })
    // JSON has no NaN: it arrives as null, which is no scalar.
    refusesExpr(viaJson(Query.eq("a", Number.NaN)))
    refusesExpr(viaJson(Query.isIn("a", [1, Infinity])))
    refusesExpr(viaJson({ ...Query.related("order", "contactId", { op: "gte", value: 1 }), value: Number.NaN }))
  })

  it("malformed find and aggregate queries", () => {
    const refusesFind = (value: unknown) => expect(Either.isLeft(Schema.decodeUnknownEither(Query.Find)(value))).toBe(true)
    refusesFind({})
    refusesFind({ collection: "" })
    refusesFind({ collection: "contact", limit: 0 })
    refusesFind({ collection: "contact", limit: 10_001 })
    refusesFind({ collection: "contact", limit: 2.5 })
    refusesFind({ collection: "contact", limit: "10" })
    refusesFind({ collection: "contact", orderBy: [{ field: "a", direction: "up" }] })
    refusesFind({ collection: "contact", orderBy: [{ direction: "asc" }] })
    refusesFind({ collection: "contact", cursor: 5 })
    refusesFind({ collection: "contact", where: { _tag: "Nope" } })
    expect(Schema.decodeUnknownSync(Query.Find)({ collection: "contact", limit: 10_000 })).toEqual({
      collection: "contact",
      limit: 10_000
    })

    const refusesAggregate = (value: unknown) =>
      expect(Either.isLeft(Schema.decodeUnknownEither(Query.Aggregate)(value))).toBe(true)
    refusesAggregate({ collection: "order" })
    refusesAggregate({ collection: "order", measures: [{ _tag: "Count" }] })
    refusesAggregate({ collection: "order", measures: [{ _tag: "Sum", as: "s" }] })
    refusesAggregate({ collection: "order", measures: [{ _tag: "Median", as: "m", field: "x" }] })
    refusesAggregate({
      collection: "order",
      measures: [],
      groupBy: [{ _tag: "Bucket", as: "q", field: "placedAt", unit: "minute", timeZone: "UTC" }]
    })
    refusesAggregate({
      collection: "order",
      measures: [],
      groupBy: [{ _tag: "Bucket", as: "d", field: "placedAt", unit: "day", timeZone: 5 }]
    })
    refusesAggregate({
      collection: "order",
      measures: [],
      groupBy: [{ _tag: "Bucket", as: "w", field: "placedAt", unit: "week", timeZone: "UTC", weekStart: 0 }]
    })
    refusesAggregate({ collection: "order", measures: [], groupBy: [{ _tag: "Field", field: "status" }] })
  })
})
