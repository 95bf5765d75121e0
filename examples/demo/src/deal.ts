/**
 * The deal section: the star customer's wholesale deal, the stages it went through
 * (from `Deals.history`, read off the deal's events) and the pipeline's board.
 */
import { Query, Store, Users, Workspace } from "@rapport/core"
import { Deals } from "@rapport/pipelines"
import { Clock, Effect } from "effect"
import * as Print from "./print.js"
import * as Teahouse from "./teahouse.js"

export const section = (dealId: string) =>
  Effect.gen(function*() {
    const deals = yield* Deals.Deals
    const users = yield* Users.Users
    const now = yield* Clock.currentTimeMillis
    const deal = yield* deals.get(dealId)
    const history = yield* deals.history(dealId)
    const pipeline = Teahouse.wholesale
    const nameOf = (id: string | null) => (id === null ? Effect.succeed("—") : Effect.map(users.get(id), (u) => u.name))
    // Moves are made by people, or by the system and integrations, which are not users.
    const mover = (actor: { readonly kind: string; readonly id: string | null }) => (actor.kind === "user" ? nameOf(actor.id) : Effect.succeed(actor.kind))

    const lines: Array<string> = []
    lines.push(Print.heading(`Deal · ${deal.name}`))
    lines.push(`  ${pipeline.name} pipeline, stage ${deal.stage} since ${Print.at(deal.stageEnteredAt)} · ${deal.probability} % likely · forecast ${Print.words(deal.forecastCategory)}`)
    const amount = deal.amount === null ? "no amount yet" : Print.money(deal.amount.amountMinor, deal.amount.currency)
    // A close date is a calendar day, which the deal's owner reads in the shop's zone.
    const closes = deal.closeDate === null ? "no close date" : `expected to close ${deal.closeDate} ${Teahouse.timeZone}`
    lines.push(`  ${amount} · ${closes} · owner ${yield* nameOf(deal.ownerId)}`)

    // One row per stage entered: the first from the deal's creation, then one per move.
    const entered = [
      { stage: history[0]?.from ?? deal.stage, at: deal.createdAt, by: "(deal created)" },
      ...yield* Effect.forEach(history, (h) => Effect.map(mover(h.actor), (by) => ({ stage: h.to, at: h.at, by })))
    ]
    lines.push("\n  Stages")
    lines.push(Print.table(
      [Print.zoned("entered"), "stage", "time in stage", "moved by"],
      entered.map((e, i) => {
        // The move out of this stage, which says how long the deal spent in it.
        const out = history[i]
        return [Print.when(e.at), e.stage, out === undefined ? `${Print.duration(now - e.at)} so far` : Print.duration(out.timeInStageMs), e.by]
      })
    ))

    const workspace = yield* Workspace.CurrentWorkspace
    const store = yield* Store.Store
    const board = yield* store.aggregate(workspace, Query.aggregate("deal", {
      where: Query.eq("pipelineId", pipeline.id),
      groupBy: [{ _tag: "Field", as: "stage", field: "stage" }, { _tag: "Field", as: "currency", field: "amount.currency" }],
      measures: [{ _tag: "Count", as: "deals" }, { _tag: "Sum", as: "amount", field: "amount.amountMinor" }]
    }))
    lines.push(`\n  ${pipeline.name} board`)
    lines.push(Print.table(
      ["stage", "probability", "deals", "amount"],
      pipeline.stages.map((stage) => {
        const rows = board.filter((r) => r.stage === stage)
        const priced = rows.filter((r) => r.currency !== null).map((r) => Print.moneySum(r.amount, r.currency))
        return [stage, `${pipeline.meta[stage].probability} %`, String(rows.reduce((n, r) => n + Number(r.deals), 0)), priced.join(", ") || "—"]
      })
    ))
    return lines
  })
