/**
 * The `Deals` service: create deals in a pipeline, move them between stages (checked
 * by the pipeline's machine), change amount and close date, win, lose, reopen, set the
 * forecast category, read the stage history and flag rotting deals. Every change is
 * one row write plus one event in the same transaction; a stale version is a
 * `Conflict`, a refused move an `InvalidTransition`, and in both cases nothing is
 * written.
 *
 * @since 0.1.0
 */
import type { Collection, Query } from "@rapport/core"
import { DomainEvent, Errors, Input, Records, Workspace } from "@rapport/core"
import { Context, Effect, Layer, ParseResult, Schema } from "effect"
import * as Deal from "./Deal.js"
import { dealFacts, dealSubjects, DAY_MS } from "./internal/deal.js"
import * as Machine from "./Machine.js"
import * as Pipeline from "./Pipeline.js"
import * as PipelinesEvents from "./PipelinesEvents.js"

/**
 * A record's id and the version the caller last saw (a `Deal` is one).
 *
 * @since 0.1.0
 * @category models
 */
export type Versioned = Records.Versioned

/**
 * One row of `forecast`: the deals of a category in a currency (`null` for deals
 * without an amount). `amountMinor` is exact: a `number` while it is a safe integer, a
 * `bigint` past `Number.MAX_SAFE_INTEGER` (`Money.format` prints either).
 *
 * @since 0.1.0
 * @category models
 */
export interface ForecastRow {
  readonly category: Deal.ForecastCategory
  readonly currency: string | null
  readonly deals: number
  readonly amountMinor: number | bigint
}

/**
 * Options of `find` on deals.
 *
 * @since 0.1.0
 * @category models
 */
export interface FindOptions {
  readonly where?: Query.Expr
  readonly orderBy?: ReadonlyArray<Query.Order>
  readonly limit?: number
  readonly cursor?: string
}

const LoseInput = Schema.Struct({ reason: Deal.fields.lostReason.schema.members[0] })
const AmountInput = Schema.Struct({ amount: Deal.fields.amount.schema })
const CloseDateInput = Schema.Struct({ closeDate: Deal.fields.closeDate.schema })
const StageInput = Schema.Struct({ stage: Schema.String })
const OptionalStage = Schema.Struct({ stage: Schema.optionalWith(Schema.String, { exact: true }) })
const ForecastOptions = Schema.Struct({ pipelineId: Schema.optionalWith(Schema.String, { exact: true }) })
const ForecastInput = Schema.Struct({ category: Schema.NullOr(Schema.Literal("pipeline", "best_case", "commit")) })

/**
 * Builds the service for a set of pipelines (ids must be distinct). Deals of a
 * pipeline not in the set cannot be created or moved.
 *
 * @example
 * ```ts
 * import { Deals, Pipeline } from "@rapport/pipelines"
 * import { Effect } from "effect"
 *
 * const renewals = Pipeline.define({ id: "renewals", name: "Renewals", stages: ["upcoming", "quoted"], won: "renewed", lost: "churned" })
 * const program = Effect.gen(function*() {
 *   const deals = yield* Deals.make([Pipeline.b2b, renewals])
 *   return yield* deals.in(renewals).create({ name: "Globex 2027" })
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (pipelines: ReadonlyArray<Pipeline.Any>) =>
  Effect.gen(function*() {
    const deps = yield* Records.dependencies
    const registry = new Map<string, Pipeline.Any>()
    for (const p of pipelines) {
      if (registry.has(p.id)) return yield* Effect.dieMessage(`Deals: pipeline ${p.id} is registered twice`)
      registry.set(p.id, p)
    }
    const records = Records.make(deps, {
      collection: Deal.collection,
      model: "Deal",
      prefix: "deal",
      subjects: dealSubjects
    })
    const { store } = deps

    const pipelineOf = (command: string, id: string) => {
      const found = registry.get(id)
      return found === undefined
        ? records.fail(command, "pipelineId", `pipeline ${id} is not registered with Deals`)
        : Effect.succeed(found)
    }

    /** The fields a stage change writes, or the machine's refusal. */
    const moveFields = (
      pipeline: Pipeline.Any,
      row: Collection.Row,
      to: string,
      at: number,
      event: string,
      lostReason: string | null = null
    ) =>
      Effect.gen(function*() {
        const from = row.stage as string
        const fromMeta = pipeline.meta[from]
        if (fromMeta === undefined) {
          return yield* Effect.fail(
            new Machine.InvalidTransition({ machine: pipeline.id, from, to, event, reason: "unknown-state" })
          )
        }
        yield* Pipeline.check(pipeline, from, to, dealFacts(row, lostReason === null ? {} : { lostReason }))
        const meta = pipeline.meta[to]!
        const open = meta.kind === "open"
        const keepOverride = open && row.forecastOverride === true && row.forecastCategory !== "closed"
        const fields: Record<string, Collection.Json> = {
          stage: to,
          status: meta.kind,
          probability: meta.probability,
          forecastCategory: keepOverride ? row.forecastCategory as Collection.Json : meta.forecastCategory,
          forecastOverride: keepOverride,
          stageEnteredAt: at,
          lastActivityAt: at,
          rottingAt: null,
          wonAt: meta.kind === "won" ? at : null,
          lostAt: meta.kind === "lost" ? at : null,
          lostReason: meta.kind === "lost" ? lostReason : null,
          previousStage: open ? null : fromMeta.kind === "open" ? from : row.previousStage ?? null
        }
        const move = { pipelineId: pipeline.id, from, to, timeInStageMs: Math.max(0, at - (row.stageEnteredAt as number)) }
        return meta.kind === "won"
          ? Records.change(PipelinesEvents.DealWon, fields, move)
          : meta.kind === "lost"
          ? Records.change(PipelinesEvents.DealLost, fields, { ...move, reason: lostReason })
          : fromMeta.kind !== "open"
          ? Records.change(PipelinesEvents.DealReopened, fields, move)
          : Records.change(PipelinesEvents.DealStageChanged, fields, move)
      })

    const moveTo = (command: string, ref: Versioned, target: (pipeline: Pipeline.Any, row: Collection.Row) => string, lostReason?: string) =>
      records.changeRow(command, ref, (row, at) =>
        Effect.flatMap(pipelineOf(command, row.pipelineId as string), (pipeline) =>
          moveFields(pipeline, row, target(pipeline, row), at, "move", lostReason ?? null)))

    /** A patch of plain fields; the current stage's required fields must stay set. */
    const patchFields = (command: string, ref: Versioned, values: Record<string, Collection.Json>, eventType: string) =>
      records.changeRow(command, ref, (row, at) =>
        Effect.gen(function*() {
          const changed = Object.keys(values).filter((k) => !Records.sameJson(row[k], values[k]))
          if (changed.length === 0) return { fields: {}, eventType }
          const pipeline = yield* pipelineOf(command, row.pipelineId as string)
          const stage = row.stage as string
          if (pipeline.meta[stage]?.kind === "open") {
            const missing = Pipeline.missing(pipeline, stage, dealFacts({ ...row, ...values }))
            if (missing.length > 0) {
              return yield* Effect.fail(
                new Errors.ValidationError({
                  operation: records.operation(command),
                  issues: missing.map((f) => new Errors.FieldIssue({ path: f, message: `required in stage ${stage}` }))
                })
              )
            }
          }
          return { fields: { ...values, lastActivityAt: at }, eventType }
        }))

    const encodeInto = <T, I>(command: string, schema: Schema.Schema<T, I>, input: unknown) =>
      Effect.flatMap(records.decodeInput(command, schema, input), (value) => records.encode(command, schema, value)) as Effect.Effect<
        Record<string, Collection.Json>,
        Errors.ValidationError
      >

    const find = (options: FindOptions = {}) =>
      Effect.gen(function*() {
        const workspaceId = yield* Workspace.CurrentWorkspace
        const page = yield* store.find(workspaceId, { collection: "deal", ...options })
        return { items: yield* Effect.forEach(page.rows, records.fromStore), nextCursor: page.nextCursor }
      })

    const create = <P extends Pipeline.Any>(pipeline: P, input: Deal.CreateInput & { readonly stage?: Pipeline.OpenStageOf<P> }) =>
      Effect.gen(function*() {
        const registered = yield* pipelineOf("create", pipeline.id)
        // Input from outside may be anything: a non-object fails its decoding below, named as such.
        const isObject = typeof input === "object" && input !== null && !Array.isArray(input)
        const { stage: given, ...fields } = isObject ? input as Deal.CreateInput & { readonly stage?: unknown } : {}
        const rest: unknown = isObject ? fields : input
        const { stage: requested } = yield* records.decodeInput("create", OptionalStage, given === undefined ? {} : { stage: given })
        const stage = requested ?? registered.open[0]!
        const meta = registered.meta[stage]
        if (meta === undefined || meta.kind !== "open") {
          return yield* records.fail("create", "stage", `an open stage of ${registered.id}: ${registered.open.join(", ")}`)
        }
        const values = yield* encodeInto("create", Deal.CreateInput, rest)
        const missing = Pipeline.missing(registered, stage, dealFacts(values))
        if (missing.length > 0) {
          return yield* Effect.fail(
            new Errors.ValidationError({
              operation: records.operation("create"),
              issues: missing.map((f) => new Errors.FieldIssue({ path: f, message: `required in stage ${stage}` }))
            })
          )
        }
        const at = yield* records.now
        return yield* records.insertRow("create", {
          ...values,
          pipelineId: registered.id,
          stage,
          status: "open",
          probability: meta.probability,
          forecastCategory: meta.forecastCategory,
          forecastOverride: false,
          lostReason: null,
          stageEnteredAt: at,
          lastActivityAt: at,
          previousStage: null,
          rottingAt: null,
          wonAt: null,
          lostAt: null
        }, { eventType: PipelinesEvents.DealCreated.type })
      })

    const reopen = (ref: Versioned, requested?: string) =>
      records.changeRow("reopen", ref, (row, at) =>
        Effect.gen(function*() {
          const { stage } = yield* records.decodeInput("reopen", OptionalStage, requested === undefined ? {} : { stage: requested })
          const pipeline = yield* pipelineOf("reopen", row.pipelineId as string)
          const from = row.stage as string
          const target = stage ?? (row.previousStage as string | null) ?? pipeline.open[0]!
          if (pipeline.meta[from]?.kind === "open") {
            return yield* Effect.fail(
              new Machine.InvalidTransition({ machine: pipeline.id, from, to: target, event: "reopen", reason: "no-transition" })
            )
          }
          return yield* moveFields(pipeline, row, target, at, "reopen")
        }))

    const checkedPipeline = <P extends Pipeline.Any>(command: string, pipeline: P, given: Versioned) =>
      Effect.gen(function*() {
        const ref = yield* Input.decodeRef(records.operation(command), given)
        const workspaceId = yield* Workspace.CurrentWorkspace
        const row = yield* records.getRow(workspaceId, ref.id, command)
        if (row.pipelineId !== pipeline.id) {
          return yield* records.fail(command, "pipelineId", `deal ${ref.id} is in pipeline ${row.pipelineId}, not ${pipeline.id}`)
        }
      })

    const service = {
      /** The registered pipelines by id. */
      pipelines: registry as ReadonlyMap<string, Pipeline.Any>,

      /**
       * The commands that name stages, typed by one pipeline: `moveToStage` accepts
       * only that pipeline's stage names.
       */
      in: <P extends Pipeline.Any>(pipeline: P) => ({
        pipeline,
        /** Creates a deal in an open stage (the first by default); the stage's required fields must be set. */
        create: (input: Deal.CreateInput & { readonly stage?: Pipeline.OpenStageOf<P> }) => create(pipeline, input),
        /** Moves a deal of this pipeline to a stage, if the pipeline allows the move. */
        moveToStage: (ref: Versioned, stage: Pipeline.StageOf<P>) =>
          Effect.flatMap(records.decodeInput("moveToStage", StageInput, { stage }), ({ stage }) =>
            Effect.zipRight(checkedPipeline("moveToStage", pipeline, ref), moveTo("moveToStage", ref, () => stage))),
        /** Reopens a won or lost deal of this pipeline in an open stage. */
        reopen: (ref: Versioned, stage?: Pipeline.OpenStageOf<P>) =>
          Effect.zipRight(checkedPipeline("reopen", pipeline, ref), reopen(ref, stage)),
        /** The stages the deal may move to now (guards evaluated). */
        available: (deal: Deal.Deal): ReadonlyArray<Pipeline.StageOf<P>> =>
          Machine.available(
            pipeline.machine as Machine.Machine<string, Machine.Move, Pipeline.DealFacts>,
            deal.stage,
            dealFacts(deal as never)
          ).map((e) => e.to as Pipeline.StageOf<P>),
        /** Deals of this pipeline. */
        find: (options: FindOptions = {}) => {
          const own: Query.Expr = { _tag: "Compare", field: "pipelineId", op: "eq", value: pipeline.id }
          // Untyped callers may pass null: no options, as for `Deals.find`.
          const given: FindOptions = options ?? {}
          return find({ ...given, where: given.where === undefined ? own : { _tag: "And", exprs: [own, given.where] } })
        }
      }),

      /** Moves the deal to its pipeline's won stage (which may require fields, an amount in `b2b`). */
      win: (ref: Versioned) => moveTo("win", ref, (p) => p.won),

      /** Moves the deal to its pipeline's lost stage; the reason is required. */
      lose: (ref: Versioned, reason: string) =>
        Effect.flatMap(records.decodeInput("lose", LoseInput, { reason }), (input) =>
          moveTo("lose", ref, (p) => p.lost, input.reason)),

      /**
       * Reopens a won or lost deal: back to the stage it closed from (or the first open
       * stage), if its pipeline allows reopening.
       */
      reopen: (ref: Versioned) => reopen(ref),

      /** Changes the amount (`null` clears it, unless the stage requires it). */
      changeAmount: (ref: Versioned, amount: typeof Deal.fields.amount.schema.Encoded) =>
        Effect.flatMap(encodeInto("changeAmount", AmountInput, { amount }), (values) =>
          patchFields("changeAmount", ref, values, PipelinesEvents.DealAmountChanged.type)),

      /** Changes the expected close date, `YYYY-MM-DD` (`null` clears it, unless the stage requires it). */
      changeCloseDate: (ref: Versioned, closeDate: string | null) =>
        Effect.flatMap(encodeInto("changeCloseDate", CloseDateInput, { closeDate }), (values) =>
          patchFields("changeCloseDate", ref, values, PipelinesEvents.DealCloseDateChanged.type)),

      /** Changes plain fields (name, amount, close date, owner, contact, company, custom). */
      update: (ref: Versioned, patch: Deal.UpdateInput) =>
        Effect.flatMap(encodeInto("update", Deal.UpdateInput, patch), (values) =>
          patchFields("update", ref, values, PipelinesEvents.DealUpdated.type)),

      /**
       * Overrides the forecast category of an open deal; `null` goes back to the
       * stage's default. Closed deals are always `closed`.
       */
      setForecastCategory: (ref: Versioned, category: "pipeline" | "best_case" | "commit" | null) =>
        Effect.flatMap(records.decodeInput("setForecastCategory", ForecastInput, { category }), (input) =>
          records.changeRow("setForecastCategory", ref, (row, at) =>
            Effect.gen(function*() {
              if (row.status !== "open") {
                return yield* records.fail("setForecastCategory", "category", "a closed deal's category is closed")
              }
              const pipeline = yield* pipelineOf("setForecastCategory", row.pipelineId as string)
              const fallback = pipeline.meta[row.stage as string]?.forecastCategory ?? "pipeline"
              const fields = {
                forecastCategory: input.category ?? fallback,
                forecastOverride: input.category !== null
              }
              if (Records.sameJson(row.forecastCategory, fields.forecastCategory) && row.forecastOverride === fields.forecastOverride) {
                return Records.change(PipelinesEvents.DealForecastChanged, {}, {})
              }
              return Records.change(PipelinesEvents.DealForecastChanged, { ...fields, lastActivityAt: at }, {})
            }))),

      get: (id: string) => records.get(id),
      find,

      /**
       * The deal's stage moves, oldest first, read from its events: who moved it, when,
       * and how long it had been in the stage it left.
       */
      history: (dealId: string) =>
        Effect.gen(function*() {
          dealId = yield* Input.decodeId(records.operation("history"), dealId, "dealId")
          const workspaceId = yield* Workspace.CurrentWorkspace
          const subject = DomainEvent.subject("deal", dealId)
          const out: Array<Deal.StageChange> = []
          let before: number | undefined = undefined
          while (true) {
            const page: ReadonlyArray<DomainEvent.StoredEvent> = yield* store.eventsFor(workspaceId, { subject, before, limit: 500 })
            for (const e of page) {
              if (e.recordId !== dealId || !PipelinesEvents.StageMoves.types.has(e.type)) continue
              // A stored move that does not decode is a corrupted log, not something to skip.
              const move = yield* Effect.mapError(PipelinesEvents.StageMoves.decode(e), (error) =>
                new Errors.StoreError({
                  operation: records.operation("history"),
                  detail: `stored ${e.type} event ${e.position} does not decode: ${ParseResult.TreeFormatter.formatErrorSync(error)}`
                }))
              out.push({
                type: move.type,
                from: move.payload.from,
                to: move.payload.to,
                at: move.occurredAt,
                actor: { kind: move.actor.kind, id: move.actor.id },
                timeInStageMs: move.payload.timeInStageMs,
                version: move.version
              })
            }
            if (page.length < 500) break
            before = page[page.length - 1]!.position
          }
          return out.reverse()
        }),

      /**
       * Flags open deals idle in their stage longer than the stage's `rotAfterDays`
       * (idle since `lastActivityAt`, by the `Clock`): each gets one `DealRotting`
       * event per stage entry, so running it again emits nothing new. Returns the deals
       * flagged by this run. A deal that changes meanwhile is skipped until the next run.
       */
      checkRotting: () =>
        Effect.gen(function*() {
          const workspaceId = yield* Workspace.CurrentWorkspace
          const at = yield* records.now
          const flagged: Array<Deal.Deal> = []
          for (const pipeline of registry.values()) {
            for (const stage of pipeline.open) {
              const days = pipeline.meta[stage]!.rotAfterDays
              if (days === null) continue
              const where: Query.Expr = {
                _tag: "And",
                exprs: [
                  { _tag: "Compare", field: "pipelineId", op: "eq", value: pipeline.id },
                  { _tag: "Compare", field: "stage", op: "eq", value: stage },
                  { _tag: "Compare", field: "status", op: "eq", value: "open" },
                  { _tag: "IsNull", field: "rottingAt" },
                  { _tag: "Compare", field: "lastActivityAt", op: "lte", value: at - days * DAY_MS }
                ]
              }
              let cursor: string | null = null
              do {
                const page: { readonly rows: ReadonlyArray<Collection.Row>; readonly nextCursor: string | null } = yield* store
                  .find(workspaceId, { collection: "deal", where, limit: 200, ...(cursor === null ? {} : { cursor }) })
                  .pipe(Effect.catchTag("InvalidQuery", Effect.die))
                for (const row of page.rows) {
                  const deal = yield* records.changeRow("checkRotting", row, (current) =>
                    Effect.succeed(Records.change(PipelinesEvents.DealRotting, { rottingAt: at }, {
                      pipelineId: pipeline.id,
                      stage,
                      rotAfterDays: days,
                      idleMs: at - (current.lastActivityAt as number)
                    }))).pipe(
                      // The deal moved or was touched since the scan: it is judged again next run.
                      Effect.catchTag("Conflict", () => Effect.succeed(null))
                    )
                  if (deal !== null) flagged.push(deal)
                }
                cursor = page.nextCursor
              } while (cursor !== null)
            }
          }
          return flagged
        }),

      /**
       * Open and closed deal amounts per forecast category and currency, optionally for
       * one pipeline.
       */
      forecast: (given: { readonly pipelineId?: string } = {}) =>
        Effect.gen(function*() {
          const options = yield* records.decodeInput("forecast", ForecastOptions, given)
          const workspaceId = yield* Workspace.CurrentWorkspace
          const rows = yield* store.aggregate(workspaceId, {
            collection: "deal",
            ...(options.pipelineId === undefined
              ? {}
              : { where: { _tag: "Compare", field: "pipelineId", op: "eq", value: options.pipelineId } }),
            groupBy: [
              { _tag: "Field", as: "category", field: "forecastCategory" },
              { _tag: "Field", as: "currency", field: "amount.currency" }
            ],
            measures: [{ _tag: "Count", as: "deals" }, { _tag: "Sum", as: "amountMinor", field: "amount.amountMinor" }]
          }).pipe(Effect.catchTag("InvalidQuery", Effect.die))
          return rows.map((r): ForecastRow => ({
            category: r.category as Deal.ForecastCategory,
            currency: r.currency === null || r.currency === undefined ? null : String(r.currency),
            deals: Number(r.deals),
            // Exact: a bigint once the sum is past Number.MAX_SAFE_INTEGER.
            amountMinor: typeof r.amountMinor === "bigint" ? r.amountMinor : Number(r.amountMinor ?? 0)
          }))
        })
    }
    return service
  })

/**
 * The service's interface.
 *
 * @since 0.1.0
 * @category models
 */
export type Service = Effect.Effect.Success<ReturnType<typeof make>>

/**
 * Deals of the current workspace.
 *
 * @example
 * ```ts
 * import { Deals, Pipeline } from "@rapport/pipelines"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const deals = yield* Deals.Deals
 *   const sales = deals.in(Pipeline.b2b)
 *   const deal = yield* sales.create({ name: "Acme", amount: { amountMinor: 4_800_000, currency: "EUR" }, closeDate: "2026-12-15" })
 *   const proposal = yield* sales.moveToStage(deal, "proposal") // "proposl" would not compile
 *   return yield* deals.win(proposal)
 * })
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class Deals extends Context.Tag("@rapport/pipelines/Deals")<Deals, Service>() {}

/**
 * The service for these pipelines (`[Pipeline.b2b]` for the default). Needs the
 * `Store`, the `Catalog` (with `Deal.collection`) and an `IdGenerator`, as
 * `Crm.layer` provides.
 *
 * @example
 * ```ts
 * import { Crm } from "@rapport/core"
 * import { MemoryStore } from "@rapport/memory"
 * import { Deal, Deals, Pipeline } from "@rapport/pipelines"
 * import { Layer } from "effect"
 *
 * const Live = Deals.layer([Pipeline.b2b]).pipe(
 *   Layer.provideMerge(Crm.layer({ store: MemoryStore.layer, collections: [Deal.collection] }))
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (pipelines: ReadonlyArray<Pipeline.Any>) => Layer.effect(Deals, make(pipelines))
