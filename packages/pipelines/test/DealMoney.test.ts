// A deal's amount cannot be negative (-5 EUR was accepted by `update`, with a
// `DealAmountChanged` event), and the forecast adds amounts exactly, past 2^53 too.
import { Crm, IdGenerator, Store, Workspace } from "@rapport/core"
import { MemoryStore } from "@rapport/memory"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as Collections from "../src/Collections.js"
import * as Deals from "../src/Deals.js"
import * as Pipeline from "../src/Pipeline.js"

const Live = Deals.layer([Pipeline.b2b]).pipe(
  Layer.provideMerge(Crm.layer({ store: MemoryStore.layer, collections: Collections.all, ids: IdGenerator.layerSequential }))
)
const ws = Workspace.WorkspaceId.make("ws")
const run = <A, E>(effect: Effect.Effect<A, E, Deals.Deals | Store.Store | Workspace.CurrentWorkspace>) =>
  effect.pipe(Effect.provide(Live), Effect.provideService(Workspace.CurrentWorkspace, ws))

const eur = (amountMinor: number) => ({ amountMinor, currency: "EUR" })
const MAX = Number.MAX_SAFE_INTEGER

describe("Deals: money", () => {
  it.effect("create, update and changeAmount refuse a negative amount on amount.amountMinor and write no event", () =>
    run(Effect.gen(function*() {
      const deals = yield* Deals.Deals
      const store = yield* Store.Store
      const deal = yield* deals.in(Pipeline.b2b).create({ name: "Acme", amount: eur(1000) })
      const refusals = [
        yield* Effect.flip(deals.in(Pipeline.b2b).create({ name: "Negative", amount: eur(-1) })),
        yield* Effect.flip(deals.update(deal, { amount: eur(-5) })),
        yield* Effect.flip(deals.changeAmount(deal, eur(-5)))
      ]
      for (const error of refusals) {
        expect(error._tag).toBe("ValidationError")
        expect(error._tag === "ValidationError" && error.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
          "amount.amountMinor: cannot be negative"
        ])
      }
      const events = yield* store.readEvents(ws, { after: 0, limit: 100 })
      expect(events.map((e) => e.type)).toEqual(["DealCreated"])
      expect((yield* deals.get(deal.id)).amount?.amountMinor).toBe(1000)
      // Zero is an amount (a free pilot).
      expect((yield* deals.changeAmount(deal, eur(0))).amount?.amountMinor).toBe(0)
    })))

  it.effect("forecast is exact: a bigint once the sum is past Number.MAX_SAFE_INTEGER, a number before", () =>
    run(Effect.gen(function*() {
      const deals = yield* Deals.Deals
      const sales = deals.in(Pipeline.b2b)
      yield* sales.create({ name: "A", amount: eur(MAX) })
      yield* sales.create({ name: "B", amount: eur(MAX) })
      yield* sales.create({ name: "C", amount: eur(3) })
      yield* sales.create({ name: "D", amount: { amountMinor: MAX - 1, currency: "USD" } })
      yield* sales.create({ name: "E", amount: { amountMinor: 1, currency: "USD" } })
      const rows = yield* deals.forecast()
      expect(rows.map((r) => [r.currency, r.amountMinor])).toEqual([
        ["EUR", 2n * BigInt(MAX) + 3n], // a double would read 18014398509481984
        ["USD", MAX]
      ])
    })))
})
