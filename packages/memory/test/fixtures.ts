/**
 * A small catalog for the memory store's own tests: people, and purchases that refer
 * to them.
 */
import { Actor, Catalog, Collection, DomainEvent, Field, Store } from "@rapport/core"
import { Effect, Layer, Schema } from "effect"
import { MemoryStore } from "../src/index.js"

const personFields = {
  name: Field.string(),
  email: Field.nullable(Field.string()),
  team: Field.nullable(Field.string()),
  score: Field.nullable(Field.number()),
  tags: Field.strings()
}
class Person extends Schema.Class<Person>("Person")(Collection.modelFields(Schema.String, personFields)) {}
export const person = Collection.make({
  name: "person",
  schema: Person,
  fields: personFields,
  indexes: [["team"]],
  unique: [["email"], ["name", "team"]]
})

const purchaseFields = {
  personId: Field.ref("person", Schema.String),
  amount: Field.integer(),
  placedAt: Field.timestamp(),
  status: Field.string(),
  total: Field.money()
}
class Purchase extends Schema.Class<Purchase>("Purchase")(Collection.modelFields(Schema.String, purchaseFields)) {}
export const purchase = Collection.make({ name: "purchase", schema: Purchase, fields: purchaseFields })

export const catalog = Catalog.make({ collections: [person, purchase] })

export const StoreLayer = MemoryStore.layer.pipe(Layer.provide(Layer.succeed(Catalog.Catalog, catalog)))

export const ws = "ws_a"

export const personRow = (id: string, fields: Partial<Record<keyof typeof personFields, unknown>> = {}, version = 1) =>
  ({
    id,
    version,
    createdAt: 0,
    updatedAt: 0,
    name: id,
    email: null,
    team: null,
    score: null,
    tags: [],
    ...fields
  }) as Collection.Row

export const purchaseRow = (
  id: string,
  personId: string,
  fields: Partial<Record<keyof typeof purchaseFields, unknown>> = {}
) =>
  ({
    id,
    version: 1,
    createdAt: 0,
    updatedAt: 0,
    personId,
    amount: 100,
    placedAt: 0,
    status: "paid",
    total: { amountMinor: 100, currency: "EUR" },
    ...fields
  }) as Collection.Row

export const event = (recordId: string, subjects: ReadonlyArray<DomainEvent.Subject> = []): DomainEvent.NewEvent => ({
  type: "PersonTouched",
  collection: "person",
  recordId,
  version: 1,
  occurredAt: 0,
  actor: Actor.system,
  subjects: [`person:${recordId}`, ...subjects],
  payload: { note: recordId }
})

/** Ids of a find's rows. */
export const ids = (rows: ReadonlyArray<Collection.Row>) => rows.map((r) => r.id)

export const store = Store.Store
export const withStore = <A, E>(f: (s: Store.Service) => Effect.Effect<A, E>) => Effect.flatMap(Store.Store, f)
