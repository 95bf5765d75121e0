/**
 * Who performs a command: recorded on every domain event for the audit trail.
 *
 * @since 0.1.0
 */
import { Context, Effect, Option, Schema } from "effect"

/**
 * A user (agent, rep), an API client, an automation, or the system itself.
 *
 * @since 0.1.0
 * @category models
 */
export class Actor extends Schema.Class<Actor>("@rapport/core/Actor")({
  kind: Schema.Literal("user", "api", "workflow", "system"),
  id: Schema.NullOr(Schema.String)
}) {}

/**
 * The system actor, used when no `CurrentActor` is provided.
 *
 * @since 0.1.0
 * @category constants
 */
export const system: Actor = new Actor({ kind: "system", id: null })

/**
 * A user acting.
 *
 * @since 0.1.0
 * @category constructors
 */
export const user = (id: string): Actor => new Actor({ kind: "user", id })

/**
 * The actor of the current request. Optional: commands fall back to `system`.
 *
 * @example
 * ```ts
 * import { Actor } from "@rapport/core"
 * import { Effect } from "effect"
 * const asAda = <A, E, R>(self: Effect.Effect<A, E, R>) =>
 *   Effect.provideService(self, Actor.CurrentActor, Actor.user("usr_ada"))
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class CurrentActor extends Context.Tag("@rapport/core/CurrentActor")<CurrentActor, Actor>() {}

/**
 * The current actor, or `system`.
 *
 * @since 0.1.0
 * @category accessors
 */
export const current: Effect.Effect<Actor> = Effect.map(
  Effect.serviceOption(CurrentActor),
  Option.getOrElse(() => system)
)
