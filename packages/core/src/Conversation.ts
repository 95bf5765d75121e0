/**
 * Conversations gather the messages exchanged with a contact on one channel (an email
 * thread, a chat, a call); messages carry who wrote them and whether the customer
 * sees them.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as Collection from "./Collection.js"
import { ContactId } from "./Contact.js"
import * as Field from "./Field.js"
import * as Model from "./Model.js"
import { UserId } from "./User.js"

/**
 * @since 0.1.0
 * @category models
 */
export const ConversationId = Model.id("@rapport/core/ConversationId", "cnv")

/**
 * @since 0.1.0
 * @category models
 */
export type ConversationId = typeof ConversationId.Type

/**
 * @since 0.1.0
 * @category models
 */
export const MessageId = Model.id("@rapport/core/MessageId", "msg")

/**
 * @since 0.1.0
 * @category models
 */
export type MessageId = typeof MessageId.Type

/**
 * @since 0.1.0
 * @category models
 */
export const Channel = Schema.Literal("email", "chat", "phone", "social", "sms", "web_form")

/**
 * @since 0.1.0
 * @category models
 */
export type Channel = typeof Channel.Type

/**
 * Who wrote a message.
 *
 * @since 0.1.0
 * @category models
 */
export const AuthorKind = Schema.Literal("customer", "agent", "bot")

/**
 * @since 0.1.0
 * @category models
 */
export type AuthorKind = typeof AuthorKind.Type

/**
 * `public` messages reach the customer; `internal` ones are notes between agents.
 *
 * @since 0.1.0
 * @category models
 */
export const Visibility = Schema.Literal("public", "internal")

/**
 * @since 0.1.0
 * @category models
 */
export type Visibility = typeof Visibility.Type

/**
 * @since 0.1.0
 * @category models
 */
export const fields = {
  contactId: Field.ref("contact", ContactId),
  channel: Field.string(Channel),
  subject: Field.nullable(Field.text(500)),
  status: Field.string(Schema.Literal("open", "closed")),
  assigneeId: Field.nullable(Field.ref("user", UserId)),
  messageCount: Field.integer(Schema.Int.pipe(Schema.nonNegative())),
  lastMessageAt: Field.nullable(Field.timestamp()),
  custom: Model.customField()
}

/**
 * A conversation.
 *
 * @since 0.1.0
 * @category models
 */
export class Conversation
  extends Schema.Class<Conversation>("@rapport/core/Conversation")(Collection.modelFields(ConversationId, fields))
{}

/**
 * @since 0.1.0
 * @category collections
 */
export const collection = Collection.make({
  name: "conversation",
  schema: Conversation,
  fields,
  indexes: [["contactId", "lastMessageAt"], ["assigneeId", "status"]]
})

/**
 * @since 0.1.0
 * @category models
 */
export const messageFields = {
  conversationId: Field.ref("conversation", ConversationId),
  contactId: Field.ref("contact", ContactId),
  authorKind: Field.string(AuthorKind),
  authorId: Field.nullable(Field.string(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(100)))),
  visibility: Field.string(Visibility),
  body: Field.string(Schema.String.pipe(Schema.minLength(1, { message: () => "must not be empty" }), Schema.maxLength(1_000_000))),
  sentAt: Field.timestamp()
}

/**
 * A message in a conversation.
 *
 * @since 0.1.0
 * @category models
 */
export class Message extends Schema.Class<Message>("@rapport/core/Message")(Collection.modelFields(MessageId, messageFields)) {}

/**
 * @since 0.1.0
 * @category collections
 */
export const messageCollection = Collection.make({
  name: "message",
  schema: Message,
  fields: messageFields,
  indexes: [["conversationId", "sentAt"], ["contactId", "sentAt"]]
})

/**
 * What `Conversations.start` accepts: the conversation, and optionally its first message.
 *
 * @since 0.1.0
 * @category models
 */
export const StartInput = Schema.Struct({
  contactId: ContactId,
  channel: Channel,
  subject: Schema.optionalWith(Schema.NullOr(fields.subject.schema), { exact: true, default: () => null }),
  assigneeId: Schema.optionalWith(Schema.NullOr(UserId), { exact: true, default: () => null }),
  custom: Schema.optionalWith(Schema.Record({ key: Schema.String, value: Schema.Unknown }), { exact: true, default: () => ({}) })
})

/**
 * @since 0.1.0
 * @category models
 */
export type StartInput = typeof StartInput.Encoded

/**
 * What `Conversations.addMessage` accepts.
 *
 * @since 0.1.0
 * @category models
 */
export const MessageInput = Schema.Struct({
  authorKind: AuthorKind,
  authorId: Schema.optionalWith(Schema.NullOr(messageFields.authorId.schema.members[0]), { exact: true, default: () => null }),
  visibility: Schema.optionalWith(Visibility, { exact: true, default: () => "public" as const }),
  body: messageFields.body.schema,
  sentAt: Schema.optionalWith(messageFields.sentAt.schema, { exact: true })
})

/**
 * @since 0.1.0
 * @category models
 */
export type MessageInput = typeof MessageInput.Encoded
