/**
 * react-querybuilder's rule JSON to and from a segment: every standard operator, field
 * values, string values read as the field's kind, independent combinators as
 * react-querybuilder reads them, each refusal with its path, the round trip, and an
 * imported segment's members on the memory store.
 */
import { describe, expect, it } from "@effect/vitest"
import { Catalog, Companies, Contacts, Crm, Query, Workspace } from "@rapport/core"
import { MemoryStore } from "@rapport/memory"
import { Collections } from "@rapport/pipelines"
import { Objects, ReactQueryBuilder, Segment } from "@rapport/segments"
import { convertFromIC } from "@react-querybuilder/core"
import { Effect, Either, FastCheck as fc } from "effect"

const catalog = Catalog.make({ collections: Crm.collections })
const withCatalog = { object: Objects.contact, catalog, workspaceId: "acme" } as const

const imported = (rules: unknown, options: Segment.ImportOptions<typeof Objects.contact> = { object: Objects.contact }) => {
  const result = Segment.fromReactQueryBuilder(rules, options)
  if (Either.isLeft(result)) throw new Error(result.left.message)
  return result.right.expr
}
const refusal = (rules: unknown, options: Segment.ImportOptions<typeof Objects.contact> = withCatalog) => {
  const result = Segment.fromReactQueryBuilder(rules, options)
  if (Either.isRight(result)) throw new Error(`accepted: ${JSON.stringify(result.right.expr)}`)
  return result.left.issues[0]!
}
const group = (...rules: ReadonlyArray<unknown>) => ({ combinator: "and", rules })

describe("import", () => {
  it("every standard operator", () => {
    const cases: ReadonlyArray<readonly [string, unknown, Query.Expr]> = [
      ["=", "customer", Query.eq("lifecycleStage", "customer")],
      ["!=", "customer", Query.neq("lifecycleStage", "customer")],
      ["<", "m", Query.lt("lifecycleStage", "m")],
      [">", "m", Query.gt("lifecycleStage", "m")],
      ["<=", "m", Query.lte("lifecycleStage", "m")],
      [">=", "m", Query.gte("lifecycleStage", "m")],
      ["contains", "us", Query.contains("lifecycleStage", "us")],
      ["beginsWith", "cu", Query.startsWith("lifecycleStage", "cu")],
      ["endsWith", "er", Query.endsWith("lifecycleStage", "er")],
      ["doesNotContain", "us", Query.not(Query.contains("lifecycleStage", "us"))],
      ["doesNotBeginWith", "cu", Query.not(Query.startsWith("lifecycleStage", "cu"))],
      ["doesNotEndWith", "er", Query.not(Query.endsWith("lifecycleStage", "er"))],
      ["null", null, Query.isNull("lifecycleStage")],
      ["notNull", null, Query.isNotNull("lifecycleStage")],
      ["in", ["lead", "customer"], Query.isIn("lifecycleStage", ["lead", "customer"])],
      ["notIn", "lead, customer", Query.notIn("lifecycleStage", ["lead", "customer"])],
      ["between", ["a", "m"], Query.between("lifecycleStage", "a", "m")],
      ["notBetween", "a,m", Query.not(Query.between("lifecycleStage", "a", "m"))]
    ]
    for (const [operator, value, expected] of cases) {
      expect(imported(group({ field: "lifecycleStage", operator, value })), operator).toEqual(expected)
      // With the catalog too: text stays text.
      expect(imported(group({ field: "lifecycleStage", operator, value }), withCatalog), operator).toEqual(expected)
    }
  })

  it("strings become the field's kind with a catalog; numbers stay numbers", () => {
    const employees = "companyId.employees"
    expect(imported(group({ field: employees, operator: "=", value: "42" }), withCatalog)).toEqual(Query.eq(employees, 42))
    expect(imported(group({ field: employees, operator: "=", value: 42 }))).toEqual(Query.eq(employees, 42))
    // Without a catalog nothing says the field is a number.
    expect(imported(group({ field: employees, operator: "=", value: "42" }))).toEqual(Query.eq(employees, "42"))
    expect(imported(group({ field: employees, operator: "between", value: "1,5" }), withCatalog)).toEqual(Query.between(employees, 1, 5))
    expect(imported(group({ field: employees, operator: "between", value: ["1", "5"] }), withCatalog)).toEqual(Query.between(employees, 1, 5))
    expect(imported(group({ field: employees, operator: "in", value: "10, 20,30" }), withCatalog)).toEqual(Query.isIn(employees, [10, 20, 30]))
  })

  it("valueSource field compares two fields", () => {
    expect(imported(group({ field: "consentAt", operator: "<", value: "updatedAt", valueSource: "field" }), withCatalog))
      .toEqual(Query.compare(Query.field("consentAt"), "lt", Query.field("updatedAt")))
  })

  it("groups, not, nesting; a group of one rule is that rule", () => {
    const a = { field: "lifecycleStage", operator: "=", value: "customer" }
    const b = { field: "companyId.industry", operator: "=", value: "retail" }
    const c = { field: "firstName", operator: "beginsWith", value: "A" }
    expect(imported({ combinator: "or", not: true, rules: [a, { combinator: "and", rules: [b, c] }] })).toEqual(
      Query.not(Query.or(Query.eq("lifecycleStage", "customer"), Query.and(Query.eq("companyId.industry", "retail"), Query.startsWith("firstName", "A"))))
    )
    expect(imported({ combinator: "and", rules: [] })).toEqual(Query.and())
    expect(imported({ combinator: "or", rules: [] })).toEqual(Query.or())
    expect(imported({ combinator: "AND", rules: [{ combinator: "and", not: true, rules: [a] }] })).toEqual(Query.not(Query.eq("lifecycleStage", "customer")))
  })

  it("independent combinators: and binds tighter than or, as react-querybuilder's convertFromIC", () => {
    const r = (v: string) => ({ field: "firstName", operator: "=", value: v })
    const ic = { rules: [r("a"), "and", r("b"), "or", r("c"), "and", r("d"), "or", r("e")] }
    const expected = Query.or(
      Query.and(Query.eq("firstName", "a"), Query.eq("firstName", "b")),
      Query.and(Query.eq("firstName", "c"), Query.eq("firstName", "d")),
      Query.eq("firstName", "e")
    )
    expect(imported(ic)).toEqual(expected)
    // react-querybuilder's own reading of the same rules gives the same condition.
    expect(imported(convertFromIC(ic as never))).toEqual(expected)
    expect(imported({ rules: [r("a"), "or", { not: true, rules: [r("b"), "and", r("c")] }] })).toEqual(
      Query.or(Query.eq("firstName", "a"), Query.not(Query.and(Query.eq("firstName", "b"), Query.eq("firstName", "c"))))
    )
  })

  it("refuses what it cannot honour, naming the rule's path", () => {
    const ok = { field: "firstName", operator: "=", value: "Ada" }
    const cases: ReadonlyArray<readonly [unknown, ReadonlyArray<string | number>, RegExp]> = [
      [group(ok, { field: "firstName", operator: "like", value: "A%" }), ["rules", 1, "operator"], /unknown operator "like"/],
      [group(ok, group(ok, { field: "nickname", operator: "=", value: "x" })), ["rules", 1, "rules", 1, "field"], /unknown field "nickname"/],
      [group(ok, ok, { field: "companyId.employees", operator: "=", value: "many" }), ["rules", 2, "value"], /"many" is not a number/],
      [group({ field: "companyId.employees", operator: "in", value: ["1", "x"] }), ["rules", 0, "value", 1], /"x" is not a number/],
      [group({ field: "companyId.employees", operator: "between", value: "1,5,9" }), ["rules", 0, "value"], /two bounds, got 3/],
      [group({ field: "companyId.employees", operator: "=", value: "" }), ["rules", 0, "value"], /"" is not a number/],
      [group({ field: "firstName", operator: "=", value: 3 }), ["rules", 0, "value"], /expects a string/],
      [group({ field: "firstName", operator: "in", value: "a,b", valueSource: "field" }), ["rules", 0, "valueSource"], /works with =/],
      [group({ field: "firstName", operator: "contains", value: 1 }), ["rules", 0, "value"], /expects text/],
      [{ combinator: "xor", rules: [ok, ok] }, ["combinator"], /xor/],
      [{ rules: [ok, "nand", ok] }, ["rules", 1], /"and" or "or"/],
      [{ rules: [ok, "and"] }, ["rules", 1], /followed by a rule/],
      [group({ field: "firstName", operator: "=", value: { x: 1 } }), ["rules", 0, "value"], /expects a string, number or boolean/],
      [group({ field: "tags", operator: "=", value: "vip" }), ["rules", 0, "value"], /tags/],
      [{ rules: "nope" }, [], /rule group/]
    ]
    for (const [rules, path, message] of cases) {
      const issue = refusal(rules)
      expect(issue.path, JSON.stringify(rules)).toEqual(path)
      expect(issue.message).toMatch(message)
    }
  })
})

describe("export", () => {
  it("maps the AST to rules, folding not into the negated operators", () => {
    const segment = Segment.fromExpr(Objects.contact, Query.and(
      Query.not(Query.contains("firstName", "x")),
      Query.not(Query.between("companyId.employees", 1, 5)),
      Query.isNotNull("email"),
      Query.notIn("lifecycleStage", ["lead"]),
      Query.not(Query.isIn("lifecycleStage", ["customer"])),
      Query.compare(Query.field("consentAt"), "lt", Query.field("updatedAt"))
    ))
    expect(Segment.toReactQueryBuilder(segment)).toEqual(Either.right({
      combinator: "and",
      rules: [
        { field: "firstName", operator: "doesNotContain", value: "x" },
        { field: "companyId.employees", operator: "notBetween", value: [1, 5] },
        { field: "email", operator: "notNull", value: null },
        { field: "lifecycleStage", operator: "notIn", value: ["lead"] },
        { combinator: "and", not: true, rules: [{ field: "lifecycleStage", operator: "in", value: ["customer"] }] },
        { field: "consentAt", operator: "<", value: "updatedAt", valueSource: "field" }
      ]
    }))
  })

  it("refuses what rules cannot express, with the AST path", () => {
    const cases: ReadonlyArray<readonly [Segment.Segment, ReadonlyArray<string | number>]> = [
      [Segment.of(Objects.contact).where((c) => c.firstName.eq("A").and(c.orders.count().gte(2))), ["exprs", 1]],
      [Segment.of(Objects.contact).where((c) => c.orders.exists().not()), ["expr"]],
      [Segment.of(Objects.contact).where((c) => c.updatedAt.withinLast(3, "day")), []],
      [Segment.of(Objects.contact).where((c) => c.tags.has("vip")), []],
      [Segment.of(Objects.contact).where((c) => c.firstName.eq("A").or(c.firstName.contains("b", { caseInsensitive: true }))), ["exprs", 1, "caseInsensitive"]],
      [Segment.fromExpr(Objects.contact, Query.compare(Query.add(Query.field("a"), 1), "gt", 2)), []]
    ]
    for (const [segment, path] of cases) {
      const result = Segment.toReactQueryBuilder(segment)
      expect(Either.isLeft(result) && result.left.issues[0]?.path, JSON.stringify(segment.expr)).toEqual(path)
    }
  })

  it("round trip: from(to(segment)) is the same AST for expressible segments", () => {
    const field = fc.constantFrom("firstName", "lifecycleStage", "companyId.industry")
    const number = fc.constantFrom("companyId.employees", "total.amountMinor")
    const text = fc.string({ maxLength: 4 })
    const leaf: fc.Arbitrary<Query.Expr> = fc.oneof(
      fc.tuple(field, fc.constantFrom<Query.CompareOp>("eq", "neq", "lt", "lte", "gt", "gte"), text).map(([f, op, v]): Query.Expr => ({ _tag: "Compare", field: f, op, value: v })),
      fc.tuple(number, fc.integer(), fc.integer()).map(([f, a, b]) => Query.between(f, a, b)),
      fc.tuple(field, fc.array(text, { maxLength: 3 })).map(([f, vs]) => Query.isIn(f, vs)),
      fc.tuple(field, fc.array(text, { maxLength: 3 })).map(([f, vs]) => Query.notIn(f, vs)),
      field.map(Query.isNull),
      fc.tuple(field, fc.constantFrom<"contains" | "startsWith" | "endsWith">("contains", "startsWith", "endsWith"), text).map(([f, op, v]): Query.Expr => ({ _tag: "Text", field: f, op, value: v, caseInsensitive: false })),
      fc.tuple(number, fc.constantFrom<Query.CompareOp>("eq", "lt", "gte"), number).map(([a, op, b]) => Query.compare(Query.field(a), op, Query.field(b)))
    )
    const { expr } = fc.letrec<{ expr: Query.Expr }>((tie) => ({
      expr: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        leaf,
        tie("expr").map(Query.not),
        // No groups of one: a group of one rule imports as that rule.
        fc.array(tie("expr"), { minLength: 2, maxLength: 3 }).map((es) => Query.and(...es)),
        fc.array(tie("expr"), { minLength: 2, maxLength: 3 }).map((es) => Query.or(...es)),
        fc.constantFrom(Query.and(), Query.or())
      )
    }))
    fc.assert(fc.property(expr, (e) => {
      const rules = Segment.toReactQueryBuilder(Segment.fromExpr(Objects.contact, e))
      if (Either.isLeft(rules)) throw new Error(rules.left.message)
      // Through JSON, as a UI would store them.
      expect(imported(JSON.parse(JSON.stringify(rules.right)))).toEqual(e)
    }), { numRuns: 300 })
  })
})

describe("on the memory store", () => {
  it.effect("an imported segment's members", () =>
    Effect.gen(function*() {
      const contacts = yield* Contacts.Contacts
      const companies = yield* Companies.Companies
      const shop = yield* companies.create({ name: "Shop", industry: "retail", employees: 12 })
      const big = yield* companies.create({ name: "Big", industry: "software", employees: 900 })
      const ada = yield* contacts.create({ firstName: "Ada", lifecycleStage: "customer", companyId: shop.id })
      yield* contacts.create({ firstName: "Bo", lifecycleStage: "lead", companyId: shop.id })
      const cy = yield* contacts.create({ firstName: "Cy", lifecycleStage: "customer", companyId: big.id })
      const di = yield* contacts.create({ firstName: "Di", lifecycleStage: "customer" })
      // customer and (10..500 employees or no company), or a first name starting with C
      const rules = {
        rules: [
          { field: "lifecycleStage", operator: "=", value: "customer" },
          "and",
          { combinator: "or", rules: [{ field: "companyId.employees", operator: "between", value: "10,500" }, { field: "companyId", operator: "null", value: null }] },
          "or",
          { field: "firstName", operator: "beginsWith", value: "C" }
        ]
      }
      const segment = Segment.fromReactQueryBuilder(rules, withCatalog)
      if (Either.isLeft(segment)) return yield* Effect.die(segment.left)
      const page = yield* Segment.members("acme", segment.right, { limit: 10 })
      expect(page.rows.map((r) => r.id).sort()).toEqual([ada.id, cy.id, di.id].sort())
    }).pipe(
      Effect.provide(Crm.layer({ store: MemoryStore.layer, collections: Collections.all })),
      Effect.provideService(Workspace.CurrentWorkspace, Workspace.WorkspaceId.make("acme"))
    ))
})

describe("ReactQueryBuilder module", () => {
  it("toExpr and fromExpr are the segment functions' core", () => {
    expect(ReactQueryBuilder.toExpr(group({ field: "firstName", operator: "=", value: "A" }), { collection: "contact" }))
      .toEqual(Either.right(Query.eq("firstName", "A")))
    expect(ReactQueryBuilder.fromExpr(Query.eq("firstName", "A"))).toEqual(Either.right(group({ field: "firstName", operator: "=", value: "A" })))
  })
})
