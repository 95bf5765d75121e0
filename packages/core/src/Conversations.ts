/**
 * The `Conversations` service: threads with a contact on a channel, and their
 * messages.
 *
 * @since 0.1.0
 */
import { Context, Effect, Either, Layer, Option, Schedule, Schema } from "effect"
import * as Conversation from "./Conversation.js"
import * as CrmEvents from "./CrmEvents.js"
import { FieldIssue, ValidationError } from "./Errors.js"
import * as Input from "./Input.js"
import * as Records from "./Records.js"
import type { Typed } from "./internal/typed.js"
import type * as CustomField from "./CustomField.js"
import * as Subjects from "./internal/subjects.js"
import * as Model from "./Model.js"
import { UserId } from "./User.js"
import { CurrentWorkspace } from "./Workspace.js"

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = Effect.gen(function*() {
  const deps = yield* Records.dependencies
  const conversations = Records.make(deps, {
    collection: Conversation.collection,
    model: "Conversation",
    prefix: "cnv",
    subjects: Subjects.ofCustomer
  })
  const messages = Records.make(deps, {
    collection: Conversation.messageCollection,
    model: "Message",
    prefix: "msg",
    subjects: (row) => [`conversation:${row.conversationId}`, `contact:${row.contactId}`]
  })

  const setStatus = (command: string, status: "open" | "closed", eventType: string) => (ref: Records.Versioned) =>
    conversations.patchRow(command, ref, (row) =>
      row.status === status
        ? Effect.fail(ValidationError.single(conversations.operation(command), "status", `the conversation is already ${status}`))
        : Effect.succeed({ status }), { eventType })

  /**
   * Writes a decoded message and bumps its thread's counter, in one transaction (a
   * savepoint when the caller already runs one, as `start` does).
   */
  const writeMessage = (conversationId: string, message: typeof Conversation.MessageInput.Type, sentAt: number) =>
    Effect.gen(function*() {
      const workspaceId = yield* CurrentWorkspace
      return yield* deps.store.transaction(
        Effect.gen(function*() {
          const thread = yield* conversations.getRow(workspaceId, conversationId)
          const stored = yield* messages.insertRow("addMessage", {
            conversationId,
            contactId: thread.contactId as string,
            authorKind: message.authorKind,
            authorId: message.authorId,
            visibility: message.visibility,
            body: message.body,
            sentAt
          }, { eventType: CrmEvents.MessageAdded.type })
          // A customer writing into a closed thread reopens it.
          const reopen = thread.status === "closed" && message.authorKind === "customer"
          const updated = yield* conversations.patchRow("addMessage", thread, () =>
            Effect.succeed({
              messageCount: (thread.messageCount as number) + 1,
              lastMessageAt: Math.max(sentAt, (thread.lastMessageAt as number | null) ?? sentAt),
              ...(reopen ? { status: "open" } : {})
            }), {
            eventType: reopen ? CrmEvents.ConversationReopened.type : CrmEvents.ConversationUpdated.type,
            // The message's own event is on the contact's timeline; the counter bump is not.
            ownSubjectOnly: !reopen
          })
          return { conversation: updated, message: stored }
        })
      )
    })

  const addMessage = (conversationId: string, input: Conversation.MessageInput) =>
    Effect.gen(function*() {
      conversationId = yield* Input.decodeId(conversations.operation("addMessage"), conversationId, "conversationId")
      const message = yield* conversations.decodeInput("addMessage", Conversation.MessageInput, input)
      const sentAt = message.sentAt ?? (yield* conversations.now)
      return yield* writeMessage(conversationId, message, sentAt).pipe(
        // Two messages racing into one thread both succeed: the counter update is retried.
        Effect.retry({ while: (e) => e._tag === "Conflict", schedule: Schedule.recurs(5) })
      )
    })

  return {
    /**
     * Starts a conversation, optionally with its first message. Both inputs are
     * decoded before anything is written (a bad first message is named under
     * `firstMessage.`), and the thread and its first message are written in one
     * transaction: on any failure, neither is.
     */
    start: (input: Conversation.StartInput, firstMessage?: Conversation.MessageInput) =>
      Effect.gen(function*() {
        const decoded = yield* Effect.all({
          start: conversations.decodeInput("start", Conversation.StartInput, input),
          message: firstMessage === undefined
            ? Effect.succeed(undefined)
            : Effect.mapError(
              conversations.decodeInput("start", Conversation.MessageInput, firstMessage),
              underPath("firstMessage")
            )
        }, { mode: "either" })
        if (Either.isLeft(decoded.start) || Either.isLeft(decoded.message)) {
          // Report the issues of both inputs at once, not the first input's only.
          const issues = [Either.getLeft(decoded.start), Either.getLeft(decoded.message)]
            .flatMap(Option.match({ onNone: () => [], onSome: (error) => error.issues }))
          return yield* Effect.fail(new ValidationError({ operation: conversations.operation("start"), issues }))
        }
        const start = decoded.start.right
        const message = decoded.message.right
        const fields = yield* conversations.normalize("start", conversationStart, {
          ...Schema.encodeSync(Conversation.StartInput)(start),
          status: "open",
          messageCount: 0,
          lastMessageAt: null
        })
        if (message === undefined) return yield* conversations.insertRow("start", fields, { eventType: CrmEvents.ConversationStarted.type })
        const sentAt = message.sentAt ?? (yield* conversations.now)
        return yield* deps.store.transaction(
          Effect.gen(function*() {
            const started = yield* conversations.insertRow("start", fields, { eventType: CrmEvents.ConversationStarted.type })
            const { conversation } = yield* writeMessage(started.id, message, sentAt)
            return conversation
          })
        )
      }),

    /** Adds a message; updates the thread's count and last-message time in the same transaction. */
    addMessage,

    /** Closes an open conversation. */
    close: setStatus("close", "closed", CrmEvents.ConversationClosed.type),
    /** Reopens a closed conversation. */
    reopen: setStatus("reopen", "open", CrmEvents.ConversationReopened.type),
    /** Assigns to a user, or unassigns with `null`. */
    assign: (ref: Records.Versioned, assigneeId: string | null) =>
      conversations.patchRow("assign", ref, () =>
        conversations.normalize("assign", Schema.Struct({ assigneeId: Schema.NullOr(UserId) }), { assigneeId }), {
        eventType: CrmEvents.ConversationAssigned.type
      }),

    get: conversations.get,
    find: conversations.find,

    /** A contact's conversations, most recently active first. */
    forContact: (contactId: string, options: { readonly limit?: number; readonly cursor?: string } = {}) =>
      Effect.flatMap(Input.decodeId(conversations.operation("forContact"), contactId, "contactId"), (contactId) =>
        conversations.find({
          where: { _tag: "Compare", field: "contactId", op: "eq", value: contactId },
          orderBy: [{ field: "lastMessageAt", direction: "desc" }],
          ...options
        })),

    /** Messages of a conversation, oldest first. */
    messages: (conversationId: string, options: { readonly limit?: number; readonly cursor?: string } = {}) =>
      Effect.flatMap(Input.decodeId(conversations.operation("messages"), conversationId, "conversationId"), (conversationId) =>
        messages.find({
          where: { _tag: "Compare", field: "conversationId", op: "eq", value: conversationId },
          orderBy: [{ field: "sentAt", direction: "asc" }],
          ...options
        }))
  }
})

/** Moves a `ValidationError`'s issues under a field of a larger input (`body` → `firstMessage.body`). */
const underPath = (prefix: string) => (error: ValidationError): ValidationError =>
  new ValidationError({
    operation: error.operation,
    issues: error.issues.map((i) => new FieldIssue({ path: i.path === "" ? prefix : `${prefix}.${i.path}`, message: i.message }))
  })

const conversationStart = Schema.Struct({
  contactId: Conversation.fields.contactId.schema,
  channel: Conversation.Channel,
  subject: Conversation.fields.subject.schema,
  status: Conversation.fields.status.schema,
  assigneeId: Conversation.fields.assigneeId.schema,
  messageCount: Conversation.fields.messageCount.schema,
  lastMessageAt: Conversation.fields.lastMessageAt.schema,
  custom: Model.customField().schema
})

/**
 * @since 0.1.0
 * @category models
 */
export type Service = Effect.Effect.Success<typeof make>

/**
 * Conversations of the current workspace.
 *
 * @example
 * ```ts
 * import { Conversations } from "@rapport/core"
 * import { Effect } from "effect"
 * const ask = (contactId: string) =>
 *   Effect.flatMap(Conversations.Conversations, (conversations) =>
 *     conversations.start(
 *       { contactId, channel: "email", subject: "Where is my order?" },
 *       { authorKind: "customer", body: "It has been a week." }
 *     ))
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class Conversations extends Context.Tag("@rapport/core/Conversations")<Conversations, Service>() {}

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = Layer.effect(Conversations, make)

/**
 * The service with `custom` typed by the `conversation` part of a custom-field
 * declaration (same object at runtime; see `Contacts.typed`).
 *
 * @since 0.1.0
 * @category accessors
 */
export const typed = <F extends CustomField.Fields>(_fields: F): Effect.Effect<Typed<Service, Conversation.Conversation, F>, never, Conversations> =>
  Conversations as unknown as Effect.Effect<Typed<Service, Conversation.Conversation, F>, never, Conversations>
