/**
 * Untyped input: the HTTP API and saved JSON hand commands values TypeScript never
 * checked. A property over every public command of core (Contacts, Companies, Users,
 * Teams, Products, Orders, Conversations, Tasks, Notes, Activities, Associations,
 * Customer360) and of the pipelines (Deals, Leads, Tickets), each argument drawn from
 * well-formed values, valid values with one part broken, and hostile values (wrong
 * types, null, undefined, NaN, Infinity, huge numbers, bigints, objects and arrays
 * where an id goes, NUL, lone surrogates, very long text, deep objects, extra and
 * prototype-polluting keys). Every input must end as a success or a typed error
 * (`ValidationError` with at least one issue, `NotFound`, `Conflict`, `InvalidQuery`,
 * `InvalidTransition`): never a defect, never a `StoreError`, never an error carrying
 * the driver's text. A refused command writes nothing (every row and every event of
 * the workspace are as before), and what a successful command returns is what a read
 * gives back (no engine silently rewrites the text it stored).
 *
 * `RAPPORT_FUZZ_RUNS` sets the number of inputs per store (`RAPPORT_FUZZ_SEED` the
 * seed, printed with every failure); with `RAPPORT_FUZZ_RUNS` set the test also prints
 * its census of outcomes.
 */
import type { Vitest } from "@effect/vitest"
import { expect } from "@effect/vitest"
import {
  Activities,
  Associations,
  type Catalog,
  Companies,
  Contacts,
  Conversations,
  Crm,
  Customer360,
  IdGenerator,
  Notes,
  Orders,
  Products,
  type Store,
  Tasks,
  Teams,
  Users
} from "@rapport/core"
import { Collections, Deals, Leads, Pipeline, Tickets } from "@rapport/pipelines"
import { Cause, Effect, Exit, FastCheck as fc, Layer, Option } from "effect"
import * as Fixtures from "./fixtures.js"
import * as Harness from "./harness.js"

export const makeLayer = <E>(store: Layer.Layer<Store.Store, E, Catalog.Catalog>) =>
  Layer.mergeAll(
    Leads.layer.pipe(Layer.provideMerge(Deals.layer([Pipeline.b2b]))),
    Tickets.layer({})
  ).pipe(
    Layer.provideMerge(
      Crm.layer({ store, customFields: Harness.customFields, collections: Collections.all, ids: IdGenerator.layerSequential })
    )
  )

/** What the suite's tests have in their context. */
export type Services = Layer.Layer.Success<ReturnType<typeof makeLayer<never>>>

type It = Vitest.MethodsNonLive<Services>

/** Inputs per store in CI; `RAPPORT_FUZZ_RUNS` overrides (10 000 for a census). */
export const defaultRuns = 500

const envRuns = (): number | undefined => {
  const raw = globalThis.process?.env?.RAPPORT_FUZZ_RUNS
  const n = raw === undefined ? Number.NaN : Number(raw)
  return Number.isSafeInteger(n) && n > 0 ? n : undefined
}

const envSeed = (): number | undefined => {
  const raw = globalThis.process?.env?.RAPPORT_FUZZ_SEED
  const n = raw === undefined ? Number.NaN : Number(raw)
  return Number.isSafeInteger(n) ? n : undefined
}

// ---------------------------------------------------------------------------------
// The records the inputs refer to

const seedAll = Effect.gen(function*() {
  const core = yield* Fixtures.seed
  const deals = yield* Deals.Deals
  const leads = yield* Leads.Leads
  const tickets = yield* Tickets.Tickets
  const deal = yield* deals.in(Pipeline.b2b).create({
    name: "Tea for the office",
    contactId: core.contact.id,
    companyId: core.company.id,
    amount: { amountMinor: 12_000, currency: "EUR" }
  })
  const lead = yield* leads.capture({ firstName: "Grace", email: "grace.lead@navy.test", company: "Navy", domain: "navy.test" })
  const ticket = yield* tickets.create({ subject: "Tea arrived cold", channel: "email", contactId: core.contact.id })
  const other = yield* tickets.create({ subject: "Same again", channel: "chat", contactId: core.contact.id })
  const association = yield* Effect.flatMap(Companies.Companies, (c) =>
    c.addToCommittee(core.company.id, core.contact.id, "champion"))
  return { ...core, deal, lead, ticket, otherTicket: other, association }
})

type Seeded = Effect.Effect.Success<typeof seedAll>
/** The current copy of each seeded record (refreshed after a command changes it). */
type F = { -readonly [K in keyof Seeded]: Seeded[K] }
type Named = keyof F
type Rec = { readonly id: string; readonly version: number }

// ---------------------------------------------------------------------------------
// Generators. A generated value is a function of the current records, so that a
// "valid reference" is the record as it is now.

type G = fc.Arbitrary<(f: F) => unknown>

const OMIT = Symbol("omit")

const k = <A>(arb: fc.Arbitrary<A>): G => arb.map((v) => () => v)
const c = (value: unknown): G => fc.constant(() => value)
const oneOf = (...gs: ReadonlyArray<G | readonly [number, G]>): G =>
  fc.oneof(
    ...gs.map((g) =>
      g instanceof fc.Arbitrary ? { weight: 1, arbitrary: g } : { weight: (g as readonly [number, G])[0], arbitrary: (g as readonly [number, G])[1] }
    )
  )

/** An object nested `depth` levels deep. */
const deep = (depth: number, key = "a"): unknown => {
  let value: unknown = "bottom"
  for (let i = 0; i < depth; i++) value = { [key]: value }
  return value
}

const long = "x".repeat(100_001)

const badText: ReadonlyArray<string> = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\uD800",
  "x\uD800",
  "\uDFFFx",
  "\uDC00\uD800",
  "a\uD83D",
  "\uFFFE\uFFFF",
  "\uFEFF",
  "\u202E",
  "'; DROP TABLE contact; --",
  "$1",
  "?",
  "\\",
  "%",
  "\u00e9\u0301",
  long,
  "\u{1F600}".repeat(50_001)
]

const hostileConstants: ReadonlyArray<unknown> = [
  null,
  undefined,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -0,
  0,
  -1,
  1.5,
  2 ** 31,
  2 ** 53,
  2 ** 53 + 2,
  1e21,
  1e308,
  -1e308,
  Number.MIN_VALUE,
  true,
  false,
  0n,
  10n,
  -(2n ** 63n),
  2n ** 64n,
  ...badText,
  [],
  {},
  [null],
  [[[]]],
  [1, 2, 3],
  new Date(0),
  Object.create(null),
  JSON.parse(`{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}`),
  JSON.parse(`{"toString": 1, "valueOf": 2, "hasOwnProperty": 3}`),
  deep(2_000),
  Array.from({ length: 10_000 }, (_, i) => i)
]

const hostile: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...hostileConstants) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 12 }) },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.bigInt()) },
  {
    weight: 2,
    arbitrary: fc.anything({ maxDepth: 3, withBigInt: true, withNullPrototype: true, withDate: true, withSparseArray: true })
  }
)

const H: G = k(hostile)

const extraKey = fc.constantFrom("__proto__", "constructor", "prototype", "toString", "nickname", "id", "version", "workspaceId", "custom", "")

/**
 * An object with some of `shape`'s keys, each valid or broken, and now and then keys
 * the command does not know (prototype-polluting ones among them, as own properties
 * the way `JSON.parse` makes them).
 */
const obj = (shape: Record<string, G>, required: ReadonlyArray<string> = []): G =>
  fc.tuple(
    fc.record(
      Object.fromEntries(
        Object.entries(shape).map(([key, g]) => [
          key,
          fc.oneof(
            { weight: required.includes(key) ? 0 : 2, arbitrary: fc.constant(OMIT as unknown as (f: F) => unknown) },
            { weight: 8, arbitrary: g },
            { weight: 1, arbitrary: H }
          )
        ])
      ) as Record<string, fc.Arbitrary<(f: F) => unknown>>
    ),
    fc.oneof({ weight: 6, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(fc.tuple(extraKey, hostile), { maxLength: 2 }) })
  ).map(([fields, extras]) => (f: F) => {
    const out: Record<string, unknown> = {}
    for (const [key, g] of Object.entries(fields)) {
      if ((g as unknown) === OMIT) continue
      Object.defineProperty(out, key, { value: g(f), enumerable: true, writable: true, configurable: true })
    }
    for (const [key, value] of extras) {
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true })
    }
    return out
  })

/** Arguments: mostly well-formed, sometimes entirely hostile. */
const arg = (valid: G): G => oneOf([7, valid], [1, H])

const arrayOf = (item: G, maxLength = 3): G =>
  fc.array(item, { maxLength }).map((items) => (f: F) => items.map((g) => g(f)))

const text = (...valid: ReadonlyArray<string>): G =>
  oneOf(
    [6, k(fc.constantFrom(...valid))],
    [2, k(fc.constantFrom(...badText))],
    [1, k(fc.string({ unit: "binary", maxLength: 30 }))],
    [1, k(fc.string({ maxLength: 30 }).map((s) => `${valid[0]}${s}\u0000`))],
    [1, H]
  )

const num = (...valid: ReadonlyArray<number>): G => oneOf([6, k(fc.constantFrom(...valid))], [1, k(fc.integer())], [2, H])

const bool = oneOf([6, k(fc.boolean())], [1, H])

const email = text("ada@engines.test", "Grace@Navy.test", "x@y.io", "a\u0000@b.test", "\uD800@b.test")

const day = text("2026-03-01", "2026-02-30", "2026-3-1")

const money = obj(
  { amountMinor: num(450, 0, 1_299, -5, 2 ** 53), currency: text("EUR", "USD", "eur") },
  ["amountMinor", "currency"]
)

/** Ids: a seeded record's (of the right collection or another), an unknown one, or not an id at all. */
const idOf = (...names: ReadonlyArray<Named>): G => {
  const pick = (f: F, name: Named) => (f[name] as unknown as Rec).id
  return oneOf(
    [8, fc.constantFrom(...names).map((name) => (f: F) => pick(f, name))],
    [1, fc.constantFrom<Named>("contact", "company", "order", "deal", "ticket").map((name) => (f: F) => pick(f, name))],
    [1, c("con_nobody")],
    [
      2,
      fc.constantFrom(...names).chain((name) =>
        fc.constantFrom<(id: string) => unknown>(
          (id) => `${id}\u0000`,
          (id) => `${id}\uD800`,
          (id) => [id],
          (id) => [id, id],
          (id) => ({ id }),
          (id) => id.length,
          (id) => BigInt(id.length),
          (id) => ` ${id} `,
          (id) => id.repeat(1000)
        ).map((wrap) => (f: F) => wrap(pick(f, name)))
      )
    ],
    [2, H]
  )
}

/** A `{ id, version }` reference: the record itself, a plain copy, or a broken one. */
const refOf = (...names: ReadonlyArray<Named>): G => {
  const rec = (f: F, name: Named) => f[name] as unknown as Rec
  return oneOf(
    [8, fc.constantFrom(...names).map((name) => (f: F) => rec(f, name))],
    [2, fc.constantFrom(...names).map((name) => (f: F) => ({ id: rec(f, name).id, version: rec(f, name).version }))],
    [
      4,
      fc.tuple(fc.constantFrom(...names), idOf(...names), hostile).chain(([name, id, bad]) =>
        fc.constantFrom<(f: F) => unknown>(
          (f) => ({ id: id(f), version: rec(f, name).version }),
          (f) => ({ id: rec(f, name).id, version: bad }),
          (f) => ({ id: rec(f, name).id, version: String(rec(f, name).version) }),
          (f) => ({ id: rec(f, name).id, version: BigInt(rec(f, name).version) }),
          (f) => ({ id: rec(f, name).id }),
          (f) => ({ version: rec(f, name).version }),
          (f) => ({ ...rec(f, name), id: [rec(f, name).id] }),
          (f) => [rec(f, name).id, rec(f, name).version],
          (f) => rec(f, name).id
        )
      )
    ],
    [2, H]
  )
}

const custom = obj({
  plan: text("pro", "free", "platinum"),
  seats: num(12, -1, 1.5),
  vip: bool,
  renewsOn: day,
  mrr: money,
  interests: arrayOf(text("tea", "coffee", "beer")),
  note: text("likes green tea", "   "),
  referrer: idOf("contact"),
  notDeclared: H
})

/** Custom values of a collection that declares none: anything given is undeclared. */
const undeclaredCustom = oneOf([3, c({})], [2, obj({ notDeclared: H, n: c(10n), x: text("a") })], [1, H])

const pagination = oneOf([4, c(undefined)], [2, obj({ limit: num(1, 20, 0, 501, -1), cursor: text("1", "abc", "0") })], [1, H])

const lineItem = obj({
  sku: text("TEA-1", "has space"),
  name: text("Green tea"),
  quantity: num(1, 3, 0, 1_000_001),
  unitPrice: money,
  discount: money
}, ["sku", "name", "quantity", "unitPrice"])

const messageInput = obj({
  authorKind: text("customer", "agent", "bot", "cat"),
  authorId: oneOf(idOf("agent"), c(null)),
  visibility: text("public", "internal", "loud"),
  body: text("Hello?", "It has been a week."),
  sentAt: num(1_000, 2_000, -1, 1.5)
}, ["authorKind", "body"])

// ---------------------------------------------------------------------------------
// The commands

interface Svc {
  readonly contacts: Contacts.Service
  readonly companies: Companies.Service
  readonly users: Effect.Effect.Success<typeof Users.Users>
  readonly teams: Effect.Effect.Success<typeof Teams.Teams>
  readonly products: Products.Service
  readonly orders: Orders.Service
  readonly conversations: Conversations.Service
  readonly tasks: Tasks.Service
  readonly notes: Notes.Service
  readonly activities: Activities.Service
  readonly associations: Associations.Service
  readonly customer360: Customer360.Service
  readonly deals: Deals.Service
  readonly leads: Leads.Service
  readonly tickets: Tickets.Service
}

const services = Effect.all({
  contacts: Contacts.Contacts,
  companies: Companies.Companies,
  users: Users.Users,
  teams: Teams.Teams,
  products: Products.Products,
  orders: Orders.Orders,
  conversations: Conversations.Conversations,
  tasks: Tasks.Tasks,
  notes: Notes.Notes,
  activities: Activities.Activities,
  associations: Associations.Associations,
  customer360: Customer360.Customer360,
  deals: Deals.Deals,
  leads: Leads.Leads,
  tickets: Tickets.Tickets
})

// Inputs arrive from outside, so the commands are called with what the static types reject.
type Loose = (...args: ReadonlyArray<any>) => Effect.Effect<unknown, unknown, any>

interface Command {
  readonly name: string
  readonly args: ReadonlyArray<G>
  readonly run: (s: Svc) => Loose
}

const cmd = (name: string, args: ReadonlyArray<G>, run: (s: Svc) => Loose): Command => ({ name, args, run })

const contactInput = obj({
  firstName: text("Ada", "  "),
  lastName: oneOf(text("Lovelace"), c(null)),
  emails: arrayOf(email),
  phones: arrayOf(text("+44 20 7946 0001", "12")),
  lifecycleStage: text("lead", "customer", "whale"),
  ownerId: oneOf(idOf("agent"), c(null)),
  companyId: oneOf(idOf("company"), c(null)),
  tags: arrayOf(text("vip", " ")),
  source: text("web"),
  campaign: text("spring"),
  custom
}, ["firstName"])

const companyInput = obj({
  name: text("Babbage & Co"),
  domain: oneOf(text("babbage.test", "http://x"), c(null)),
  industry: text("engines"),
  employees: num(3, -3, 1.5),
  annualRevenue: oneOf(money, c(null)),
  ownerId: oneOf(idOf("agent"), c(null)),
  tags: arrayOf(text("b2b")),
  custom: undeclaredCustom
}, ["name"])

const userInput = obj({
  name: text("Linus"),
  email,
  role: text("agent", "admin", "god"),
  active: bool,
  timeZone: oneOf(text("Europe/Paris", "Mars/Olympus"), c(null))
}, ["name", "email"])

const teamInput = obj({
  name: text("Tier 2"),
  memberIds: arrayOf(idOf("agent")),
  leadId: oneOf(idOf("agent"), c(null))
}, ["name"])

const productInput = obj({
  sku: text("MUG-1", "has space"),
  name: text("Mug"),
  price: money,
  active: bool,
  custom: undeclaredCustom
}, ["sku", "name", "price"])

const taskInput = obj({
  title: text("Call back"),
  description: oneOf(text("soon"), c(null)),
  dueAt: num(86_400_000, -1, 1.5),
  assigneeId: oneOf(idOf("agent"), c(null)),
  priority: text("low", "high", "asap"),
  contactId: oneOf(idOf("contact"), c(null)),
  linkedCollection: oneOf(text("deal", "Deal"), c(null)),
  linkedId: oneOf(idOf("deal"), c(null))
}, ["title"])

const noteInput = obj({
  body: text("Prefers email."),
  authorId: oneOf(idOf("agent"), c(null)),
  contactId: oneOf(idOf("contact"), c(null)),
  companyId: oneOf(idOf("company"), c(null)),
  pinned: bool
}, ["body"])

const activityInput = obj({
  type: text("call", "email", "fax"),
  direction: oneOf(text("inbound", "sideways"), c(null)),
  subject: text("Catch-up"),
  body: text("Talked tea."),
  occurredAt: num(1_000, -1, 1.5),
  durationSeconds: num(60, -1),
  recordingUrl: text("https://calls.test/1.mp3", "ftp://x"),
  transcript: text("..."),
  participants: arrayOf(obj({
    kind: text("contact", "user", "alien"),
    id: oneOf(idOf("contact"), c(null)),
    name: oneOf(text("Ada"), c(null)),
    email: oneOf(email, c(null))
  }, ["kind", "id", "name", "email"])),
  contactId: oneOf(idOf("contact"), c(null)),
  companyId: oneOf(idOf("company"), c(null)),
  ownerId: oneOf(idOf("agent"), c(null))
}, ["type", "occurredAt"])

const assocRef = obj({
  collection: text("contact", "company", "Contact", "order", "conversation"),
  id: idOf("contact", "company", "order", "conversation")
}, ["collection", "id"])

const dealInput = obj({
  name: text("Tea for two"),
  amount: oneOf(money, c(null)),
  closeDate: oneOf(day, c(null)),
  ownerId: oneOf(idOf("agent"), c(null)),
  contactId: oneOf(idOf("contact"), c(null)),
  companyId: oneOf(idOf("company"), c(null)),
  custom: undeclaredCustom,
  stage: text("new", "qualified", "proposal", "closed_won", "nowhere")
}, ["name"])

const stage = text("new", "qualified", "proposal", "negotiation", "closed_won", "closed_lost", "nowhere")

const leadInput = obj({
  firstName: text("Grace"),
  lastName: oneOf(text("Hopper"), c(null)),
  email: oneOf(email, c(null)),
  phone: oneOf(text("+1 555 0100 123", "12"), c(null)),
  company: oneOf(text("Navy"), c(null)),
  domain: oneOf(text("navy.test", "http://x"), c(null)),
  source: oneOf(text("form"), c(null)),
  message: oneOf(text("Call me"), c(null)),
  ownerId: oneOf(idOf("agent"), c(null)),
  custom: undeclaredCustom
}, ["firstName"])

const ticketInput = obj({
  subject: text("Cold tea"),
  description: oneOf(text("Brrr"), c(null)),
  channel: text("email", "chat", "pigeon"),
  priority: text("normal", "urgent", "asap"),
  contactId: oneOf(idOf("contact"), c(null)),
  orderId: oneOf(idOf("order"), c(null)),
  conversationId: oneOf(idOf("conversation"), c(null)),
  assigneeId: oneOf(idOf("agent"), c(null)),
  teamId: oneOf(idOf("team"), c(null)),
  tags: arrayOf(text("vip")),
  segments: arrayOf(text("vip")),
  custom: undeclaredCustom
}, ["subject", "channel"])

const ids = (...names: ReadonlyArray<Named>) => arg(arrayOf(idOf(...names), 4))

export const commands: ReadonlyArray<Command> = [
  // Contacts
  cmd("Contacts.create", [arg(contactInput)], (s) => s.contacts.create),
  cmd("Contacts.update", [refOf("contact"), arg(contactInput)], (s) => s.contacts.update),
  cmd("Contacts.remove", [refOf("contact", "company")], (s) => s.contacts.remove),
  cmd("Contacts.get", [idOf("contact")], (s) => s.contacts.get),
  cmd("Contacts.getMany", [ids("contact")], (s) => s.contacts.getMany),
  cmd("Contacts.setConsent", [refOf("contact"), arg(obj({ status: text("granted", "withdrawn", "maybe"), source: text("form", "") }))], (s) =>
    s.contacts.setConsent),
  cmd("Contacts.addTags", [refOf("contact"), arg(arrayOf(text("vip", "tea", " ")))], (s) => s.contacts.addTags),
  cmd("Contacts.removeTags", [refOf("contact"), arg(arrayOf(text("vip", " ")))], (s) => s.contacts.removeTags),
  cmd("Contacts.findByEmail", [arg(email)], (s) => s.contacts.findByEmail),
  // Companies
  cmd("Companies.create", [arg(companyInput)], (s) => s.companies.create),
  cmd("Companies.update", [refOf("company"), arg(companyInput)], (s) => s.companies.update),
  cmd("Companies.remove", [refOf("company")], (s) => s.companies.remove),
  cmd("Companies.get", [idOf("company")], (s) => s.companies.get),
  cmd("Companies.getMany", [ids("company")], (s) => s.companies.getMany),
  cmd("Companies.addToCommittee", [idOf("company"), idOf("contact"), arg(text("champion", "user", "cheerleader"))], (s) =>
    s.companies.addToCommittee),
  cmd("Companies.committee", [idOf("company")], (s) => s.companies.committee),
  // Users and teams
  cmd("Users.create", [arg(userInput)], (s) => s.users.create),
  cmd("Users.update", [refOf("agent"), arg(userInput)], (s) => s.users.update),
  cmd("Users.remove", [refOf("agent")], (s) => s.users.remove),
  cmd("Users.get", [idOf("agent")], (s) => s.users.get),
  cmd("Users.getMany", [ids("agent")], (s) => s.users.getMany),
  cmd("Teams.create", [arg(teamInput)], (s) => s.teams.create),
  cmd("Teams.update", [refOf("team"), arg(teamInput)], (s) => s.teams.update),
  cmd("Teams.remove", [refOf("team")], (s) => s.teams.remove),
  cmd("Teams.get", [idOf("team")], (s) => s.teams.get),
  // Products
  cmd("Products.create", [arg(productInput)], (s) => s.products.create),
  cmd("Products.update", [refOf("product"), arg(productInput)], (s) => s.products.update),
  cmd("Products.remove", [refOf("product")], (s) => s.products.remove),
  cmd("Products.get", [idOf("product")], (s) => s.products.get),
  cmd("Products.bySku", [arg(text("TEA-1", "tea-1"))], (s) => s.products.bySku),
  // Orders
  cmd("Orders.place", [
    arg(obj({
      number: text("ORD-9"),
      contactId: idOf("contact"),
      companyId: oneOf(idOf("company"), c(null)),
      lineItems: arrayOf(lineItem, 2),
      placedAt: num(1_000, -1),
      custom: undeclaredCustom
    }, ["contactId", "lineItems"]))
  ], (s) => s.orders.place),
  cmd("Orders.pay", [refOf("order")], (s) => s.orders.pay),
  cmd("Orders.fulfil", [refOf("order")], (s) => s.orders.fulfil),
  cmd("Orders.cancel", [refOf("order")], (s) => s.orders.cancel),
  cmd("Orders.refund", [refOf("order"), arg(money)], (s) => s.orders.refund),
  cmd("Orders.get", [idOf("order")], (s) => s.orders.get),
  cmd("Orders.forContact", [idOf("contact"), pagination], (s) => s.orders.forContact),
  cmd("Orders.totalsFor", [idOf("contact")], (s) => s.orders.totalsFor),
  // Conversations
  cmd("Conversations.start", [
    arg(obj({
      contactId: idOf("contact"),
      channel: text("email", "pigeon"),
      subject: oneOf(text("Hi"), c(null)),
      assigneeId: oneOf(idOf("agent"), c(null)),
      custom: undeclaredCustom
    }, ["contactId", "channel"])),
    oneOf([2, c(undefined)], [3, messageInput], [1, H])
  ], (s) => s.conversations.start),
  cmd("Conversations.addMessage", [idOf("conversation"), arg(messageInput)], (s) => s.conversations.addMessage),
  cmd("Conversations.close", [refOf("conversation")], (s) => s.conversations.close),
  cmd("Conversations.reopen", [refOf("conversation")], (s) => s.conversations.reopen),
  cmd("Conversations.assign", [refOf("conversation"), oneOf(idOf("agent", "contact"), c(null))], (s) => s.conversations.assign),
  cmd("Conversations.get", [idOf("conversation")], (s) => s.conversations.get),
  cmd("Conversations.forContact", [idOf("contact"), pagination], (s) => s.conversations.forContact),
  cmd("Conversations.messages", [idOf("conversation"), pagination], (s) => s.conversations.messages),
  // Tasks
  cmd("Tasks.create", [arg(taskInput)], (s) => s.tasks.create),
  cmd("Tasks.update", [refOf("task"), arg(taskInput)], (s) => s.tasks.update),
  cmd("Tasks.remove", [refOf("task")], (s) => s.tasks.remove),
  cmd("Tasks.get", [idOf("task")], (s) => s.tasks.get),
  cmd("Tasks.complete", [refOf("task")], (s) => s.tasks.complete),
  cmd("Tasks.cancel", [refOf("task")], (s) => s.tasks.cancel),
  cmd("Tasks.reopen", [refOf("task")], (s) => s.tasks.reopen),
  cmd("Tasks.openFor", [idOf("contact")], (s) => s.tasks.openFor),
  cmd("Tasks.dueFor", [idOf("agent"), num(86_400_001, 0)], (s) => s.tasks.dueFor),
  // Notes
  cmd("Notes.create", [arg(noteInput)], (s) => s.notes.create),
  cmd("Notes.update", [refOf("note"), arg(noteInput)], (s) => s.notes.update),
  cmd("Notes.remove", [refOf("note")], (s) => s.notes.remove),
  cmd("Notes.get", [idOf("note")], (s) => s.notes.get),
  // Activities
  cmd("Activities.log", [arg(activityInput)], (s) => s.activities.log),
  cmd("Activities.update", [refOf("activity"), arg(activityInput)], (s) => s.activities.update),
  cmd("Activities.remove", [refOf("activity")], (s) => s.activities.remove),
  cmd("Activities.get", [idOf("activity")], (s) => s.activities.get),
  cmd("Activities.forContact", [idOf("contact"), pagination], (s) => s.activities.forContact),
  // Associations
  cmd("Associations.link", [arg(obj({ from: assocRef, to: assocRef, label: text("champion", "", "cfo") }, ["from", "to"]))], (s) =>
    s.associations.link),
  cmd("Associations.unlink", [refOf("association", "contact")], (s) => s.associations.unlink),
  cmd("Associations.from", [arg(assocRef), oneOf(c(undefined), obj({ collection: text("company"), label: text("champion") }))], (s) =>
    s.associations.from),
  cmd("Associations.to", [arg(assocRef), oneOf(c(undefined), obj({ collection: text("contact"), label: text("champion") }))], (s) =>
    s.associations.to),
  cmd("Associations.get", [idOf("association")], (s) => s.associations.get),
  // Customer 360
  cmd("Customer360.get", [idOf("contact"), oneOf(c(undefined), obj({ recent: num(5, 0, 1000), timelineLimit: num(5, 0), timelineCursor: text("3", "abc") }))], (s) =>
    s.customer360.get),
  cmd("Customer360.timeline", [idOf("contact"), pagination], (s) => s.customer360.timeline),
  // Deals
  cmd("Deals.create", [arg(dealInput)], (s) => s.deals.in(Pipeline.b2b).create),
  cmd("Deals.moveToStage", [refOf("deal"), stage], (s) => s.deals.in(Pipeline.b2b).moveToStage),
  cmd("Deals.in.reopen", [refOf("deal"), oneOf(c(undefined), stage)], (s) => s.deals.in(Pipeline.b2b).reopen),
  cmd("Deals.in.find", [pagination], (s) => s.deals.in(Pipeline.b2b).find),
  cmd("Deals.win", [refOf("deal")], (s) => s.deals.win),
  cmd("Deals.lose", [refOf("deal"), arg(text("price", ""))], (s) => s.deals.lose),
  cmd("Deals.reopen", [refOf("deal")], (s) => s.deals.reopen),
  cmd("Deals.changeAmount", [refOf("deal"), oneOf(money, c(null))], (s) => s.deals.changeAmount),
  cmd("Deals.changeCloseDate", [refOf("deal"), oneOf(day, c(null))], (s) => s.deals.changeCloseDate),
  cmd("Deals.update", [refOf("deal"), arg(dealInput)], (s) => s.deals.update),
  cmd("Deals.setForecastCategory", [refOf("deal"), text("commit", "best_case", "maybe")], (s) => s.deals.setForecastCategory),
  cmd("Deals.get", [idOf("deal")], (s) => s.deals.get),
  cmd("Deals.history", [idOf("deal")], (s) => s.deals.history),
  cmd("Deals.forecast", [oneOf(c(undefined), obj({ pipelineId: text("b2b") }))], (s) => s.deals.forecast),
  // Leads
  cmd("Leads.capture", [arg(leadInput)], (s) => s.leads.capture),
  cmd("Leads.qualify", [refOf("lead")], (s) => s.leads.qualify),
  cmd("Leads.disqualify", [refOf("lead"), arg(text("spam", ""))], (s) => s.leads.disqualify),
  cmd("Leads.convert", [
    refOf("lead"),
    arg(obj({
      pipeline: c(Pipeline.b2b),
      dealName: text("Navy tea"),
      stage: stage,
      amount: oneOf(money, c(null)),
      closeDate: oneOf(day, c(null))
    }, ["pipeline"]))
  ], (s) => s.leads.convert),
  cmd("Leads.get", [idOf("lead")], (s) => s.leads.get),
  cmd("Leads.byStatus", [text("new", "qualified", "zombie"), pagination], (s) => s.leads.byStatus),
  // Tickets
  cmd("Tickets.create", [arg(ticketInput)], (s) => s.tickets.create),
  cmd("Tickets.transition", [refOf("ticket"), arg(obj({ type: text("solve", "open", "close", "fly") }, ["type"]))], (s) =>
    s.tickets.transition),
  cmd("Tickets.reply", [
    idOf("ticket"),
    arg(obj({
      authorKind: text("customer", "agent", "cat"),
      authorId: oneOf(idOf("agent"), c(null)),
      visibility: text("public", "internal", "loud"),
      body: text("On it.")
    }, ["authorKind", "body"]))
  ], (s) => s.tickets.reply),
  cmd("Tickets.assign", [refOf("ticket"), arg(obj({ assigneeId: oneOf(idOf("agent"), c(null)), teamId: oneOf(idOf("team"), c(null)) }))], (s) =>
    s.tickets.assign),
  cmd("Tickets.changePriority", [refOf("ticket"), text("urgent", "low", "asap")], (s) => s.tickets.changePriority),
  cmd("Tickets.applyPolicy", [refOf("ticket")], (s) => s.tickets.applyPolicy),
  cmd("Tickets.merge", [refOf("ticket", "otherTicket"), refOf("otherTicket", "ticket")], (s) => s.tickets.merge),
  cmd("Tickets.sla", [idOf("ticket")], (s) => s.tickets.sla),
  cmd("Tickets.metrics", [idOf("ticket")], (s) => s.tickets.metrics),
  cmd("Tickets.get", [idOf("ticket")], (s) => s.tickets.get),
  cmd("Tickets.replies", [idOf("ticket"), pagination], (s) => s.tickets.replies)
]

interface Input {
  readonly command: Command
  readonly args: ReadonlyArray<(f: F) => unknown>
}

const inputs: fc.Arbitrary<Input> = fc.nat({ max: commands.length - 1 }).chain((i) =>
  fc.tuple(...commands[i]!.args).map((args) => ({ command: commands[i]!, args }))
)

// ---------------------------------------------------------------------------------
// Judging the outcome

/** Error tags a caller can act on; anything else for bad input is a bug. */
const typed = new Set(["ValidationError", "NotFound", "Conflict", "InvalidQuery", "InvalidTransition"])

/** What the engines say in their own words: it must never reach an error message. */
const driverText =
  /SQLITE_|sqlite|better-sqlite3|postgres|syntax error|violates|invalid byte sequence|invalid input syntax|unsupported Unicode|null character|bind message|Too (few|many) parameter|Do not know how to serialize|\b(22021|22P02|22P05|22003|54000)\b/i

/**
 * The text of an error to search for the driver's words: a `ValidationError`'s own
 * messages, without Schema's "actual <the input>" echo (random input may spell anything).
 */
const ownText = (error: { readonly _tag?: string; readonly message?: string; readonly issues?: ReadonlyArray<unknown> }) =>
  error._tag === "ValidationError"
    ? (error.issues ?? []).map((i) => String((i as { message?: unknown }).message).replace(/actual [\s\S]*$/, "")).join("\n")
    : String(error.message ?? "")

export type Outcome =
  | "success"
  | "refused"
  | "defect"
  | "store-error"
  | "driver-text"
  | "untyped-error"
  | "wrote"
  | "read-back-differs"
  | "stored-bad-text"
  | "stored-undeclared"

const show = (value: unknown, depth = 0): string => {
  if (typeof value === "bigint") return `${value}n`
  if (typeof value === "string") {
    const s = value.length > 40 ? `${value.slice(0, 20)}…(${value.length} chars)` : value
    return JSON.stringify(s).replace(/[\uD800-\uDFFF]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).toUpperCase()}`)
  }
  if (value === undefined) return "undefined"
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value)
  if (value === null || typeof value !== "object") return String(value)
  if (value instanceof Date) return `Date(${value.getTime()})`
  if (depth > 3) return "{…}"
  if (Array.isArray(value)) {
    return value.length > 6
      ? `[${value.slice(0, 3).map((v) => show(v, depth + 1)).join(", ")}, …(${value.length})]`
      : `[${value.map((v) => show(v, depth + 1)).join(", ")}]`
  }
  const entries = Object.entries(value)
  const body = entries.slice(0, 8).map(([k, v]) => `${JSON.stringify(k)}: ${show(v, depth + 1)}`).join(", ")
  return `{${body}${entries.length > 8 ? ", …" : ""}}`
}

const getters: Record<string, (s: Svc, id: string) => Effect.Effect<unknown, unknown, any>> = {
  con: (s, id) => s.contacts.get(id),
  com: (s, id) => s.companies.get(id),
  usr: (s, id) => s.users.get(id),
  team: (s, id) => s.teams.get(id),
  prd: (s, id) => s.products.get(id),
  ord: (s, id) => s.orders.get(id),
  cnv: (s, id) => s.conversations.get(id),
  task: (s, id) => s.tasks.get(id),
  note: (s, id) => s.notes.get(id),
  act: (s, id) => s.activities.get(id),
  asc: (s, id) => s.associations.get(id),
  deal: (s, id) => s.deals.get(id),
  lead: (s, id) => s.leads.get(id),
  tkt: (s, id) => s.tickets.get(id)
}

const isRecord = (v: unknown): v is Rec =>
  v !== null && typeof v === "object" && typeof (v as Rec).id === "string" && typeof (v as Rec).version === "number"

/** The records a command returned: itself, or the records in its result object. */
const recordsIn = (result: unknown): ReadonlyArray<Rec> =>
  isRecord(result)
    ? [result]
    : result !== null && typeof result === "object" && !Array.isArray(result)
    ? Object.values(result).filter(isRecord)
    : []

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** Where a value holds text no engine stores faithfully (NUL, a lone surrogate), if anywhere. */
const badTextIn = (value: unknown, path = ""): string | undefined => {
  const bad = (s: string) => s.includes("\u0000") || loneSurrogate.test(s)
  if (typeof value === "string") return bad(value) ? `${path || "(value)"} = ${show(value)}` : undefined
  if (value === null || typeof value !== "object") return undefined
  for (const [key, v] of Object.entries(value)) {
    const at = path === "" ? key : `${path}.${key}`
    if (bad(key)) return `key ${show(key)} at ${path || "(top)"}`
    const found = badTextIn(v, at)
    if (found !== undefined) return found
  }
  return undefined
}

const collectionOf: Record<string, string> = {
  con: "contact", com: "company", usr: "user", team: "team", prd: "product", ord: "order", cnv: "conversation",
  task: "task", note: "note", act: "activity", asc: "association", deal: "deal", lead: "lead", tkt: "ticket"
}

/** Custom values of a record that its collection does not declare. */
const undeclaredIn = (record: Rec): ReadonlyArray<string> => {
  const values = (record as { readonly custom?: unknown }).custom
  if (values === null || typeof values !== "object") return []
  const declared: Readonly<Record<string, unknown>> =
    (Harness.customFields as Readonly<Record<string, Readonly<Record<string, unknown>>>>)[
      collectionOf[record.id.slice(0, record.id.indexOf("_"))] ?? ""
    ] ?? {}
  return Object.keys(values).filter((key) => !Object.hasOwn(declared, key))
}

interface Finding {
  readonly outcome: Outcome
  readonly command: string
  readonly input: string
  readonly detail: string
}

export interface Census {
  readonly runs: number
  readonly seed: number
  readonly counts: Readonly<Record<Outcome, number>>
  readonly byCommand: Readonly<Record<string, Partial<Record<Outcome, number>>>>
  readonly findings: ReadonlyArray<Finding>
}

/** Inputs per workspace before a fresh one is seeded, so successes do not pile up. */
const perWorkspace = 40

/**
 * Runs `runs` random inputs and classifies each. A refused command is checked against
 * the snapshot taken after the previous one (so each input costs one snapshot).
 */
export const census = (options: { readonly runs: number; readonly seed: number }) =>
  Effect.gen(function*() {
    const s = yield* services
    const samples = fc.sample(inputs, { numRuns: options.runs, seed: options.seed })
    const counts: Record<Outcome, number> = {
      success: 0,
      refused: 0,
      defect: 0,
      "store-error": 0,
      "driver-text": 0,
      "untyped-error": 0,
      wrote: 0,
      "read-back-differs": 0,
      "stored-bad-text": 0,
      "stored-undeclared": 0
    }
    const byCommand: Record<string, Partial<Record<Outcome, number>>> = {}
    const findings: Array<Finding> = []
    const note = (outcome: Outcome, command: string, input: string, detail: string) => {
      counts[outcome]++
      const row = byCommand[command] ??= {}
      row[outcome] = (row[outcome] ?? 0) + 1
      if (outcome !== "success" && outcome !== "refused") findings.push({ outcome, command, input, detail })
    }
    for (let start = 0; start < samples.length; start += perWorkspace) {
      yield* Harness.inFreshWorkspace(Effect.gen(function*() {
        const f = (yield* seedAll) as F
        let before = yield* Harness.snapshot
        const judged = new Set<string>()
        for (const { args, command } of samples.slice(start, start + perWorkspace)) {
          const values = args.map((g) => g(f))
          const input = `${command.name}(${values.map((v) => show(v)).join(", ")})`
          const exit = yield* Effect.exit(Effect.suspend(() => command.run(s)(...values)))
          const after = yield* Harness.snapshot
          if (Exit.isSuccess(exit)) {
            note("success", command.name, input, "")
            for (const record of recordsIn(exit.value)) {
              const get = getters[record.id.slice(0, record.id.indexOf("_"))]
              if (get === undefined) continue
              const back = yield* Effect.exit(get(s, record.id))
              // Removed records are not read back; any other record must read as returned.
              if (Exit.isFailure(back)) {
                const e = Cause.failureOption(back.cause)
                if (Option.isSome(e) && (e.value as { _tag?: string })._tag === "NotFound") continue
              }
              const same = Exit.isSuccess(back) && Harness.stable(back.value) === Harness.stable(record)
              if (!same) {
                note("read-back-differs", command.name, input, Exit.isSuccess(back)
                  ? `returned ${show(record)}, read ${show(back.value)}`
                  : `read failed: ${Cause.pretty(back.cause).slice(0, 300)}`)
              }
              // Each stored version is judged once, by the command that wrote it.
              const version = `${record.id}@${record.version}`
              if (!judged.has(version)) {
                judged.add(version)
                const bad = badTextIn(record)
                if (bad !== undefined) note("stored-bad-text", command.name, input, `${record.id}: ${bad}`)
                const undeclared = undeclaredIn(record)
                if (undeclared.length > 0) note("stored-undeclared", command.name, input, `${record.id}: custom ${undeclared.join(", ")}`)
              }
              // Later inputs refer to the record as it is now.
              for (const key of Object.keys(f) as Array<Named>) {
                if ((f[key] as unknown as Rec).id === record.id && Exit.isSuccess(back)) (f as Record<Named, unknown>)[key] = back.value
              }
            }
            before = after
            continue
          }
          const failure = Cause.failureOption(exit.cause)
          if (Option.isNone(failure)) {
            note("defect", command.name, input, Cause.pretty(exit.cause).split("\n").slice(0, 3).join(" | "))
          } else {
            const error = failure.value as { readonly _tag?: string; readonly message?: string; readonly issues?: ReadonlyArray<unknown> }
            const message = String(error.message ?? "")
            if (error._tag === "StoreError") {
              note("store-error", command.name, input, message.slice(0, 300))
            } else if (driverText.test(ownText(error))) {
              note("driver-text", command.name, input, `${error._tag}: ${message.slice(0, 300)}`)
            } else if (error._tag === undefined || !typed.has(error._tag) || (error._tag === "ValidationError" && (error.issues?.length ?? 0) === 0)) {
              note("untyped-error", command.name, input, `${String(error._tag)}: ${message.slice(0, 300)}`)
            } else {
              note("refused", command.name, input, "")
            }
          }
          if (Harness.stable(after) !== Harness.stable(before)) {
            note("wrote", command.name, input, "a refused command changed the workspace")
            before = after
          }
        }
      }))
    }
    return { runs: options.runs, seed: options.seed, counts, byCommand, findings } satisfies Census
  })

const summary = (c: Census, store: string): string => {
  const lines = [
    `untyped-input fuzz on ${store}: ${c.runs} inputs, seed ${c.seed}`,
    `  ${Object.entries(c.counts).map(([k, v]) => `${k} ${v}`).join(", ")}`
  ]
  const bad = Object.entries(c.byCommand)
    .map(([command, row]) => [command, Object.entries(row).filter(([o]) => o !== "success" && o !== "refused")] as const)
    .filter(([, row]) => row.length > 0)
  for (const [command, row] of bad) lines.push(`  ${command}: ${row.map(([o, n]) => `${o} ${n}`).join(", ")}`)
  // One example per kind of failure: same outcome, command and message (numbers and quoted parts aside).
  const groups = new Map<string, { count: number; example: Finding }>()
  for (const f of c.findings) {
    const key = `${f.outcome} ${f.command} ${f.detail.replace(/"[^"]*"|\d+|actual .*/g, "").slice(0, 120)}`
    const group = groups.get(key)
    if (group === undefined) groups.set(key, { count: 1, example: f })
    else group.count++
  }
  for (const { count, example } of groups.values()) {
    lines.push(`  - [${example.outcome}] ×${count} ${example.input.slice(0, 300)}\n      ${example.detail.slice(0, 300)}`)
  }
  return lines.join("\n")
}

// ---------------------------------------------------------------------------------
// The findings of the first census, one example each, with the fields they must name.

interface Example {
  readonly title: string
  readonly paths: ReadonlyArray<string>
  readonly run: (s: Svc, f: F) => Effect.Effect<unknown, unknown, any>
}

const loose = (value: unknown): any => value

const examples: ReadonlyArray<Example> = [
  { title: "an id that is a number", paths: ["id"], run: (s) => s.contacts.get(loose(123)) },
  { title: "an id that is an array", paths: ["id"], run: (s, f) => s.companies.get(loose([f.company.id])) },
  { title: "an id with a NUL", paths: ["id"], run: (s, f) => s.contacts.get(`${f.contact.id}\u0000`) },
  { title: "a list of ids with a bigint", paths: ["ids.1"], run: (s, f) => s.contacts.getMany(loose([f.contact.id, 10n])) },
  { title: "ids that are not a list", paths: ["ids"], run: (s) => s.users.getMany(loose(40n)) },
  { title: "a null reference", paths: ["id", "version"], run: (s) => s.contacts.update(loose(null), { firstName: "Mallory" }) },
  {
    title: "a version given as text",
    paths: ["version"],
    run: (s, f) => s.contacts.update(loose({ id: f.contact.id, version: "1" }), { firstName: "Mallory" })
  },
  { title: "a reference with an object id", paths: ["id"], run: (s, f) => s.orders.pay(loose({ id: { id: f.order.id }, version: 1 })) },
  {
    title: "merge references that are not records",
    paths: ["source.id", "source.version", "target.version"],
    run: (s, f) => s.tickets.merge(loose(null), loose({ id: f.ticket.id, version: 1.5 }))
  },
  { title: "a deal stage that is not text", paths: ["stage"], run: (s, f) => s.deals.in(Pipeline.b2b).moveToStage(f.deal, loose(5)) },
  { title: "a SKU that is not text", paths: ["sku"], run: (s) => s.products.bySku(loose(5)) },
  { title: "timeline options of the wrong type", paths: ["options.recent"], run: (s, f) => s.customer360.get(f.contact.id, loose({ recent: 10n })) },
  {
    title: "a custom field a company does not declare",
    paths: ["custom.notDeclared"],
    run: (s) => s.companies.create(loose({ name: "Babbage & Co", custom: { notDeclared: 1 } }))
  },
  {
    title: "a bigint custom value on an order",
    paths: ["custom.n"],
    run: (s, f) =>
      s.orders.place(loose({
        contactId: f.contact.id,
        lineItems: [{ sku: "TEA-1", name: "Tea", quantity: 1, unitPrice: { amountMinor: 450, currency: "EUR" } }],
        custom: { n: 10n }
      }))
  },
  {
    title: "a __proto__ key among the custom values",
    paths: ["custom.__proto__"],
    run: (s) => s.contacts.create(loose(JSON.parse(`{"firstName": "Ada", "custom": {"__proto__": {"plan": "pro"}}}`)))
  },
  { title: "a NUL in a name", paths: ["firstName"], run: (s) => s.contacts.create({ firstName: "Ada\u0000" }) },
  { title: "a lone surrogate in a note", paths: ["body"], run: (s, f) => s.notes.create({ body: "x\uD800", contactId: f.contact.id }) },
  {
    title: "a lone surrogate in custom text",
    paths: ["custom.note"],
    run: (s) => s.contacts.create(loose({ firstName: "Ada", custom: { note: "tea\uDC00" } }))
  },
  {
    title: "a NUL in a message body",
    paths: ["body"],
    run: (s, f) => s.conversations.addMessage(f.conversation.id, { authorKind: "customer", body: "hi\u0000" })
  },
  {
    title: "a NUL inside a JSON document field",
    paths: ["participants.0.name"],
    run: (s) =>
      s.activities.log({ type: "call", occurredAt: 1, participants: [{ kind: "external", id: null, name: "A\u0000", email: null }] })
  },
  { title: "a NUL in a reason", paths: ["reason"], run: (s, f) => s.deals.lose(f.deal, "price\u0000") },
  { title: "a NUL in an email looked up", paths: [""], run: (s) => s.contacts.findByEmail("ada\u0000@engines.test") }
]

const examplesSuite = (it: It) => {
  for (const example of examples) {
    it.effect(`${example.title} is refused naming ${example.paths.join(", ") || "the input"}, and nothing is written`, () =>
      Harness.inFreshWorkspace(Effect.gen(function*() {
        const s = yield* services
        const f = (yield* seedAll) as F
        const before = yield* Harness.snapshot
        const exit = yield* Effect.exit(Effect.suspend(() => example.run(s, f)))
        expect(Exit.isFailure(exit) && Option.getOrUndefined(Cause.failureOption(exit.cause))).toMatchObject({
          _tag: "ValidationError"
        })
        const error = Option.getOrThrow(Cause.failureOption((exit as Exit.Failure<unknown, unknown>).cause)) as {
          readonly issues: ReadonlyArray<{ readonly path: string }>
        }
        expect(error.issues.map((i) => i.path).sort()).toEqual([...example.paths].sort())
        expect(yield* Harness.snapshot).toEqual(before)
      })))
  }
}

export const fuzzSuite = (it: It, options: { readonly name: string; readonly runs?: number }) => {
  examplesSuite(it)
  const runs = envRuns() ?? options.runs ?? defaultRuns
  const seed = envSeed() ?? Math.floor(Math.random() * 2 ** 31)
  it.effect(
    `${runs} untyped inputs to every command end in a typed error or a success; refusals write nothing`,
    () =>
      Effect.gen(function*() {
        const result = yield* census({ runs, seed })
        const text = summary(result, options.name)
        if (envRuns() !== undefined) console.log(text)
        const failures = Object.entries(result.counts)
          .filter(([outcome]) => outcome !== "success" && outcome !== "refused")
          .reduce((n, [, count]) => n + count, 0)
        expect(failures, text).toBe(0)
        // The inputs reach past decoding: some commands succeed, most are refused.
        expect(result.counts.success, text).toBeGreaterThan(0)
        expect(result.counts.refused, text).toBeGreaterThan(0)
      }),
    // Generous: a loaded 2-core machine runs a snapshot per input on PostgreSQL.
    Math.max(300_000, runs * 400)
  )
}
