/**
 * Segments built with the typed builder compile to the Query AST they say, and give the
 * same members, hand-computed, on the memory, SQLite and PostgreSQL stores.
 */
import { describe, expect, it } from "@effect/vitest"
import { Companies, Contacts, Crm, CustomField, IdGenerator, Orders, Query, Workspace } from "@rapport/core"
import { Collections, PipelinesEvents } from "@rapport/pipelines"
import { Objects, Segment, SegmentObject } from "@rapport/segments"
import { Effect, TestClock } from "effect"
import { stores as storesFor } from "./stores.js"

const DAY = 86_400_000
const NOW = Date.UTC(2026, 10, 20, 12)

describe("the builder's AST", () => {
  it("conditions, paths, related measures and field references", () => {
    const segment = Segment.of(Objects.contact)
      .where((c) => c.lifecycleStage.eq("customer"))
      .and((c) => c.orders.count({ within: Segment.days(90) }).gte(3))
      .and((c) => c.company.industry.isIn(["retail"]).or(c.company.employees.gt(500)))
      .and((c) => c.consentAt.before(c.updatedAt))
    expect(segment.expr).toEqual(Query.and(
      Query.eq("lifecycleStage", "customer"),
      Query.related("order", "contactId", { where: Query.withinLast("placedAt", 90, "day"), op: "gte", value: 3 }),
      Query.or(Query.isIn("companyId.industry", ["retail"]), Query.gt("companyId.employees", 500)),
      Query.compare(Query.field("consentAt"), "lt", Query.field("updatedAt"))
    ))
    expect(segment.find({ limit: 10 })).toEqual({ collection: "contact", where: segment.expr, limit: 10 })
  })

  it("sums with a where, exists and not exists, calendar windows, custom fields", () => {
    const withPlan = SegmentObject.withCustom(Objects.contact, { plan: CustomField.select(["free", "pro"]) })
    const segment = Segment.of(withPlan).where((c) =>
      c.orders.sum((o) => o.total.amountMinor, { where: (o) => o.total.currency.eq("EUR") }).gte(10_000)
        .and(
          c.tickets.exists({ where: (t) => t.status.neq("closed") }),
          c.orders.notExists({ within: Segment.inCalendar({ unit: "month", from: 0, to: 0, timeZone: "Europe/Berlin" }) }),
          c.custom.plan.eq("pro"),
          c.updatedAt.lastPeriods(2, "week", "Europe/Berlin", { weekStart: 7 })
        )
    )
    expect(segment.expr).toEqual(Query.and(
      Query.related("order", "contactId", {
        where: Query.eq("total.currency", "EUR"),
        measure: { _tag: "Sum", field: "total.amountMinor" },
        op: "gte",
        value: 10_000
      }),
      Query.exists("ticket", "contactId", Query.neq("status", "closed")),
      Query.notExists("order", "contactId", Query.calendar("placedAt", "month", { from: 0, to: 0, timeZone: "Europe/Berlin" })),
      Query.eq("custom.plan", "pro"),
      Query.lastPeriods("updatedAt", 2, "week", "Europe/Berlin", { weekStart: 7 })
    ))
  })
})

/** The stores the members are checked on. */
const stores = storesFor("segments")

/**
 * Six contacts: Ada and Bo are customers with 3 and 2 recent orders, Cy a customer whose
 * orders are old, Di a lead at a retail company, Ed a customer at a large company with one
 * big order, Flo a lead with nothing.
 */
const seed = Effect.gen(function*() {
  const contacts = yield* Contacts.Contacts
  const companies = yield* Companies.Companies
  const orders = yield* Orders.Orders
  const retail = yield* companies.create({ name: "Shop", industry: "retail", employees: 12 })
  const big = yield* companies.create({ name: "Big", industry: "software", employees: 900 })
  const person = (firstName: string, lifecycleStage: "customer" | "lead", companyId: string | null = null) =>
    contacts.create({ firstName, lifecycleStage, ...(companyId === null ? {} : { companyId }) })
  const [ada, bo, cy, di, ed, flo] = [
    yield* person("Ada", "customer"),
    yield* person("Bo", "customer", retail.id),
    yield* person("Cy", "customer"),
    yield* person("Di", "lead", retail.id),
    yield* person("Ed", "customer", big.id),
    yield* person("Flo", "lead")
  ]
  const place = (contactId: string, daysAgo: number, amountMinor: number) =>
    orders.place({
      contactId,
      placedAt: NOW - daysAgo * DAY,
      lineItems: [{ sku: "TEA-1", name: "Tea", quantity: 1, unitPrice: { amountMinor, currency: "EUR" } }]
    })
  for (const d of [5, 20, 40]) yield* place(ada!.id, d, 1_000)
  for (const d of [10, 60]) yield* place(bo!.id, d, 2_000)
  for (const d of [200, 300, 400]) yield* place(cy!.id, d, 500)
  yield* place(ed!.id, 15, 50_000)
  return { ada: ada!.id, bo: bo!.id, cy: cy!.id, di: di!.id, ed: ed!.id, flo: flo!.id }
})

const membersOf = (segment: Segment.Segment) =>
  Effect.gen(function*() {
    const workspace = yield* Workspace.CurrentWorkspace
    const ids: Array<string> = []
    let cursor: string | undefined
    do {
      const page = yield* Segment.members(workspace, segment, { limit: 2, ...(cursor === undefined ? {} : { cursor }) })
      ids.push(...page.rows.map((r) => r.id))
      cursor = page.nextCursor ?? undefined
    } while (cursor !== undefined)
    return { ids: ids.sort(), count: yield* Segment.count(workspace, segment) }
  })

for (const [name, store] of stores) {
  describe(`segments on ${name}`, () => {
    it.scoped("members are the records that meet the condition, paged and counted", () =>
      Effect.gen(function*() {
        yield* TestClock.setTime(NOW)
        const id = yield* seed
        const contacts = Segment.of(Objects.contact)
        const cases: ReadonlyArray<readonly [Segment.Segment, ReadonlyArray<string>]> = [
          [contacts.where((c) => c.lifecycleStage.eq("customer")), [id.ada, id.bo, id.cy, id.ed]],
          [contacts.where((c) => c.orders.count({ within: Segment.days(90) }).gte(2)), [id.ada, id.bo]],
          [contacts.where((c) => c.lifecycleStage.eq("customer")).and((c) => c.orders.notExists({ within: Segment.days(90) })), [id.cy]],
          [contacts.where((c) => c.company.industry.eq("retail")), [id.bo, id.di]],
          [contacts.where((c) => c.company.employees.gt(500).or(c.companyId.isNull())), [id.ada, id.cy, id.ed, id.flo]],
          [
            contacts.where((c) =>
              c.orders.sum((o) => o.total.amountMinor, { where: (o) => o.total.currency.eq("EUR") }).gte(4_000)
            ),
            [id.bo, id.ed]
          ],
          [contacts.where((c) => c.orders.avg((o) => o.total.amountMinor, { where: (o) => o.total.currency.eq("EUR") }).lt(1_500)), [id.ada, id.cy]],
          [contacts.where((c) => c.orders.max((o) => o.placedAt).lt(NOW - 100 * DAY)), [id.cy]],
          [contacts.where((c) => c.orders.exists().not()), [id.di, id.flo]]
        ]
        for (const [segment, expected] of cases) {
          const found = yield* membersOf(segment)
          expect(found.ids, JSON.stringify(segment.expr)).toEqual([...expected].sort())
          expect(found.count).toBe(expected.length)
        }
        // Bo's two orders are the orders of a contact at a retail company.
        const retailOrders = yield* membersOf(Segment.of(Objects.order).where((o) => o.contact.company.industry.eq("retail")))
        expect(retailOrders.count).toBe(2)
      }).pipe(
        Effect.provide(Crm.layer({
          store: store(),
          collections: Collections.all,
          events: PipelinesEvents.all.definitions,
          ids: IdGenerator.layerSequential
        })),
        Effect.provideService(Workspace.CurrentWorkspace, Workspace.WorkspaceId.make("ws_segments"))
      ))
  })
}
