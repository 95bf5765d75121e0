import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck as fc } from "effect"
import { Catalog, Collection, Crm, Errors, Plan, Query } from "../src/index.js"
import { catalog, now, workspace } from "./fixtures.js"

const DAY = 86_400_000
const HOUR = 3_600_000

const find = (query: Query.Find) => Plan.find(catalog, workspace, query, now)
const aggregate = (query: Query.Aggregate) => Plan.aggregate(catalog, workspace, query, now)

const planOf = <A>(result: Either.Either<A, Errors.InvalidQuery>): A =>
  Either.getOrThrowWith(result, (e) => new Error(`expected a plan, got ${e.message}`))

const refusalOf = (result: Either.Either<unknown, Errors.InvalidQuery>): Errors.InvalidQuery => {
  if (Either.isRight(result)) throw new Error("expected InvalidQuery, got a plan")
  expect(result.left).toBeInstanceOf(Errors.InvalidQuery)
  expect(result.left._tag).toBe("InvalidQuery")
  return result.left
}

const expectRefused = (
  result: Either.Either<unknown, Errors.InvalidQuery>,
  path: string,
  reason: RegExp,
  collection?: string
) => {
  const error = refusalOf(result)
  // Shape errors caught by the schema point inside the node (`where.value`); both name it.
  expect(error.path === path || error.path.startsWith(`${path}.`)).toBe(true)
  expect(error.reason).toMatch(reason)
  if (collection !== undefined) expect(error.collection).toBe(collection)
  return error
}

/** Nests `expr` under `n` levels of `Not`. */
const nestNot = (n: number, expr: Query.Expr): Query.Expr => {
  let e = expr
  for (let i = 0; i < n; i++) e = Query.not(e)
  return e
}

const encodeCursor = (payload: unknown) => Buffer.from(JSON.stringify(payload), "utf8").toString("base64url")

describe("Plan.find refusals", () => {
  it("refuses an unknown collection at path `collection`", () => {
    const error = expectRefused(find(Query.find("ghost")), "collection", /unknown collection "ghost"/, "ghost")
    expect(error.message).toBe(`query on ghost: collection: unknown collection "ghost"`)
  })

  it("refuses an unknown field, with the path of the condition", () => {
    expectRefused(find(Query.find("invoice", { where: Query.eq("nope", 1) })), "where", /unknown field "nope" on invoice/, "invoice")
    expectRefused(
      find(Query.find("invoice", {
        where: Query.and(Query.eq("amount", 1), Query.or(Query.eq("paid", true), Query.eq("nope", 1)))
      })),
      "where.exprs.1.exprs.1",
      /unknown field "nope"/
    )
    expectRefused(
      find(Query.find("invoice", { where: Query.not(Query.isNull("nope")) })),
      "where.expr",
      /unknown field "nope"/
    )
  })

  it("does not treat json, custom maps or unknown sub-paths as queryable", () => {
    expectRefused(find(Query.find("invoice", { where: Query.eq("lines", 1) })), "where", /unknown field "lines"/)
    expectRefused(find(Query.find("account", { where: Query.isNull("custom") })), "where", /unknown field "custom"/)
    expectRefused(find(Query.find("account", { where: Query.eq("custom.nope", 1) })), "where", /unknown field "custom.nope"/)
    expectRefused(find(Query.find("invoice", { where: Query.eq("total.cents", 1) })), "where", /unknown field "total.cents"/)
    // Inherited object properties are not fields.
    expectRefused(find(Query.find("invoice", { where: Query.isNull("toString") })), "where", /unknown field "toString"/)
    expectRefused(find(Query.find("invoice", { where: Query.isNull("constructor") })), "where", /unknown field/)
  })

  it("refuses a text operator on a number field", () => {
    expectRefused(
      find(Query.find("invoice", { where: Query.contains("amount", "1") })),
      "where",
      /text conditions apply to string fields, "amount" is number/
    )
    expectRefused(find(Query.find("account", { where: Query.startsWith("custom.seats", "1") })), "where", /text conditions/)
  })

  it("refuses has and hasAny on a string field", () => {
    expectRefused(find(Query.find("invoice", { where: Query.has("memo", "x") })), "where", /has applies to list fields, "memo" is string/)
    expectRefused(find(Query.find("invoice", { where: Query.hasAny("memo", ["x"]) })), "where", /hasAny applies to list fields/)
  })

  it("refuses comparing a list or money field as a whole", () => {
    expectRefused(find(Query.find("invoice", { where: Query.eq("tags", "x") })), "where", /"tags" is a strings field/)
    expectRefused(find(Query.find("invoice", { where: Query.eq("total", 5) })), "where", /"total" is a money field/)
    expectRefused(find(Query.find("invoice", { where: Query.isIn("tags", ["x"]) })), "where", /In does not apply to a strings field/)
  })

  it("refuses between and ordering operators on a boolean field", () => {
    expectRefused(
      find(Query.find("invoice", { where: Query.between("paid", false, true) })),
      "where",
      /between does not apply to a boolean field/
    )
    expectRefused(find(Query.find("invoice", { where: Query.lt("paid", true) })), "where", /booleans support eq and neq, not lt/)
    expectRefused(find(Query.find("account", { where: Query.gte("custom.vip", true) })), "where", /not gte/)
    expect(Either.isRight(find(Query.find("invoice", { where: Query.neq("paid", true) })))).toBe(true)
  })

  it("refuses values of the wrong type, naming the list position", () => {
    expectRefused(find(Query.find("invoice", { where: Query.eq("amount", "5") })), "where", /expects a finite number/)
    expectRefused(find(Query.find("invoice", { where: Query.eq("amount", Number.NaN) })), "where", /finite number/)
    expectRefused(find(Query.find("invoice", { where: Query.eq("issuedAt", Infinity) })), "where", /finite number/)
    expectRefused(find(Query.find("invoice", { where: Query.eq("memo", 5) })), "where", /expects a string value/)
    expectRefused(find(Query.find("invoice", { where: Query.eq("paid", "true") })), "where", /expects a boolean/)
    expectRefused(find(Query.find("invoice", { where: Query.eq("total.amountMinor", "1") })), "where", /finite number/)
    expectRefused(find(Query.find("invoice", { where: Query.between("amount", 1, "2") })), "where", /finite number/)
    expectRefused(find(Query.find("invoice", { where: Query.isIn("amount", [1, 2, "3"]) })), "where.values.2", /finite number/)
    expectRefused(find(Query.find("invoice", { where: Query.notIn("memo", ["a", true]) })), "where.values.1", /string value/)
    expectRefused(
      find(Query.find("invoice", { where: Query.hasAny("tags", ["a", "b", 3 as unknown as string]) })),
      "where.values.2",
      /string value|Expected string/
    )
    expectRefused(
      find(Query.find("invoice", { where: Query.has("tags", 3 as unknown as string) })),
      "where",
      /string value|Expected string/
    )
  })

  it("refuses a date that is not YYYY-MM-DD", () => {
    for (const bad of ["2026-5-1", "01/05/2026", "2026-05-01T00:00:00Z", "20260501", ""]) {
      expectRefused(find(Query.find("invoice", { where: Query.eq("dueOn", bad) })), "where", /expects a calendar date as YYYY-MM-DD/)
    }
    expectRefused(find(Query.find("invoice", { where: Query.eq("dueOn", 20260501) })), "where", /YYYY-MM-DD/)
    expectRefused(
      find(Query.find("invoice", { where: Query.between("dueOn", "2026-05-01", "2026-6-01") })),
      "where",
      /YYYY-MM-DD/
    )
    expectRefused(find(Query.find("account", { where: Query.lt("custom.renewsOn", "tomorrow") })), "where", /YYYY-MM-DD/)
    expect(Either.isRight(find(Query.find("invoice", { where: Query.between("dueOn", "2026-05-01", "2026-06-01") }))))
      .toBe(true)
  })

  it("accepts 32 levels of nesting and refuses 33, at the innermost path", () => {
    expect(Either.isRight(find(Query.find("invoice", { where: nestNot(32, Query.eq("paid", true)) })))).toBe(true)
    expectRefused(
      find(Query.find("invoice", { where: nestNot(33, Query.eq("paid", true)) })),
      `where${".expr".repeat(33)}`,
      /nest deeper than 32/
    )
    let deep: Query.Expr = Query.eq("paid", true)
    for (let i = 0; i < 40; i++) deep = Query.and(deep)
    expectRefused(find(Query.find("invoice", { where: deep })), `where${".exprs.0".repeat(33)}`, /deeper/)
  })

  it("refuses within on a field that is neither a timestamp nor a date, and bad amounts", () => {
    expectRefused(
      find(Query.find("invoice", { where: Query.withinLast("memo", 3, "day") })),
      "where",
      /within applies to timestamp and date fields, "memo" is string/
    )
    expectRefused(find(Query.find("invoice", { where: Query.withinLast("dueOn", 3, "hour") })), "where.unit", /a date has no hours/)
    expectRefused(find(Query.find("invoice", { where: Query.withinLast("issuedAt", -1, "day") })), "where", /whole number|non-negative|integer/)
    expectRefused(find(Query.find("invoice", { where: Query.withinLast("issuedAt", 1.5, "day") })), "where", /whole number|non-negative|integer/)
    expectRefused(
      find(Query.find("invoice", { where: Query.withinNext("issuedAt", Number.MAX_SAFE_INTEGER, "week") })),
      "where",
      /window too long/
    )
  })

  it("refuses a related condition whose foreign key does not refer to the parent", () => {
    // invoice.approverId refers to person, not account.
    expectRefused(
      find(Query.find("account", { where: Query.related("invoice", "approverId", { op: "gte", value: 1 }) })),
      "where",
      /"approverId" is not a field of invoice that refers to account/
    )
    // A plain field is no foreign key.
    expectRefused(
      find(Query.find("account", { where: Query.exists("invoice", "memo") })),
      "where",
      /"memo" is not a field of invoice/
    )
    expectRefused(
      find(Query.find("account", { where: Query.exists("invoice", "nope") })),
      "where",
      /"nope" is not a field of invoice/
    )
    expectRefused(
      find(Query.find("account", { where: Query.and(Query.exists("ghost", "accountId")) })),
      "where.exprs.0",
      /unknown collection "ghost"/
    )
  })

  it("refuses a related measure over a non-numeric or unknown field", () => {
    expectRefused(
      find(Query.find("account", {
        where: Query.related("invoice", "accountId", { measure: { _tag: "Sum", field: "memo" }, op: "gt", value: 0 })
      })),
      "where.measure",
      /cannot Sum a string field/
    )
    expectRefused(
      find(Query.find("account", {
        where: Query.related("invoice", "accountId", { measure: { _tag: "Max", field: "nope" }, op: "gt", value: 0 })
      })),
      "where.measure",
      /unknown field "nope" on invoice/
    )
    expectRefused(
      find(Query.find("account", { where: Query.related("invoice", "accountId", { op: "gt", value: Number.NaN }) })),
      "where.value",
      /finite number/
    )
    expectRefused(
      find(Query.find("account", { where: Query.exists("invoice", "accountId", Query.eq("name", "x")) })),
      "where.where",
      /unknown field "name" on invoice/
    )
  })

  it("refuses a garbage cursor", () => {
    for (const cursor of ["!!!not a cursor!!!", "", "e30", encodeCursor(1), encodeCursor(null), encodeCursor({ k: 1 })]) {
      const error = refusalOf(find(Query.find("invoice", { cursor })))
      expect(error.path).toBe("cursor")
      expect(error.reason).toMatch(/not a cursor returned by this query|belongs to a query with another order/)
    }
    expectRefused(find(Query.find("invoice", { cursor: "!!!" })), "cursor", /not a cursor returned by this query/)
  })

  it("refuses a cursor from a query with another order", () => {
    const byAmount = planOf(find(Query.find("invoice", { orderBy: [{ field: "amount", direction: "asc" }] })))
    const row = invoiceRow({ id: "inv_1", amount: 10 })
    const cursor = Plan.cursorAfter(byAmount, row)
    expect(Either.isRight(find(Query.find("invoice", { orderBy: [{ field: "amount", direction: "asc" }], cursor }))))
      .toBe(true)
    expectRefused(
      find(Query.find("invoice", { orderBy: [{ field: "amount", direction: "desc" }], cursor })),
      "cursor",
      /another order/
    )
    expectRefused(find(Query.find("invoice", { cursor })), "cursor", /another order/)
    expectRefused(
      find(Query.find("invoice", {
        orderBy: [{ field: "amount", direction: "asc" }, { field: "memo", direction: "asc" }],
        cursor
      })),
      "cursor",
      /another order/
    )
  })

  it("refuses a cursor whose values do not fit the fields", () => {
    const cursor = encodeCursor({ k: ["amount:asc", "id:asc"], v: ["ten", "inv_1"] })
    expectRefused(
      find(Query.find("invoice", { orderBy: [{ field: "amount", direction: "asc" }], cursor })),
      "cursor",
      /finite number/
    )
    const objectValue = encodeCursor({ k: ["id:asc"], v: [{ $gt: "" }] })
    expectRefused(find(Query.find("invoice", { cursor: objectValue })), "cursor", /string value/)
  })

  it("refuses a bad limit and sorting by a non-scalar field", () => {
    for (const limit of [0, -1, 10_001, 1.5, Number.NaN]) {
      expectRefused(find(Query.find("invoice", { limit })), "limit", /1 (to|and) 10000|integer/)
    }
    expectRefused(find(Query.find("invoice", { orderBy: [{ field: "tags", direction: "asc" }] })), "orderBy.0", /sort by a strings/)
    expectRefused(
      find(Query.find("invoice", { orderBy: [{ field: "paid", direction: "asc" }, { field: "ghost", direction: "asc" }] })),
      "orderBy.1",
      /unknown field "ghost"/
    )
  })

  it("refuses hand-built JSON with an unknown _tag", () => {
    const regex = { _tag: "Regex", field: "memo", value: ".*" } as unknown as Query.Expr
    expectRefused(find(Query.find("invoice", { where: regex })), "where", /Regex|unknown condition/)
    expectRefused(
      find(Query.find("invoice", { where: Query.or(Query.eq("paid", true), Query.not(regex)) })),
      "where.exprs.1.expr",
      /Regex|unknown condition/
    )
    expectRefused(find(Query.find("invoice", { where: {} as unknown as Query.Expr })), "where", /_tag|missing|unknown condition/)
  })
})

describe("Plan.find resolution", () => {
  it("resolves within into an inclusive between relative to now", () => {
    const past = planOf(find(Query.find("invoice", { where: Query.withinLast("issuedAt", 2, "day") })))
    expect(past.where).toEqual({ _tag: "Between", field: "issuedAt", low: now - 2 * DAY, high: now })
    const future = planOf(find(Query.find("invoice", { where: Query.withinNext("issuedAt", 3, "hour") })))
    expect(future.where).toEqual({ _tag: "Between", field: "issuedAt", low: now, high: now + 3 * HOUR })
    const nested = planOf(find(Query.find("invoice", {
      where: Query.and(Query.eq("paid", true), Query.not(Query.withinLast("issuedAt", 1, "week")))
    })))
    expect(nested.where).toEqual(Query.and(
      Query.eq("paid", true),
      Query.not({ _tag: "Between", field: "issuedAt", low: now - 7 * DAY, high: now })
    ))
    const zero = planOf(find(Query.find("invoice", { where: Query.withinLast("issuedAt", 0, "minute") })))
    expect(zero.where).toEqual({ _tag: "Between", field: "issuedAt", low: now, high: now })
  })

  it.prop(
    "within windows are always [now - span, now] or [now, now + span]",
    {
      now: fc.integer({ min: 0, max: 4_102_444_800_000 }),
      amount: fc.integer({ min: 0, max: 100_000 }),
      unit: fc.constantFrom<Query.DurationUnit>("minute", "hour", "day", "week"),
      past: fc.boolean()
    },
    ({ amount, now: at, past, unit }) => {
      const expr = past ? Query.withinLast("issuedAt", amount, unit) : Query.withinNext("issuedAt", amount, unit)
      const plan = planOf(Plan.find(catalog, workspace, Query.find("invoice", { where: expr }), at))
      const span = amount * Query.unitMillis[unit]
      expect(plan.where).toEqual(
        past
          ? { _tag: "Between", field: "issuedAt", low: at - span, high: at }
          : { _tag: "Between", field: "issuedAt", low: at, high: at + span }
      )
    }
  )

  it("appends id ascending to orderBy unless id is already there", () => {
    expect(planOf(find(Query.find("invoice"))).orderBy).toEqual([{ field: "id", direction: "asc" }])
    expect(planOf(find(Query.find("invoice", { orderBy: [{ field: "amount", direction: "desc" }] }))).orderBy).toEqual([
      { field: "amount", direction: "desc" },
      { field: "id", direction: "asc" }
    ])
    const withId = [{ field: "id", direction: "desc" }, { field: "amount", direction: "asc" }] as const
    expect(planOf(find(Query.find("invoice", { orderBy: withId }))).orderBy).toEqual(withId)
  })

  it("keeps the query's where, limit and spec, and records related collections", () => {
    const plan = planOf(find(Query.find("account", {
      where: Query.related("invoice", "accountId", {
        where: Query.and(Query.gte("amount", 10), Query.eq("total.currency", "EUR")),
        measure: { _tag: "Sum", field: "total.amountMinor" },
        op: "gt",
        value: 100
      }),
      limit: 25
    })))
    expect(plan.spec.name).toBe("account")
    expect(plan.limit).toBe(25)
    expect([...plan.related.keys()]).toEqual(["invoice"])
    expect(plan.related.get("invoice")?.name).toBe("invoice")
    expect(plan.where).toEqual({
      _tag: "Related",
      collection: "invoice",
      foreignKey: "accountId",
      where: Query.and(Query.gte("amount", 10), Query.eq("total.currency", "EUR")),
      measure: { _tag: "Sum", field: "total.amountMinor" },
      op: "gt",
      value: 100
    })
    expect(planOf(find(Query.find("invoice"))).limit).toBeNull()
    expect(planOf(find(Query.find("invoice"))).where).toBeNull()
  })

  it("plans exists as its own node, checks its where in the related collection, and records it", () => {
    const plan = planOf(find(Query.find("account", { where: Query.notExists("invoice", "accountId", Query.withinLast("issuedAt", 1, "day")) })))
    expect([...plan.related.keys()]).toEqual(["invoice"])
    expect(plan.clockDependent).toBe(true)
    expect(plan.where).toEqual(
      Query.not({
        _tag: "Exists",
        collection: "invoice",
        foreignKey: "accountId",
        where: { _tag: "Between", field: "issuedAt", low: now - DAY, high: now }
      })
    )
    expectRefused(find(Query.find("account", { where: Query.notExists("invoice", "memo") })), "where.expr", /"memo" is not a field of invoice/)
    expectRefused(
      find(Query.find("account", { where: Query.exists("invoice", "accountId", Query.eq("name", "x")) })),
      "where.where",
      /unknown field "name" on invoice/
    )
  })

  it("accepts a related avg of numbers and refuses it on timestamps, text and money across currencies", () => {
    const avg = (field: string, where?: Query.Expr) =>
      find(Query.find("account", {
        where: Query.related("invoice", "accountId", { ...(where === undefined ? {} : { where }), measure: { _tag: "Avg", field }, op: "gt", value: 1 })
      }))
    planOf(avg("amount"))
    planOf(avg("quantity"))
    planOf(avg("total.amountMinor", Query.eq("total.currency", "EUR")))
    expectRefused(avg("issuedAt"), "where.measure", /cannot Avg a timestamp field/)
    expectRefused(avg("memo"), "where.measure", /cannot Avg a string field/)
    expectRefused(avg("total.amountMinor"), "where.measure", /cannot Avg "total.amountMinor" across currencies/)
  })

  it("accepts custom field paths with their declared kinds", () => {
    const plan = planOf(find(Query.find("account", {
      where: Query.and(
        Query.eq("custom.tier", "pro"),
        Query.gt("custom.seats", 3),
        Query.lt("custom.renewsOn", "2026-12-31"),
        Query.eq("custom.vip", true)
      ),
      orderBy: [{ field: "custom.seats", direction: "desc" }]
    })))
    expect(plan.orderBy[0]).toEqual({ field: "custom.seats", direction: "desc" })
  })

  it("works against the real core collections", () => {
    const real = Catalog.make({ collections: Crm.collections })
    const plan = Plan.find(
      real,
      workspace,
      Query.find("contact", {
        where: Query.related("order", "contactId", { where: Query.withinLast("placedAt", 90, "day"), op: "gte", value: 3 })
      }),
      now
    )
    expect(planOf(plan).where).toEqual(Query.related("order", "contactId", {
      where: { _tag: "Between", field: "placedAt", low: now - 90 * DAY, high: now },
      op: "gte",
      value: 3
    }))
    expectRefused(
      Plan.find(real, workspace, Query.find("company", { where: Query.exists("order", "contactId") }), now),
      "where",
      /"contactId" is not a field of order that refers to company/,
      "company"
    )
  })
})

describe("Plan.aggregate", () => {
  const count = { _tag: "Count", as: "n" } as const

  it("refuses a measure on a non-numeric field", () => {
    expectRefused(
      aggregate(Query.aggregate("invoice", { measures: [count, { _tag: "Sum", as: "s", field: "memo" }] })),
      "measures.1",
      /cannot Sum a string field/
    )
    expectRefused(
      aggregate(Query.aggregate("invoice", { measures: [{ _tag: "Avg", as: "a", field: "issuedAt" }] })),
      "measures.0",
      /cannot Avg a timestamp field/
    )
    expectRefused(
      aggregate(Query.aggregate("invoice", { measures: [{ _tag: "Min", as: "m", field: "paid" }] })),
      "measures.0",
      /cannot take the Min of a boolean field/
    )
    expectRefused(
      aggregate(Query.aggregate("invoice", { measures: [{ _tag: "Max", as: "m", field: "ghost" }] })),
      "measures.0",
      /unknown field "ghost"/
    )
  })

  it("refuses a bad time zone and buckets of non-timestamps", () => {
    expectRefused(
      aggregate(Query.aggregate("invoice", {
        groupBy: [{ _tag: "Bucket", as: "day", field: "issuedAt", unit: "day", timeZone: "Mars/Olympus_Mons" }],
        measures: [count]
      })),
      "groupBy.0.timeZone",
      /unknown time zone "Mars\/Olympus_Mons"/
    )
    expectRefused(
      aggregate(Query.aggregate("invoice", {
        groupBy: [{ _tag: "Bucket", as: "day", field: "dueOn", unit: "day", timeZone: "UTC" }],
        measures: [count]
      })),
      "groupBy.0.timeZone",
      /"dueOn" is a date, which has no time zone/
    )
    expectRefused(
      aggregate(Query.aggregate("invoice", {
        groupBy: [{ _tag: "Bucket", as: "day", field: "amount", unit: "day", timeZone: "UTC" }],
        measures: [count]
      })),
      "groupBy.0",
      /buckets apply to timestamp and date fields, "amount" is number/
    )
    expectRefused(
      aggregate(Query.aggregate("invoice", { groupBy: [{ _tag: "Field", as: "t", field: "tags" }], measures: [] })),
      "groupBy.0",
      /cannot group by a strings field/
    )
  })

  it("counts distinct values of scalar fields only, as a count", () => {
    const distinct = (field: string) => aggregate(Query.aggregate("invoice", { measures: [{ _tag: "CountDistinct", as: "d", field }] }))
    for (const field of ["memo", "amount", "quantity", "paid", "dueOn", "issuedAt", "total.currency", "total.amountMinor"]) {
      expect(planOf(distinct(field)).outputKinds.get("d")).toBe("count")
    }
    expectRefused(distinct("tags"), "measures.0", /cannot count distinct values of a strings field/)
    expectRefused(distinct("total"), "measures.0", /cannot count distinct values of a money field/)
    expectRefused(distinct("nope"), "measures.0", /unknown field "nope"/)
  })

  it("refuses bad and duplicate aliases", () => {
    for (const as of ["1st", "has-dash", "with space", "", "a".repeat(64), "ünïcode", "x;drop table"]) {
      expectRefused(
        aggregate(Query.aggregate("invoice", { measures: [{ _tag: "Count", as }] })),
        "measures.0",
        /aliases are letters, digits and _|at least 1 character/
      )
    }
    expect(Either.isRight(aggregate(Query.aggregate("invoice", { measures: [{ _tag: "Count", as: "_" + "a".repeat(62) }] }))))
      .toBe(true)
    expectRefused(
      aggregate(Query.aggregate("invoice", {
        groupBy: [{ _tag: "Field", as: "n", field: "paid" }],
        measures: [count]
      })),
      "measures.0",
      /alias "n" is used twice/
    )
    expectRefused(
      aggregate(Query.aggregate("invoice", { measures: [count, { _tag: "Sum", as: "n", field: "amount" }] })),
      "measures.1",
      /used twice/
    )
  })

  it("refuses an orderBy that names no alias, and an empty aggregate", () => {
    expectRefused(
      aggregate(Query.aggregate("invoice", { measures: [count], orderBy: [{ field: "amount", direction: "asc" }] })),
      "orderBy.0",
      /"amount" is not an alias of this query/
    )
    expectRefused(aggregate(Query.aggregate("invoice", { measures: [] })), "measures", /at least one measure or group key/)
    expectRefused(aggregate(Query.aggregate("ghost", { measures: [count] })), "collection", /unknown collection/, "ghost")
  })

  it("orders by the explicit keys, then every group key ascending, and reports output kinds", () => {
    const plan = planOf(aggregate(Query.aggregate("invoice", {
      where: Query.and(Query.withinLast("issuedAt", 1, "day"), Query.eq("total.currency", "EUR")),
      groupBy: [
        { _tag: "Field", as: "paid", field: "paid" },
        { _tag: "Bucket", as: "week", field: "issuedAt", unit: "week", timeZone: "Europe/Berlin" }
      ],
      measures: [
        count,
        { _tag: "Sum", as: "total", field: "total.amountMinor" },
        { _tag: "Avg", as: "avg", field: "amount" },
        { _tag: "Max", as: "last", field: "issuedAt" }
      ],
      orderBy: [{ field: "total", direction: "desc" }, { field: "week", direction: "desc" }]
    })))
    expect(plan.orderBy).toEqual([
      { field: "total", direction: "desc" },
      { field: "week", direction: "desc" },
      { field: "paid", direction: "asc" }
    ])
    expect(Object.fromEntries(plan.outputKinds)).toEqual({
      paid: "boolean",
      week: "date",
      n: "count",
      total: "integer",
      avg: "float",
      last: "timestamp"
    })
    expect(plan.where).toEqual(
      Query.and({ _tag: "Between", field: "issuedAt", low: now - DAY, high: now }, Query.eq("total.currency", "EUR"))
    )
    expect(plan.limit).toBeNull()
  })
})

describe("Plan: what engines would read differently", () => {
  const count = { _tag: "Count", as: "n" } as const

  it("refuses text values holding NUL or lone surrogates, naming the field", () => {
    const cases: ReadonlyArray<readonly [Query.Expr, string, RegExp]> = [
      [Query.eq("memo", "a\u0000"), "where", /"memo" holds NUL \(U\+0000\)/],
      [Query.isIn("memo", ["ok", "\uD800"]), "where.values.1", /"memo" is not well-formed Unicode \(a lone surrogate U\+D800 at index 0\)/],
      [Query.between("memo", "a", "z\uDC00"), "where", /lone surrogate U\+DC00 at index 1/],
      [Query.endsWith("memo", "\u0000", { caseInsensitive: true }), "where", /NUL/],
      [Query.has("tags", "x\u0000"), "where", /"tags" holds NUL/],
      [Query.hasAny("tags", ["\uDBFF"]), "where.values.0", /"tags" is not well-formed/],
      [Query.eq("total.currency", "EU\u0000"), "where", /"total.currency"/]
    ]
    for (const [where, path, reason] of cases) expectRefused(find(Query.find("invoice", { where })), path, reason, "invoice")
    // Astral characters are surrogate pairs, which are well-formed.
    planOf(find(Query.find("invoice", { where: Query.eq("memo", "😀 \uFFFD \uE000") })))
    const cursor = encodeCursor({ k: ["memo:asc", "id:asc"], v: ["\uD800", "i1"] })
    expectRefused(
      find(Query.find("invoice", { orderBy: [{ field: "memo", direction: "asc" }], cursor })),
      "cursor",
      /"memo" is not well-formed Unicode/
    )
  })

  it("carries the canonical time zone name in the plan, and refuses names engines read differently", () => {
    const bucketIn = (timeZone: string) =>
      aggregate(Query.aggregate("invoice", {
        groupBy: [{ _tag: "Bucket", as: "day", field: "issuedAt", unit: "day", timeZone }],
        measures: [count]
      }))
    expect(planOf(bucketIn("US/Pacific")).groupBy).toEqual([
      {
        _tag: "Bucket",
        as: "day",
        field: "issuedAt",
        of: "timestamp",
        unit: "day",
        timeZone: "America/Los_Angeles",
        calendar: { weekStart: 1, fiscalYearStartMonth: 1 }
      }
    ])
    expect(planOf(bucketIn("Etc/UTC")).groupBy[0]).toMatchObject({ timeZone: "UTC" })
    expectRefused(bucketIn("CET"), "groupBy.0.timeZone", /"CET" is not a region zone.*"Europe\/Brussels"/)
    expectRefused(bucketIn("US/Pacific-New"), "groupBy.0.timeZone", /removed/)
  })

  it("sums and averages money amounts only within one currency", () => {
    const sum = { _tag: "Sum", as: "s", field: "total.amountMinor" } as const
    const avg = { _tag: "Avg", as: "a", field: "total.amountMinor" } as const
    expectRefused(
      aggregate(Query.aggregate("invoice", { measures: [count, sum] })),
      "measures.1",
      /cannot Sum "total.amountMinor" across currencies: group by "total.currency" too, or keep one currency with where eq\("total.currency", "EUR"\)/
    )
    expectRefused(aggregate(Query.aggregate("invoice", { measures: [avg] })), "measures.0", /cannot Avg/)
    for (
      const where of [
        Query.or(Query.eq("total.currency", "EUR")),
        Query.not(Query.neq("total.currency", "EUR")),
        Query.isIn("total.currency", ["EUR", "USD"]),
        Query.isIn("total.currency", []),
        Query.equalsText("total.currency", "EUR"),
        Query.eq("memo", "EUR")
      ]
    ) {
      expectRefused(aggregate(Query.aggregate("invoice", { where, measures: [sum] })), "measures.0", /across currencies/)
    }
    for (
      const where of [
        Query.eq("total.currency", "EUR"),
        Query.isIn("total.currency", ["EUR", "EUR"]),
        Query.and(Query.eq("paid", true), Query.and(Query.eq("total.currency", "USD")))
      ]
    ) {
      planOf(aggregate(Query.aggregate("invoice", { where, measures: [sum, avg] })))
    }
    planOf(aggregate(Query.aggregate("invoice", {
      groupBy: [{ _tag: "Field", as: "cur", field: "total.currency" }, { _tag: "Field", as: "paid", field: "paid" }],
      measures: [sum, avg]
    })))
    // Other sums and money min/max are untouched.
    planOf(aggregate(Query.aggregate("invoice", {
      measures: [{ _tag: "Sum", as: "q", field: "quantity" }, { _tag: "Max", as: "m", field: "total.amountMinor" }]
    })))
    const related = (where: Query.Expr | undefined) =>
      find(Query.find("account", {
        where: Query.related("invoice", "accountId", {
          ...(where === undefined ? {} : { where }),
          measure: { _tag: "Sum", field: "total.amountMinor" },
          op: "gt",
          value: 0
        })
      }))
    expectRefused(related(undefined), "where.measure", /cannot Sum "total.amountMinor" across currencies/)
    planOf(related(Query.eq("total.currency", "EUR")))
  })
})

// ---------------------------------------------------------------------------
// cursors
// ---------------------------------------------------------------------------

interface InvoiceRowInput {
  readonly id: string
  readonly amount?: number | null
  readonly memo?: string | null
  readonly paid?: boolean
  readonly quantity?: number
  readonly amountMinor?: number
}

const invoiceRow = (r: InvoiceRowInput): Collection.Row => ({
  id: r.id,
  version: 1,
  createdAt: 0,
  updatedAt: 0,
  accountId: "acc_1",
  approverId: null,
  amount: r.amount ?? null,
  quantity: r.quantity ?? 1,
  paid: r.paid ?? false,
  dueOn: "2026-05-01",
  issuedAt: 0,
  total: { amountMinor: r.amountMinor ?? 0, currency: "EUR" },
  lines: [],
  memo: r.memo ?? null,
  tags: []
})

const scalarAt = (row: Collection.Row, path: string): Query.Scalar | null => {
  const v = Collection.valueAt(row, path)
  return v === null || typeof v === "object" ? null : v
}

/** The documented sort: nulls last in both directions, then the next key. */
const referenceOrder = (orderBy: ReadonlyArray<Query.Order>) => (a: Collection.Row, b: Collection.Row): number => {
  for (const o of orderBy) {
    const va = scalarAt(a, o.field)
    const vb = scalarAt(b, o.field)
    if (va === null && vb === null) continue
    if (va === null) return 1
    if (vb === null) return -1
    const c = Plan.compareScalars(va, vb)
    if (c !== 0) return o.direction === "asc" ? c : -c
  }
  return 0
}

/** Two-valued evaluation of the conditions a keyset produces. */
const holds = (row: Collection.Row, expr: Query.Expr): boolean => {
  switch (expr._tag) {
    case "And":
      return expr.exprs.every((e) => holds(row, e))
    case "Or":
      return expr.exprs.some((e) => holds(row, e))
    case "Not":
      return !holds(row, expr.expr)
    case "IsNull":
      return scalarAt(row, expr.field) === null
    case "Compare": {
      const v = scalarAt(row, expr.field)
      if (v === null) return false
      const c = Plan.compareScalars(v, expr.value)
      switch (expr.op) {
        case "eq":
          return c === 0
        case "neq":
          return c !== 0
        case "lt":
          return c < 0
        case "lte":
          return c <= 0
        case "gt":
          return c > 0
        case "gte":
          return c >= 0
      }
    }
  }
  throw new Error(`unexpected ${expr._tag} in a keyset condition`)
}

const rowsArb = fc.uniqueArray(
  fc.record({
    id: fc.integer({ min: 0, max: 999 }).map((n) => `inv_${n}`),
    amount: fc.option(fc.constantFrom(-1.5, 0, 2, 7), { nil: null }),
    memo: fc.option(fc.constantFrom("", "a", "B", "é", "\uFFFD", "😀"), { nil: null }),
    paid: fc.boolean(),
    quantity: fc.integer({ min: 1, max: 3 }),
    amountMinor: fc.constantFrom(0, 100)
  }),
  { selector: (r) => r.id, minLength: 1, maxLength: 25 }
).map((rs) => rs.map(invoiceRow))

const orderByArb = fc.uniqueArray(
  fc.record({
    field: fc.constantFrom("amount", "memo", "paid", "quantity", "total.amountMinor", "id"),
    direction: fc.constantFrom("asc" as const, "desc" as const)
  }),
  { selector: (o) => o.field, maxLength: 3 }
)

describe("cursorAfter and afterKeyset", () => {
  it.prop(
    "the cursor after row i selects exactly the rows after i in the plan's order",
    { rows: rowsArb, orderBy: orderByArb },
    ({ orderBy, rows }) => {
      const plan = planOf(find(Query.find("invoice", { orderBy })))
      const sorted = [...rows].sort(referenceOrder(plan.orderBy))
      sorted.forEach((row, i) => {
        const cursor = Plan.cursorAfter(plan, row)
        const next = planOf(find(Query.find("invoice", { orderBy, cursor })))
        expect(next.orderBy).toEqual(plan.orderBy)
        const where = next.where
        if (where === null) throw new Error("a cursor must add a condition")
        expect(sorted.filter((r) => holds(r, where)).map((r) => r.id)).toEqual(sorted.slice(i + 1).map((r) => r.id))
      })
    },
    { fastCheck: { numRuns: 150 } }
  )

  it("conjoins the cursor condition with the query's where", () => {
    const orderBy = [{ field: "memo", direction: "asc" }] as const
    const plan = planOf(find(Query.find("invoice", { orderBy })))
    const cursor = Plan.cursorAfter(plan, invoiceRow({ id: "inv_5", memo: "m" }))
    const next = planOf(find(Query.find("invoice", { where: Query.eq("paid", true), orderBy, cursor })))
    expect(next.where).toEqual(Query.and(
      Query.eq("paid", true),
      Plan.afterKeyset(plan.orderBy, ["m", "inv_5"])
    ))
  })

  it("afterKeyset keeps nulls last in both directions", () => {
    expect(Plan.afterKeyset([{ field: "amount", direction: "desc" }, { field: "id", direction: "asc" }], [5, "inv_1"]))
      .toEqual(Query.or(
        Query.and(Query.or(Query.lt("amount", 5), Query.isNull("amount"))),
        Query.and(Query.eq("amount", 5), Query.or(Query.gt("id", "inv_1"), Query.isNull("id")))
      ))
    // After a null there is nothing further in that column: only equal nulls with a later id.
    expect(Plan.afterKeyset([{ field: "amount", direction: "asc" }, { field: "id", direction: "asc" }], [null, "inv_1"]))
      .toEqual(Query.or(
        Query.and(Query.isNull("amount"), Query.or(Query.gt("id", "inv_1"), Query.isNull("id")))
      ))
  })
})

// ---------------------------------------------------------------------------
// comparisons
// ---------------------------------------------------------------------------

const codePoints = (s: string): Array<number> => Array.from(s).map((c) => c.codePointAt(0)!)

const compareArrays = (a: ReadonlyArray<number>, b: ReadonlyArray<number>): number => {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1
}

/** Well-formed text, biased to the characters where UTF-16 and code point order differ. */
const tricky = fc.constantFrom("a", "Z", "\u0000", "é", "\uD7FF", "\uE000", "\uFFFD", "\uFFFF", "😀", "𐀀", "\u{10FFFF}")
const wellFormed = fc.oneof(
  fc.string({ unit: "binary", maxLength: 8 }),
  fc.string({ unit: tricky, maxLength: 6 })
)
/** Any UTF-16, lone surrogates included. */
const anyUtf16 = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u)), maxLength: 6 }),
  fc.string({ unit: fc.constantFrom("a", "\uD800", "\uDC00", "\uDBFF", "\uE000", "\uFFFF", "😀"), maxLength: 5 })
)

const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0)

describe("compareScalars and compareCodePoints", () => {
  it("sorts nulls last and returns -1, 0 or 1", () => {
    expect(Plan.compareScalars(null, null)).toBe(0)
    expect(Plan.compareScalars(null, 1)).toBe(1)
    expect(Plan.compareScalars(1, null)).toBe(-1)
    expect(Plan.compareScalars(null, "")).toBe(1)
    expect(Plan.compareScalars(false, null)).toBe(-1)
    expect(Plan.compareScalars(1, 2)).toBe(-1)
    expect(Plan.compareScalars(2.5, -3)).toBe(1)
    expect(Plan.compareScalars(false, true)).toBe(-1)
    expect(Plan.compareScalars(true, false)).toBe(1)
    expect(Plan.compareScalars("b", "a")).toBe(1)
    expect(Plan.compareScalars("a", "ab")).toBe(-1)
  })

  it("orders text by code point, not UTF-16 code unit", () => {
    // JavaScript's `<` says U+FFFD sorts after U+1F600, because 0xFFFD > 0xD83D.
    expect("\uFFFD" < "😀").toBe(false)
    expect(Plan.compareScalars("\uFFFD", "😀")).toBe(-1)
    expect(Plan.compareScalars("😀", "\uFFFD")).toBe(1)
    expect(Plan.compareCodePoints("\uE000", "𐀀")).toBe(-1)
    expect(Plan.compareCodePoints("x\uFFFF", "x😀")).toBe(-1)
    expect(Plan.compareCodePoints("😀", "😁")).toBe(-1)
    expect(Plan.compareCodePoints("\u{10FFFF}", "😀")).toBe(1)
    expect(Plan.compareCodePoints("😀", "😀")).toBe(0)
    expect(["😀", "\uFFFD", "a", "\uE000", "é"].sort(Plan.compareCodePoints)).toEqual(["a", "é", "\uE000", "\uFFFD", "😀"])
  })

  it.prop("compareCodePoints agrees with comparing code point arrays", [wellFormed, wellFormed], ([a, b]) => {
    expect(Plan.compareCodePoints(a, b)).toBe(compareArrays(codePoints(a), codePoints(b)))
  }, { fastCheck: { numRuns: 1000 } })

  it.prop("compareCodePoints is antisymmetric and reflexive on any UTF-16", [anyUtf16, anyUtf16], ([a, b]) => {
    expect(Plan.compareCodePoints(a, a)).toBe(0)
    expect(sign(Plan.compareCodePoints(a, b)) + sign(Plan.compareCodePoints(b, a))).toBe(0)
    expect(Plan.compareCodePoints(a, b) === 0).toBe(a === b)
  }, { fastCheck: { numRuns: 1000 } })

  it.prop("compareCodePoints is transitive on any UTF-16", [anyUtf16, anyUtf16, anyUtf16], ([a, b, c]) => {
    const [x, y, z] = [a, b, c].sort(Plan.compareCodePoints) as [string, string, string]
    expect(Plan.compareCodePoints(x, y)).toBeLessThanOrEqual(0)
    expect(Plan.compareCodePoints(y, z)).toBeLessThanOrEqual(0)
    expect(Plan.compareCodePoints(x, z)).toBeLessThanOrEqual(0)
  }, { fastCheck: { numRuns: 1000 } })

  it.prop("a sorted list is ordered pairwise (total order)", [fc.array(anyUtf16, { maxLength: 30 })], ([xs]) => {
    const sorted = [...xs].sort(Plan.compareCodePoints)
    for (let i = 0; i < sorted.length; i++) {
      for (let j = i + 1; j < sorted.length; j++) {
        expect(Plan.compareCodePoints(sorted[i]!, sorted[j]!)).toBeLessThanOrEqual(0)
      }
    }
  })

  it.prop(
    "compareScalars is antisymmetric over mixed scalars",
    [fc.option(fc.oneof(fc.string(), fc.double({ noNaN: true }), fc.boolean()), { nil: null }),
     fc.option(fc.oneof(fc.string(), fc.double({ noNaN: true }), fc.boolean()), { nil: null })],
    ([a, b]) => {
      expect(sign(Plan.compareScalars(a, b)) + sign(Plan.compareScalars(b, a))).toBe(0)
    }
  )
})

describe("compareAggregateRows", () => {
  const rows: ReadonlyArray<Query.AggregateRow> = [
    { k: "b", n: 1 },
    { k: "a", n: null },
    { k: "c", n: 3 },
    { k: "d" },
    { k: "e", n: 2 }
  ]

  it("sorts descending with nulls (and missing values) still last", () => {
    const desc = [...rows].sort(Plan.compareAggregateRows([{ field: "n", direction: "desc" }, { field: "k", direction: "asc" }]))
    expect(desc.map((r) => r.k)).toEqual(["c", "e", "b", "a", "d"])
    const asc = [...rows].sort(Plan.compareAggregateRows([{ field: "n", direction: "asc" }, { field: "k", direction: "desc" }]))
    expect(asc.map((r) => r.k)).toEqual(["b", "e", "c", "d", "a"])
  })

  it("breaks ties by the next key and reports equal rows as 0", () => {
    const compare = Plan.compareAggregateRows([{ field: "g", direction: "desc" }, { field: "h", direction: "asc" }])
    expect(compare({ g: "x", h: 1 }, { g: "x", h: 2 })).toBe(-1)
    expect(compare({ g: "x", h: 2 }, { g: "y", h: 1 })).toBe(1)
    expect(compare({ g: null, h: 1 }, { g: null, h: 1 })).toBe(0)
    expect(compare({ g: "😀", h: 1 }, { g: "\uFFFD", h: 1 })).toBe(-1)
  })
})
