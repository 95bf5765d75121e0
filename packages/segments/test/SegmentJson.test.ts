import { describe, expect, it } from "@effect/vitest"
import { Catalog, Crm, CustomField, Query } from "@rapport/core"
import { Collections } from "@rapport/pipelines"
import { Objects, Segment, SegmentJson, SegmentObject } from "@rapport/segments"
import { Either } from "effect"

const issues = (json: unknown, options?: Parameters<typeof SegmentJson.decode>[1]) => {
  const decoded = SegmentJson.decode(json, options)
  if (Either.isRight(decoded)) throw new Error("expected the saved segment to be refused")
  return decoded.left.issues.map((i) => i.path.join("."))
}

describe("SegmentJson", () => {
  const segment = Segment.of(Objects.contact)
    .where((c) => c.lifecycleStage.eq("customer"))
    .and((c) => c.orders.count({ within: Segment.days(90) }).gte(3))
    .and((c) => c.company.industry.eq("retail").or(c.consentAt.before(c.updatedAt)))

  it("a segment survives JSON text and back, with its name", () => {
    const text = JSON.stringify(SegmentJson.encode(segment, { name: "Repeat buyers" }))
    const loaded = Either.getOrThrow(SegmentJson.decode(JSON.parse(text)))
    expect(loaded.name).toBe("Repeat buyers")
    expect(loaded.segment.object).toBe(Objects.contact)
    expect(loaded.segment.expr).toEqual(segment.expr)
    expect(JSON.parse(text)).toMatchObject({ version: 1, object: "contact" })
  })

  it("loads onto the objects given, such as one with custom fields", () => {
    const withPlan = SegmentObject.withCustom(Objects.contact, { plan: CustomField.select(["free", "pro"]) })
    const saved = SegmentJson.encode(Segment.of(withPlan).where((c) => c.custom.plan.eq("pro")))
    const loaded = Either.getOrThrow(SegmentJson.decode(saved, { objects: [withPlan] }))
    expect(loaded.segment.object).toBe(withPlan)
    expect(loaded.segment.expr).toEqual(Query.eq("custom.plan", "pro"))
  })

  it("invalid JSON is refused with the path of every problem", () => {
    expect(issues(null)).toEqual([""])
    expect(issues({ version: 2, object: "contact", where: Query.and() })).toEqual(["version"])
    expect(issues({ object: "contact", where: Query.and() })).toEqual(["version"])
    expect(issues({ version: 1, object: 7, where: { _tag: "Compare", field: "x", op: "like", value: 1 } })).toEqual([
      "object",
      "where.op"
    ])
    expect(issues({ version: 1, object: "contact", where: { _tag: "And", exprs: [Query.eq("a", 1), { _tag: "Nope" }] } })).toEqual([
      "where.exprs.1._tag"
    ])
    expect(issues({ version: 1, object: "contact", where: Query.and(), extra: true })).toEqual(["extra"])
    expect(issues({ version: 1, object: "listing", where: Query.and() })).toEqual(["object"])
    expect(issues({ version: 1, object: "contact", where: Query.and() }, { objects: [Objects.company] })).toEqual(["object"])
  })

  it("a value no literal of a union matches is one issue listing what is expected", () => {
    const decoded = SegmentJson.decode({ version: 1, object: "contact", where: { _tag: "Compare", field: "x", op: "like", value: 1 } })
    expect(Either.isLeft(decoded) && decoded.left.issues).toEqual([
      { path: ["where", "op"], message: `Expected "eq" | "neq" | "lt" | "lte" | "gt" | "gte", actual "like"` }
    ])
  })

  it("what parses but names no field of the catalog is refused by check, naming its place", () => {
    const catalog = Catalog.make({ collections: [...Crm.collections, ...Collections.all] })
    const loaded = Either.getOrThrow(SegmentJson.decode({
      version: 1,
      object: "contact",
      where: Query.and(Query.eq("lifecycleStage", "customer"), Query.eq("nickname", "Ada"))
    }))
    const checked = Segment.check(catalog, "ws", loaded.segment)
    expect(Either.isLeft(checked) && [checked.left.path, checked.left.reason]).toEqual([
      "where.exprs.1",
      `unknown field "nickname" on contact`
    ])
    expect(Either.isRight(Segment.check(catalog, "ws", segment))).toBe(true)
  })

  it("the error's message names each path", () => {
    const decoded = SegmentJson.decode({ version: 1, object: "listing", where: Query.and() })
    expect(Either.isLeft(decoded) && decoded.left.message).toMatch(/^object: unknown object "listing"/)
  })
})
