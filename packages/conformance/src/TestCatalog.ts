/**
 * The catalog the store conformance suite runs on: a parent collection (`account`)
 * holding a field of every kind and custom fields of every custom type, a child
 * collection (`deal`) pointing at it through a `ref` foreign key, and links between
 * records of any collection (`link`, like core's associations). One unique key
 * (`account.handle`) and a few indexes, so SQL stores lay out what real catalogs need.
 *
 * @since 0.1.0
 */
import { Catalog, Collection, CustomField, DomainEvent, Field, Model, Timestamp } from "@rapport/core"
import type { Layer } from "effect"
import { Schema } from "effect"

/**
 * The parent collection's name.
 *
 * @since 0.1.0
 * @category constants
 */
export const ACCOUNT = "account"

/**
 * The child collection's name.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEAL = "deal"

/**
 * The link collection's name: rows linking a record of any collection to another, as
 * core's associations do.
 *
 * @since 0.1.0
 * @category constants
 */
export const LINK = "link"

/**
 * Fields of `account`: one of every storage kind, most of them nullable.
 *
 * @since 0.1.0
 * @category models
 */
export const accountFields = {
  handle: Field.string(),
  name: Field.string(),
  nickname: Field.nullable(Field.string()),
  score: Field.nullable(Field.number()),
  seats: Field.nullable(Field.integer()),
  active: Field.nullable(Field.boolean()),
  lastSeenAt: Field.nullable(Field.timestamp()),
  since: Field.nullable(Field.date()),
  revenue: Field.nullable(Field.money()),
  tags: Field.strings(),
  profile: Field.nullable(Field.json(Schema.Unknown)),
  custom: Model.customField()
} as const

/**
 * Fields of `deal`: `accountId` is the foreign key to `account`; `lines` a list of
 * objects (`Field.objects`) for `any` conditions.
 *
 * @since 0.1.0
 * @category models
 */
export const dealFields = {
  accountId: Field.nullable(Field.ref(ACCOUNT, Schema.String)),
  stage: Field.string(),
  amount: Field.nullable(Field.number()),
  qty: Field.nullable(Field.integer()),
  won: Field.nullable(Field.boolean()),
  closedAt: Field.nullable(Field.timestamp()),
  value: Field.nullable(Field.money()),
  lines: Field.nullable(Field.objects(Schema.Array(Schema.Unknown), {
    sku: Field.string(),
    qty: Field.integer(),
    price: Field.money(),
    gift: Field.nullable(Field.boolean()),
    note: Field.nullable(Field.string())
  }))
} as const

/**
 * Fields of `link`: keys to a record of any collection (`Field.anyRef`), named by the
 * collection fields beside them, and a label.
 *
 * @since 0.1.0
 * @category models
 */
export const linkFields = {
  fromCollection: Field.string(),
  fromId: Field.anyRef("fromCollection", Schema.String),
  toCollection: Field.string(),
  toId: Field.anyRef("toCollection", Schema.String),
  label: Field.string()
} as const

/**
 * @since 0.1.0
 * @category models
 */
export class Account extends Schema.Class<Account>("@rapport/conformance/Account")(
  Collection.modelFields(Schema.String, accountFields)
) {}

/**
 * @since 0.1.0
 * @category models
 */
export class Deal extends Schema.Class<Deal>("@rapport/conformance/Deal")(
  Collection.modelFields(Schema.String, dealFields)
) {}

/**
 * @since 0.1.0
 * @category collections
 */
export const accounts = Collection.make({
  name: ACCOUNT,
  schema: Account,
  fields: accountFields,
  indexes: [["name"], ["lastSeenAt"]],
  unique: [["handle"]]
})

/**
 * @since 0.1.0
 * @category collections
 */
export const deals = Collection.make({
  name: DEAL,
  schema: Deal,
  fields: dealFields,
  indexes: [["accountId"], ["closedAt"]]
})

/**
 * @since 0.1.0
 * @category models
 */
export class Link extends Schema.Class<Link>("@rapport/conformance/Link")(
  Collection.modelFields(Schema.String, linkFields)
) {}

/**
 * @since 0.1.0
 * @category collections
 */
export const links = Collection.make({
  name: LINK,
  schema: Link,
  fields: linkFields,
  indexes: [["fromId"], ["toId"]]
})

/**
 * Custom fields of `account`, one of every custom type. `referrer` refers to another
 * account, so `related` conditions can join through a custom field too.
 *
 * @since 0.1.0
 * @category models
 */
export const customFields = CustomField.declare({
  account: {
    tier: CustomField.select(["free", "pro", "enterprise"]),
    quota: CustomField.number(),
    vip: CustomField.boolean(),
    renewsOn: CustomField.date(),
    mrr: CustomField.money(),
    interests: CustomField.multiSelect(["tea", "coffee", "cocoa"]),
    note: CustomField.text(),
    referrer: CustomField.reference(ACCOUNT)
  }
})

/**
 * The suite's event definitions: their payload fields are the event collection's
 * (`payload.to`, `payload.amountMinor`, `payload.nested.level`). `code` is text in one
 * and an integer in the other, so it is no field; `amountMinor` is an integer in both.
 *
 * @since 0.1.0
 * @category models
 */
export const events = [
  DomainEvent.define(
    "DealStageChanged",
    Schema.Struct({
      from: Schema.NullOr(Schema.String),
      to: Schema.String,
      amountMinor: Schema.Int,
      at: Timestamp.Timestamp,
      won: Schema.Boolean,
      score: Schema.Number,
      code: Schema.String,
      nested: Schema.Struct({ level: Schema.Int, label: Schema.String })
    })
  ),
  DomainEvent.define("AccountUpdated", Schema.Struct({ amountMinor: Schema.Int, code: Schema.Int }))
] as const

/**
 * The options the suite builds its catalog from.
 *
 * @since 0.1.0
 * @category constructors
 */
export const options = { collections: [accounts, deals, links], customFields, events } as const

/**
 * The suite's catalog.
 *
 * @example
 * ```ts
 * import { TestCatalog } from "@rapport/conformance"
 * TestCatalog.catalog.spec("ws_1", "account")?.custom.tier // { kind: "string", ... }
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const catalog: Catalog.Service = Catalog.make(options)

/**
 * The suite's catalog as a layer.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Catalog.Catalog> = Catalog.layer(options)
