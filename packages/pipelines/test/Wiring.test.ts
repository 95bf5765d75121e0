// A service over a catalog that lacks its collections refuses to build, naming what is
// missing and how to add it, instead of failing at its first write.
import { Crm, IdGenerator } from "@rapport/core"
import { MemoryStore } from "@rapport/memory"
import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Exit, Layer } from "effect"
import * as Collections from "../src/Collections.js"
import * as Deal from "../src/Deal.js"
import * as Deals from "../src/Deals.js"
import * as Leads from "../src/Leads.js"
import * as Pipeline from "../src/Pipeline.js"
import * as Tickets from "../src/Tickets.js"

const build = <A, E>(layer: Layer.Layer<A, E>) => Effect.runPromiseExit(Effect.scoped(Layer.build(layer)))

const defectMessage = (exit: Exit.Exit<unknown, unknown>): string => {
  if (Exit.isSuccess(exit)) return "built"
  const defects = [...Cause.defects(exit.cause)]
  return defects.map((d) => (d instanceof Error ? d.message : String(d))).join("\n")
}

describe("wiring pipelines services into Crm.layer", () => {
  it("refuses to build Tickets without the ticket collections", async () => {
    const exit = await build(Tickets.layer().pipe(Layer.provideMerge(Crm.layer({ store: MemoryStore.layer }))))
    expect(defectMessage(exit)).toBe(
      "Tickets needs the collection \"ticket\", which the catalog does not declare: add it with " +
        "Crm.layer({ collections }) (for @rapport/pipelines: collections: Collections.all)"
    )
  })

  it("names a referenced collection that is missing too (leads point at deals)", async () => {
    const deals = Deals.layer([Pipeline.b2b])
    const exit = await build(
      Leads.layer.pipe(
        Layer.provideMerge(deals),
        Layer.provideMerge(Crm.layer({ store: MemoryStore.layer, collections: [Deal.collection] }))
      )
    )
    expect(defectMessage(exit)).toContain("Leads needs the collection")
    expect(defectMessage(exit)).toContain("\"lead\"")
  })

  it("builds with Collections.all", async () => {
    const crm = Crm.layer({ store: MemoryStore.layer, collections: Collections.all, ids: IdGenerator.layerUlid })
    const exit = await build(
      Layer.mergeAll(Tickets.layer(), Leads.layer.pipe(Layer.provideMerge(Deals.layer([Pipeline.b2b])))).pipe(
        Layer.provideMerge(crm)
      )
    )
    expect(defectMessage(exit)).toBe("built")
  })
})
