/**
 * The builder's types: a wrong field, an operator that does not fit a field, and a value
 * of the wrong type are compile errors (each `@ts-expect-error` fails the type check if
 * the line compiles), while what fits compiles.
 */
import { describe, expectTypeOf, it } from "@effect/vitest"
import { type Contact, CustomField } from "@rapport/core"
import { Condition, FieldRef, Objects, Segment, SegmentObject } from "@rapport/segments"
import { typeOnly } from "./stores.js"

const contacts = Segment.of(Objects.contact)

describe("the builder's types", () => {
  it("a field of the model has the operators of its kind", () => {
    contacts.where((c) => {
      expectTypeOf(c.lifecycleStage.eq).parameter(0).toEqualTypeOf<Contact.LifecycleStage | FieldRef.TextField<string>>()
      expectTypeOf(c.lifecycleStage.isIn).parameter(0).toEqualTypeOf<ReadonlyArray<Contact.LifecycleStage>>()
      // Ids are branded; a plain string names one.
      expectTypeOf(c.id.eq).parameter(0).toEqualTypeOf<string | FieldRef.TextField<string>>()
      expectTypeOf(c.consentAt).toMatchTypeOf<FieldRef.TimestampField & FieldRef.NullChecks>()
      expectTypeOf(c.tags).toMatchTypeOf<FieldRef.ListField>()
      expectTypeOf(c.version).toMatchTypeOf<FieldRef.NumberField>()
      return c.lifecycleStage.eq("customer")
    })
    expectTypeOf(contacts.where((c) => c.firstName.startsWith("A")).condition).toEqualTypeOf<Condition.Condition | null>()
  })

  it("a wrong field is an error", () => {
    // @ts-expect-error: contacts have no `industry` (their company has)
    typeOnly(() => contacts.where((c) => c.industry.eq("retail")))
    // @ts-expect-error: `custom` values are not a field themselves
    typeOnly(() => contacts.where((c) => c.custom.eq("x")))
  })

  it("an operator that does not fit the field is an error", () => {
    // @ts-expect-error: text has no withinLast
    typeOnly(() => contacts.where((c) => c.firstName.withinLast(3, "day")))
    // @ts-expect-error: a timestamp is not text
    typeOnly(() => contacts.where((c) => c.updatedAt.startsWith("2026")))
    // @ts-expect-error: a field that cannot be null has no isNull
    typeOnly(() => contacts.where((c) => c.firstName.isNull()))
    // @ts-expect-error: a list is matched with has, not eq
    typeOnly(() => contacts.where((c) => c.tags.eq("vip")))
  })

  it("a value of the wrong type is an error", () => {
    // @ts-expect-error: not a lifecycle stage
    typeOnly(() => contacts.where((c) => c.lifecycleStage.eq("vip")))
    // @ts-expect-error: a number where text is
    typeOnly(() => contacts.where((c) => c.firstName.eq(3)))
    // @ts-expect-error: text where a timestamp is
    typeOnly(() => contacts.where((c) => c.updatedAt.after("yesterday")))
    // @ts-expect-error: a field of another kind on the right
    typeOnly(() => contacts.where((c) => c.updatedAt.after(c.firstName)))
  })

  it("paths, related records and custom fields are typed", () => {
    contacts.where((c) => {
      // A path across a reference can be null: it has null checks.
      expectTypeOf(c.company.industry).toMatchTypeOf<FieldRef.TextField & FieldRef.NullChecks>()
      expectTypeOf(c.company.employees).toMatchTypeOf<FieldRef.NumberField & FieldRef.NullChecks>()
      return c.orders.count({ where: (o) => o.status.eq("paid"), within: Segment.days(30) }).gte(2)
    })
    Segment.of(Objects.ticket).where((t) => t.contact.company.name.contains("Acme"))
    // @ts-expect-error: not an order status
    typeOnly(() => contacts.where((c) => c.orders.count({ where: (o) => o.status.eq("lost") }).gte(1)))
    // @ts-expect-error: a sum needs a number field
    typeOnly(() => contacts.where((c) => c.orders.sum((o) => o.number).gte(1)))
    const declared = CustomField.declare({ contact: { plan: CustomField.select(["free", "pro"]), seats: CustomField.number() } })
    const withPlan = Segment.of(SegmentObject.withCustom(Objects.contact, declared.contact))
    withPlan.where((c) => c.custom.plan.eq("pro").and(c.custom.seats.gte(10), c.custom.plan.isNotNull()))
    // @ts-expect-error: not a plan
    typeOnly(() => withPlan.where((c) => c.custom.plan.eq("enterprise")))
    // @ts-expect-error: not a declared custom field
    typeOnly(() => withPlan.where((c) => c.custom.tier.eq("gold")))
  })
})
