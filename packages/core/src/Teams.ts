/**
 * The `Teams` service: the groups of users that work together.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer } from "effect"
import * as Records from "./Records.js"
import * as Team from "./Team.js"

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = Effect.gen(function*() {
  const records = Records.make(yield* Records.dependencies, { collection: Team.collection, model: "Team", prefix: "team" })
  return Records.crud(records, Team.inputs)
})

/**
 * Teams of the current workspace: `create`, `update`, `remove`, `get`, `getMany`, `find`.
 * Names are unique per workspace (`Conflict` on a duplicate).
 *
 * @example
 * ```ts
 * import { Teams } from "@rapport/core"
 * import { Effect } from "effect"
 * const tier2 = Effect.flatMap(Teams.Teams, (teams) => teams.create({ name: "Support tier 2" }))
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class Teams extends Context.Tag("@rapport/core/Teams")<Teams, Effect.Effect.Success<typeof make>>() {}

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = Layer.effect(Teams, make)
