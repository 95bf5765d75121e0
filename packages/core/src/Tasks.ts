/**
 * The `Tasks` service: follow-ups with a due time and an assignee.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Schema } from "effect"
import * as CrmEvents from "./CrmEvents.js"
import { ValidationError } from "./Errors.js"
import * as Input from "./Input.js"
import * as Records from "./Records.js"
import * as Subjects from "./internal/subjects.js"
import * as Task from "./Task.js"
import { Timestamp } from "./Timestamp.js"

const DueForInput = Schema.Struct({ assigneeId: Input.Id, before: Timestamp })

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = Effect.gen(function*() {
  const records = Records.make(yield* Records.dependencies, {
    collection: Task.collection,
    model: "Task",
    prefix: "task",
    subjects: Subjects.ofCustomer
  })
  const base = Records.crud(records, Task.inputs)

  const move = (command: string, from: ReadonlyArray<Task.TaskStatus>, to: Task.TaskStatus, eventType: string) =>
  (ref: Records.Versioned) =>
    records.patchRow(command, ref, (row) =>
      from.includes(row.status as Task.TaskStatus)
        ? Effect.map(Effect.clockWith((clock) => clock.currentTimeMillis), (now) => ({
          status: to,
          completedAt: to === "done" ? now : null
        }))
        : Effect.fail(ValidationError.single(records.operation(command), "status", `the task is ${row.status}, so it cannot be ${to === "open" ? "reopened" : `marked ${to}`}`)), {
      eventType
    })

  const linkedTogether = (command: string, fields: Record<string, unknown>) =>
    (fields.linkedCollection === null) === (fields.linkedId === null)
      ? Effect.void
      : Effect.fail(ValidationError.single(records.operation(command), "linkedId", "linkedCollection and linkedId go together"))

  return {
    /** Creates an open task. */
    create: (input: Parameters<typeof base.create>[0]) =>
      Effect.gen(function*() {
        const fields = yield* records.normalize("create", Task.inputs.create, input)
        yield* linkedTogether("create", fields)
        return yield* records.insertRow("create", fields)
      }),
    update: base.update,
    remove: base.remove,
    get: base.get,
    find: base.find,
    /** Marks an open task done (records `completedAt`). */
    complete: move("complete", ["open"], "done", CrmEvents.TaskCompleted.type),
    /** Cancels an open task. */
    cancel: move("cancel", ["open"], "cancelled", CrmEvents.TaskCancelled.type),
    /** Reopens a done or cancelled task. */
    reopen: move("reopen", ["done", "cancelled"], "open", CrmEvents.TaskReopened.type),
    /** Open tasks of a contact, soonest due first (undated last). */
    openFor: (contactId: string) =>
      Effect.gen(function*() {
        const id = yield* Input.decodeId(records.operation("openFor"), contactId, "contactId")
        const page = yield* base.find({
          where: {
            _tag: "And",
            exprs: [
              { _tag: "Compare", field: "contactId", op: "eq", value: id },
              { _tag: "Compare", field: "status", op: "eq", value: "open" }
            ]
          },
          orderBy: [{ field: "dueAt", direction: "asc" }]
        })
        return page.items
      }),
    /** Open tasks of an assignee due before a time (overdue when `before` is now). */
    dueFor: (assigneeId: string, before: number) =>
      Effect.gen(function*() {
        const input = yield* records.decodeInput("dueFor", DueForInput, { assigneeId, before })
        const page = yield* base.find({
          where: {
            _tag: "And",
            exprs: [
              { _tag: "Compare", field: "assigneeId", op: "eq", value: input.assigneeId },
              { _tag: "Compare", field: "status", op: "eq", value: "open" },
              { _tag: "Compare", field: "dueAt", op: "lt", value: input.before }
            ]
          },
          orderBy: [{ field: "dueAt", direction: "asc" }]
        })
        return page.items
      })
  }
})

/**
 * @since 0.1.0
 * @category models
 */
export type Service = Effect.Effect.Success<typeof make>

/**
 * Tasks of the current workspace.
 *
 * @example
 * ```ts
 * import { Tasks } from "@rapport/core"
 * import { Effect } from "effect"
 * const followUp = (contactId: string, assigneeId: string, dueAt: number) =>
 *   Effect.flatMap(Tasks.Tasks, (tasks) => tasks.create({ title: "Send the quote", contactId, assigneeId, dueAt }))
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class Tasks extends Context.Tag("@rapport/core/Tasks")<Tasks, Service>() {}

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = Layer.effect(Tasks, make)
