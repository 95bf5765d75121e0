/**
 * Deal pipelines defined in code: ordered open stages, a closed-won and a closed-lost
 * stage, a win probability and a forecast category per stage, the moves allowed
 * (forward, skip, back, reopen), the fields a stage requires and how long a deal may
 * sit idle in a stage before it rots. A pipeline is a `Machine.stages` machine plus
 * that metadata; the types follow the definition, so naming a stage that does not
 * exist is a compile error.
 *
 * @since 0.1.0
 */
import type { Either } from "effect"
import * as Machine from "./Machine.js"

/**
 * Deal fields a stage can require before a deal may enter it.
 *
 * @since 0.1.0
 * @category models
 */
export type RequiredField = "amount" | "closeDate" | "contactId" | "companyId" | "ownerId"

/**
 * The forecast bucket of a deal: open deals are `pipeline`, `best_case` or `commit`;
 * won and lost deals are `closed`.
 *
 * @since 0.1.0
 * @category models
 */
export type ForecastCategory = "pipeline" | "best_case" | "commit" | "closed"

/**
 * The forecast categories, in order of confidence.
 *
 * @since 0.1.0
 * @category constants
 */
export const forecastCategories: ReadonlyArray<ForecastCategory> = ["pipeline", "best_case", "commit", "closed"]

/**
 * What the guards of a pipeline read: the deal's values that stages may require, and
 * the lost reason a move to the lost stage needs.
 *
 * @since 0.1.0
 * @category models
 */
export interface DealFacts {
  readonly amount: unknown
  readonly closeDate: unknown
  readonly contactId: unknown
  readonly companyId: unknown
  readonly ownerId: unknown
  readonly lostReason: unknown
}

/**
 * The metadata of one stage.
 *
 * @since 0.1.0
 * @category models
 */
export interface StageMeta {
  readonly kind: "open" | "won" | "lost"
  /** Win probability, 0–100. */
  readonly probability: number
  readonly forecastCategory: ForecastCategory
  /** Fields a deal must have to enter the stage (`lostReason` for the lost stage). */
  readonly requires: ReadonlyArray<RequiredField | "lostReason">
  /** Days a deal may stay idle in the stage before it rots; `null`: never. */
  readonly rotAfterDays: number | null
}

/**
 * A pipeline: its id and name, its stages and the machine that checks every move.
 * `Open` are the open stages, `Won` and `Lost` the closed ones.
 *
 * @since 0.1.0
 * @category models
 */
export interface Pipeline<
  Id extends string = string,
  Open extends string = string,
  Won extends string = string,
  Lost extends string = string
> {
  readonly id: Id
  readonly name: string
  /** Open stages in order. */
  readonly open: ReadonlyArray<Open>
  readonly won: Won
  readonly lost: Lost
  /** Every stage: the open ones in order, then won, then lost. */
  readonly stages: ReadonlyArray<Open | Won | Lost>
  readonly machine: Machine.Machine<Open | Won | Lost, Machine.Move<Open | Won | Lost>, DealFacts>
  readonly meta: { readonly [K in Open | Won | Lost]: StageMeta }
}

/**
 * Any pipeline, whatever its stage names.
 *
 * @since 0.1.0
 * @category models
 */
export type Any = Pipeline<any, any, any, any>

/**
 * Every stage name of a pipeline.
 *
 * @since 0.1.0
 * @category type-level
 */
export type StageOf<P> = P extends Pipeline<any, infer O, infer W, infer L> ? O | W | L : never

/**
 * The open stage names of a pipeline.
 *
 * @since 0.1.0
 * @category type-level
 */
export type OpenStageOf<P> = P extends Pipeline<any, infer O, any, any> ? O : never

/**
 * The default forecast category of an open stage from its win probability: 70 and
 * above is `commit`, 40 and above `best_case`, the rest `pipeline`.
 *
 * @since 0.1.0
 * @category combinators
 */
export const categoryFor = (probability: number): Exclude<ForecastCategory, "closed"> =>
  probability >= 70 ? "commit" : probability >= 40 ? "best_case" : "pipeline"

const guardName = (fields: ReadonlyArray<string>) => `requires ${fields.join(" and ")}`

const present = (value: unknown) => value !== null && value !== undefined && value !== ""

/**
 * The required fields a deal is missing to be in `stage` (empty when none).
 *
 * @since 0.1.0
 * @category combinators
 */
export const missing = <P extends Any>(
  pipeline: P,
  stage: StageOf<P>,
  deal: Partial<DealFacts>
): ReadonlyArray<RequiredField | "lostReason"> =>
  (pipeline.meta as Record<string, StageMeta>)[stage]!.requires.filter((f) => !present(deal[f]))

/**
 * Defines a pipeline. Stage names are inferred: the keys of `probability`,
 * `requires`, `rotAfterDays` and `forecast` must be stages of this pipeline, and
 * commands on its deals only accept its stages. Moves default to forward only
 * (`Machine.MoveRules`); every open stage may close as won or lost; the lost stage
 * always requires a `lostReason`. Probabilities default to an even spread from 10 to
 * 90 over the open stages, 100 for won and 0 for lost. A definition that contradicts
 * itself (a repeated stage, a probability outside 0–100) throws: it is a bug.
 *
 * @example
 * ```ts
 * import { Pipeline } from "@rapport/pipelines"
 *
 * const hiring = Pipeline.define({
 *   id: "hiring",
 *   name: "Recruiting",
 *   stages: ["sourced", "screen", "interview", "offer"],
 *   won: "hired",
 *   lost: "rejected",
 *   moves: { skip: true, back: true },
 *   requires: { offer: ["amount", "closeDate"] },
 *   rotAfterDays: { screen: 3, interview: 7 }
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const define = <
  const Id extends string,
  const Open extends string,
  const Won extends string,
  const Lost extends string
>(config: {
  readonly id: Id
  readonly name: string
  readonly stages: readonly [Open, ...ReadonlyArray<Open>]
  readonly won: Won
  readonly lost: Lost
  readonly moves?: Machine.MoveRules<NoInfer<Open>>
  readonly probability?: { readonly [K in NoInfer<Open | Won | Lost>]?: number }
  readonly requires?: { readonly [K in NoInfer<Open | Won>]?: ReadonlyArray<RequiredField> }
  readonly rotAfterDays?: { readonly [K in NoInfer<Open>]?: number }
  readonly forecast?: { readonly [K in NoInfer<Open>]?: Exclude<ForecastCategory, "closed"> }
}): Pipeline<Id, Open, Won, Lost> => {
  const open: ReadonlyArray<string> = config.stages
  const all = [...open, config.won, config.lost]
  if (new Set(all).size !== all.length) throw new Error(`pipeline ${config.id}: stage names must be distinct`)
  const probability = (config.probability ?? {}) as Record<string, number | undefined>
  const requires = (config.requires ?? {}) as Record<string, ReadonlyArray<RequiredField> | undefined>
  const rot = (config.rotAfterDays ?? {}) as Record<string, number | undefined>
  const forecast = (config.forecast ?? {}) as Record<string, Exclude<ForecastCategory, "closed"> | undefined>
  const meta: Record<string, StageMeta> = {}
  const guards: Record<string, Machine.Guard<DealFacts, Machine.Move>> = {}
  const enter: Record<string, { readonly guard: string }> = {}
  all.forEach((stage, i) => {
    const kind = stage === config.won ? "won" : stage === config.lost ? "lost" : "open"
    const fallback = kind === "won" ? 100 : kind === "lost" ? 0 : open.length === 1 ? 10 : Math.round(10 + (80 * i) / (open.length - 1))
    const p = probability[stage] ?? fallback
    if (!Number.isInteger(p) || p < 0 || p > 100) {
      throw new Error(`pipeline ${config.id}: the probability of ${stage} must be an integer from 0 to 100`)
    }
    const days = kind === "open" ? rot[stage] ?? null : null
    if (days !== null && !(days > 0)) throw new Error(`pipeline ${config.id}: rotAfterDays of ${stage} must be positive`)
    const needs: ReadonlyArray<RequiredField | "lostReason"> = kind === "lost"
      ? ["lostReason"]
      : [...new Set(requires[stage] ?? [])]
    meta[stage] = {
      kind,
      probability: p,
      forecastCategory: kind === "open" ? forecast[stage] ?? categoryFor(p) : "closed",
      requires: needs,
      rotAfterDays: days
    }
    if (needs.length > 0) {
      const name = guardName(needs)
      guards[name] = (deal) => needs.every((f) => present(deal[f]))
      enter[stage] = { guard: name }
    }
  })
  const machine = Machine.stages({
    id: config.id,
    open: config.stages,
    closed: [config.won, config.lost] as ReadonlyArray<Won | Lost>,
    ...(config.moves === undefined ? {} : { moves: config.moves }),
    enter: enter as never,
    meta: meta as never
  }, { guards } as never) as unknown as Pipeline<Id, Open, Won, Lost>["machine"]
  return {
    id: config.id,
    name: config.name,
    open: config.stages,
    won: config.won,
    lost: config.lost,
    stages: all as unknown as ReadonlyArray<Open | Won | Lost>,
    machine,
    meta: meta as Pipeline<Id, Open, Won, Lost>["meta"]
  }
}

/**
 * Whether a deal may move from `from` to `to` in this pipeline: the move is allowed and
 * the target's required fields are present. The `InvalidTransition` names the guard
 * (`requires amount and closeDate`) when fields are missing.
 *
 * @example
 * ```ts
 * import { Pipeline } from "@rapport/pipelines"
 * import { Either } from "effect"
 *
 * const facts = { amount: null, closeDate: null, contactId: null, companyId: null, ownerId: null, lostReason: null }
 * const result = Pipeline.check(Pipeline.b2b, "qualified", "proposal", facts)
 * console.log(Either.isLeft(result)) // true: proposal requires amount and closeDate
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const check = <P extends Any>(
  pipeline: P,
  from: StageOf<P>,
  to: StageOf<P>,
  deal: DealFacts
): Either.Either<Machine.Transition<StageOf<P>, "move">, Machine.InvalidTransition> =>
  Machine.transition(pipeline.machine as Machine.Machine<string, Machine.Move, DealFacts>, from, { type: "move", to }, deal) as never

/**
 * The default B2B pipeline: new (10%), qualified (25%), proposal (50%, needs an amount
 * and a close date), negotiation (75%, same), closed won (100%, needs an amount) and
 * closed lost (0%, needs a reason). Any forward skip and backward move is allowed, and
 * closed deals can be reopened. Deals rot after 7 idle days in new, 14 in qualified
 * and proposal, 21 in negotiation.
 *
 * @example
 * ```ts
 * import { Pipeline } from "@rapport/pipelines"
 *
 * console.log(Pipeline.b2b.stages)
 * // ["new", "qualified", "proposal", "negotiation", "closed_won", "closed_lost"]
 * console.log(Pipeline.b2b.meta.negotiation.forecastCategory) // "commit"
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const b2b = define({
  id: "b2b",
  name: "New business",
  stages: ["new", "qualified", "proposal", "negotiation"],
  won: "closed_won",
  lost: "closed_lost",
  moves: { skip: true, back: true, reopen: true },
  probability: { new: 10, qualified: 25, proposal: 50, negotiation: 75 },
  requires: { proposal: ["amount", "closeDate"], negotiation: ["amount", "closeDate"], closed_won: ["amount"] },
  rotAfterDays: { new: 7, qualified: 14, proposal: 14, negotiation: 21 }
})
