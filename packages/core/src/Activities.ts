/**
 * The `Activities` service: log calls, emails, meetings and chats.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer } from "effect"
import * as Activity from "./Activity.js"
import * as CrmEvents from "./CrmEvents.js"
import { FieldIssue, ValidationError } from "./Errors.js"
import * as Input from "./Input.js"
import * as Records from "./Records.js"
import * as Subjects from "./internal/subjects.js"

const CALL_ONLY = ["durationSeconds", "recordingUrl", "transcript"] as const

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = Effect.gen(function*() {
  const records = Records.make(yield* Records.dependencies, {
    collection: Activity.collection,
    model: "Activity",
    prefix: "act",
    subjects: Subjects.ofCustomer
  })
  const base = Records.crud(records, Activity.inputs)
  const callDetailsOnCalls = (command: string, type: unknown, fields: Record<string, unknown>) => {
    if (type === "call" || type === "meeting") return Effect.void
    const issues = CALL_ONLY.filter((f) => fields[f] !== undefined && fields[f] !== null).map((f) =>
      new FieldIssue({ path: f, message: `only calls and meetings have a ${f}` })
    )
    return issues.length === 0 ? Effect.void : Effect.fail(new ValidationError({ operation: records.operation(command), issues }))
  }
  return {
    /** Logs an activity. Duration, recording and transcript belong to calls and meetings. */
    log: (input: Parameters<typeof base.create>[0]) =>
      Effect.gen(function*() {
        const fields = yield* records.normalize("log", Activity.inputs.create, input)
        yield* callDetailsOnCalls("log", fields.type, fields)
        return yield* records.insertRow("log", fields, { eventType: CrmEvents.ActivityLogged.type })
      }),
    update: (ref: Records.Versioned, patch: Parameters<typeof base.update>[1]) =>
      records.patchRow("update", ref, (row) =>
        Effect.gen(function*() {
          const fields = yield* records.normalize("update", Activity.inputs.update, patch)
          yield* callDetailsOnCalls("update", row.type, fields)
          return fields
        })),
    remove: base.remove,
    get: base.get,
    find: base.find,
    /** A contact's activities, newest first. */
    forContact: (contactId: string, options: { readonly limit?: number; readonly cursor?: string } = {}) =>
      Effect.flatMap(Input.decodeId(records.operation("forContact"), contactId, "contactId"), (contactId) =>
        base.find({
          where: { _tag: "Compare", field: "contactId", op: "eq", value: contactId },
          orderBy: [{ field: "occurredAt", direction: "desc" }],
          ...options
        }))
  }
})

/**
 * @since 0.1.0
 * @category models
 */
export type Service = Effect.Effect.Success<typeof make>

/**
 * Activities of the current workspace.
 *
 * @example
 * ```ts
 * import { Activities } from "@rapport/core"
 * import { Effect } from "effect"
 * const logCall = (contactId: string) =>
 *   Effect.flatMap(Activities.Activities, (activities) =>
 *     activities.log({
 *       type: "call",
 *       direction: "outbound",
 *       occurredAt: Date.now(),
 *       durationSeconds: 420,
 *       contactId
 *     }))
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class Activities extends Context.Tag("@rapport/core/Activities")<Activities, Service>() {}

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = Layer.effect(Activities, make)
