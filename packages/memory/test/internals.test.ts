import { describe, expect, it } from "@effect/vitest"
import { Catalog, Collection, CustomField, Field, Model, Plan, Query, TimeBucket } from "@rapport/core"
import { FastCheck as fc, Schema } from "effect"
import { candidates } from "../src/internal/candidates.js"
import { compile } from "../src/internal/evaluate.js"
import { sortRows } from "../src/internal/order.js"
import { Table } from "../src/internal/table.js"
import { committedView } from "../src/internal/view.js"
import type { View } from "../src/internal/view.js"
import { person, personRow, purchase, purchaseRow } from "./fixtures.js"

const noRelated = (): View => {
  throw new Error("no related collections here")
}

describe("compile", () => {
  const rows = [
    personRow("a", { name: "Ada", score: 2, tags: ["x"] }),
    personRow("b", { name: "ada", score: null, tags: [] }),
    personRow("c", { name: "İstanbul", score: -1 })
  ]
  const matches = (expr: Query.Expr) => rows.filter(compile(expr, noRelated)).map((r) => r.id)

  it("treats a comparison with null as false, also under neq and notIn", () => {
    expect(matches(Query.neq("score", 2))).toEqual(["c"])
    expect(matches(Query.notIn("score", [2]))).toEqual(["c"])
    expect(matches(Query.not(Query.lt("score", 0)))).toEqual(["a", "b"])
    expect(matches(Query.isNull("score"))).toEqual(["b"])
    expect(matches(Query.isNull("missing.path"))).toEqual(["a", "b", "c"])
  })

  it("lowercases both sides with toLowerCase for caseInsensitive text", () => {
    expect(matches(Query.equalsText("name", "ADA", { caseInsensitive: true }))).toEqual(["a", "b"])
    expect(matches(Query.equalsText("name", "ADA"))).toEqual([])
    expect(matches(Query.startsWith("name", "i̇st", { caseInsensitive: true }))).toEqual(["c"])
    expect(matches(Query.contains("name", ""))).toEqual(["a", "b", "c"])
  })

  it("related: index lookups, a single pass and an ad hoc pass for unindexed keys agree", () => {
    const table = new Table(purchase.spec)
    table.put("o1", purchaseRow("o1", "a", { amount: 5 }))
    table.put("o2", purchaseRow("o2", "a", { amount: 7 }))
    table.put("o3", purchaseRow("o3", "c", { amount: 1, status: "open" }))
    // Rows of someone else, so that three lookups stay cheaper than a pass.
    for (let i = 0; i < 100; i++) table.put(`x${i}`, purchaseRow(`x${i}`, "zz"))
    const indexed = committedView(table)
    let scans = 0
    const counting = (view: View, lookup: View["lookup"]): View => ({
      ...view,
      lookup,
      scan: () => {
        scans++
        return view.scan()
      }
    })
    const conditions: Array<[Query.Expr, Array<string>]> = [
      [Query.related("purchase", "personId", { measure: { _tag: "Sum", field: "amount" }, op: "gte", value: 6 }), ["a"]],
      [Query.related("purchase", "personId", { measure: { _tag: "Sum", field: "amount" }, op: "eq", value: 0 }), ["b"]],
      [Query.related("purchase", "personId", { measure: { _tag: "Max", field: "amount" }, op: "lt", value: 6 }), ["c"]],
      [Query.related("purchase", "personId", { where: Query.eq("status", "paid"), op: "eq", value: 0 }), ["b", "c"]]
    ]
    for (const [expr, expected] of conditions) {
      // Few outer rows: bucket lookups, no scan.
      scans = 0
      expect(rows.filter(compile(expr, () => counting(indexed, indexed.lookup), 1)).map((r) => r.id)).toEqual(expected)
      expect(scans).toBe(0)
      // Many outer rows: one pass.
      expect(rows.filter(compile(expr, () => counting(indexed, indexed.lookup), 1_000)).map((r) => r.id)).toEqual(expected)
      expect(scans).toBe(1)
      // No index: one pass, built on first use.
      expect(rows.filter(compile(expr, () => counting(indexed, () => undefined))).map((r) => r.id)).toEqual(expected)
      expect(scans).toBe(2)
    }
  })
})

describe("Table", () => {
  it("keeps indexes and unique keys in step with puts", () => {
    const table = new Table(person.spec)
    table.put("a", personRow("a", { team: "red", email: "a@x" }))
    table.put("b", personRow("b", { team: "red" }))
    expect(table.lookup("team", "red")!.map((r) => r.id)).toEqual(["a", "b"])
    table.put("a", personRow("a", { team: "blue", email: "b@x" }, 2))
    expect(table.lookup("team", "red")!.map((r) => r.id)).toEqual(["b"])
    expect(table.lookup("team", "blue")!.map((r) => r.version)).toEqual([2])
    expect(table.uniqueOwner(0, JSON.stringify("a@x"))).toBeUndefined()
    expect(table.uniqueOwner(0, JSON.stringify("b@x"))).toBe("a")
    table.put("a", null)
    expect(table.lookup("team", "blue")).toEqual([])
    expect(table.uniqueOwner(0, JSON.stringify("b@x"))).toBeUndefined()
    expect(table.lookup("name", "a")).toBeUndefined()
  })
})

describe("sortRows", () => {
  it("keeps the first k rows exactly as a full sort would", () => {
    const scoreRow = fc.record({ id: fc.string(), score: fc.option(fc.integer({ min: -3, max: 3 }), { nil: null }) })
    fc.assert(
      fc.property(
        fc.uniqueArray(scoreRow, { selector: (r) => r.id, maxLength: 200 }),
        fc.integer({ min: 1, max: 30 }),
        fc.constantFrom<"asc" | "desc">("asc", "desc"),
        (raw, k, direction) => {
          const rows = raw.map((r) => personRow(r.id, { score: r.score }))
          const orderBy: ReadonlyArray<Query.Order> = [{ field: "score", direction }, { field: "id", direction: "asc" }]
          const full = sortRows(rows, orderBy, null)
          expect(sortRows(rows, orderBy, k).map((r) => r.id)).toEqual(full.slice(0, k).map((r) => r.id))
          // Nulls last in both directions, code points otherwise.
          for (let i = 1; i < full.length; i++) {
            const [x, y] = [full[i - 1]!, full[i]!]
            const c = Plan.compareScalars(x.score as number | null, y.score as number | null)
            if (x.score !== null && y.score !== null) expect(direction === "asc" ? c <= 0 : c >= 0).toBe(true)
            else expect(y.score === null || x.score !== null).toBe(true)
          }
        }
      )
    )
  })
})

describe("TimeBucket.bucketer (the memory store's grouping)", () => {
  it("agrees with TimeBucket.bucketOf, also across DST and half-hour zones", () => {
    const zones = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "America/Sao_Paulo", "Asia/Kathmandu"]
    const units = ["day", "week", "month", "year"] as const
    for (const zone of zones) {
      for (const unit of units) {
        const bucket = TimeBucket.bucketer(unit, zone)
        fc.assert(
          fc.property(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2100, 0, 1) }), (t) => {
            expect(bucket(t)).toBe(TimeBucket.bucketOf(t, unit, zone))
          }),
          { numRuns: 200 }
        )
        if (unit !== "day") continue
        // Every quarter hour (plus a little) through a year of transitions.
        for (let t = Date.UTC(2018, 0, 1); t < Date.UTC(2019, 0, 1); t += 15 * 60_000 + 7) {
          if (bucket(t) !== TimeBucket.bucketOf(t, unit, zone)) {
            expect([zone, unit, t, bucket(t)]).toEqual([zone, unit, t, TimeBucket.bucketOf(t, unit, zone)])
          }
        }
      }
    }
  }, 60_000)
})

describe("indexes on custom fields", () => {
  it("the table builds them, and an eq on the path picks its bucket instead of a scan", () => {
    const fields = { name: Field.string(), custom: Model.customField() }
    class Member extends Schema.Class<Member>("Member")(Collection.modelFields(Schema.String, fields)) {}
    const member = Collection.make({ name: "member", schema: Member, fields })
    const catalog = Catalog.make({
      collections: [member],
      customFields: CustomField.declare({ member: { tier: CustomField.select(["free", "pro"]), mrr: CustomField.money() } }),
      indexes: { member: [["custom.tier"], ["custom.mrr.currency"]] }
    })
    const table = new Table(catalog.collections.get("member")!)
    const row = (id: string, custom: Record<string, Collection.Json>): Collection.Row =>
      ({ id, version: 1, createdAt: 1, updatedAt: 1, name: id, custom }) as Collection.Row
    table.put("a", row("a", { tier: "pro", mrr: { amountMinor: 5, currency: "EUR" } }))
    table.put("b", row("b", { tier: "free" }))
    table.put("c", row("c", { tier: "pro", mrr: { amountMinor: 7, currency: "USD" } }))
    const view = committedView(table)
    expect(view.lookup("custom.tier", "pro")?.map((r) => r.id)).toEqual(["a", "c"])
    expect(view.lookup("custom.mrr.currency", "USD")?.map((r) => r.id)).toEqual(["c"])
    expect(view.lookup("custom.quota", 1)).toBeUndefined()
    const pick = candidates(view, Query.and(Query.eq("custom.tier", "pro"), Query.eq("custom.mrr.currency", "EUR")))
    expect([...pick.rows].map((r) => r.id)).toEqual(["a"])
  })
})
