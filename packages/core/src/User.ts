/**
 * Users are the people who work in the CRM: agents and reps who own records, take
 * tickets and are assigned tasks.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as Collection from "./Collection.js"
import * as Field from "./Field.js"
import * as Model from "./Model.js"

/**
 * @since 0.1.0
 * @category models
 */
export const UserId = Model.id("@rapport/core/UserId", "usr")

/**
 * @since 0.1.0
 * @category models
 */
export type UserId = typeof UserId.Type

/**
 * @since 0.1.0
 * @category models
 */
export const Role = Schema.Literal("admin", "manager", "agent", "rep", "viewer")

/**
 * @since 0.1.0
 * @category models
 */
export type Role = typeof Role.Type

/**
 * @since 0.1.0
 * @category models
 */
export const fields = {
  name: Field.text(200),
  email: Field.string(Model.Email),
  role: Field.string(Role),
  active: Field.boolean(),
  timeZone: Field.nullable(Field.string())
}

/**
 * A user of the workspace.
 *
 * @since 0.1.0
 * @category models
 */
export class User extends Schema.Class<User>("@rapport/core/User")(Collection.modelFields(UserId, fields)) {}

/**
 * @since 0.1.0
 * @category collections
 */
export const collection = Collection.make({ name: "user", schema: User, fields, unique: [["email"]] })

/**
 * What `Users.create` and `Users.update` accept.
 *
 * @since 0.1.0
 * @category models
 */
export const inputs = Model.inputs(fields, { defaults: { role: () => "agent" as const, active: () => true } })
