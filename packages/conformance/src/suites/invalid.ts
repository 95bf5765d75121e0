/**
 * Queries that cannot run fail with `InvalidQuery`: never another error, a defect or
 * an empty answer.
 */
import { expect } from "@effect/vitest"
import { Query, Store } from "@rapport/core"
import { Effect } from "effect"
import * as Fixtures from "../internal/fixtures.js"
import { account, expectFailure, freshWorkspace, insertAccounts, type It } from "../internal/harness.js"
import { ACCOUNT, DEAL, LINK } from "../TestCatalog.js"

const nested = (depth: number): Query.Expr => (depth === 0 ? Query.eq("name", "x") : Query.not(nested(depth - 1)))

/** [label, find] */
export const invalidFinds: ReadonlyArray<readonly [string, Query.Find]> = [
  ["unknown collection", Query.find("nope")],
  ["unknown field", Query.find(ACCOUNT, { where: Query.eq("nope", 1) })],
  ["unknown money part", Query.find(ACCOUNT, { where: Query.eq("revenue.cents", 1) })],
  ["unknown custom field", Query.find(ACCOUNT, { where: Query.eq("custom.nope", 1) })],
  ["a whole custom map", Query.find(ACCOUNT, { where: Query.isNull("custom") })],
  ["a json field", Query.find(ACCOUNT, { where: Query.isNull("profile") })],
  // Paths across references: every segment must be known.
  ["a path to an unknown field", Query.find(DEAL, { where: Query.eq("accountId.nope", 1) })],
  ["a path through a field that is no reference", Query.find(DEAL, { where: Query.eq("stage.name", "x") })],
  ["a path with SQL in a segment", Query.find(DEAL, { where: Query.eq("accountId.name\" OR 1=1 --", "x") })],
  ["a path to a whole custom map", Query.find(DEAL, { where: Query.isNull("accountId.custom") })],
  ["a path's value of the wrong kind", Query.find(DEAL, { where: Query.eq("accountId.seats", "many") })],
  [
    "a path following more than four references",
    Query.find(ACCOUNT, { where: Query.eq("custom.referrer.custom.referrer.custom.referrer.custom.referrer.custom.referrer.name", "x") })
  ],
  ["sorting by a path to a list", Query.find(DEAL, { orderBy: [{ field: "accountId.tags", direction: "asc" }] })],
  ["a string value on a number field", Query.find(ACCOUNT, { where: Query.eq("score", "10") })],
  ["a number value on a string field", Query.find(ACCOUNT, { where: Query.eq("name", 1) })],
  ["a boolean value on an integer field", Query.find(ACCOUNT, { where: Query.eq("seats", true) })],
  ["a malformed date", Query.find(ACCOUNT, { where: Query.lt("since", "15/01/2024") })],
  ["a non-finite number", Query.find(ACCOUNT, { where: Query.gt("score", Number.POSITIVE_INFINITY) })],
  ["NaN", Query.find(ACCOUNT, { where: Query.eq("score", Number.NaN) })],
  ["a wrong value inside in", Query.find(ACCOUNT, { where: Query.isIn("seats", [1, "2"]) })],
  ["a wrong value inside between", Query.find(ACCOUNT, { where: Query.between("seats", 1, "9") })],
  ["lt on a boolean", Query.find(ACCOUNT, { where: Query.lt("active", true) })],
  ["between on a boolean", Query.find(ACCOUNT, { where: Query.between("active", false, true) })],
  ["a comparison on a money field", Query.find(ACCOUNT, { where: Query.eq("revenue", 1) })],
  ["a comparison on a strings field", Query.find(ACCOUNT, { where: Query.eq("tags", "vip") })],
  ["a text operator on a number", Query.find(ACCOUNT, { where: Query.contains("score", "1") })],
  ["a text operator on a strings field", Query.find(ACCOUNT, { where: Query.startsWith("tags", "v") })],
  ["has on a string field", Query.find(ACCOUNT, { where: Query.has("name", "Ada") })],
  ["hasAny on a number field", Query.find(ACCOUNT, { where: Query.hasAny("seats", ["1"]) })],
  ["within on a string field", Query.find(ACCOUNT, { where: Query.withinLast("name", 1, "day") })],
  ["within hours on a date field", Query.find(ACCOUNT, { where: Query.withinLast("since", 1, "hour") })],
  ["within with a time zone on a timestamp", Query.find(ACCOUNT, {
    where: Query.withinLast("lastSeenAt", 1, "day", { timeZone: "Europe/Berlin" })
  })],
  ["within on a date in an unknown zone", Query.find(ACCOUNT, {
    where: Query.withinLast("since", 1, "day", { timeZone: "Mars/Olympus_Mons" })
  })],
  ["olderThan on a number field", Query.find(ACCOUNT, { where: Query.olderThan("score", 1, "day") })],
  ["olderThan with a negative amount", Query.find(ACCOUNT, { where: Query.olderThan("lastSeenAt", -1, "day") })],
  ["olderThan minutes on a date field", Query.find(ACCOUNT, { where: Query.olderThan("since", 5, "minute") })],
  ["a date window reaching past year 9999", Query.find(ACCOUNT, { where: Query.withinNext("since", 5_000_000, "day") })],
  ["a calendar window on a boolean field", Query.find(ACCOUNT, { where: Query.thisPeriod("active", "day", "UTC") })],
  ["a calendar window ending before it starts", Query.find(ACCOUNT, {
    where: Query.calendar("lastSeenAt", "month", { from: 0, to: -1, timeZone: "UTC" })
  })],
  ["a calendar window zone that looks like SQL", Query.find(ACCOUNT, {
    where: Query.thisPeriod("lastSeenAt", "day", "UTC'; DROP TABLE account; --")
  })],
  ["a calendar window in an abbreviation zone", Query.find(ACCOUNT, { where: Query.thisPeriod("lastSeenAt", "week", "CET") })],
  ["a calendar window of a fractional unit", Query.find(ACCOUNT, {
    where: Query.calendar("lastSeenAt", "day", { from: -1.5, to: 0, timeZone: "UTC" })
  })],
  ["a calendar window too far away", Query.find(ACCOUNT, {
    where: Query.calendar("lastSeenAt", "year", { from: -2_000_000, to: 0, timeZone: "UTC" })
  })],
  ["a calendar week starting on day 8", Query.find(ACCOUNT, {
    where: Query.thisPeriod("lastSeenAt", "week", "UTC", { weekStart: 8 })
  })],
  ["a fiscal year starting in month 0", Query.find(ACCOUNT, {
    where: Query.thisPeriod("since", "year", "UTC", { fiscalYearStartMonth: 0 })
  })],
  ["within with a negative amount", Query.find(ACCOUNT, { where: Query.withinLast("lastSeenAt", -1, "day") })],
  ["within with a fractional amount", Query.find(ACCOUNT, { where: Query.withinLast("lastSeenAt", 1.5, "day") })],
  ["an unknown field deep inside and/or/not", Query.find(ACCOUNT, {
    where: Query.and(Query.or(Query.not(Query.eq("nope", "x"))))
  })],
  ["conditions nested too deep", Query.find(ACCOUNT, { where: nested(40) })],
  ["related to an unknown collection", Query.find(ACCOUNT, { where: Query.exists("nope", "accountId") })],
  ["related through a field that does not refer to this collection", Query.find(ACCOUNT, {
    where: Query.exists(DEAL, "stage")
  })],
  ["related through a foreign key from the wrong side", Query.find(DEAL, { where: Query.exists(ACCOUNT, "accountId") })],
  ["related with an unknown field in its where", Query.find(ACCOUNT, {
    where: Query.exists(DEAL, "accountId", Query.eq("nope", 1))
  })],
  ["related summing a string field", Query.find(ACCOUNT, {
    where: Query.related(DEAL, "accountId", { measure: { _tag: "Sum", field: "stage" }, op: "gt", value: 1 })
  })],
  ["related averaging a string field", Query.find(ACCOUNT, {
    where: Query.related(DEAL, "accountId", { measure: { _tag: "Avg", field: "stage" }, op: "gt", value: 1 })
  })],
  ["related averaging a timestamp", Query.find(ACCOUNT, {
    where: Query.related(DEAL, "accountId", { measure: { _tag: "Avg", field: "closedAt" }, op: "gt", value: 1 })
  })],
  ["related averaging an unknown field", Query.find(ACCOUNT, {
    where: Query.related(DEAL, "accountId", { measure: { _tag: "Avg", field: "nope" }, op: "gt", value: 1 })
  })],
  ["notExists through a field that does not refer to this collection", Query.find(ACCOUNT, {
    where: Query.notExists(DEAL, "stage")
  })],
  ["notExists with an unknown field in its where", Query.find(ACCOUNT, {
    where: Query.notExists(DEAL, "accountId", Query.eq("nope", 1))
  })],
  ["related with a non-finite value", Query.find(ACCOUNT, {
    where: Query.related(DEAL, "accountId", { op: "gt", value: Number.NaN })
  })],
  ["sorting by an unknown field", Query.find(ACCOUNT, { orderBy: [{ field: "nope", direction: "asc" }] })],
  ["sorting by a strings field", Query.find(ACCOUNT, { orderBy: [{ field: "tags", direction: "asc" }] })],
  ["sorting by a money field", Query.find(ACCOUNT, { orderBy: [{ field: "revenue", direction: "asc" }] })],
  ["a garbage cursor", Query.find(ACCOUNT, { cursor: "not a cursor", limit: 2 })],
  ["an empty cursor", Query.find(ACCOUNT, { cursor: "", limit: 2 })],
  ["a cursor of base64 JSON of the wrong shape", Query.find(ACCOUNT, {
    cursor: Buffer.from(JSON.stringify({ hello: "world" }), "utf8").toString("base64url"),
    limit: 2
  })],
  ["a limit of 0", Query.find(ACCOUNT, { limit: 0 })],
  ["a limit above 10000", Query.find(ACCOUNT, { limit: 10_001 })],
  ["a fractional limit", Query.find(ACCOUNT, { limit: 1.5 })],
  // Text no store can hold: PostgreSQL refuses NUL in text, and a lone surrogate is not
  // Unicode (PostgreSQL turns it into U+FFFD, SQLite and JavaScript sort it differently).
  ["a NUL in an eq value", Query.find(ACCOUNT, { where: Query.eq("name", "a\u0000b") })],
  ["a lone high surrogate in an eq value", Query.find(ACCOUNT, { where: Query.eq("name", "\uD800") })],
  ["a lone low surrogate in a neq value", Query.find(ACCOUNT, { where: Query.neq("nickname", "x\uDC00") })],
  ["half a surrogate pair in an lt value", Query.find(ACCOUNT, { where: Query.lt("name", "😀".slice(0, 1)) })],
  ["a NUL inside in", Query.find(ACCOUNT, { where: Query.isIn("name", ["Ada", "\u0000"]) })],
  ["a lone surrogate inside notIn", Query.find(ACCOUNT, { where: Query.notIn("name", ["\uDFFF"]) })],
  ["a NUL in between", Query.find(ACCOUNT, { where: Query.between("name", "a", "b\u0000") })],
  ["a NUL in startsWith", Query.find(ACCOUNT, { where: Query.startsWith("name", "\u0000") })],
  ["a NUL in endsWith (case-insensitive)", Query.find(ACCOUNT, {
    where: Query.endsWith("name", "a\u0000", { caseInsensitive: true })
  })],
  ["a lone surrogate in contains", Query.find(ACCOUNT, { where: Query.contains("name", "\uD83D") })],
  ["a NUL in equalsText", Query.find(ACCOUNT, { where: Query.equalsText("name", "Ada\u0000") })],
  ["a NUL in has", Query.find(ACCOUNT, { where: Query.has("tags", "vip\u0000") })],
  ["a lone surrogate inside hasAny", Query.find(ACCOUNT, { where: Query.hasAny("tags", ["vip", "\uD800"]) })],
  ["a NUL in a custom text value", Query.find(ACCOUNT, { where: Query.eq("custom.note", "\u0000") })],
  ["a NUL in a currency", Query.find(ACCOUNT, { where: Query.eq("revenue.currency", "EU\u0000") })],
  ["a NUL in an id", Query.find(ACCOUNT, { where: Query.eq("id", "a01\u0000") })],
  ["a NUL inside a related condition", Query.find(ACCOUNT, {
    where: Query.exists(DEAL, "accountId", Query.eq("stage", "won\u0000"))
  })],
  ["a cursor whose value holds a NUL", Query.find(ACCOUNT, {
    orderBy: [{ field: "name", direction: "asc" }],
    cursor: Buffer.from(JSON.stringify({ k: ["name:asc", "id:asc"], v: ["a\u0000", "a"] }), "utf8").toString("base64url"),
    limit: 2
  })],
  ["a cursor whose value is a lone surrogate", Query.find(ACCOUNT, {
    orderBy: [{ field: "name", direction: "asc" }],
    // JSON.stringify writes a lone surrogate as the escape \ud800, which JSON.parse reads back.
    cursor: Buffer.from(JSON.stringify({ k: ["name:asc", "id:asc"], v: ["\uD800", "a"] }), "utf8").toString("base64url"),
    limit: 2
  })],
  // Field references and arithmetic (`compare`)
  ["compare with an unknown field", Query.find(ACCOUNT, { where: Query.compare(Query.field("nope"), "gt", Query.field("score")) })],
  ["compare with an unknown field inside arithmetic", Query.find(ACCOUNT, {
    where: Query.compare(Query.add(Query.field("score"), Query.field("nope")), "gt", 1)
  })],
  ["compare of text with a number", Query.find(ACCOUNT, { where: Query.compare(Query.field("name"), "eq", Query.field("score")) })],
  ["compare of a date with text", Query.find(ACCOUNT, { where: Query.compare(Query.field("since"), "lt", Query.field("name")) })],
  ["compare of a date with a malformed date literal", Query.find(ACCOUNT, {
    where: Query.compare(Query.field("since"), "lt", "15/01/2024")
  })],
  ["compare of a boolean with a number", Query.find(ACCOUNT, { where: Query.compare(Query.field("active"), "eq", Query.field("seats")) })],
  ["lt between booleans", Query.find(ACCOUNT, { where: Query.compare(Query.field("active"), "lt", Query.field("custom.vip")) })],
  ["arithmetic on text", Query.find(ACCOUNT, { where: Query.compare(Query.add(Query.field("name"), 1), "gt", 1) })],
  ["arithmetic on a date", Query.find(ACCOUNT, { where: Query.compare(Query.subtract(Query.field("since"), 1), "gt", 1) })],
  ["compare of a whole money field", Query.find(ACCOUNT, { where: Query.compare(Query.field("revenue"), "gt", 1) })],
  ["compare of a strings field", Query.find(ACCOUNT, { where: Query.compare(Query.field("tags"), "eq", Query.field("name")) })],
  ["compare naming no field", Query.find(ACCOUNT, { where: Query.compare(1, "lt", 2) })],
  ["a money amount against a plain number field", Query.find(ACCOUNT, {
    where: Query.compare(Query.field("revenue.amountMinor"), "gt", Query.field("seats"))
  })],
  ["a money amount plus a plain number field", Query.find(ACCOUNT, {
    where: Query.compare(Query.add(Query.field("revenue.amountMinor"), Query.field("score")), "gt", 1)
  })],
  ["money times money", Query.find(ACCOUNT, {
    where: Query.compare(Query.multiply(Query.field("revenue.amountMinor"), Query.field("revenue.amountMinor")), "gt", 1)
  })],
  ["a plain number over money", Query.find(ACCOUNT, {
    where: Query.compare(Query.divide(Query.field("score"), Query.field("revenue.amountMinor")), "gt", 1)
  })],
  ["an arithmetic literal past 2^64", Query.find(ACCOUNT, { where: Query.compare(Query.multiply(Query.field("score"), 3e19), "gt", 1) })],
  ["an arithmetic literal below 2^-64", Query.find(ACCOUNT, { where: Query.compare(Query.add(Query.field("score"), 1e-30), "gt", 1) })],
  ["more than 8 arithmetic operands", Query.find(ACCOUNT, {
    where: Query.compare(
      [2, 3, 4, 5, 6, 7, 8, 9].reduce((t: Query.Term, n) => Query.add(t, n), Query.field("score")),
      "gt",
      1
    )
  })],
  ["a non-finite literal", Query.find(ACCOUNT, { where: Query.compare(Query.field("score"), "gt", Number.NaN) })],
  ["a NUL in a compare literal", Query.find(ACCOUNT, { where: Query.compare(Query.field("name"), "eq", "a\u0000") })],
  ["a lone surrogate in a compare literal", Query.find(ACCOUNT, { where: Query.compare("\uD800", "lt", Query.field("name")) })],
  // Money amounts in different currencies do not add up.
  ["a related sum of money amounts across currencies", Query.find(ACCOUNT, {
    where: Query.related(DEAL, "accountId", { measure: { _tag: "Sum", field: "value.amountMinor" }, op: "gt", value: 0 })
  })],
  ["a related average of money amounts across currencies", Query.find(ACCOUNT, {
    where: Query.related(DEAL, "accountId", { measure: { _tag: "Avg", field: "value.amountMinor" }, op: "gt", value: 0 })
  })],
  ["a related sum of money amounts whose currency filter is under or", Query.find(ACCOUNT, {
    where: Query.related(DEAL, "accountId", {
      where: Query.or(Query.eq("value.currency", "EUR"), Query.eq("stage", "won")),
      measure: { _tag: "Sum", field: "value.amountMinor" },
      op: "gt",
      value: 0
    })
  })]
]

/** [label, aggregate, the path the refusal names] */
const reportRefusals: ReadonlyArray<readonly [string, Query.Aggregate, string]> = [
  ["a percentile above 1", Query.aggregate(ACCOUNT, { measures: [Query.percentile("p", "score", 1.5)] }), "measures.0.p"],
  ["a negative percentile", Query.aggregate(ACCOUNT, { measures: [Query.percentile("p", "score", -0.1)] }), "measures.0.p"],
  ["a percentile of text", Query.aggregate(ACCOUNT, { measures: [Query.median("p", "name")] }), "measures.0"],
  ["a percentile of timestamps", Query.aggregate(ACCOUNT, { measures: [Query.median("p", "lastSeenAt")] }), "measures.0"],
  ["a money percentile across currencies", Query.aggregate(ACCOUNT, { measures: [Query.median("p", "revenue.amountMinor")] }), "measures.0"],
  ["a measure filter on an unknown field", Query.aggregate(ACCOUNT, {
    measures: [{ _tag: "Count", as: "n" }, { _tag: "Count", as: "m" }, { _tag: "Count", as: "o", filter: Query.eq("nope", 1) }]
  }), "measures.2.filter"],
  ["a measure filter of the wrong kind", Query.aggregate(ACCOUNT, {
    measures: [{ _tag: "Sum", as: "s", field: "seats", filter: Query.eq("seats", "many") }]
  }), "measures.0.filter"],
  ["a sum of a text term", Query.aggregate(ACCOUNT, {
    measures: [{ _tag: "Sum", as: "s", term: Query.add(Query.field("name"), 1) }]
  }), "measures.0.term"],
  ["a measure of literals only", Query.aggregate(ACCOUNT, {
    measures: [{ _tag: "Avg", as: "s", term: Query.multiply(2, 3) }]
  }), "measures.0.term"],
  ["a weighted money sum across currencies", Query.aggregate(DEAL, {
    measures: [{ _tag: "Sum", as: "s", term: Query.multiply(Query.field("value.amountMinor"), Query.field("amount")) }]
  }), "measures.0"],
  ["money times money in a measure", Query.aggregate(DEAL, {
    where: Query.eq("value.currency", "EUR"),
    measures: [{ _tag: "Sum", as: "s", term: Query.multiply(Query.field("value.amountMinor"), Query.field("value.amountMinor")) }]
  }), "measures.0.term"],
  ["a group key of arithmetic on text", Query.aggregate(ACCOUNT, {
    groupBy: [{ _tag: "Term", as: "k", term: Query.subtract(Query.field("since"), 1) }],
    measures: []
  }), "groupBy.0.term"],
  ["an arithmetic literal out of range in a group key", Query.aggregate(ACCOUNT, {
    groupBy: [{ _tag: "Term", as: "k", term: Query.multiply(Query.field("seats"), 1e30) }],
    measures: []
  }), "groupBy.0.term.right"],
  ["having on an unknown alias", Query.aggregate(ACCOUNT, {
    measures: [{ _tag: "Count", as: "n" }],
    having: Query.havingAnd(Query.havingCompare("n", "gt", 1), Query.havingCompare("nope", "gt", 1))
  }), "having.conditions.1.alias"],
  ["having on a field name that is no alias", Query.aggregate(ACCOUNT, {
    measures: [{ _tag: "Count", as: "n" }],
    having: Query.havingNull("seats")
  }), "having.alias"],
  ["having comparing a count with text", Query.aggregate(ACCOUNT, {
    measures: [{ _tag: "Count", as: "n" }],
    having: Query.havingCompare("n", "gt", "1")
  }), "having.value"],
  ["having ordering a boolean key", Query.aggregate(ACCOUNT, {
    groupBy: [{ _tag: "Field", as: "a", field: "active" }],
    measures: [],
    having: Query.havingCompare("a", "gt", true)
  }), "having"],
  ["having comparing a date key with a non-date", Query.aggregate(ACCOUNT, {
    groupBy: [{ _tag: "Field", as: "d", field: "since" }],
    measures: [],
    having: Query.havingCompare("d", "eq", "yesterday")
  }), "having.value"],
  ["an aggregate cursor that is not one", { ...Query.aggregate(ACCOUNT, { measures: [{ _tag: "Count", as: "n" }] }), cursor: "nope" }, "cursor"]
]

/** [label, aggregate] */
export const invalidAggregates: ReadonlyArray<readonly [string, Query.Aggregate]> = [
  ["unknown collection", Query.aggregate("nope", { measures: [{ _tag: "Count", as: "n" }] })],
  ["no measures and no group keys", Query.aggregate(ACCOUNT, { measures: [] })],
  ["an unknown field in where", Query.aggregate(ACCOUNT, { where: Query.eq("nope", 1), measures: [{ _tag: "Count", as: "n" }] })],
  ["summing a string field", Query.aggregate(ACCOUNT, { measures: [{ _tag: "Sum", as: "s", field: "name" }] })],
  ["summing a string field through a path", Query.aggregate(DEAL, { measures: [{ _tag: "Sum", as: "s", field: "accountId.name" }] })],
  [
    "summing money through a path across currencies",
    Query.aggregate(DEAL, { measures: [{ _tag: "Sum", as: "s", field: "accountId.revenue.amountMinor" }] })
  ],
  ["averaging a timestamp", Query.aggregate(ACCOUNT, { measures: [{ _tag: "Avg", as: "a", field: "lastSeenAt" }] })],
  ["the min of a boolean", Query.aggregate(ACCOUNT, { measures: [{ _tag: "Min", as: "m", field: "active" }] })],
  ["summing an unknown field", Query.aggregate(ACCOUNT, { measures: [{ _tag: "Sum", as: "s", field: "nope" }] })],
  ["counting distinct values of an unknown field", Query.aggregate(ACCOUNT, {
    measures: [{ _tag: "CountDistinct", as: "d", field: "nope" }]
  })],
  ["counting distinct values of a strings field", Query.aggregate(ACCOUNT, {
    measures: [{ _tag: "CountDistinct", as: "d", field: "tags" }]
  })],
  ["counting distinct values of a money field", Query.aggregate(ACCOUNT, {
    measures: [{ _tag: "CountDistinct", as: "d", field: "revenue" }]
  })],
  ["counting distinct values of a json field", Query.aggregate(ACCOUNT, {
    measures: [{ _tag: "CountDistinct", as: "d", field: "profile" }]
  })],
  ["a countDistinct alias with a quote", Query.aggregate(ACCOUNT, {
    measures: [{ _tag: "CountDistinct", as: "d\"; --", field: "name" }]
  })],
  ["grouping by a strings field", Query.aggregate(ACCOUNT, {
    groupBy: [{ _tag: "Field", as: "t", field: "tags" }],
    measures: [{ _tag: "Count", as: "n" }]
  })],
  ["grouping by a money field", Query.aggregate(ACCOUNT, {
    groupBy: [{ _tag: "Field", as: "r", field: "revenue" }],
    measures: [{ _tag: "Count", as: "n" }]
  })],
  ["a bucket of a date with a time zone", Query.aggregate(ACCOUNT, {
    groupBy: [{ _tag: "Bucket", as: "b", field: "since", unit: "month", timeZone: "UTC" }],
    measures: [{ _tag: "Count", as: "n" }]
  })],
  ["an hour bucket of a date", Query.aggregate(ACCOUNT, {
    groupBy: [{ _tag: "Bucket", as: "b", field: "since", unit: "hour" }],
    measures: [{ _tag: "Count", as: "n" }]
  })],
  ["a bucket of a timestamp without a time zone", Query.aggregate(ACCOUNT, {
    groupBy: [{ _tag: "Bucket", as: "b", field: "lastSeenAt", unit: "day" }],
    measures: [{ _tag: "Count", as: "n" }]
  })],
  ["a bucket of a number field", Query.aggregate(ACCOUNT, {
    groupBy: [{ _tag: "Bucket", as: "b", field: "score", unit: "day", timeZone: "UTC" }],
    measures: [{ _tag: "Count", as: "n" }]
  })],
  ["two bucket keys filling gaps", Query.aggregate(ACCOUNT, {
    groupBy: [
      { _tag: "Bucket", as: "a", field: "lastSeenAt", unit: "day", timeZone: "UTC", fill: { from: -1, to: 0 } },
      { _tag: "Bucket", as: "b", field: "lastSeenAt", unit: "week", timeZone: "UTC", fill: { from: -1, to: 0 } }
    ],
    measures: [{ _tag: "Count", as: "n" }]
  })],
  ["a gap fill with having", Query.aggregate(ACCOUNT, {
    groupBy: [{ _tag: "Bucket", as: "b", field: "lastSeenAt", unit: "day", timeZone: "UTC", fill: { from: -1, to: 0 } }],
    measures: [{ _tag: "Count", as: "n" }],
    having: Query.havingCompare("n", "gt", 0)
  })],
  ["a gap fill of dates relative to today", Query.aggregate(ACCOUNT, {
    groupBy: [{ _tag: "Bucket", as: "b", field: "since", unit: "month", fill: { from: -1, to: 0 } }],
    measures: [{ _tag: "Count", as: "n" }]
  })],
  ["a gap fill ending before it starts", Query.aggregate(ACCOUNT, {
    groupBy: [{ _tag: "Bucket", as: "b", field: "since", unit: "month", fill: { from: "2025-06-01", to: "2025-01-01" } }],
    measures: [{ _tag: "Count", as: "n" }]
  })],
  ["a gap fill of more than 10000 buckets", Query.aggregate(ACCOUNT, {
    groupBy: [{ _tag: "Bucket", as: "b", field: "lastSeenAt", unit: "hour", timeZone: "UTC", fill: { from: -20_000, to: 0 } }],
    measures: [{ _tag: "Count", as: "n" }]
  })],
  ["a gap fill with a malformed date", Query.aggregate(ACCOUNT, {
    groupBy: [{ _tag: "Bucket", as: "b", field: "since", unit: "month", fill: { from: "2025-02-30", to: "2025-06-01" } }],
    measures: [{ _tag: "Count", as: "n" }]
  })],
  ["a bucket week starting on day 0", Query.aggregate(ACCOUNT, {
    groupBy: [{ _tag: "Bucket", as: "b", field: "lastSeenAt", unit: "week", timeZone: "UTC", weekStart: 0 }],
    measures: [{ _tag: "Count", as: "n" }]
  })],
  ["an unknown time zone", Query.aggregate(ACCOUNT, {
    groupBy: [{ _tag: "Bucket", as: "b", field: "lastSeenAt", unit: "day", timeZone: "Mars/Olympus_Mons" }],
    measures: [{ _tag: "Count", as: "n" }]
  })],
  ["an empty time zone", Query.aggregate(ACCOUNT, {
    groupBy: [{ _tag: "Bucket", as: "b", field: "lastSeenAt", unit: "day", timeZone: "" }],
    measures: [{ _tag: "Count", as: "n" }]
  })],
  ["a time zone that looks like SQL", Query.aggregate(ACCOUNT, {
    groupBy: [{ _tag: "Bucket", as: "b", field: "lastSeenAt", unit: "day", timeZone: "UTC'; DROP TABLE account; --" }],
    measures: [{ _tag: "Count", as: "n" }]
  })],
  ["an alias starting with a digit", Query.aggregate(ACCOUNT, { measures: [{ _tag: "Count", as: "1n" }] })],
  ["an alias with a dash", Query.aggregate(ACCOUNT, { measures: [{ _tag: "Count", as: "a-b" }] })],
  ["an alias with a quote", Query.aggregate(ACCOUNT, { measures: [{ _tag: "Count", as: "n\"; --" }] })],
  ["an empty alias", Query.aggregate(ACCOUNT, { measures: [{ _tag: "Count", as: "" }] })],
  ["an alias used twice", Query.aggregate(ACCOUNT, {
    groupBy: [{ _tag: "Field", as: "n", field: "name" }],
    measures: [{ _tag: "Count", as: "n" }]
  })],
  ["orderBy something that is not an alias", Query.aggregate(ACCOUNT, {
    measures: [{ _tag: "Count", as: "n" }],
    orderBy: [{ field: "name", direction: "asc" }]
  })],
  ...[
    "CET", // PostgreSQL reads it as the fixed +01:00 abbreviation, Intl as Europe/Brussels
    "WET",
    "EET",
    "MET",
    "EST",
    "HST",
    "EST5EDT",
    "PST8PDT",
    "GMT",
    "Japan",
    "US/Pacific-New", // removed from the tz database in 2020; PostgreSQL does not know it
    "SystemV/AST4",
    "UTC+5", // a POSIX offset to PostgreSQL (five hours west), unknown to Intl
    "Etc/Unknown",
    "Factory",
    " Europe/Berlin"
  ].map((zone) =>
    [`the time zone name ${JSON.stringify(zone)}`, Query.aggregate(ACCOUNT, {
      groupBy: [{ _tag: "Bucket", as: "b", field: "lastSeenAt", unit: "day", timeZone: zone }],
      measures: [{ _tag: "Count", as: "n" }]
    })] as const
  ),
  ["a NUL in where", Query.aggregate(ACCOUNT, { where: Query.eq("name", "\u0000"), measures: [{ _tag: "Count", as: "n" }] })],
  ["a lone surrogate in where", Query.aggregate(ACCOUNT, {
    where: Query.startsWith("name", "\uDBFF"),
    measures: [{ _tag: "Count", as: "n" }]
  })],
  // Money amounts in different currencies do not add up.
  ["a sum of money amounts across currencies", Query.aggregate(ACCOUNT, {
    measures: [{ _tag: "Sum", as: "s", field: "revenue.amountMinor" }]
  })],
  ["an average of money amounts across currencies", Query.aggregate(ACCOUNT, {
    measures: [{ _tag: "Avg", as: "a", field: "revenue.amountMinor" }]
  })],
  ["a money sum grouped by something other than its currency", Query.aggregate(ACCOUNT, {
    groupBy: [{ _tag: "Field", as: "active", field: "active" }],
    measures: [{ _tag: "Sum", as: "s", field: "revenue.amountMinor" }]
  })],
  ["a money sum whose currency filter is under or", Query.aggregate(ACCOUNT, {
    where: Query.or(Query.eq("revenue.currency", "EUR"), Query.eq("name", "Ada")),
    measures: [{ _tag: "Sum", as: "s", field: "revenue.amountMinor" }]
  })],
  ["a money sum whose currency filter is under not", Query.aggregate(ACCOUNT, {
    where: Query.not(Query.neq("revenue.currency", "EUR")),
    measures: [{ _tag: "Sum", as: "s", field: "revenue.amountMinor" }]
  })],
  ["a money sum filtered to two currencies", Query.aggregate(ACCOUNT, {
    where: Query.isIn("revenue.currency", ["EUR", "USD"]),
    measures: [{ _tag: "Sum", as: "s", field: "revenue.amountMinor" }]
  })],
  ["a custom money sum across currencies", Query.aggregate(ACCOUNT, {
    measures: [{ _tag: "Sum", as: "s", field: "custom.mrr.amountMinor" }]
  })],
  ["an unknown part of a custom money field", Query.aggregate(ACCOUNT, {
    measures: [{ _tag: "Max", as: "s", field: "custom.mrr.cents" }]
  })],
  ["a part of a custom field that is no money", Query.aggregate(ACCOUNT, {
    measures: [{ _tag: "Max", as: "s", field: "custom.quota.amountMinor" }]
  })],
  ["a money sum filtered by neq on the currency", Query.aggregate(ACCOUNT, {
    where: Query.neq("revenue.currency", "EUR"),
    measures: [{ _tag: "Avg", as: "a", field: "revenue.amountMinor" }]
  })],
  // Aggregates for reports
  ...reportRefusals.map(([label, query]) => [label, query] as const)
]

export const invalidSuite = (it: It) => {
  for (const [label, query] of invalidFinds) {
    it.effect(`find refuses ${label} with InvalidQuery`, () =>
      Effect.gen(function*() {
        const store = yield* Store.Store
        const ws = freshWorkspace()
        yield* insertAccounts(ws, [account("a"), account("b"), account("c")])
        yield* expectFailure("InvalidQuery")(store.find(ws, query))
      }))
  }

  for (const [label, query] of invalidAggregates) {
    it.effect(`aggregate refuses ${label} with InvalidQuery`, () =>
      Effect.gen(function*() {
        const store = yield* Store.Store
        const ws = freshWorkspace()
        yield* insertAccounts(ws, [account("a")])
        yield* expectFailure("InvalidQuery")(store.aggregate(ws, query))
      }))
  }

  for (const [label, query, path] of reportRefusals) {
    it.effect(`aggregate refuses ${label}, naming ${path}`, () =>
      Effect.gen(function*() {
        const store = yield* Store.Store
        const error = yield* expectFailure("InvalidQuery")(store.aggregate(freshWorkspace(), query))
        expect(error.path).toBe(path)
      }))
  }

  it.effect("an aggregate cursor from a query with another order is refused", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      yield* insertAccounts(ws, [account("a", { seats: 1 }), account("b", { seats: 2 })])
      const bySeats = Query.aggregate(ACCOUNT, { groupBy: [{ _tag: "Field", as: "s", field: "seats" }], measures: [], limit: 1 })
      const page = yield* store.aggregatePage(ws, bySeats)
      const cursor = page.nextCursor!
      const error = yield* expectFailure("InvalidQuery")(
        store.aggregatePage(ws, { ...bySeats, orderBy: [{ field: "s", direction: "desc" }], cursor })
      )
      expect(error.path).toBe("cursor")
    }))

  it.effect("a cursor from a query with another order is refused", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      yield* insertAccounts(ws, [account("a"), account("b"), account("c")])
      const asc = Query.find(ACCOUNT, { orderBy: [{ field: "name", direction: "asc" }], limit: 1 })
      const page = yield* store.find(ws, asc)
      expect(page.nextCursor).not.toBeNull()
      const cursor = page.nextCursor!
      yield* expectFailure("InvalidQuery")(
        store.find(ws, { ...asc, orderBy: [{ field: "name", direction: "desc" }], cursor })
      )
      yield* expectFailure("InvalidQuery")(store.find(ws, { ...asc, orderBy: [{ field: "score", direction: "asc" }], cursor }))
      yield* expectFailure("InvalidQuery")(store.find(ws, { ...asc, orderBy: [], cursor }))
      // The cursor still works with its own query.
      expect((yield* store.find(ws, { ...asc, cursor })).rows.map((r) => r.id)).toEqual(["b"])
    }))

  it.effect("a cursor whose values have the wrong type is refused", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      const cursor = Buffer.from(JSON.stringify({ k: ["score:asc", "id:asc"], v: ["ten", "a"] }), "utf8").toString(
        "base64url"
      )
      yield* expectFailure("InvalidQuery")(
        store.find(ws, Query.find(ACCOUNT, { orderBy: [{ field: "score", direction: "asc" }], cursor, limit: 1 }))
      )
    }))

  it.effect("InvalidQuery names the collection and the path", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const error = yield* expectFailure("InvalidQuery")(
        store.find(freshWorkspace(), Query.find(ACCOUNT, { where: Query.and(Query.eq("nope", 1)) }))
      )
      expect(error.collection).toBe(ACCOUNT)
      expect(error.path).toBe("where.exprs.0")
    }))

  it.effect("text no store can hold is refused naming the field and why, before the store is touched", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      yield* insertAccounts(ws, [account("a", { name: "\uFFFD" })])
      const nul = yield* expectFailure("InvalidQuery")(
        store.find(ws, Query.find(ACCOUNT, { where: Query.and(Query.eq("active", true), Query.startsWith("nickname", "x\u0000")) }))
      )
      expect(nul.path).toBe("where.exprs.1")
      expect(nul.reason).toMatch(/"nickname"/)
      expect(nul.reason).toMatch(/NUL \(U\+0000\)/)
      const lone = yield* expectFailure("InvalidQuery")(
        store.aggregate(ws, Query.aggregate(ACCOUNT, { where: Query.eq("name", "\uD800"), measures: [{ _tag: "Count", as: "n" }] }))
      )
      expect(lone.reason).toMatch(/"name"/)
      expect(lone.reason).toMatch(/not well-formed Unicode/)
      const listed = yield* expectFailure("InvalidQuery")(store.find(ws, Query.find(ACCOUNT, { where: Query.hasAny("tags", ["ok", "\uDC00"]) })))
      expect(listed.path).toBe("where.values.1")
      expect(listed.reason).toMatch(/"tags"/)
      // Well-formed text, astral characters included, is a plain answer.
      expect((yield* store.find(ws, Query.find(ACCOUNT, { where: Query.eq("name", "\uFFFD") }))).rows.map((r) => r.id)).toEqual(["a"])
      expect((yield* store.find(ws, Query.find(ACCOUNT, { where: Query.contains("name", "😀") }))).rows).toEqual([])
    }))

  it.effect("a refused time zone is named, with a canonical zone to use instead", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      const bucketIn = (timeZone: string) =>
        store.aggregate(ws, Query.aggregate(ACCOUNT, {
          groupBy: [{ _tag: "Bucket", as: "b", field: "lastSeenAt", unit: "day", timeZone }],
          measures: [{ _tag: "Count", as: "n" }]
        }))
      const cet = yield* expectFailure("InvalidQuery")(bucketIn("CET"))
      expect(cet.path).toBe("groupBy.0.timeZone")
      expect(cet.reason).toMatch(/"CET"/)
      expect(cet.reason).toMatch(/Europe\/Brussels/)
      const removed = yield* expectFailure("InvalidQuery")(bucketIn("US/Pacific-New"))
      expect(removed.reason).toMatch(/America\/Los_Angeles/)
      const unknown = yield* expectFailure("InvalidQuery")(bucketIn("Mars/Olympus_Mons"))
      expect(unknown.reason).toMatch(/unknown time zone "Mars\/Olympus_Mons"/)
    }))

  it.effect("a money sum is refused across currencies, saying how to fix it, and accepted for one currency", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      yield* insertAccounts(ws, Fixtures.accounts)
      const sum = { _tag: "Sum", as: "s", field: "revenue.amountMinor" } as const
      const mixed = yield* expectFailure("InvalidQuery")(store.aggregate(ws, Query.aggregate(ACCOUNT, { measures: [sum] })))
      expect(mixed.path).toBe("measures.0")
      expect(mixed.reason).toMatch(/"revenue.amountMinor"/)
      expect(mixed.reason).toMatch(/group by "revenue.currency"/)
      expect(mixed.reason).toMatch(/eq\("revenue.currency"/)
      // EUR: a01 1000, a04 99999, a06 0.
      const eur = [{ s: 100999 }]
      expect(yield* store.aggregate(ws, Query.aggregate(ACCOUNT, { where: Query.eq("revenue.currency", "EUR"), measures: [sum] })))
        .toEqual(eur)
      expect(yield* store.aggregate(ws, Query.aggregate(ACCOUNT, { where: Query.isIn("revenue.currency", ["EUR"]), measures: [sum] })))
        .toEqual(eur)
      expect(
        yield* store.aggregate(ws, Query.aggregate(ACCOUNT, {
          where: Query.and(Query.gte("seats", -100), Query.and(Query.eq("revenue.currency", "EUR"))),
          measures: [sum]
        }))
      ).toEqual(eur)
      expect(
        yield* store.aggregate(ws, Query.aggregate(ACCOUNT, {
          groupBy: [{ _tag: "Field", as: "active", field: "active" }, { _tag: "Field", as: "cur", field: "revenue.currency" }],
          measures: [sum],
          orderBy: [{ field: "cur", direction: "asc" }],
          limit: 1
        }))
      ).toEqual([{ active: true, cur: "EUR", s: 100999 }])
      const related = (where: Query.Expr) =>
        store.find(ws, Query.find(ACCOUNT, {
          where: Query.related(DEAL, "accountId", { where, measure: { _tag: "Sum", field: "value.amountMinor" }, op: "gte", value: 0 })
        }))
      yield* related(Query.eq("value.currency", "EUR"))
      const relatedMixed = yield* expectFailure("InvalidQuery")(related(Query.neq("value.currency", "EUR")))
      expect(relatedMixed.path).toBe("where.measure")
      expect(relatedMixed.reason).toMatch(/"value.amountMinor"/)
    }))

  it.effect("related and exists through link rows (via) refuse keys the catalog does not back, naming the slot", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      const refused = (where: Query.Expr, collection = ACCOUNT) =>
        expectFailure("InvalidQuery")(store.find(ws, Query.find(collection, { where: Query.and(Query.isNull("id"), where) })))
      const cases: ReadonlyArray<readonly [Query.Expr, string]> = [
        [Query.exists(ACCOUNT, "id", undefined, Query.via("nope", "fromId", "toId")), "where.exprs.1.via.collection"],
        [Query.exists(ACCOUNT, "id", undefined, Query.via(LINK, "label", "toId")), "where.exprs.1.via.from"],
        [Query.exists(ACCOUNT, "id", undefined, Query.via(LINK, "fromId", "nope")), "where.exprs.1.via.to"],
        // accountId refers to account: a link from a deal's accountId cannot start at an account's id.
        [Query.exists(ACCOUNT, "id", undefined, Query.via(DEAL, "accountId", "id")), "where.exprs.1.via.to"],
        [Query.exists(ACCOUNT, "id", undefined, Query.via(LINK, "fromId", "toId", Query.eq("nope", 1))), "where.exprs.1.via.where"],
        [Query.exists(ACCOUNT, "id", undefined, Query.via(LINK, "fromId", "toId", Query.eq("label", "a\u0000"))), "where.exprs.1.via.where"],
        [Query.exists(DEAL, "stage", undefined, Query.via(LINK, "fromId", "toId")), "where.exprs.1.foreignKey"],
        [
          Query.related(DEAL, "id", { op: "gt", value: 0, measure: { _tag: "Sum", field: "stage" }, via: Query.via(LINK, "fromId", "toId") }),
          "where.exprs.1.measure"
        ]
      ]
      for (const [where, path] of cases) expect((yield* refused(where)).path, JSON.stringify(where)).toBe(path)
      // A link row's key pointing at deals cannot start from a deal's accountId (it refers to account).
      const wrongSide = yield* refused(Query.exists(DEAL, "id", undefined, Query.via(DEAL, "accountId", "id")), DEAL)
      expect(wrongSide.path).toBe("where.exprs.1.via.from")
    }))
}
