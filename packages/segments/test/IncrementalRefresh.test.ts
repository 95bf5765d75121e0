/**
 * Incremental refresh gives the members a full evaluation gives, after random sequences of
 * writes (contacts created and moved between stages and companies, orders placed and
 * cancelled, companies changing industry), with exactly one `SegmentEntered` /
 * `SegmentLeft` per actual change, on the memory, SQLite and PostgreSQL stores.
 */
import { describe, expect, it } from "@effect/vitest"
import { Companies, Contacts, Crm, IdGenerator, Orders, Store, Tasks, Workspace } from "@rapport/core"
import { Collections } from "@rapport/pipelines"
import { Membership, Objects, Segment, Segments, SegmentsEvents } from "@rapport/segments"
import { Effect, FastCheck as fc, Layer } from "effect"
import { stores as storesFor } from "./stores.js"

const WS = Workspace.WorkspaceId.make("ws_incremental")

/** Runs of the property per store: PostgreSQL's take the longest (a database per run). */
const RUNS: Readonly<Record<string, number>> = { memory: 25, sqlite: 15, postgres: 8 }

/** One write: indexes pick among the records made so far (modulo their count). */
type Op =
  | { readonly _tag: "contact"; readonly customer: boolean; readonly company: number | null }
  | { readonly _tag: "stage"; readonly contact: number; readonly customer: boolean }
  | { readonly _tag: "move"; readonly contact: number; readonly company: number | null }
  | { readonly _tag: "order"; readonly contact: number }
  | { readonly _tag: "cancel"; readonly order: number }
  | { readonly _tag: "industry"; readonly company: number; readonly retail: boolean }
  | { readonly _tag: "task"; readonly contact: number }
  | { readonly _tag: "taskMove"; readonly task: number; readonly contact: number }
  | { readonly _tag: "taskRemove"; readonly task: number }
  | { readonly _tag: "refresh" }

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ _tag: fc.constant("contact" as const), customer: fc.boolean(), company: fc.option(fc.nat(2), { nil: null }) }),
  fc.record({ _tag: fc.constant("stage" as const), contact: fc.nat(20), customer: fc.boolean() }),
  fc.record({ _tag: fc.constant("move" as const), contact: fc.nat(20), company: fc.option(fc.nat(2), { nil: null }) }),
  fc.record({ _tag: fc.constant("order" as const), contact: fc.nat(20) }),
  fc.record({ _tag: fc.constant("cancel" as const), order: fc.nat(20) }),
  fc.record({ _tag: fc.constant("industry" as const), company: fc.nat(2), retail: fc.boolean() }),
  fc.record({ _tag: fc.constant("task" as const), contact: fc.nat(20) }),
  fc.record({ _tag: fc.constant("taskMove" as const), task: fc.nat(20), contact: fc.nat(20) }),
  fc.record({ _tag: fc.constant("taskRemove" as const), task: fc.nat(20) }),
  fc.constant({ _tag: "refresh" as const })
)

/**
 * Conditions that no time passing changes, so refresh can trace them: own fields, related
 * counts (tasks move between contacts and are removed, so the old key matters), a path.
 */
const segmentsUnderTest = [
  Segment.of(Objects.contact).where((c) => c.tasks.exists()),
  // The events naming a contact: its own, its orders', its tasks'.
  Segment.of(Objects.contact).where((c) => c.events.count({ where: (e) => e.type.isIn(["OrderPlaced", "TaskCreated", "TaskUpdated"]) }).gte(2)),
  Segment.of(Objects.contact).where((c) => c.orders.count({ where: (o) => o.status.neq("cancelled") }).gte(2)),
  Segment.of(Objects.contact).where((c) => c.company.industry.eq("retail")),
  Segment.of(Objects.contact).where((c) => c.lifecycleStage.eq("customer").or(c.company.industry.eq("retail").and(c.orders.exists())))
]

const program = (ops: ReadonlyArray<Op>) =>
  Effect.gen(function*() {
    const store = yield* Store.Store
    const contacts = yield* Contacts.Contacts
    const companies = yield* Companies.Companies
    const orders = yield* Orders.Orders
    const tasks = yield* Tasks.Tasks
    const segments = yield* Segments.Segments
    const taskIds: Array<string> = []
    const companyIds: Array<string> = []
    for (let i = 0; i < 3; i++) companyIds.push((yield* companies.create({ name: `Co ${i}`, industry: "software" })).id)
    const contactIds: Array<string> = []
    const orderIds: Array<string> = []
    const saved = yield* Effect.forEach(segmentsUnderTest, (segment, i) => segments.create({ name: `S${i}`, segment }))
    // What each segment held after its last refresh, to check every change is one event.
    const previous = saved.map(() => new Set<string>())
    let incremental = 0
    let changes = 0

    const refreshAll = Effect.forEach(saved, (s, i) =>
      Effect.gen(function*() {
        const result = yield* segments.refresh(s.id)
        if (result.mode === "incremental") incremental++
        const full = new Set((yield* Segment.members(WS, segmentsUnderTest[i]!, { limit: 1000 })).rows.map((r) => r.id))
        const stored = new Set((yield* segments.members(s.id, { limit: 1000 })).recordIds)
        expect([...stored].sort()).toEqual([...full].sort())
        expect([...result.entered].sort()).toEqual([...full].filter((id) => !previous[i]!.has(id)).sort())
        expect([...result.left].sort()).toEqual([...previous[i]!].filter((id) => !full.has(id)).sort())
        changes += result.entered.length + result.left.length
        previous[i] = full
      }), { discard: true })

    const at = <A>(list: ReadonlyArray<A>, i: number): A | undefined => (list.length === 0 ? undefined : list[i % list.length])
    yield* refreshAll
    for (const op of ops) {
      switch (op._tag) {
        case "contact": {
          const created = yield* contacts.create({
            firstName: `P${contactIds.length}`,
            lifecycleStage: op.customer ? "customer" : "lead",
            ...(op.company === null ? {} : { companyId: companyIds[op.company]! })
          })
          contactIds.push(created.id)
          break
        }
        case "stage": {
          const id = at(contactIds, op.contact)
          if (id !== undefined) yield* contacts.update(yield* contacts.get(id), { lifecycleStage: op.customer ? "customer" : "lead" })
          break
        }
        case "move": {
          const id = at(contactIds, op.contact)
          if (id !== undefined) {
            yield* contacts.update(yield* contacts.get(id), { companyId: op.company === null ? null : companyIds[op.company]! })
          }
          break
        }
        case "order": {
          const id = at(contactIds, op.contact)
          if (id !== undefined) {
            const placed = yield* orders.place({
              contactId: id,
              lineItems: [{ sku: "TEA-1", name: "Tea", quantity: 1, unitPrice: { amountMinor: 900, currency: "EUR" } }]
            })
            orderIds.push(placed.id)
          }
          break
        }
        case "cancel": {
          const id = at(orderIds, op.order)
          if (id !== undefined) {
            const order = yield* orders.get(id)
            if (order.status === "placed") yield* orders.cancel(order)
          }
          break
        }
        case "industry": {
          const company = yield* companies.get(companyIds[op.company]!)
          yield* companies.update(company, { industry: op.retail ? "retail" : "software" })
          break
        }
        case "task": {
          const id = at(contactIds, op.contact)
          if (id !== undefined) taskIds.push((yield* tasks.create({ title: "Call back", contactId: id })).id)
          break
        }
        case "taskMove": {
          const id = at(taskIds, op.task)
          const to = at(contactIds, op.contact)
          if (id !== undefined && to !== undefined) yield* tasks.update(yield* tasks.get(id), { contactId: to })
          break
        }
        case "taskRemove": {
          const index = taskIds.length === 0 ? -1 : op.task % taskIds.length
          if (index >= 0) {
            yield* tasks.remove(yield* tasks.get(taskIds[index]!))
            taskIds.splice(index, 1)
          }
          break
        }
        case "refresh":
          yield* refreshAll
      }
    }
    yield* refreshAll
    // One event per actual change, over every refresh.
    const events = yield* store.readEvents(WS, { after: 0, limit: 100_000, types: ["SegmentEntered", "SegmentLeft"] })
    expect(events.every((e) => SegmentsEvents.all.is(e))).toBe(true)
    expect(events.length).toBe(changes)
    return incremental
  })

for (const [name, store] of storesFor("segments_incr")) {
  const runs = RUNS[name]!
  const live = () =>
    Segments.layer().pipe(Layer.provideMerge(Crm.layer({
      store: store(),
      collections: [...Collections.all, ...Membership.collections],
      ids: IdGenerator.layerSequential
    })))
  describe(`incremental refresh on ${name}`, () => {
    it.effect.prop(
      "gives the members of a full evaluation, with one event per change",
      { ops: fc.array(opArb, { minLength: 5, maxLength: 30 }) },
      ({ ops }) =>
        Effect.asVoid(program(ops)).pipe(Effect.provide(live()), Effect.provideService(Workspace.CurrentWorkspace, WS)),
      { timeout: 240_000, fastCheck: { numRuns: runs } }
    )

    it.effect("refreshes after the first are incremental for traceable conditions", () =>
      Effect.gen(function*() {
        const ops: ReadonlyArray<Op> = [
          { _tag: "contact", customer: true, company: 0 },
          { _tag: "refresh" },
          { _tag: "order", contact: 0 },
          { _tag: "industry", company: 0, retail: true },
          { _tag: "refresh" }
        ]
        // Five segments: a full first refresh each, then incremental ones.
        expect(yield* program(ops)).toBeGreaterThanOrEqual(10)
      }).pipe(Effect.provide(live()), Effect.provideService(Workspace.CurrentWorkspace, WS)), 120_000)
  })
}
