/**
 * Teams group users (Support tier 2, EMEA sales) for assignment and reporting.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as Collection from "./Collection.js"
import * as Field from "./Field.js"
import * as Model from "./Model.js"
import { UserId } from "./User.js"

/**
 * @since 0.1.0
 * @category models
 */
export const TeamId = Model.id("@rapport/core/TeamId", "team")

/**
 * @since 0.1.0
 * @category models
 */
export type TeamId = typeof TeamId.Type

/**
 * @since 0.1.0
 * @category models
 */
export const fields = {
  name: Field.text(200),
  memberIds: Field.strings(UserId),
  leadId: Field.nullable(Field.ref("user", UserId))
}

/**
 * A team of users.
 *
 * @since 0.1.0
 * @category models
 */
export class Team extends Schema.Class<Team>("@rapport/core/Team")(Collection.modelFields(TeamId, fields)) {}

/**
 * @since 0.1.0
 * @category collections
 */
export const collection = Collection.make({ name: "team", schema: Team, fields, unique: [["name"]] })

/**
 * What `Teams.create` and `Teams.update` accept.
 *
 * @since 0.1.0
 * @category models
 */
export const inputs = Model.inputs(fields)
