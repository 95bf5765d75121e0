/**
 * JsonLogic to and from a segment, keeping JsonLogic's meaning: nulls compared as
 * JavaScript compares them, loose `==` read with the catalog, `in` as membership or
 * substring, the empty text in `in`; each refusal with its path; members on the memory store.
 */
import { describe, expect, it } from "@effect/vitest"
import { Catalog, Companies, Contacts, Crm, Query, Workspace } from "@rapport/core"
import { MemoryStore } from "@rapport/memory"
import { Collections } from "@rapport/pipelines"
import { Objects, Segment } from "@rapport/segments"
import { formatQuery } from "@react-querybuilder/core"
import { Effect, Either } from "effect"

const catalog = Catalog.make({ collections: Crm.collections })
const withCatalog = { object: Objects.contact, catalog, workspaceId: "acme" } as const
const v = (name: string) => ({ var: name })

const imported = (logic: unknown, options: Segment.ImportOptions<typeof Objects.contact> = { object: Objects.contact }) => {
  const result = Segment.fromJsonLogic(logic, options)
  if (Either.isLeft(result)) throw new Error(result.left.message)
  return result.right.expr
}
const exported = (expr: Query.Expr) => {
  const result = Segment.toJsonLogic(Segment.fromExpr(Objects.contact, expr))
  if (Either.isLeft(result)) throw new Error(result.left.message)
  return result.right
}

describe("import", () => {
  it("the operators that map", () => {
    const stage = v("lifecycleStage")
    expect(imported({ "==": [stage, "customer"] })).toEqual(Query.eq("lifecycleStage", "customer"))
    expect(imported({ "===": ["customer", stage] })).toEqual(Query.eq("lifecycleStage", "customer"))
    expect(imported({ "==": [stage, null] })).toEqual(Query.isNull("lifecycleStage"))
    expect(imported({ "!=": [stage, null] })).toEqual(Query.isNotNull("lifecycleStage"))
    expect(imported({ in: [stage, ["lead", "customer"]] })).toEqual(Query.isIn("lifecycleStage", ["lead", "customer"]))
    expect(imported({ in: ["cust", stage] })).toEqual(Query.contains("lifecycleStage", "cust"))
    expect(imported({ startsWith: [stage, "cu"] })).toEqual(Query.startsWith("lifecycleStage", "cu"))
    expect(imported({ endsWith: [stage, "er"] })).toEqual(Query.endsWith("lifecycleStage", "er"))
    expect(imported({ "<=": ["a", stage, "m"] })).toEqual(Query.between("lifecycleStage", "a", "m"))
    expect(imported({ "<": ["a", stage, "m"] })).toEqual(Query.and(Query.gt("lifecycleStage", "a"), Query.lt("lifecycleStage", "m")))
    expect(imported({ and: [{ "==": [stage, "lead"] }, { "!": { or: [{ ">": [stage, "x"] }, { "!!": [{ "<": ["b", stage] }] }] } }] })).toEqual(
      Query.and(Query.eq("lifecycleStage", "lead"), Query.not(Query.or(Query.gt("lifecycleStage", "x"), Query.gt("lifecycleStage", "b"))))
    )
    expect(imported(true)).toEqual(Query.and())
    expect(imported(false)).toEqual(Query.or())
    expect(imported({ and: [] })).toEqual(Query.or())
  })

  it("a null field compares as JavaScript compares null: isNull is added where JsonLogic holds", () => {
    const employees = "companyId.employees"
    // null < 50 is 0 < 50: true
    expect(imported({ "<": [v(employees), 50] })).toEqual(Query.or(Query.isNull(employees), Query.lt(employees, 50)))
    // null > 50 is false, as Rapport's
    expect(imported({ ">": [v(employees), 50] })).toEqual(Query.gt(employees, 50))
    // 5 < field is field > 5, and null > 5 is false
    expect(imported({ "<": [5, v(employees)] })).toEqual(Query.gt(employees, 5))
    expect(imported({ "<=": [-1, v(employees), 10] })).toEqual(Query.or(Query.isNull(employees), Query.between(employees, -1, 10)))
    // null != "Ada" is true in JsonLogic, neq is false on null in Rapport
    expect(imported({ "!=": [v("firstName"), "Ada"] })).toEqual(Query.or(Query.isNull("firstName"), Query.neq("firstName", "Ada")))
    // ! of a comparison: Rapport's not is two-valued like JsonLogic's
    expect(imported({ "!": { in: [v("firstName"), ["Ada"]] } })).toEqual(Query.not(Query.isIn("firstName", ["Ada"])))
    // "" in null is false; "" in "" is false too: only a non-empty text
    expect(imported({ in: ["", v("firstName")] })).toEqual(Query.neq("firstName", ""))
  })

  it("loose == reads a string as the field's number only with a catalog; === and in stay strict", () => {
    const employees = "companyId.employees"
    expect(imported({ "==": [v(employees), "42"] }, withCatalog)).toEqual(Query.eq(employees, 42))
    expect(imported({ "<": [v(employees), "1e3"] }, withCatalog)).toEqual(Query.or(Query.isNull(employees), Query.lt(employees, 1000)))
    expect(imported({ "==": [v(employees), "42"] })).toEqual(Query.eq(employees, "42"))
    const strict = Segment.fromJsonLogic({ "===": [v(employees), "42"] }, withCatalog)
    expect(Either.isLeft(strict) && strict.left.issues[0]).toEqual({ path: [], message: "expects a finite number" })
    const member = Segment.fromJsonLogic({ and: [true, { in: [v(employees), ["1"]] }] }, withCatalog)
    expect(Either.isLeft(member) && member.left.issues[0]?.path).toEqual(["and", 1])
  })

  it("refuses what it cannot honour, with the path", () => {
    const cases: ReadonlyArray<readonly [unknown, ReadonlyArray<string | number>, RegExp]> = [
      [{ and: [true, { "+": [1, 2] }] }, ["and", 1, "+"], /no Rapport condition/],
      [{ "==": [v("firstName"), v("lastName")] }, ["=="], /two fields/],
      [{ or: [false, { in: [v("firstName"), "Ada Lovelace"] }] }, ["or", 1, "in", 1], /part of a text/],
      [{ "<": [v("firstName"), "\u{1F600}"] }, ["<", 1], /U\+D7FF/],
      [{ "<": [v("firstName"), true] }, ["<", 1], /boolean/],
      [{ "==": [v("firstName"), { "+": [1, 2] }] }, ["==", 1], /nested/],
      [{ "==": [v("companyId.employees"), "many"] }, ["==", "value"], /"many" is not a number/],
      [{ "==": [v("nickname"), "x"] }, [], /unknown field "nickname"/],
      [{ "==": [1, 2] }, ["=="], /no field/],
      [{ in: [v("firstName"), ["a", 1]] }, ["in"], /one type/],
      [{ "!": { var: "vip" } }, ["!", "var"], /no Rapport condition/],
      [{ "==": [v("firstName"), "a"], "!=": [v("firstName"), "b"] }, [], /one operator/],
      ["customer", [], /expects a JsonLogic rule/]
    ]
    for (const [logic, path, message] of cases) {
      const result = Segment.fromJsonLogic(logic, withCatalog)
      if (Either.isRight(result)) throw new Error(`accepted ${JSON.stringify(logic)}: ${JSON.stringify(result.right.expr)}`)
      expect(result.left.issues[0]?.path, JSON.stringify(logic)).toEqual(path)
      expect(result.left.issues[0]?.message).toMatch(message)
    }
  })
})

describe("export", () => {
  it("react-querybuilder's processor, with nulls guarded where JsonLogic would hold", () => {
    expect(exported(Query.and(
      Query.eq("lifecycleStage", "customer"),
      Query.gt("companyId.employees", 10),
      Query.not(Query.contains("firstName", "x")),
      Query.isIn("lifecycleStage", ["lead"]),
      Query.between("lifecycleStage", "b", "a")
    ))).toEqual({
      and: [
        { "==": [v("lifecycleStage"), "customer"] },
        { ">": [v("companyId.employees"), 10] },
        { "!": { in: ["x", v("firstName")] } },
        { in: [v("lifecycleStage"), ["lead"]] },
        // bounds kept in their order: between("b", "a") is empty in Rapport
        { "<=": ["b", v("lifecycleStage"), "a"] }
      ]
    })
    const guarded = (f: string, logic: unknown) => ({ and: [{ "!=": [v(f), null] }, logic] })
    expect(exported(Query.neq("firstName", "Ada"))).toEqual(guarded("firstName", { "!=": [v("firstName"), "Ada"] }))
    expect(exported(Query.lt("companyId.employees", 10))).toEqual(guarded("companyId.employees", { "<": [v("companyId.employees"), 10] }))
    expect(exported(Query.notIn("firstName", ["Ada"]))).toEqual(guarded("firstName", { "!": { in: [v("firstName"), ["Ada"]] } }))
    expect(exported(Query.contains("firstName", ""))).toEqual({ "!=": [v("firstName"), null] })
    expect(exported(Query.and())).toBe(true)
    expect(exported(Query.or(Query.or(), Query.isNull("email")))).toEqual({ or: [false, { "==": [v("email"), null] }] })
    // The same as react-querybuilder's formatQuery of the rules, where no null is at stake.
    const rules = Segment.toReactQueryBuilder(Segment.fromExpr(Objects.contact, Query.eq("lifecycleStage", "customer")))
    expect(Either.isRight(rules) && formatQuery(rules.right, "jsonlogic")).toEqual({ and: [exported(Query.eq("lifecycleStage", "customer"))] })
  })

  it("imports back to a condition with the same members (exports are guarded, imports add isNull)", () => {
    const expr = Query.and(Query.neq("firstName", "Ada"), Query.isIn("lifecycleStage", ["lead", "customer"]))
    expect(imported(exported(expr))).toEqual(Query.and(
      Query.and(Query.isNotNull("firstName"), Query.or(Query.isNull("firstName"), Query.neq("firstName", "Ada"))),
      Query.isIn("lifecycleStage", ["lead", "customer"])
    ))
  })

  it("refuses what JsonLogic cannot express or would change, with the AST path", () => {
    const cases: ReadonlyArray<readonly [Query.Expr, ReadonlyArray<string | number>]> = [
      [Query.and(Query.eq("firstName", "A"), Query.withinLast("updatedAt", 3, "day")), ["exprs", 1]],
      [Query.isIn("firstName", ["Ada", " Bo"]), ["values", 1]],
      [Query.between("firstName", "", "b"), []],
      [Query.not(Query.lt("firstName", "\u{1F600}")), ["expr"]],
      [Query.contains("firstName", "a", { caseInsensitive: true }), ["caseInsensitive"]]
    ]
    for (const [expr, path] of cases) {
      const result = Segment.toJsonLogic(Segment.fromExpr(Objects.contact, expr))
      expect(Either.isLeft(result) && result.left.issues[0]?.path, JSON.stringify(expr)).toEqual(path)
    }
  })
})

describe("on the memory store", () => {
  it.effect("imported JsonLogic keeps its meaning on nulls; contains(\"\") holds for every non-null text", () =>
    Effect.gen(function*() {
      const contacts = yield* Contacts.Contacts
      const companies = yield* Companies.Companies
      const small = yield* companies.create({ name: "Small", industry: "retail", employees: 8 })
      const big = yield* companies.create({ name: "Big", industry: "software", employees: 900 })
      const ada = yield* contacts.create({ firstName: "Ada", lastName: "Lovelace", companyId: small.id })
      const bo = yield* contacts.create({ firstName: "Bo", companyId: big.id })
      const cy = yield* contacts.create({ firstName: "Cy" })
      const ids = (segment: Segment.Segment) =>
        Effect.map(Segment.members("acme", segment, { limit: 10 }), (page) => page.rows.map((r) => r.id).sort())
      const load = (logic: unknown) => {
        const result = Segment.fromJsonLogic(logic, withCatalog)
        return Either.isLeft(result) ? Effect.die(result.left) : Effect.succeed(result.right)
      }
      // JsonLogic: Ada (8 < 50) and Cy (no company: null < 50 is 0 < 50)
      expect(yield* ids(yield* load({ "<": [v("companyId.employees"), 50] }))).toEqual([ada.id, cy.id].sort())
      // JsonLogic: Bo and Cy (null != "Ada")
      expect(yield* ids(yield* load({ "!=": [v("firstName"), "Ada"] }))).toEqual([bo.id, cy.id].sort())
      // Rapport's own contains(""): every non-null text (core's inputs refuse an empty one), so Ada
      expect(yield* ids(Segment.fromExpr(Objects.contact, Query.contains("lastName", "")))).toEqual([ada.id])
      expect(yield* ids(Segment.fromExpr(Objects.contact, Query.not(Query.contains("lastName", ""))))).toEqual([bo.id, cy.id].sort())
      // JsonLogic's "" in lastName, imported as neq(lastName, ""): a non-empty text, so Ada
      expect(yield* ids(yield* load({ in: ["", v("lastName")] }))).toEqual([ada.id])
    }).pipe(
      Effect.provide(Crm.layer({ store: MemoryStore.layer, collections: Collections.all })),
      Effect.provideService(Workspace.CurrentWorkspace, Workspace.WorkspaceId.make("acme"))
    ))
})
