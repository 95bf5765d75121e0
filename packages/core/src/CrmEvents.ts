/**
 * The event types core's services write, each with the `Schema` of its payload
 * (`DomainEvent.define`), and `all`, their union. A consumer decodes a stored event
 * with the definition of its type instead of casting the payload.
 *
 * Two payload shapes cover them: `{ record }` (the record as stored) for the events
 * that create or delete a record, and `{ changes }` (each changed field's `{ from, to }`)
 * for the events that change one.
 *
 * @example
 * ```ts
 * import { CrmEvents, type DomainEvent } from "@rapport/core"
 * import { Either } from "effect"
 *
 * // The contacts created in a page of the log, typed: no cast of `payload`.
 * const newLeads = (events: ReadonlyArray<DomainEvent.StoredEvent>) =>
 *   events.flatMap((event) => {
 *     const created = CrmEvents.ContactCreated.decode(event)
 *     return Either.isRight(created) && created.right.payload.record.lifecycleStage === "lead"
 *       ? [created.right.payload.record.firstName]
 *       : []
 *   })
 * ```
 *
 * @since 0.1.0
 */
import * as Activity from "./Activity.js"
import * as Association from "./Association.js"
import * as Company from "./Company.js"
import * as Contact from "./Contact.js"
import * as Conversation from "./Conversation.js"
import * as DomainEvent from "./DomainEvent.js"
import * as Note from "./Note.js"
import * as Order from "./Order.js"
import * as Product from "./Product.js"
import * as Task from "./Task.js"
import * as Team from "./Team.js"
import * as User from "./User.js"

const changes = DomainEvent.changesPayload()

// Users

/**
 * `Users.create`: `{ record }`.
 *
 * @since 0.1.0
 * @category events
 */
export const UserCreated = DomainEvent.define("UserCreated", DomainEvent.recordPayload(User.User))

/**
 * `Users.update`: `{ changes }`.
 *
 * @since 0.1.0
 * @category events
 */
export const UserUpdated = DomainEvent.define("UserUpdated", changes)

/**
 * `Users.remove`: `{ record }`, the user as it was.
 *
 * @since 0.1.0
 * @category events
 */
export const UserDeleted = DomainEvent.define("UserDeleted", DomainEvent.recordPayload(User.User))

// Teams

/**
 * `Teams.create`: `{ record }`.
 *
 * @since 0.1.0
 * @category events
 */
export const TeamCreated = DomainEvent.define("TeamCreated", DomainEvent.recordPayload(Team.Team))

/**
 * `Teams.update`: `{ changes }`.
 *
 * @since 0.1.0
 * @category events
 */
export const TeamUpdated = DomainEvent.define("TeamUpdated", changes)

/**
 * `Teams.remove`: `{ record }`, the team as it was.
 *
 * @since 0.1.0
 * @category events
 */
export const TeamDeleted = DomainEvent.define("TeamDeleted", DomainEvent.recordPayload(Team.Team))

// Contacts

/**
 * `Contacts.create`: `{ record }`.
 *
 * @since 0.1.0
 * @category events
 */
export const ContactCreated = DomainEvent.define("ContactCreated", DomainEvent.recordPayload(Contact.Contact))

/**
 * `Contacts.update`, `addTags`, `removeTags`: `{ changes }`.
 *
 * @since 0.1.0
 * @category events
 */
export const ContactUpdated = DomainEvent.define("ContactUpdated", changes)

/**
 * `Contacts.setConsent`: `{ changes }` of `consentStatus`, `consentSource`, `consentAt`.
 *
 * @since 0.1.0
 * @category events
 */
export const ContactConsentChanged = DomainEvent.define("ContactConsentChanged", changes)

/**
 * `Contacts.remove`: `{ record }`, the contact as it was.
 *
 * @since 0.1.0
 * @category events
 */
export const ContactDeleted = DomainEvent.define("ContactDeleted", DomainEvent.recordPayload(Contact.Contact))

// Companies

/**
 * `Companies.create`: `{ record }`.
 *
 * @since 0.1.0
 * @category events
 */
export const CompanyCreated = DomainEvent.define("CompanyCreated", DomainEvent.recordPayload(Company.Company))

/**
 * `Companies.update`: `{ changes }`.
 *
 * @since 0.1.0
 * @category events
 */
export const CompanyUpdated = DomainEvent.define("CompanyUpdated", changes)

/**
 * `Companies.remove`: `{ record }`, the company as it was.
 *
 * @since 0.1.0
 * @category events
 */
export const CompanyDeleted = DomainEvent.define("CompanyDeleted", DomainEvent.recordPayload(Company.Company))

// Associations

/**
 * `Associations.link` (and `Companies.addToCommittee`): `{ record }`, the link.
 *
 * @since 0.1.0
 * @category events
 */
export const RecordsLinked = DomainEvent.define("RecordsLinked", DomainEvent.recordPayload(Association.Association))

/**
 * `Associations.unlink`: `{ record }`, the link as it was.
 *
 * @since 0.1.0
 * @category events
 */
export const AssociationDeleted = DomainEvent.define(
  "AssociationDeleted",
  DomainEvent.recordPayload(Association.Association)
)

// Activities

/**
 * `Activities.log`: `{ record }`.
 *
 * @since 0.1.0
 * @category events
 */
export const ActivityLogged = DomainEvent.define("ActivityLogged", DomainEvent.recordPayload(Activity.Activity))

/**
 * `Activities.update`: `{ changes }`.
 *
 * @since 0.1.0
 * @category events
 */
export const ActivityUpdated = DomainEvent.define("ActivityUpdated", changes)

/**
 * `Activities.remove`: `{ record }`, the activity as it was.
 *
 * @since 0.1.0
 * @category events
 */
export const ActivityDeleted = DomainEvent.define("ActivityDeleted", DomainEvent.recordPayload(Activity.Activity))

// Notes

/**
 * `Notes.create`: `{ record }`.
 *
 * @since 0.1.0
 * @category events
 */
export const NoteCreated = DomainEvent.define("NoteCreated", DomainEvent.recordPayload(Note.Note))

/**
 * `Notes.update`: `{ changes }`.
 *
 * @since 0.1.0
 * @category events
 */
export const NoteUpdated = DomainEvent.define("NoteUpdated", changes)

/**
 * `Notes.remove`: `{ record }`, the note as it was.
 *
 * @since 0.1.0
 * @category events
 */
export const NoteDeleted = DomainEvent.define("NoteDeleted", DomainEvent.recordPayload(Note.Note))

// Tasks

/**
 * `Tasks.create`: `{ record }`.
 *
 * @since 0.1.0
 * @category events
 */
export const TaskCreated = DomainEvent.define("TaskCreated", DomainEvent.recordPayload(Task.Task))

/**
 * `Tasks.update`: `{ changes }`.
 *
 * @since 0.1.0
 * @category events
 */
export const TaskUpdated = DomainEvent.define("TaskUpdated", changes)

/**
 * `Tasks.complete`: `{ changes }` of `status` and `completedAt`.
 *
 * @since 0.1.0
 * @category events
 */
export const TaskCompleted = DomainEvent.define("TaskCompleted", changes)

/**
 * `Tasks.cancel`: `{ changes }` of `status`.
 *
 * @since 0.1.0
 * @category events
 */
export const TaskCancelled = DomainEvent.define("TaskCancelled", changes)

/**
 * `Tasks.reopen`: `{ changes }` of `status` (and `completedAt`).
 *
 * @since 0.1.0
 * @category events
 */
export const TaskReopened = DomainEvent.define("TaskReopened", changes)

/**
 * `Tasks.remove`: `{ record }`, the task as it was.
 *
 * @since 0.1.0
 * @category events
 */
export const TaskDeleted = DomainEvent.define("TaskDeleted", DomainEvent.recordPayload(Task.Task))

// Products

/**
 * `Products.create`: `{ record }`.
 *
 * @since 0.1.0
 * @category events
 */
export const ProductCreated = DomainEvent.define("ProductCreated", DomainEvent.recordPayload(Product.Product))

/**
 * `Products.update`: `{ changes }`.
 *
 * @since 0.1.0
 * @category events
 */
export const ProductUpdated = DomainEvent.define("ProductUpdated", changes)

/**
 * `Products.remove`: `{ record }`, the product as it was.
 *
 * @since 0.1.0
 * @category events
 */
export const ProductDeleted = DomainEvent.define("ProductDeleted", DomainEvent.recordPayload(Product.Product))

// Orders

/**
 * `Orders.place`: `{ record }`, the order with its lines and total.
 *
 * @since 0.1.0
 * @category events
 */
export const OrderPlaced = DomainEvent.define("OrderPlaced", DomainEvent.recordPayload(Order.Order))

/**
 * `Orders.pay`: `{ changes }` of `status` and `paidAt`.
 *
 * @since 0.1.0
 * @category events
 */
export const OrderPaid = DomainEvent.define("OrderPaid", changes)

/**
 * `Orders.fulfil`: `{ changes }` of `status` and `fulfilledAt`.
 *
 * @since 0.1.0
 * @category events
 */
export const OrderFulfilled = DomainEvent.define("OrderFulfilled", changes)

/**
 * `Orders.cancel`: `{ changes }` of `status` and `cancelledAt`.
 *
 * @since 0.1.0
 * @category events
 */
export const OrderCancelled = DomainEvent.define("OrderCancelled", changes)

/**
 * `Orders.refund`: `{ changes }` of `refunded` (and `status`).
 *
 * @since 0.1.0
 * @category events
 */
export const OrderRefunded = DomainEvent.define("OrderRefunded", changes)

// Conversations

/**
 * `Conversations.start`: `{ record }`, the thread (its first message has `MessageAdded`).
 *
 * @since 0.1.0
 * @category events
 */
export const ConversationStarted = DomainEvent.define(
  "ConversationStarted",
  DomainEvent.recordPayload(Conversation.Conversation)
)

/**
 * A message counted on its thread (`messageCount`, `lastMessageAt`): `{ changes }`.
 * Its only subject is the thread, so it stays off the contact's timeline.
 *
 * @since 0.1.0
 * @category events
 */
export const ConversationUpdated = DomainEvent.define("ConversationUpdated", changes)

/**
 * `Conversations.close`: `{ changes }` of `status`.
 *
 * @since 0.1.0
 * @category events
 */
export const ConversationClosed = DomainEvent.define("ConversationClosed", changes)

/**
 * `Conversations.reopen`, or a customer's message into a closed thread: `{ changes }`.
 *
 * @since 0.1.0
 * @category events
 */
export const ConversationReopened = DomainEvent.define("ConversationReopened", changes)

/**
 * `Conversations.assign`: `{ changes }` of `assigneeId`.
 *
 * @since 0.1.0
 * @category events
 */
export const ConversationAssigned = DomainEvent.define("ConversationAssigned", changes)

/**
 * `Conversations.addMessage` (and `start` with a first message): `{ record }`, the message.
 *
 * @since 0.1.0
 * @category events
 */
export const MessageAdded = DomainEvent.define("MessageAdded", DomainEvent.recordPayload(Conversation.Message))

/**
 * Every event type core writes: decodes any of them, and `all.types` lists them.
 *
 * @since 0.1.0
 * @category events
 */
export const all = DomainEvent.union(
  UserCreated,
  UserUpdated,
  UserDeleted,
  TeamCreated,
  TeamUpdated,
  TeamDeleted,
  ContactCreated,
  ContactUpdated,
  ContactConsentChanged,
  ContactDeleted,
  CompanyCreated,
  CompanyUpdated,
  CompanyDeleted,
  RecordsLinked,
  AssociationDeleted,
  ActivityLogged,
  ActivityUpdated,
  ActivityDeleted,
  NoteCreated,
  NoteUpdated,
  NoteDeleted,
  TaskCreated,
  TaskUpdated,
  TaskCompleted,
  TaskCancelled,
  TaskReopened,
  TaskDeleted,
  ProductCreated,
  ProductUpdated,
  ProductDeleted,
  OrderPlaced,
  OrderPaid,
  OrderFulfilled,
  OrderCancelled,
  OrderRefunded,
  ConversationStarted,
  ConversationUpdated,
  ConversationClosed,
  ConversationReopened,
  ConversationAssigned,
  MessageAdded
)

/**
 * Any event core writes, decoded.
 *
 * @since 0.1.0
 * @category models
 */
export type Any = DomainEvent.EventOf<typeof all>
