import { describe, expect, it } from "@effect/vitest"
import { Catalog, Collection, Field, Plan, Query } from "@rapport/core"
import { Either, Schema } from "effect"
import { Compiler, Dialect, Layout } from "../src/index.js"

const fields = { name: Field.string(), seats: Field.nullable(Field.integer()), total: Field.nullable(Field.money()), tags: Field.strings() }
class Thing extends Schema.Class<Thing>("Thing")(Collection.modelFields(Schema.String, fields)) {}
const things = Collection.make({ name: "thing", schema: Thing, fields, unique: [["name"]] })
const partFields = {
  thingId: Field.ref("thing", Schema.String),
  qty: Field.nullable(Field.integer()),
  share: Field.nullable(Field.number())
}
class Part extends Schema.Class<Part>("Part")(Collection.modelFields(Schema.String, partFields)) {}
const parts = Collection.make({ name: "part", schema: Part, fields: partFields })
const catalog = Catalog.make({ collections: [things, parts] })
const tables = (name: string) => Layout.make(catalog.collections.get(name)!)
const plan = (query: Query.Find) => Either.getOrThrow(Plan.find(catalog, "ws", query, 0))

describe("Compiler", () => {
  it("binds every value and quotes identifiers (pg)", () => {
    const c = Compiler.find(Dialect.postgres(), tables, "ws", plan(Query.find("thing", {
      where: Query.and(Query.eq("name", "x'; DROP TABLE thing; --"), Query.gt("seats", 2.5), Query.not(Query.has("tags", "a"))),
      orderBy: [{ field: "total.amountMinor", direction: "desc" }],
      limit: 10
    })))
    expect(c.sql).toBe(
      `SELECT t0."id", t0."version", t0."createdAt", t0."updatedAt", t0."name", t0."seats", t0."total_amount_minor", t0."total_currency", t0."tags" FROM "thing" t0 WHERE t0."workspace_id" = $1 AND (t0."name" = $2 AND t0."seats" > $3::double precision AND ((("t0"."tags" ? $4)) IS NOT TRUE)) ORDER BY t0."total_amount_minor" DESC NULLS LAST, t0."id" ASC NULLS LAST LIMIT $5`
        .replace(`"t0"."tags"`, `t0."tags"`)
    )
    expect(c.params).toEqual(["ws", "x'; DROP TABLE thing; --", 2.5, "a", 11])
  })

  it("uses positional placeholders and json_each on SQLite", () => {
    const c = Compiler.find(Dialect.sqlite, tables, "ws", plan(Query.find("thing", {
      where: Query.or(Query.isIn("seats", [1, 2]), Query.endsWith("name", "z", { caseInsensitive: true }), Query.notIn("name", []))
    })))
    expect(c.sql).toContain(`t0."seats" IN (SELECT value FROM json_each(?))`)
    expect(c.sql).toContain(`substr(rapport_lower(t0."name"), length(rapport_lower(t0."name")) - length(?) + 1) = ?`)
    expect(c.sql).toContain(`t0."name" IS NOT NULL`)
    expect(c.params).toEqual(["ws", "[1,2]", "z", "z"])
  })

  it("compiles aggregates with buckets grouped by position", () => {
    const p = Either.getOrThrow(Plan.aggregate(catalog, "ws", Query.aggregate("thing", {
      groupBy: [{ _tag: "Bucket", as: "day", field: "createdAt", unit: "week", timeZone: "Europe/Berlin" }],
      // Not a money amount: those sum only per currency.
      measures: [{ _tag: "Sum", as: "s", field: "seats" }]
    }), 0))
    const pg = Compiler.aggregate(Dialect.postgres(), tables, "ws", p)
    expect(pg.sql).toContain(`date_trunc('week', (to_timestamp(t0."createdAt" / 1000.0) AT TIME ZONE $1))`)
    expect(pg.sql).toContain("GROUP BY 1) r ORDER BY r.\"day\" ASC NULLS LAST")
    expect(pg.params).toEqual(["Europe/Berlin", "ws"])
    const lite = Compiler.aggregate(Dialect.sqlite, tables, "ws", p)
    expect(lite.sql).toContain(`rapport_bucket(t0."createdAt", 'week', ?, 1, 1)`)
  })

  it("compiles `related` as one grouped IN only when a record without related rows fails the test", () => {
    const sqlOf = (measure: Query.RelatedMeasure, op: Query.CompareOp, value: number) =>
      Compiler.find(Dialect.sqlite, tables, "ws", plan(Query.find("thing", {
        where: { _tag: "Related", collection: "part", foreignKey: "thingId", where: Query.gt("qty", 1), measure, op, value }
      })))
    const grouped = sqlOf({ _tag: "Count" }, "gte", 3)
    expect(grouped.sql).toContain(
      `(t0."id" IN (SELECT t1."thingId" FROM "part" t1 WHERE t1."workspace_id" = ? AND t1."thingId" IS NOT NULL AND t1."qty" > ? GROUP BY t1."thingId" HAVING count(*) >= ?))`
    )
    expect(grouped.params).toEqual(["ws", "ws", 1, 3])
    expect(sqlOf({ _tag: "Max", field: "qty" }, "lte", 5).sql).toContain("GROUP BY")
    expect(sqlOf({ _tag: "Sum", field: "qty" }, "gt", 0).sql).toContain("GROUP BY")
    expect(sqlOf({ _tag: "Count" }, "eq", 2).sql).toContain("GROUP BY")
    // Zero related rows pass these: they stay correlated subqueries.
    for (const [op, value] of [["gte", 0], ["eq", 0], ["lte", 2], ["lt", 1], ["neq", 3], ["gt", -1]] as const) {
      const c = sqlOf({ _tag: "Count" }, op, value)
      expect(c.sql).not.toContain("GROUP BY")
      expect(c.sql).toContain(`t1."thingId" = t0."id"`)
    }
  })

  it("compiles conditions on a one-hop path as one EXISTS per reference, isNull as a lookup", () => {
    const c = Compiler.find(Dialect.sqlite, tables, "ws", plan(Query.find("part", {
      where: Query.and(
        Query.eq("thingId.name", "a"),
        Query.not(Query.gt("thingId.seats", 2)),
        Query.isNull("thingId.seats"),
        Query.has("thingId.tags", "x")
      )
    })))
    expect(c.sql).toContain(
      `(EXISTS (SELECT 1 FROM "thing" t1 WHERE t1."workspace_id" = t0."workspace_id" AND t1."id" = t0."thingId" AND t1."name" = ? AND ` +
        `EXISTS (SELECT 1 FROM json_each(t1."tags") WHERE value = ?)) AND ` +
        `((EXISTS (SELECT 1 FROM "thing" t2 WHERE t2."workspace_id" = t0."workspace_id" AND t2."id" = t0."thingId" AND t2."seats" > ?)) IS NOT TRUE) AND ` +
        `(SELECT t3."seats" FROM "thing" t3 WHERE t3."workspace_id" = t0."workspace_id" AND t3."id" = t0."thingId") IS NULL`
    )
    expect(c.params).toEqual(["ws", "a", "x", 2])
  })

  it("compiles compare: arithmetic in doubles, division by NULLIF, float operands range-guarded, values bound", () => {
    const where = Query.compare(
      Query.divide(Query.multiply(Query.field("total.amountMinor"), 1.5), Query.field("seats")),
      "gt",
      1000
    )
    const pg = Compiler.where(Dialect.postgres(), tables, catalog.spec("ws", "thing")!, where)
    expect(pg.sql).toBe(
      `((((t0."total_amount_minor")::double precision * ($1::double precision)::double precision) / NULLIF((t0."seats")::double precision, 0)) > $2::double precision)`
    )
    expect(pg.params).toEqual([1.5, 1000])
    const lite = Compiler.where(
      Dialect.sqlite,
      tables,
      catalog.spec("ws", "part")!,
      Query.compare(Query.subtract(Query.field("share"), Query.field("qty")), "lte", 0.5)
    )
    expect(lite.sql).toBe(
      `((CAST(CASE WHEN abs(t0."share") <= ? AND (abs(t0."share") >= ? OR t0."share" = 0) THEN t0."share" END AS REAL) - CAST(t0."qty" AS REAL)) <= ?)`
    )
    expect(lite.params).toEqual([2 ** 64, 2 ** -64, 0.5])
  })

  it("compiles exists as EXISTS (SELECT 1 …), its negation as NOT EXISTS, and a related avg in doubles", () => {
    const sqlOf = (where: Query.Expr) => Compiler.find(Dialect.postgres(), tables, "ws", plan(Query.find("thing", { where })))
    const exists = sqlOf(Query.exists("part", "thingId", Query.gt("qty", 1)))
    expect(exists.sql).toContain(
      `(EXISTS (SELECT 1 FROM "part" t1 WHERE t1."workspace_id" = t0."workspace_id" AND t1."thingId" = t0."id" AND t1."qty" > $2::bigint))`
    )
    expect(exists.params).toEqual(["ws", 1])
    expect(sqlOf(Query.notExists("part", "thingId")).sql).toContain(
      `(NOT EXISTS (SELECT 1 FROM "part" t1 WHERE t1."workspace_id" = t0."workspace_id" AND t1."thingId" = t0."id"))`
    )
    const avg = sqlOf(Query.related("part", "thingId", { measure: { _tag: "Avg", field: "qty" }, op: "gt", value: 2 }))
    // An average of nothing is NULL, so a record without parts fails: one grouped scan.
    expect(avg.sql).toContain(`GROUP BY t1."thingId" HAVING avg((t1."qty")::double precision) > $3::double precision`)
  })

  it("compiles countDistinct as count(DISTINCT …)", () => {
    const p = Either.getOrThrow(Plan.aggregate(catalog, "ws", Query.aggregate("part", {
      measures: [{ _tag: "CountDistinct", as: "things", field: "thingId" }]
    }), 0))
    expect(Compiler.aggregate(Dialect.sqlite, tables, "ws", p).sql).toBe(
      `SELECT * FROM (SELECT count(DISTINCT t0."thingId") AS "things" FROM "part" t0 WHERE t0."workspace_id" = ?) r`
    )
    expect(p.outputKinds.get("things")).toBe("count")
  })

  it("compiles filters, percentiles and having in text order (SQLite's ? are positional)", () => {
    const p = Either.getOrThrow(Plan.aggregate(catalog, "ws", Query.aggregate("part", {
      groupBy: [{ _tag: "Field", as: "thing", field: "thingId" }],
      measures: [
        { _tag: "Count", as: "big", filter: Query.gt("qty", 5) },
        { _tag: "Sum", as: "qty", field: "qty", filter: Query.lt("qty", 9) },
        Query.percentile("p90", "qty", 0.9)
      ],
      having: Query.havingAnd(Query.havingCompare("qty", "gt", 2.5), Query.havingCompare("big", "gte", 1))
    }), 0))
    const lite = Compiler.aggregate(Dialect.sqlite, tables, "ws", p)
    expect(lite.sql).toBe(
      `SELECT * FROM (SELECT t0."thingId" AS "thing", count(*) FILTER (WHERE t0."qty" > ?) AS "big", ` +
        `CAST(coalesce(sum(t0."qty" >> 32) FILTER (WHERE t0."qty" < ?), 0) AS TEXT) AS "qty", ` +
        `CAST(coalesce(sum(t0."qty" & 4294967295) FILTER (WHERE t0."qty" < ?), 0) AS TEXT) AS "qty:low", ` +
        `percentile_cont(CAST(t0."qty" AS REAL), ?) AS "p90" FROM "part" t0 WHERE t0."workspace_id" = ? GROUP BY 1) r ` +
        `WHERE ((((CAST(r."qty" AS INTEGER) + (CAST(r."qty:low" AS INTEGER) >> 32)) > ?) OR ` +
        `((CAST(r."qty" AS INTEGER) + (CAST(r."qty:low" AS INTEGER) >> 32)) = ? AND (CAST(r."qty:low" AS INTEGER) & 4294967295) >= ?)) ` +
        `AND (r."big" >= ?)) ORDER BY r."thing" ASC NULLS LAST`
    )
    // `> 2.5` on an exact sum is `>= 3`, split in halves like the sum.
    expect(lite.params).toEqual([5, 9, 9, 0.9, "ws", 0n, 0n, 3, 1])
    const pg = Compiler.aggregate(Dialect.postgres(), tables, "ws", p)
    expect(pg.sql).toContain(`percentile_cont($3::double precision) WITHIN GROUP (ORDER BY (t0."qty")::double precision) AS "p90"`)
    expect(pg.sql).toContain(`WHERE (((r."qty" >= $5::numeric)) AND (r."big" >= $6::numeric))`)
    expect(pg.params).toEqual([5, 9, 0.9, "ws", "3", "1"])
  })
})
