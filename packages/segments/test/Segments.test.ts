/**
 * Saved segments with stored membership, on the memory, SQLite and PostgreSQL stores:
 * refresh writes exactly the records that entered and left with one event each (the first
 * fill flagged), the passing of time changes membership on the next refresh without any
 * write, static segments change by hand only, and concurrent refreshes give each change
 * once.
 */
import { describe, expect, it } from "@effect/vitest"
import { Contacts, Crm, IdGenerator, Orders, Store, Tasks, Workspace } from "@rapport/core"
import { Collections } from "@rapport/pipelines"
import { Membership, Objects, Segment, Segments, SegmentsEvents } from "@rapport/segments"
import { Chunk, Effect, Fiber, Layer, Random, Stream, TestClock } from "effect"
import { MemoryStore } from "@rapport/memory"
import { stores as storesFor } from "./stores.js"

const DAY = 86_400_000
const NOW = Date.UTC(2026, 10, 20, 12)
const WS = Workspace.WorkspaceId.make("ws_membership")

const stores = storesFor("segments_members")

/** The membership events of the log, oldest first: `+id` entered, `-id` left, `*` on a first fill. */
const membershipEvents = Effect.gen(function*() {
  const store = yield* Store.Store
  const events = yield* store.readEvents(WS, { after: 0, limit: 10_000 })
  return events.flatMap((event) => {
    const entered = SegmentsEvents.SegmentEntered.decode(event)
    if (entered._tag === "Right") return [`+${entered.right.payload.recordId}${entered.right.payload.firstFill ? "*" : ""}`]
    const left = SegmentsEvents.SegmentLeft.decode(event)
    return left._tag === "Right" ? [`-${left.right.payload.recordId}`] : []
  })
})

const allMembers = (id: string) =>
  Effect.gen(function*() {
    const segments = yield* Segments.Segments
    const out: Array<string> = []
    let cursor: string | undefined
    do {
      const page = yield* segments.members(id, { limit: 2, ...(cursor === undefined ? {} : { cursor }) })
      out.push(...page.recordIds)
      cursor = page.nextCursor ?? undefined
    } while (cursor !== undefined)
    return out
  })

for (const [name, store] of stores) {
  const live = Segments.layer().pipe(Layer.provideMerge(Crm.layer({
    store: store(),
    collections: [...Collections.all, ...Membership.collections],
    ids: IdGenerator.layerSequential
  })))
  const run = <A, E>(effect: Effect.Effect<A, E, Layer.Layer.Success<typeof live> | Workspace.CurrentWorkspace>) =>
    effect.pipe(Effect.provide(live), Effect.provideService(Workspace.CurrentWorkspace, WS))

  describe(`stored membership on ${name}`, () => {
    it.scoped("refresh stores who entered and left, with one event each; time alone can make a record leave", () =>
      run(Effect.gen(function*() {
        yield* TestClock.setTime(NOW)
        const contacts = yield* Contacts.Contacts
        const orders = yield* Orders.Orders
        const segments = yield* Segments.Segments
        const tea = { sku: "TEA-1", name: "Tea", quantity: 1, unitPrice: { amountMinor: 900, currency: "EUR" } }
        const ada = yield* contacts.create({ firstName: "Ada", lifecycleStage: "customer" })
        const bo = yield* contacts.create({ firstName: "Bo", lifecycleStage: "customer" })
        const cy = yield* contacts.create({ firstName: "Cy", lifecycleStage: "lead" })
        yield* orders.place({ contactId: ada.id, lineItems: [tea], placedAt: NOW - 80 * DAY })
        yield* orders.place({ contactId: bo.id, lineItems: [tea], placedAt: NOW - 5 * DAY })

        const recent = yield* segments.create({
          name: "Recent buyers",
          segment: Segment.of(Objects.contact).where((c) =>
            c.lifecycleStage.eq("customer").and(c.orders.exists({ within: Segment.days(90) }))
          )
        })
        const first = yield* segments.refresh(recent.id)
        expect([...first.entered].sort()).toEqual([ada.id, bo.id].sort())
        expect(first.left).toEqual([])
        expect(yield* allMembers(recent.id)).toEqual([ada.id, bo.id].sort())

        // Nothing changed: no event, same members.
        expect(yield* segments.refresh(recent.id)).toEqual({ entered: [], left: [], members: 2, mode: "full" })

        // Cy becomes a customer and orders; Bo is no longer a customer.
        yield* contacts.update(cy, { lifecycleStage: "customer" })
        yield* orders.place({ contactId: cy.id, lineItems: [tea] })
        yield* contacts.update(yield* contacts.get(bo.id), { lifecycleStage: "other" })
        expect(yield* segments.refresh(recent.id)).toEqual({ entered: [cy.id], left: [bo.id], members: 2, mode: "full" })

        // Eleven days on, Ada's order is 91 days old: she leaves, though nothing was written.
        yield* TestClock.adjust(11 * DAY)
        expect(yield* segments.refresh(recent.id)).toEqual({ entered: [], left: [ada.id], members: 1, mode: "full" })
        expect(yield* allMembers(recent.id)).toEqual([cy.id])
        expect((yield* segments.get(recent.id)).members).toBe(1)

        const firstFill = [ada.id, bo.id].sort().map((id) => `+${id}*`)
        expect(yield* membershipEvents).toEqual([...firstFill, `+${cy.id}`, `-${bo.id}`, `-${ada.id}`])
      })))

    it.scoped("a static segment changes by hand only; bad input writes nothing", () =>
      run(Effect.gen(function*() {
        yield* TestClock.setTime(NOW)
        const contacts = yield* Contacts.Contacts
        const segments = yield* Segments.Segments
        const ada = yield* contacts.create({ firstName: "Ada" })
        const bo = yield* contacts.create({ firstName: "Bo" })
        const list = yield* segments.create({ name: "Trade fair", kind: "static", segment: Segment.of(Objects.contact) })
        expect(yield* segments.add(list.id, [ada.id, bo.id, ada.id])).toEqual({ entered: [ada.id, bo.id], left: [], members: 2, mode: "manual" })
        expect(yield* segments.add(list.id, [ada.id])).toEqual({ entered: [], left: [], members: 2, mode: "manual" })
        expect(yield* segments.remove(list.id, [bo.id, "ct_nobody"])).toEqual({ entered: [], left: [bo.id], members: 1, mode: "manual" })

        const unknown = yield* Effect.flip(segments.add(list.id, [bo.id, "ct_nobody"]))
        expect(unknown._tag).toBe("ValidationError")
        expect(unknown.message).toContain("recordIds.1")
        const refreshStatic = yield* Effect.flip(segments.refresh(list.id))
        expect(refreshStatic._tag).toBe("ValidationError")
        const dynamic = yield* segments.create({ name: "Everyone", segment: Segment.of(Objects.contact) })
        expect((yield* Effect.flip(segments.add(dynamic.id, [ada.id])))._tag).toBe("ValidationError")

        const badField = yield* Effect.flip(segments.create({
          name: "Broken",
          segment: Segment.fromExpr(Objects.contact, { _tag: "Compare", field: "nickname", op: "eq", value: "x" })
        }))
        expect(badField._tag).toBe("InvalidQuery")
        expect((yield* Effect.flip(segments.create({ name: " ", segment: Segment.of(Objects.contact) })))._tag).toBe("ValidationError")
        expect((yield* Effect.flip(segments.get("seg_nope")))._tag).toBe("NotFound")

        expect(yield* allMembers(list.id)).toEqual([ada.id])
        expect(yield* membershipEvents).toEqual([`+${ada.id}`, `+${bo.id}`, `-${bo.id}`])
      })))

    it.scoped("members export as CSV and JSON, and sample at random", () =>
      run(Effect.gen(function*() {
        yield* TestClock.setTime(NOW)
        const contacts = yield* Contacts.Contacts
        const segments = yield* Segments.Segments
        const people = [
          yield* contacts.create({ firstName: "Ada", lastName: "Lovelace, Countess", emails: ["ada@example.com"] }),
          yield* contacts.create({ firstName: "Bo \"the\" Builder" }),
          yield* contacts.create({ firstName: "=HYPERLINK(1)", emails: ["x@example.com", "y@example.com"] }),
          yield* contacts.create({ firstName: "Di" }),
          yield* contacts.create({ firstName: "Ed" })
        ]
        const list = yield* segments.create({ name: "Everyone listed", kind: "static", segment: Segment.of(Objects.contact) })
        yield* segments.add(list.id, people.map((p) => p.id))
        const [ada, bo, hyper] = people as [typeof people[0], typeof people[0], typeof people[0]]

        const csv = (yield* Stream.runCollect(segments.export(list.id, { format: "csv", columns: ["id", "firstName", "lastName", "emails"] })))
        const lines = Chunk.join(csv, "").split("\r\n")
        expect(lines[0]).toBe("id,firstName,lastName,emails")
        expect(lines[1]).toBe(`${ada.id},Ada,"Lovelace, Countess","[""ada@example.com""]"`)
        expect(lines[2]).toBe(`${bo.id},"Bo ""the"" Builder",,[]`)
        expect(lines[3]).toBe(`${hyper.id},'=HYPERLINK(1),,"[""x@example.com"",""y@example.com""]"`)
        expect(lines).toHaveLength(7) // a header, five records, and the empty string after the last line break

        const json = JSON.parse(Chunk.join(yield* Stream.runCollect(segments.export(list.id, { format: "json", columns: ["id", "firstName"] })), ""))
        expect(json).toEqual(people.map((p) => ({ id: p.id, firstName: p.firstName })))
        const empty = yield* segments.create({ name: "Nobody", kind: "static", segment: Segment.of(Objects.contact) })
        expect(JSON.parse(Chunk.join(yield* Stream.runCollect(segments.export(empty.id, { format: "json" })), ""))).toEqual([])

        const badColumn = yield* Effect.flip(Stream.runDrain(segments.export(list.id, { format: "csv", columns: ["id", "nickname"] })))
        expect(badColumn._tag).toBe("ValidationError")
        expect(badColumn.message).toContain("columns.1")

        // A seeded Random picks the same sample again; the sample is a subset of the members.
        const seeded = (seed: number) => Effect.withRandom(segments.sample(list.id, 2), Random.make(seed))
        const once = yield* seeded(7)
        expect(once).toHaveLength(2)
        expect(yield* seeded(7)).toEqual(once)
        for (const id of once) expect(people.map((p) => p.id)).toContain(id)
        // Other seeds pick other pairs (of the 10 there are), not always the first members.
        const pairs = new Set(yield* Effect.forEach(Array.from({ length: 30 }, (_, i) => i), (seed) => Effect.map(seeded(seed), (p) => p.join())))
        expect(pairs.size).toBeGreaterThan(4)
        expect(yield* segments.sample(list.id, 10)).toEqual(people.map((p) => p.id).sort())
        expect((yield* Effect.flip(segments.sample(list.id, -1)))._tag).toBe("ValidationError")
      })))

    it.live("concurrent refreshes record each change once", () =>
      run(Effect.gen(function*() {
        const contacts = yield* Contacts.Contacts
        const segments = yield* Segments.Segments
        for (let i = 0; i < 6; i++) yield* contacts.create({ firstName: `C${i}`, lifecycleStage: i % 2 === 0 ? "customer" : "lead" })
        const customers = yield* segments.create({
          name: "Customers",
          segment: Segment.of(Objects.contact).where((c) => c.lifecycleStage.eq("customer"))
        })
        const results = yield* Effect.all([1, 2, 3, 4].map(() => segments.refresh(customers.id)), { concurrency: "unbounded" })
        expect(results.flatMap((r) => r.entered)).toHaveLength(3)
        expect((yield* membershipEvents).filter((e) => e.startsWith("+"))).toHaveLength(3)
        expect(yield* allMembers(customers.id)).toHaveLength(3)
      })))
  })
}

describe("run on the memory store", () => {
  const live = Segments.layer().pipe(Layer.provideMerge(Crm.layer({
    store: MemoryStore.layer,
    collections: [...Collections.all, ...Membership.collections],
    ids: IdGenerator.layerSequential
  })))

  it.scoped("keeps segments current: woken by commits, and on the clock for conditions on time", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(NOW)
      const contacts = yield* Contacts.Contacts
      const orders = yield* Orders.Orders
      const tasks = yield* Tasks.Tasks
      const segments = yield* Segments.Segments
      const ada = yield* contacts.create({ firstName: "Ada" })
      yield* orders.place({
        contactId: ada.id,
        placedAt: NOW - 25 * DAY,
        lineItems: [{ sku: "TEA-1", name: "Tea", quantity: 1, unitPrice: { amountMinor: 900, currency: "EUR" } }]
      })
      const recent = yield* segments.create({
        name: "Ordered in 30 days",
        segment: Segment.of(Objects.contact).where((c) => c.orders.exists({ within: Segment.days(30) }))
      })
      const tasked = yield* segments.create({ name: "With a task", segment: Segment.of(Objects.contact).where((c) => c.tasks.exists()) })
      const membersOf = (id: string) => Effect.map(segments.members(id), (page) => page.recordIds)
      /** Lets the runner's fiber work until `check` holds (it runs whenever this one yields). */
      const eventually = <R>(check: Effect.Effect<boolean, unknown, R>) =>
        Effect.gen(function*() {
          for (let i = 0; i < 1_000; i++) {
            if (yield* check) return
            yield* Effect.yieldNow()
          }
          throw new Error("the runner did not get there")
        })

      // Polling only as often as the schedule: the memory store wakes the runner on commit.
      const runner = yield* Effect.fork(segments.run({ every: "1 hour", pollInterval: "1 hour" }))
      yield* eventually(Effect.map(membersOf(recent.id), (ids) => ids.length === 1))
      expect(yield* membersOf(tasked.id)).toEqual([])

      // A commit wakes the runner: the task's contact enters, no clock needed.
      yield* tasks.create({ title: "Call back", contactId: ada.id })
      yield* eventually(Effect.map(membersOf(tasked.id), (ids) => ids.length === 1))

      // Six days on, Ada's order is 31 days old: the clock alone makes her leave.
      yield* TestClock.adjust("6 days")
      yield* eventually(Effect.map(membersOf(recent.id), (ids) => ids.length === 0))
      yield* Fiber.interrupt(runner)
      expect(yield* membershipEvents).toEqual([`+${ada.id}*`, `+${ada.id}`, `-${ada.id}`])
    }).pipe(Effect.provide(live), Effect.provideService(Workspace.CurrentWorkspace, WS)))
})
