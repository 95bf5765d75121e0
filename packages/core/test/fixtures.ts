// A small catalog for the pure query tests: accounts, their invoices, and people.
import { Schema } from "effect"
import { Catalog, Collection, CustomField, Field, Model } from "../src/index.js"

const make = (name: string, fields: Readonly<Record<string, Field.Field>>) =>
  Collection.make({
    name,
    schema: Schema.Struct(Collection.modelFields(Schema.String, fields)) as unknown as Schema.Schema<unknown, any>,
    fields
  })

export const accountFields = {
  name: Field.text(),
  active: Field.boolean(),
  score: Field.number(),
  openedOn: Field.nullable(Field.date()),
  tags: Field.strings(),
  custom: Model.customField()
}

export const invoiceFields = {
  accountId: Field.ref("account", Schema.String),
  approverId: Field.nullable(Field.ref("person", Schema.String)),
  amount: Field.nullable(Field.number()),
  quantity: Field.integer(),
  paid: Field.boolean(),
  dueOn: Field.date(),
  issuedAt: Field.timestamp(),
  total: Field.money(),
  lines: Field.json(Schema.Unknown),
  memo: Field.nullable(Field.string()),
  tags: Field.strings()
}

export const personFields = { name: Field.text() }

export const account = make("account", accountFields)
export const invoice = make("invoice", invoiceFields)
export const person = make("person", personFields)

export const customFields = CustomField.declare({
  account: {
    tier: CustomField.select(["free", "pro"]),
    seats: CustomField.number(),
    renewsOn: CustomField.date(),
    vip: CustomField.boolean()
  }
})

export const catalog = Catalog.make({ collections: [account, invoice, person], customFields })

export const workspace = "ws_test"

/** 2026-05-01T12:00:00Z */
export const now = Date.UTC(2026, 4, 1, 12)
