/**
 * The `Users` service: the people who work in a workspace.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer } from "effect"
import * as Records from "./Records.js"
import * as User from "./User.js"

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = Effect.gen(function*() {
  const records = Records.make(yield* Records.dependencies, { collection: User.collection, model: "User", prefix: "usr" })
  return Records.crud(records, User.inputs)
})

/**
 * Users of the current workspace: `create`, `update`, `remove`, `get`, `getMany`, `find`.
 * Emails are unique per workspace (`Conflict` on a duplicate).
 *
 * @example
 * ```ts
 * import { Users } from "@rapport/core"
 * import { Effect } from "effect"
 * const hire = Effect.flatMap(Users.Users, (users) => users.create({ name: "Grace", email: "grace@acme.test", role: "agent" }))
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class Users extends Context.Tag("@rapport/core/Users")<Users, Effect.Effect.Success<typeof make>>() {}

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = Layer.effect(Users, make)
