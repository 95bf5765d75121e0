/**
 * Activities record interactions: calls, emails, meetings and chats, with their
 * direction and participants.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as Collection from "./Collection.js"
import * as Field from "./Field.js"
import * as Model from "./Model.js"
import { CompanyId } from "./Company.js"
import { ContactId } from "./Contact.js"
import { UserId } from "./User.js"

/**
 * @since 0.1.0
 * @category models
 */
export const ActivityId = Model.id("@rapport/core/ActivityId", "act")

/**
 * @since 0.1.0
 * @category models
 */
export type ActivityId = typeof ActivityId.Type

/**
 * @since 0.1.0
 * @category models
 */
export const ActivityType = Schema.Literal("call", "email", "meeting", "chat")

/**
 * @since 0.1.0
 * @category models
 */
export type ActivityType = typeof ActivityType.Type

/**
 * Someone who took part: a contact, a user, or an outside address.
 *
 * @since 0.1.0
 * @category models
 */
export const Participant = Schema.Struct({
  kind: Schema.Literal("contact", "user", "external"),
  id: Schema.NullOr(Schema.String),
  name: Schema.NullOr(Schema.String),
  email: Schema.NullOr(Model.Email)
})

/**
 * @since 0.1.0
 * @category models
 */
export type Participant = typeof Participant.Type

/**
 * @since 0.1.0
 * @category models
 */
export const fields = {
  type: Field.string(ActivityType),
  direction: Field.nullable(Field.string(Schema.Literal("inbound", "outbound"))),
  subject: Field.nullable(Field.text(500)),
  body: Field.nullable(Field.string(Schema.String.pipe(Schema.maxLength(100_000)))),
  occurredAt: Field.timestamp(),
  durationSeconds: Field.nullable(Field.integer(Schema.Int.pipe(Schema.nonNegative()))),
  recordingUrl: Field.nullable(Field.string(Model.Url)),
  transcript: Field.nullable(Field.string(Schema.String.pipe(Schema.maxLength(1_000_000)))),
  participants: Field.json(Schema.Array(Participant)),
  contactId: Field.nullable(Field.ref("contact", ContactId)),
  companyId: Field.nullable(Field.ref("company", CompanyId)),
  ownerId: Field.nullable(Field.ref("user", UserId))
}

/**
 * A logged interaction.
 *
 * @since 0.1.0
 * @category models
 */
export class Activity extends Schema.Class<Activity>("@rapport/core/Activity")(Collection.modelFields(ActivityId, fields)) {}

/**
 * @since 0.1.0
 * @category collections
 */
export const collection = Collection.make({
  name: "activity",
  schema: Activity,
  fields,
  indexes: [["contactId", "occurredAt"], ["companyId", "occurredAt"]]
})

/**
 * What `Activities.log` and `Activities.update` accept. Call details (duration,
 * recording, transcript) are refused on other activity types.
 *
 * @since 0.1.0
 * @category models
 */
export const inputs = Model.inputs(fields, { defaults: { participants: () => [] }, fixed: ["type"] })
