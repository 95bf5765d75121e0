/**
 * Conditions over the events naming a record (its timeline), with payloads typed by the
 * event's definition, on the memory, SQLite and PostgreSQL stores.
 */
import { describe, expect, it } from "@effect/vitest"
import { Activities, type Activity, Contacts, CrmEvents, Crm, IdGenerator, Workspace } from "@rapport/core"
import { Collections } from "@rapport/pipelines"
import { type FieldRef, Objects, Segment } from "@rapport/segments"
import { Effect, TestClock } from "effect"
import { expectTypeOf } from "vitest"
import { stores as storesFor, typeOnly } from "./stores.js"

const DAY = 86_400_000
const NOW = Date.UTC(2026, 10, 20, 12)
const WS = Workspace.WorkspaceId.make("ws_events")

const stores = storesFor("segments_events")

const calledTwice = Segment.of(Objects.contact).where((c) =>
  c.events.of(CrmEvents.ActivityLogged).count({
    where: (e) => e.payload.record.type.eq("call"),
    within: Segment.days(14)
  }).gte(2)
)

describe("events conditions, typed", () => {
  it("a payload is typed by its definition; the AST counts events by subject", () => {
    Segment.of(Objects.contact).where((c) =>
      c.events.of(CrmEvents.ActivityLogged).exists({
        where: (e) => {
          expectTypeOf(e.payload.record.type.eq).parameter(0).toEqualTypeOf<Activity.ActivityType | FieldRef.TextField<string>>()
          expectTypeOf(e.payload.record.durationSeconds).toHaveProperty("isNull")
          // @ts-expect-error: not an activity type
          typeOnly(() => e.payload.record.type.eq("fax"))
          // @ts-expect-error: ActivityLogged carries no `to`
          typeOnly(() => e.payload.to.eq("won"))
          return e.payload.record.type.eq("call")
        }
      })
    )
    expect(calledTwice.expr).toEqual({
      _tag: "Related",
      collection: "domainEvent",
      foreignKey: "subjects",
      where: {
        _tag: "And",
        exprs: [
          { _tag: "Compare", field: "type", op: "eq", value: "ActivityLogged" },
          { _tag: "Compare", field: "payload.record.type", op: "eq", value: "call" },
          { _tag: "Within", field: "occurredAt", direction: "past", amount: 14, unit: "day" }
        ]
      },
      measure: { _tag: "Count" },
      op: "gte",
      value: 2
    })
  })
})

for (const [name, store] of stores) {
  describe(`events conditions on ${name}`, () => {
    it.scoped("contacts by what their timeline holds", () =>
      Effect.gen(function*() {
        const contacts = yield* Contacts.Contacts
        const activities = yield* Activities.Activities
        yield* TestClock.setTime(NOW - 30 * DAY)
        const ada = yield* contacts.create({ firstName: "Ada" })
        const bo = yield* contacts.create({ firstName: "Bo" })
        const cy = yield* contacts.create({ firstName: "Cy" })
        const log = (contactId: string, type: "call" | "email", daysAgo: number) =>
          Effect.zipRight(TestClock.setTime(NOW - daysAgo * DAY), activities.log({ type, occurredAt: NOW - daysAgo * DAY, contactId }))
        yield* log(ada.id, "call", 3)
        yield* log(ada.id, "call", 10)
        yield* log(bo.id, "call", 2)
        yield* log(bo.id, "call", 20) // logged 20 days ago: outside the window
        yield* log(bo.id, "email", 1)
        yield* log(cy.id, "email", 1)
        yield* log(cy.id, "email", 2)
        yield* TestClock.setTime(NOW)
        const names = (segment: Segment.Segment) =>
          Effect.map(Segment.members(WS, segment, { limit: 50 }), (page) => page.rows.map((r) => r.firstName).sort())
        expect(yield* names(calledTwice)).toEqual(["Ada"])
        expect(yield* names(Segment.of(Objects.contact).where((c) => c.events.of(CrmEvents.ActivityLogged).count().gte(3)))).toEqual(["Bo"])
        expect(yield* names(Segment.of(Objects.contact).where((c) => c.events.of(CrmEvents.ContactUpdated).exists()))).toEqual([])
        expect(
          yield* names(Segment.of(Objects.contact).where((c) =>
            c.events.notExists({ where: (e) => e.type.eq("ActivityLogged").and(e.occurredAt.withinLast(2, "day")) })
          ))
        ).toEqual(["Ada"])
        // Every record has a timeline: its creation names it.
        expect(yield* names(Segment.of(Objects.contact).where((c) => c.events.of(CrmEvents.ContactCreated).exists()))).toEqual(["Ada", "Bo", "Cy"])
      }).pipe(
        Effect.provide(Crm.layer({ store: store(), collections: Collections.all, ids: IdGenerator.layerSequential })),
        Effect.provideService(Workspace.CurrentWorkspace, WS)
      ))
  })
}
