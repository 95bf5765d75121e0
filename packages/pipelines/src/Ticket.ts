/**
 * Support tickets: a request from a customer, moving through a lifecycle (new, open,
 * pending, on hold, solved, closed), with a priority, a channel, an assignee and a team,
 * links to the contact, order and conversation it is about, and the timeline the SLA
 * clocks and metrics are computed from.
 *
 * @since 0.1.0
 */
import { Collection, Contact, Conversation, Field, Model, Order, Team, User } from "@rapport/core"
import { Schema } from "effect"

/**
 * @since 0.1.0
 * @category models
 */
export const TicketId = Model.id("@rapport/pipelines/TicketId", "tkt")

/**
 * @since 0.1.0
 * @category models
 */
export type TicketId = typeof TicketId.Type

/**
 * @since 0.1.0
 * @category models
 */
export const ReplyId = Model.id("@rapport/pipelines/TicketReplyId", "rep")

/**
 * @since 0.1.0
 * @category models
 */
export type ReplyId = typeof ReplyId.Type

/**
 * Ticket priorities, lowest first.
 *
 * @since 0.1.0
 * @category models
 */
export const Priority = Schema.Literal("low", "normal", "high", "urgent")

/**
 * @since 0.1.0
 * @category models
 */
export type Priority = typeof Priority.Type

/**
 * The priorities in ascending order (`priorities.indexOf(p)` ranks them).
 *
 * @since 0.1.0
 * @category constants
 */
export const priorities: ReadonlyArray<Priority> = Priority.literals

/**
 * What a lifecycle state means to SLA clocks and metrics. A workspace may name its
 * states as it likes; each state declares one of these categories in its `meta`.
 *
 * @since 0.1.0
 * @category models
 */
export const Category = Schema.Literal("new", "open", "pending", "on_hold", "solved", "closed")

/**
 * @since 0.1.0
 * @category models
 */
export type Category = typeof Category.Type

/**
 * @since 0.1.0
 * @category models
 */
export const Channel = Conversation.Channel

/**
 * @since 0.1.0
 * @category models
 */
export type Channel = Conversation.Channel

/**
 * Who wrote a reply (`customer`, `agent`, `bot`).
 *
 * @since 0.1.0
 * @category models
 */
export const AuthorKind = Conversation.AuthorKind

/**
 * @since 0.1.0
 * @category models
 */
export type AuthorKind = Conversation.AuthorKind

/**
 * `public` replies reach the customer; `internal` ones are notes between agents.
 *
 * @since 0.1.0
 * @category models
 */
export const Visibility = Conversation.Visibility

/**
 * @since 0.1.0
 * @category models
 */
export type Visibility = Conversation.Visibility

/**
 * One entry of a ticket's timeline: a status change or a reply (who and how visible, not
 * the body). SLA clocks and metrics are pure functions of this list.
 *
 * @example
 * ```ts
 * import { Ticket } from "@rapport/pipelines"
 *
 * const timeline: ReadonlyArray<Ticket.Entry> = [
 *   { _tag: "Status", at: 0, status: "new", category: "new" },
 *   { _tag: "Reply", at: 60_000, author: "agent", visibility: "public" }
 * ]
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export const Entry = Schema.Union(
  Schema.TaggedStruct("Status", { at: Schema.Int, status: Schema.String, category: Category }),
  Schema.TaggedStruct("Reply", { at: Schema.Int, author: AuthorKind, visibility: Visibility })
)

/**
 * @since 0.1.0
 * @category models
 */
export type Entry = typeof Entry.Type

/**
 * The SLA policy applied to a ticket, frozen when it was applied, and since when.
 * Breaches already recorded (`breached`: target key → instant) and warnings sent stay
 * recorded when the policy changes.
 *
 * @since 0.1.0
 * @category models
 */
export const SlaState = Schema.Struct({
  policy: Schema.NullOr(Schema.Unknown),
  appliedAt: Schema.Int,
  warned: Schema.Array(Schema.String),
  breached: Schema.Record({ key: Schema.String, value: Schema.Int })
})

/**
 * @since 0.1.0
 * @category models
 */
export type SlaState = typeof SlaState.Type

/**
 * The stored fields of a ticket.
 *
 * @since 0.1.0
 * @category models
 */
export const fields = {
  subject: Field.text(500),
  description: Field.nullable(Field.string(Schema.String.pipe(Schema.maxLength(100_000)))),
  status: Field.string(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(64))),
  category: Field.string(Category),
  priority: Field.string(Priority),
  channel: Field.string(Channel),
  contactId: Field.nullable(Field.ref("contact", Contact.ContactId)),
  orderId: Field.nullable(Field.ref("order", Order.OrderId)),
  conversationId: Field.nullable(Field.ref("conversation", Conversation.ConversationId)),
  assigneeId: Field.nullable(Field.ref("user", User.UserId)),
  teamId: Field.nullable(Field.ref("team", Team.TeamId)),
  tags: Field.strings(Model.Tag),
  /** Customer segments (`vip`) SLA policies may select on; set by the caller. */
  segments: Field.strings(Model.Tag),
  mergedIntoId: Field.nullable(Field.ref("ticket", TicketId)),
  firstReplyAt: Field.nullable(Field.timestamp()),
  lastCustomerReplyAt: Field.nullable(Field.timestamp()),
  lastAgentReplyAt: Field.nullable(Field.timestamp()),
  solvedAt: Field.nullable(Field.timestamp()),
  closedAt: Field.nullable(Field.timestamp()),
  reopenCount: Field.integer(Schema.Int.pipe(Schema.nonNegative())),
  timeline: Field.json(Schema.Array(Entry)),
  slaPolicyId: Field.nullable(Field.string(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(100)))),
  /** The earliest due time of a running SLA target: what `checkSla` scans by. */
  slaDueAt: Field.nullable(Field.timestamp()),
  sla: Field.json(SlaState),
  escalations: Field.strings(Schema.String),
  custom: Model.customField()
}

/**
 * A ticket.
 *
 * @since 0.1.0
 * @category models
 */
export class Ticket extends Schema.Class<Ticket>("@rapport/pipelines/Ticket")(Collection.modelFields(TicketId, fields)) {}

/**
 * The `ticket` collection.
 *
 * @since 0.1.0
 * @category collections
 */
export const collection = Collection.make({
  name: "ticket",
  schema: Ticket,
  fields,
  indexes: [["category", "slaDueAt"], ["contactId", "createdAt"], ["assigneeId", "category"], ["teamId", "category"], [
    "orderId"
  ], ["conversationId"]]
})

/**
 * @since 0.1.0
 * @category models
 */
export const replyFields = {
  ticketId: Field.ref("ticket", TicketId),
  contactId: Field.nullable(Field.ref("contact", Contact.ContactId)),
  authorKind: Field.string(AuthorKind),
  authorId: Field.nullable(Field.string(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(100)))),
  visibility: Field.string(Visibility),
  body: Field.string(
    Schema.String.pipe(Schema.minLength(1, { message: () => "must not be empty" }), Schema.maxLength(1_000_000))
  ),
  sentAt: Field.timestamp()
}

/**
 * A reply on a ticket: a customer message, an agent answer, a bot message or an internal
 * note.
 *
 * @since 0.1.0
 * @category models
 */
export class Reply extends Schema.Class<Reply>("@rapport/pipelines/TicketReply")(Collection.modelFields(ReplyId, replyFields)) {}

/**
 * The `ticket_reply` collection.
 *
 * @since 0.1.0
 * @category collections
 */
export const replyCollection = Collection.make({
  name: "ticket_reply",
  schema: Reply,
  fields: replyFields,
  indexes: [["ticketId", "sentAt"], ["contactId", "sentAt"]]
})

/**
 * The collections tickets store: add them to `Crm.layer({ collections })`.
 *
 * @example
 * ```ts
 * import { Crm } from "@rapport/core"
 * import { MemoryStore } from "@rapport/memory"
 * import { Ticket } from "@rapport/pipelines"
 *
 * const CrmLive = Crm.layer({ store: MemoryStore.layer, collections: Ticket.collections })
 * ```
 *
 * @since 0.1.0
 * @category collections
 */
export const collections = [collection, replyCollection] as const

/**
 * What `Tickets.create` accepts.
 *
 * @since 0.1.0
 * @category models
 */
export const CreateInput = Schema.Struct({
  subject: fields.subject.schema,
  description: Schema.optionalWith(fields.description.schema, { exact: true, default: () => null }),
  channel: Channel,
  priority: Schema.optionalWith(Priority, { exact: true, default: () => "normal" as const }),
  contactId: Schema.optionalWith(fields.contactId.schema, { exact: true, default: () => null }),
  orderId: Schema.optionalWith(fields.orderId.schema, { exact: true, default: () => null }),
  conversationId: Schema.optionalWith(fields.conversationId.schema, { exact: true, default: () => null }),
  assigneeId: Schema.optionalWith(fields.assigneeId.schema, { exact: true, default: () => null }),
  teamId: Schema.optionalWith(fields.teamId.schema, { exact: true, default: () => null }),
  tags: Schema.optionalWith(Schema.Array(Model.Tag), { exact: true, default: () => [] }),
  segments: Schema.optionalWith(Schema.Array(Model.Tag), { exact: true, default: () => [] }),
  custom: Schema.optionalWith(Schema.Record({ key: Schema.String, value: Schema.Unknown }), {
    exact: true,
    default: () => ({})
  })
})

/**
 * @since 0.1.0
 * @category models
 */
export type CreateInput = typeof CreateInput.Encoded

/**
 * What `Tickets.reply` accepts.
 *
 * @since 0.1.0
 * @category models
 */
export const ReplyInput = Schema.Struct({
  authorKind: AuthorKind,
  authorId: Schema.optionalWith(Schema.NullOr(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(100))), {
    exact: true,
    default: () => null
  }),
  visibility: Schema.optionalWith(Visibility, { exact: true, default: () => "public" as const }),
  body: replyFields.body.schema
})

/**
 * @since 0.1.0
 * @category models
 */
export type ReplyInput = typeof ReplyInput.Encoded

/**
 * Whether a reply counts as an agent's answer for SLA and metrics: public and written
 * by an agent (bots and internal notes do not count).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isAgentAnswer = (reply: { readonly author: AuthorKind; readonly visibility: Visibility }): boolean =>
  reply.author === "agent" && reply.visibility === "public"

/**
 * Whether a category stops every clock (`solved`, `closed`).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isDone = (category: Category): boolean => category === "solved" || category === "closed"
