/**
 * Tasks are follow-ups: something a user must do by a due time, linked to a record.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as Collection from "./Collection.js"
import * as Field from "./Field.js"
import * as Model from "./Model.js"
import { ContactId } from "./Contact.js"
import { UserId } from "./User.js"

/**
 * @since 0.1.0
 * @category models
 */
export const TaskId = Model.id("@rapport/core/TaskId", "task")

/**
 * @since 0.1.0
 * @category models
 */
export type TaskId = typeof TaskId.Type

/**
 * @since 0.1.0
 * @category models
 */
export const TaskStatus = Schema.Literal("open", "done", "cancelled")

/**
 * @since 0.1.0
 * @category models
 */
export type TaskStatus = typeof TaskStatus.Type

/**
 * @since 0.1.0
 * @category models
 */
export const fields = {
  title: Field.text(500),
  description: Field.nullable(Field.string(Schema.String.pipe(Schema.maxLength(100_000)))),
  dueAt: Field.nullable(Field.timestamp()),
  assigneeId: Field.nullable(Field.ref("user", UserId)),
  status: Field.string(TaskStatus),
  priority: Field.string(Schema.Literal("low", "normal", "high")),
  contactId: Field.nullable(Field.ref("contact", ContactId)),
  /** Any other record the task is about (a deal, a ticket, an order). */
  linkedCollection: Field.nullable(Field.string(Schema.String.pipe(Schema.pattern(/^[a-z][a-z0-9_]{0,62}$/)))),
  linkedId: Field.nullable(Field.string(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(100)))),
  completedAt: Field.nullable(Field.timestamp())
}

/**
 * A follow-up task.
 *
 * @since 0.1.0
 * @category models
 */
export class Task extends Schema.Class<Task>("@rapport/core/Task")(Collection.modelFields(TaskId, fields)) {}

/**
 * @since 0.1.0
 * @category collections
 */
export const collection = Collection.make({
  name: "task",
  schema: Task,
  fields,
  indexes: [["assigneeId", "status", "dueAt"], ["contactId", "status"], ["linkedCollection", "linkedId"]]
})

/**
 * What `Tasks.create` and `Tasks.update` accept; status moves through `complete`,
 * `cancel` and `reopen`.
 *
 * @since 0.1.0
 * @category models
 */
export const inputs = Model.inputs(fields, {
  defaults: { status: () => "open" as const, priority: () => "normal" as const },
  fixed: ["status", "completedAt"]
})
