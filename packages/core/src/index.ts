/**
 * @rapport/core: the customer model, domain events, typed errors, the `Store` port,
 * the `Query` AST and the `Crm` services.
 *
 * @since 0.1.0
 */

export * as Actor from "./Actor.js"
export * as Catalog from "./Catalog.js"
export * as Collection from "./Collection.js"
export * as CustomField from "./CustomField.js"
export * as DomainEvent from "./DomainEvent.js"
export * as Errors from "./Errors.js"
export * as Field from "./Field.js"
export * as IdGenerator from "./IdGenerator.js"
export * as Money from "./Money.js"
export * as Plan from "./Plan.js"
export * as Query from "./Query.js"
export * as Store from "./Store.js"
export * as TimeBucket from "./TimeBucket.js"
export * as Timestamp from "./Timestamp.js"
export * as Workspace from "./Workspace.js"

export * as Model from "./Model.js"
export * as User from "./User.js"
export * as Team from "./Team.js"
export * as Contact from "./Contact.js"
export * as Company from "./Company.js"
export * as Association from "./Association.js"
export * as Activity from "./Activity.js"
export * as Note from "./Note.js"
export * as Task from "./Task.js"
export * as Product from "./Product.js"
export * as Order from "./Order.js"
export * as Conversation from "./Conversation.js"

export * as Users from "./Users.js"
export * as Teams from "./Teams.js"
export * as Contacts from "./Contacts.js"
export * as Companies from "./Companies.js"
export * as Associations from "./Associations.js"
export * as Activities from "./Activities.js"
export * as Notes from "./Notes.js"
export * as Tasks from "./Tasks.js"
export * as Products from "./Products.js"
export * as Orders from "./Orders.js"
export * as Conversations from "./Conversations.js"
export * as Customer360 from "./Customer360.js"
export * as Crm from "./Crm.js"
