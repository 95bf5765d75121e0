// Moving a deal to a stage its pipeline does not have (a name from another pipeline, a
// typo that reached the service untyped, from JSON or an HTTP body) says so, names the
// pipeline and lists its stages, instead of calling it a move that is not allowed.
import { Crm, IdGenerator, Workspace } from "@rapport/core"
import { MemoryStore } from "@rapport/memory"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as Collections from "../src/Collections.js"
import * as Deals from "../src/Deals.js"
import * as Machine from "../src/Machine.js"
import * as Pipeline from "../src/Pipeline.js"

const events = Pipeline.define({
  id: "events",
  name: "Event bookings",
  stages: ["inquiry", "quoted", "deposit"],
  won: "booked",
  lost: "cancelled"
})

const Live = Deals.layer([Pipeline.b2b, events]).pipe(
  Layer.provideMerge(Crm.layer({ store: MemoryStore.layer, collections: Collections.all, ids: IdGenerator.layerSequential }))
)

const run = <A, E>(effect: Effect.Effect<A, E, Deals.Deals | Workspace.CurrentWorkspace>) =>
  effect.pipe(Effect.provide(Live), Effect.provideService(Workspace.CurrentWorkspace, Workspace.WorkspaceId.make("ws")))

describe("Deals: a stage the pipeline does not have", () => {
  it.effect("moveToStage fails with InvalidTransition naming the pipeline and its stages, and writes nothing", () =>
    run(Effect.gen(function*() {
      const deals = yield* Deals.Deals
      const bookings = deals.in(events)
      const deal = yield* bookings.create({ name: "Summer party" })
      // "negotiation" is a b2b stage, not one of this pipeline's.
      const error = yield* Effect.flip(bookings.moveToStage(deal, "negotiation" as never))
      expect(error).toBeInstanceOf(Machine.InvalidTransition)
      expect(error._tag === "InvalidTransition" && [error.machine, error.from, error.to, error.reason, error.states]).toEqual([
        "events", "inquiry", "negotiation", "unknown-requested-state",
        ["inquiry", "quoted", "deposit", "booked", "cancelled"]
      ])
      expect(error.message).toBe(
        "events: negotiation does not exist in events, which has inquiry, quoted, deposit, booked, cancelled; move from inquiry refused"
      )
      const stored = yield* deals.get(deal.id)
      expect([stored.version, stored.stage]).toEqual([1, "inquiry"])
      expect(yield* deals.history(deal.id)).toEqual([])
    })))

  it.effect("a stage of the pipeline that is not an allowed move is still `no transition from X to Y`", () =>
    run(Effect.gen(function*() {
      const deals = yield* Deals.Deals
      const bookings = deals.in(events)
      const deal = yield* bookings.create({ name: "Winter gala" })
      const error = yield* Effect.flip(bookings.moveToStage(deal, "deposit"))
      expect(error._tag === "InvalidTransition" && error.reason).toBe("no-transition")
      expect(error.message).toBe("events: no transition from inquiry to deposit on move")
    })))

  it.effect("reopen into a stage the pipeline does not have says so too", () =>
    run(Effect.gen(function*() {
      const deals = yield* Deals.Deals
      const sales = deals.in(Pipeline.b2b)
      const lost = yield* deals.lose(yield* sales.create({ name: "Acme" }), "no budget")
      const error = yield* Effect.flip(sales.reopen(lost, "inquiry" as never))
      expect(error._tag === "InvalidTransition" && [error.reason, error.to]).toEqual(["unknown-requested-state", "inquiry"])
      expect(error.message).toBe(
        "b2b: inquiry does not exist in b2b, which has new, qualified, proposal, negotiation, closed_won, closed_lost; move from closed_lost refused"
      )
      expect((yield* deals.get(lost.id)).version).toBe(lost.version)
    })))
})
