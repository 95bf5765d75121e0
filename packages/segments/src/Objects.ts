/**
 * Core's and the pipelines' objects, ready for segments: contacts, companies, orders,
 * conversations, activities, tasks, notes, users, deals, leads and tickets, with the
 * references their paths follow (`ticket.contact.company.size`) and the records that
 * point at them (`contact.orders`, `company.deals`).
 *
 * The object types are spelled out because the objects refer to each other (a contact's
 * company has contacts).
 *
 * @since 0.1.0
 */
import { Activity, Company, Contact, Conversation, Note, Order, Task, User } from "@rapport/core"
import { Deal, Lead, Ticket } from "@rapport/pipelines"
import type { SegmentObject } from "./SegmentObject.js"
import { make } from "./SegmentObject.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface UserObject extends SegmentObject<typeof User.User.fields, {}, {}> {}

/**
 * @since 0.1.0
 * @category models
 */
export interface ContactObject extends
  SegmentObject<
    typeof Contact.Contact.fields,
    { readonly company: CompanyObject; readonly owner: UserObject },
    {
      readonly orders: OrderObject
      readonly conversations: ConversationObject
      readonly activities: ActivityObject
      readonly tasks: TaskObject
      readonly notes: NoteObject
      readonly deals: DealObject
      readonly leads: LeadObject
      readonly tickets: TicketObject
    }
  >
{}

/**
 * @since 0.1.0
 * @category models
 */
export interface CompanyObject extends
  SegmentObject<
    typeof Company.Company.fields,
    { readonly owner: UserObject },
    {
      readonly contacts: ContactObject
      readonly orders: OrderObject
      readonly activities: ActivityObject
      readonly notes: NoteObject
      readonly deals: DealObject
      readonly leads: LeadObject
    }
  >
{}

/**
 * @since 0.1.0
 * @category models
 */
export interface OrderObject extends
  SegmentObject<
    typeof Order.Order.fields,
    { readonly contact: ContactObject; readonly company: CompanyObject },
    { readonly tickets: TicketObject }
  >
{}

/**
 * @since 0.1.0
 * @category models
 */
export interface ConversationObject extends
  SegmentObject<
    typeof Conversation.Conversation.fields,
    { readonly contact: ContactObject; readonly assignee: UserObject },
    { readonly tickets: TicketObject }
  >
{}

/**
 * @since 0.1.0
 * @category models
 */
export interface ActivityObject extends
  SegmentObject<
    typeof Activity.Activity.fields,
    { readonly contact: ContactObject; readonly company: CompanyObject; readonly owner: UserObject },
    {}
  >
{}

/**
 * @since 0.1.0
 * @category models
 */
export interface TaskObject extends
  SegmentObject<typeof Task.Task.fields, { readonly contact: ContactObject; readonly assignee: UserObject }, {}>
{}

/**
 * @since 0.1.0
 * @category models
 */
export interface NoteObject extends
  SegmentObject<
    typeof Note.Note.fields,
    { readonly contact: ContactObject; readonly company: CompanyObject; readonly author: UserObject },
    {}
  >
{}

/**
 * @since 0.1.0
 * @category models
 */
export interface DealObject extends
  SegmentObject<
    typeof Deal.Deal.fields,
    { readonly contact: ContactObject; readonly company: CompanyObject; readonly owner: UserObject },
    {}
  >
{}

/**
 * @since 0.1.0
 * @category models
 */
export interface LeadObject extends
  SegmentObject<
    typeof Lead.Lead.fields,
    { readonly contact: ContactObject; readonly company: CompanyObject; readonly owner: UserObject; readonly deal: DealObject },
    {}
  >
{}

/**
 * @since 0.1.0
 * @category models
 */
export interface TicketObject extends
  SegmentObject<
    typeof Ticket.Ticket.fields,
    {
      readonly contact: ContactObject
      readonly order: OrderObject
      readonly conversation: ConversationObject
      readonly assignee: UserObject
    },
    {}
  >
{}

/**
 * Users (owners, assignees).
 *
 * @since 0.1.0
 * @category objects
 */
export const user: UserObject = make({ name: "user", fields: User.User.fields })

/**
 * Contacts: their company and owner; their orders (by `placedAt`), conversations (by
 * `lastMessageAt`), activities (by `occurredAt`), tasks, notes, deals, leads and tickets
 * (by `createdAt`).
 *
 * @example
 * ```ts
 * import { Objects, Segment } from "@rapport/segments"
 *
 * const repeatBuyers = Segment.of(Objects.contact)
 *   .where((c) => c.lifecycleStage.eq("customer"))
 *   .and((c) => c.orders.count({ within: Segment.days(90) }).gte(3))
 * ```
 *
 * @since 0.1.0
 * @category objects
 */
export const contact: ContactObject = make({
  name: "contact",
  fields: Contact.Contact.fields,
  refs: { company: { field: "companyId", target: () => company }, owner: { field: "ownerId", target: () => user } },
  related: {
    orders: { target: () => order, foreignKey: "contactId" },
    conversations: { target: () => conversation, foreignKey: "contactId" },
    activities: { target: () => activity, foreignKey: "contactId" },
    tasks: { target: () => task, foreignKey: "contactId" },
    notes: { target: () => note, foreignKey: "contactId" },
    deals: { target: () => deal, foreignKey: "contactId" },
    leads: { target: () => lead, foreignKey: "contactId" },
    tickets: { target: () => ticket, foreignKey: "contactId" }
  }
})

/**
 * Companies: their owner; their contacts, orders, activities, notes, deals and leads.
 *
 * @since 0.1.0
 * @category objects
 */
export const company: CompanyObject = make({
  name: "company",
  fields: Company.Company.fields,
  refs: { owner: { field: "ownerId", target: () => user } },
  related: {
    contacts: { target: () => contact, foreignKey: "companyId" },
    orders: { target: () => order, foreignKey: "companyId" },
    activities: { target: () => activity, foreignKey: "companyId" },
    notes: { target: () => note, foreignKey: "companyId" },
    deals: { target: () => deal, foreignKey: "companyId" },
    leads: { target: () => lead, foreignKey: "companyId" }
  }
})

/**
 * Orders: their contact and company; the tickets about them.
 *
 * @since 0.1.0
 * @category objects
 */
export const order: OrderObject = make({
  name: "order",
  fields: Order.Order.fields,
  refs: { contact: { field: "contactId", target: () => contact }, company: { field: "companyId", target: () => company } },
  related: { tickets: { target: () => ticket, foreignKey: "orderId" } },
  timeField: "placedAt"
})

/**
 * Conversations: their contact and assignee; the tickets opened from them.
 *
 * @since 0.1.0
 * @category objects
 */
export const conversation: ConversationObject = make({
  name: "conversation",
  fields: Conversation.Conversation.fields,
  refs: { contact: { field: "contactId", target: () => contact }, assignee: { field: "assigneeId", target: () => user } },
  related: { tickets: { target: () => ticket, foreignKey: "conversationId" } },
  timeField: "lastMessageAt"
})

/**
 * Activities (calls, emails, meetings): their contact, company and owner.
 *
 * @since 0.1.0
 * @category objects
 */
export const activity: ActivityObject = make({
  name: "activity",
  fields: Activity.Activity.fields,
  refs: {
    contact: { field: "contactId", target: () => contact },
    company: { field: "companyId", target: () => company },
    owner: { field: "ownerId", target: () => user }
  },
  timeField: "occurredAt"
})

/**
 * Tasks: their contact and assignee.
 *
 * @since 0.1.0
 * @category objects
 */
export const task: TaskObject = make({
  name: "task",
  fields: Task.Task.fields,
  refs: { contact: { field: "contactId", target: () => contact }, assignee: { field: "assigneeId", target: () => user } }
})

/**
 * Notes: their contact, company and author.
 *
 * @since 0.1.0
 * @category objects
 */
export const note: NoteObject = make({
  name: "note",
  fields: Note.Note.fields,
  refs: {
    contact: { field: "contactId", target: () => contact },
    company: { field: "companyId", target: () => company },
    author: { field: "authorId", target: () => user }
  }
})

/**
 * Deals: their contact, company and owner.
 *
 * @since 0.1.0
 * @category objects
 */
export const deal: DealObject = make({
  name: "deal",
  fields: Deal.Deal.fields,
  refs: {
    contact: { field: "contactId", target: () => contact },
    company: { field: "companyId", target: () => company },
    owner: { field: "ownerId", target: () => user }
  }
})

/**
 * Leads: their contact, company, owner and the deal they converted to.
 *
 * @since 0.1.0
 * @category objects
 */
export const lead: LeadObject = make({
  name: "lead",
  fields: Lead.Lead.fields,
  refs: {
    contact: { field: "contactId", target: () => contact },
    company: { field: "companyId", target: () => company },
    owner: { field: "ownerId", target: () => user },
    deal: { field: "dealId", target: () => deal }
  }
})

/**
 * Tickets: their contact, order, conversation and assignee.
 *
 * @since 0.1.0
 * @category objects
 */
export const ticket: TicketObject = make({
  name: "ticket",
  fields: Ticket.Ticket.fields,
  refs: {
    contact: { field: "contactId", target: () => contact },
    order: { field: "orderId", target: () => order },
    conversation: { field: "conversationId", target: () => conversation },
    assignee: { field: "assigneeId", target: () => user }
  }
})
