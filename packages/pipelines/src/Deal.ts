/**
 * Deals: an opportunity moving through a pipeline, with an amount, a close date, a
 * win probability and a forecast category that follow its stage.
 *
 * @since 0.1.0
 */
import { Collection, Company, Contact, Field, Model, User } from "@rapport/core"
import { Schema } from "effect"

/**
 * @since 0.1.0
 * @category models
 */
export const DealId = Model.id("@rapport/pipelines/DealId", "deal")

/**
 * @since 0.1.0
 * @category models
 */
export type DealId = typeof DealId.Type

/**
 * Open until the deal enters its pipeline's won or lost stage.
 *
 * @since 0.1.0
 * @category models
 */
export const DealStatus = Schema.Literal("open", "won", "lost")

/**
 * @since 0.1.0
 * @category models
 */
export type DealStatus = typeof DealStatus.Type

/**
 * @since 0.1.0
 * @category models
 */
export const ForecastCategory = Schema.Literal("pipeline", "best_case", "commit", "closed")

/**
 * @since 0.1.0
 * @category models
 */
export type ForecastCategory = typeof ForecastCategory.Type

const StageName = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(100))

/**
 * The stored fields of a deal.
 *
 * @since 0.1.0
 * @category models
 */
export const fields = {
  name: Field.text(300),
  pipelineId: Field.string(StageName),
  stage: Field.string(StageName),
  status: Field.string(DealStatus),
  amount: Field.nullable(Field.money()),
  closeDate: Field.nullable(Field.date()),
  probability: Field.integer(Schema.Int.pipe(Schema.between(0, 100))),
  forecastCategory: Field.string(ForecastCategory),
  /** Whether `forecastCategory` was set by hand (it then stays when the stage changes). */
  forecastOverride: Field.boolean(),
  lostReason: Field.nullable(Field.text(500)),
  ownerId: Field.nullable(Field.ref("user", User.UserId)),
  contactId: Field.nullable(Field.ref("contact", Contact.ContactId)),
  companyId: Field.nullable(Field.ref("company", Company.CompanyId)),
  stageEnteredAt: Field.timestamp(),
  lastActivityAt: Field.timestamp(),
  /** The open stage a closed deal left; where `reopen` returns by default. */
  previousStage: Field.nullable(Field.string(StageName)),
  /** When `DealRotting` was emitted for the current stage entry (`null`: not yet). */
  rottingAt: Field.nullable(Field.timestamp()),
  wonAt: Field.nullable(Field.timestamp()),
  lostAt: Field.nullable(Field.timestamp()),
  custom: Model.customField()
}

/**
 * A deal.
 *
 * @example
 * ```ts
 * import { Deals, Pipeline } from "@rapport/pipelines"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const deals = yield* Deals.Deals
 *   const deal = yield* deals.in(Pipeline.b2b).create({ name: "Acme, 40 seats" })
 *   return deal.stage // "new"
 * })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export class Deal extends Schema.Class<Deal>("@rapport/pipelines/Deal")(Collection.modelFields(DealId, fields)) {}

/**
 * The `deal` collection; add it to `Crm.layer({ collections })`.
 *
 * @since 0.1.0
 * @category collections
 */
export const collection = Collection.make({
  name: "deal",
  schema: Deal,
  fields,
  indexes: [["pipelineId", "stage"], ["status", "lastActivityAt"], ["contactId"], ["companyId"], ["closeDate"], ["ownerId"]]
})

/**
 * What `create` accepts besides the stage.
 *
 * @since 0.1.0
 * @category models
 */
export const CreateInput = Schema.Struct({
  name: fields.name.schema,
  amount: Schema.optionalWith(fields.amount.schema, { exact: true, default: () => null }),
  closeDate: Schema.optionalWith(fields.closeDate.schema, { exact: true, default: () => null }),
  ownerId: Schema.optionalWith(fields.ownerId.schema, { exact: true, default: () => null }),
  contactId: Schema.optionalWith(fields.contactId.schema, { exact: true, default: () => null }),
  companyId: Schema.optionalWith(fields.companyId.schema, { exact: true, default: () => null }),
  custom: Schema.optionalWith(fields.custom.schema, { exact: true, default: () => ({}) })
})

/**
 * @since 0.1.0
 * @category models
 */
export type CreateInput = typeof CreateInput.Encoded

/**
 * What `update` accepts: any of the plain fields. Stage, status, probability and
 * forecast have commands of their own.
 *
 * @since 0.1.0
 * @category models
 */
export const UpdateInput = Schema.Struct({
  name: Schema.optionalWith(fields.name.schema, { exact: true }),
  amount: Schema.optionalWith(fields.amount.schema, { exact: true }),
  closeDate: Schema.optionalWith(fields.closeDate.schema, { exact: true }),
  ownerId: Schema.optionalWith(fields.ownerId.schema, { exact: true }),
  contactId: Schema.optionalWith(fields.contactId.schema, { exact: true }),
  companyId: Schema.optionalWith(fields.companyId.schema, { exact: true }),
  custom: Schema.optionalWith(fields.custom.schema, { exact: true })
})

/**
 * @since 0.1.0
 * @category models
 */
export type UpdateInput = typeof UpdateInput.Encoded

/**
 * One move in a deal's stage history, read from its events.
 *
 * @since 0.1.0
 * @category models
 */
export interface StageChange {
  readonly from: string
  readonly to: string
  readonly at: number
  readonly actor: { readonly kind: string; readonly id: string | null }
  /** How long the deal was in `from`, ms. */
  readonly timeInStageMs: number
  /** `DealStageChanged`, `DealWon`, `DealLost` or `DealReopened`. */
  readonly type: string
  readonly version: number
}
