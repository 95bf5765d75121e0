import { describe, expect, it } from "@effect/vitest"
import { Catalog, Collection, CrmEvents, DomainEvent, EventCollection, Timestamp } from "@rapport/core"
import { Schema } from "effect"

const field = (kind: string) => ({ kind, nullable: true })

describe("EventCollection.payloadFields", () => {
  it("derives a field for every scalar at a fixed path, with the kind its schema gives", () => {
    class Address extends Schema.Class<Address>("Address")({ city: Schema.String, zip: Schema.NullOr(Schema.String) }) {}
    const Moved = DomainEvent.define(
      "Moved",
      Schema.Struct({
        to: Schema.Literal("won", "lost"),
        at: Timestamp.Timestamp,
        days: Schema.NonNegativeInt,
        ratio: Schema.Number,
        done: Schema.Boolean,
        note: Schema.optional(Schema.String),
        // Only identifiers are paths: a key that is not one never reaches a query.
        "it's": Schema.String,
        "a.b": Schema.String,
        address: Address,
        // Open keys and lists have no fixed paths.
        changes: Schema.Record({ key: Schema.String, value: Schema.Number }),
        tags: Schema.Array(Schema.String),
        // Four segments at most.
        deep: Schema.Struct({ a: Schema.Struct({ b: Schema.Struct({ c: Schema.String, d: Schema.Struct({ e: Schema.String }) }) }) })
      })
    )
    expect(EventCollection.payloadFields([Moved])).toEqual({
      "address.city": field("string"),
      "address.zip": field("string"),
      at: field("timestamp"),
      days: field("integer"),
      "deep.a.b.c": field("string"),
      done: field("boolean"),
      note: field("string"),
      ratio: field("number"),
      to: field("string")
    })
  })

  it("merges the definitions: integers and numbers give a number, other disagreements no field", () => {
    const A = DomainEvent.define("A", Schema.Struct({ n: Schema.Int, code: Schema.String, at: Timestamp.Timestamp, only: Schema.String }))
    const B = DomainEvent.define("B", Schema.Struct({ n: Schema.Number, code: Schema.Int, at: Schema.Int }))
    expect(EventCollection.payloadFields([A, B])).toEqual({ at: field("integer"), n: field("number"), only: field("string") })
  })

  it("reads the stored records of core's events with their kinds", () => {
    const fields = EventCollection.payloadFields(CrmEvents.all.definitions)
    expect(fields["record.lifecycleStage"]).toEqual(field("string"))
    expect(fields["record.createdAt"]).toEqual(field("timestamp"))
    expect(fields["record.total.amountMinor"]).toEqual(field("integer"))
    expect(fields["changes"]).toBeUndefined()
  })

  it("is what a catalog's event collection offers, core's events by default", () => {
    const spec = Catalog.make({ collections: [] }).spec("ws", EventCollection.name)!
    expect(Collection.fieldAt(spec, "payload.record.lifecycleStage")).toEqual(field("string"))
    const Custom = DomainEvent.define("Custom", Schema.Struct({ score: Schema.Int }))
    const own = Catalog.make({ collections: [], events: [Custom] }).spec("ws", EventCollection.name)!
    expect(Collection.fieldAt(own, "payload.score")).toEqual(field("integer"))
    expect(Collection.fieldAt(own, "payload.record.lifecycleStage")).toBeUndefined()
    // The document itself is no field.
    expect(Collection.fieldAt(own, "payload")).toBeUndefined()
  })
})

describe("Collection.readerAt", () => {
  const spec = EventCollection.specFor({ n: field("integer") as never, "a.b": field("string") as never })
  const row = (payload: Collection.Json): Collection.Row => ({ id: "1", version: 1, createdAt: 0, updatedAt: 0, payload })
  it("reads a document's property as its kind, and null where it holds another type", () => {
    const n = Collection.readerAt(spec, "payload.n")
    const ab = Collection.readerAt(spec, "payload.a.b")
    expect([7, -3, 1.5, 2 ** 53, "7", true, null, { n: 1 }].map((v) => n(row({ n: v })))).toEqual([7, -3, null, null, null, null, null, null])
    expect([{ a: { b: "x" } }, { a: { b: 1 } }, { a: "x" }, { a: [{ b: "x" }] }, null, [1]].map((p) => ab(row(p)))).toEqual([
      "x",
      null,
      null,
      null,
      null,
      null
    ])
    expect(n(row({ constructor: 1 }))).toBeNull()
  })
})
