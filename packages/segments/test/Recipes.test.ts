/**
 * The recipes on hand-computed data, on the memory, SQLite and PostgreSQL stores: each
 * contact below is written so that exactly the stated recipes hold for it.
 */
import { describe, expect, it } from "@effect/vitest"
import { Activities, Contacts, Conversations, Crm, IdGenerator, Orders, Workspace } from "@rapport/core"
import { Collections, Tickets } from "@rapport/pipelines"
import { Recipes, Segment } from "@rapport/segments"
import { Effect, Layer, TestClock } from "effect"
import { stores as storesFor } from "./stores.js"

const DAY = 86_400_000
const NOW = Date.UTC(2026, 10, 20, 12)
const WS = Workspace.WorkspaceId.make("ws_recipes")

const stores = storesFor("segments_recipes")

const line = (amountMinor: number, currency = "EUR") => ({ sku: "TEA-1", name: "Tea", quantity: 1, unitPrice: { amountMinor, currency } })

/**
 * - Vic: 1,200.00 EUR over two kept orders, one recent: VIP, and high value with an open ticket.
 * - Val: 1,500.00 EUR, but 600.00 of it cancelled and 500.00 refunded in full: 400.00 kept, no VIP;
 *   her last order is 100 days old and she has no conversation: churn risk at 90 days.
 * - Una: 2,000.00 in USD only: no VIP in EUR.
 * - Chu: ordered 200 days ago, nothing since, a conversation 120 days ago: churn risk.
 * - Cal: ordered 200 days ago, but a conversation 10 days ago: no churn risk.
 * - Ret: two orders placed in the last 30 days, one refunded, one partly: return risk.
 * - Rex: two refunded orders, one placed 45 days ago: no return risk.
 * - Doa: a lead created 100 days ago, nothing since: dormant. Dob: the same with a call 20 days ago.
 *   Doc: a lead created 10 days ago.
 */
const seed = Effect.gen(function*() {
  const contacts = yield* Contacts.Contacts
  const orders = yield* Orders.Orders
  const conversations = yield* Conversations.Conversations
  const activities = yield* Activities.Activities
  const tickets = yield* Tickets.Tickets
  const at = (daysAgo: number) => TestClock.setTime(NOW - daysAgo * DAY)
  const person = (firstName: string, daysAgo: number, lifecycleStage: "customer" | "lead" = "customer") =>
    Effect.zipRight(at(daysAgo), contacts.create({ firstName, lifecycleStage }))
  const order = (contactId: string, daysAgo: number, amountMinor: number, currency = "EUR") =>
    orders.place({ contactId, placedAt: NOW - daysAgo * DAY, lineItems: [line(amountMinor, currency)] })

  const vic = yield* person("Vic", 400)
  yield* order(vic.id, 300, 70_000)
  yield* order(vic.id, 5, 50_000)
  const val = yield* person("Val", 400)
  yield* order(val.id, 300, 40_000)
  yield* orders.cancel(yield* order(val.id, 200, 60_000))
  const refunded = yield* orders.pay(yield* order(val.id, 100, 50_000))
  yield* orders.refund(refunded, { amountMinor: 50_000, currency: "EUR" })
  const una = yield* person("Una", 400)
  yield* order(una.id, 50, 200_000, "USD")
  const chu = yield* person("Chu", 400)
  yield* order(chu.id, 200, 1_000)
  yield* at(120)
  yield* conversations.start({ contactId: chu.id, channel: "email" }, { authorKind: "customer", body: "Hello" })
  const cal = yield* person("Cal", 400)
  yield* order(cal.id, 200, 1_000)
  yield* at(10)
  yield* conversations.start({ contactId: cal.id, channel: "chat" }, { authorKind: "customer", body: "Hi" })
  const ret = yield* person("Ret", 400)
  yield* orders.refund(yield* orders.pay(yield* order(ret.id, 20, 3_000)), { amountMinor: 3_000, currency: "EUR" })
  yield* orders.refund(yield* orders.pay(yield* order(ret.id, 10, 3_000)), { amountMinor: 1_000, currency: "EUR" })
  const rex = yield* person("Rex", 400)
  yield* orders.refund(yield* orders.pay(yield* order(rex.id, 45, 3_000)), { amountMinor: 3_000, currency: "EUR" })
  yield* orders.refund(yield* orders.pay(yield* order(rex.id, 10, 3_000)), { amountMinor: 3_000, currency: "EUR" })
  const doa = yield* person("Doa", 100, "lead")
  const dob = yield* person("Dob", 100, "lead")
  yield* activities.log({ type: "call", occurredAt: NOW - 20 * DAY, contactId: dob.id })
  const doc = yield* person("Doc", 10, "lead")
  yield* at(0)
  yield* tickets.create({ subject: "Where is my tea?", channel: "email", contactId: vic.id })
  return { vic, val, una, chu, cal, ret, rex, doa, dob, doc }
})

const memberNames = (segment: Segment.Segment) =>
  Effect.gen(function*() {
    const page = yield* Segment.members(WS, segment, { limit: 100 })
    return page.rows.map((r) => r.firstName as string).sort()
  })

for (const [name, store] of stores) {
  describe(`recipes on ${name}`, () => {
    it.scoped("each recipe gives its hand-computed members", () =>
      Effect.gen(function*() {
        yield* seed
        yield* TestClock.setTime(NOW)
        const eur = { minSpendMinor: 100_000, currency: "EUR" }
        expect(yield* memberNames(Recipes.vip(eur))).toEqual(["Vic"])
        expect(yield* memberNames(Recipes.vip({ minSpendMinor: 100_000, currency: "USD" }))).toEqual(["Una"])
        expect(yield* memberNames(Recipes.vip({ minSpendMinor: 40_000, currency: "EUR" }))).toEqual(["Val", "Vic"])
        expect(yield* memberNames(Recipes.churnRisk({ days: 90 }))).toEqual(["Chu", "Val"])
        expect(yield* memberNames(Recipes.churnRisk({ days: 110 }))).toEqual(["Chu"])
        expect(yield* memberNames(Recipes.returnRisk())).toEqual(["Ret"])
        expect(yield* memberNames(Recipes.returnRisk({ days: 60 }))).toEqual(["Ret", "Rex"])
        expect(yield* memberNames(Recipes.dormantLeads({ days: 30 }))).toEqual(["Doa"])
        expect(yield* memberNames(Recipes.highValueWithOpenTicket(eur))).toEqual(["Vic"])
        expect(yield* memberNames(Recipes.highValueWithOpenTicket({ minSpendMinor: 40_000, currency: "EUR" }))).toEqual(["Vic"])
        // EUR spenders: Vic 120,000; Val 40,000; Ret 3,000 (an order refunded in part counts whole);
        // Chu, Cal 1,000 each. Rex's orders were refunded in full: he spent nothing.
        const top = (percent: number) =>
          Effect.flatMap(Recipes.topSpenders(WS, { percent, currency: "EUR" }), (t) =>
            Effect.map(memberNames(t.segment), (names) => ({ threshold: t.threshold, spenders: t.spenders, names })))
        expect(yield* top(20)).toEqual({ threshold: 120_000, spenders: 5, names: ["Vic"] })
        expect(yield* top(40)).toEqual({ threshold: 40_000, spenders: 5, names: ["Val", "Vic"] })
        // The cut falls inside the tie at 1,000: both tied contacts are in.
        expect(yield* top(80)).toEqual({ threshold: 1_000, spenders: 5, names: ["Cal", "Chu", "Ret", "Val", "Vic"] })
        expect(yield* top(0)).toEqual({ threshold: null, spenders: 5, names: [] })
        const none = yield* Recipes.topSpenders(WS, { percent: 10, currency: "JPY" })
        expect([none.threshold, none.spenders, yield* memberNames(none.segment)]).toEqual([null, 0, []])
      }).pipe(
        Effect.provide(Tickets.layer().pipe(Layer.provideMerge(Crm.layer({
          store: store(),
          collections: Collections.all,
          ids: IdGenerator.layerSequential
        })))),
        Effect.provideService(Workspace.CurrentWorkspace, WS)
      ))
  })
}
