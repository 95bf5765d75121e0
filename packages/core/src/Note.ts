/**
 * Notes are free text written about a contact or company.
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
export const NoteId = Model.id("@rapport/core/NoteId", "note")

/**
 * @since 0.1.0
 * @category models
 */
export type NoteId = typeof NoteId.Type

/**
 * @since 0.1.0
 * @category models
 */
export const fields = {
  body: Field.text(100_000),
  authorId: Field.nullable(Field.ref("user", UserId)),
  contactId: Field.nullable(Field.ref("contact", ContactId)),
  companyId: Field.nullable(Field.ref("company", CompanyId)),
  pinned: Field.boolean()
}

/**
 * A note.
 *
 * @since 0.1.0
 * @category models
 */
export class Note extends Schema.Class<Note>("@rapport/core/Note")(Collection.modelFields(NoteId, fields)) {}

/**
 * @since 0.1.0
 * @category collections
 */
export const collection = Collection.make({ name: "note", schema: Note, fields, indexes: [["contactId"], ["companyId"]] })

/**
 * @since 0.1.0
 * @category models
 */
export const inputs = Model.inputs(fields, { defaults: { pinned: () => false } })
