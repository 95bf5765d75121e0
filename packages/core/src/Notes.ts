/**
 * The `Notes` service: free text about a contact or a company.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer } from "effect"
import * as Records from "./Records.js"
import * as Subjects from "./internal/subjects.js"
import * as Note from "./Note.js"

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = Effect.gen(function*() {
  const records = Records.make(yield* Records.dependencies, {
    collection: Note.collection,
    model: "Note",
    prefix: "note",
    subjects: Subjects.ofCustomer
  })
  return Records.crud(records, Note.inputs)
})

/**
 * @since 0.1.0
 * @category models
 */
export type Service = Effect.Effect.Success<typeof make>

/**
 * Notes of the current workspace.
 *
 * @example
 * ```ts
 * import { Notes } from "@rapport/core"
 * import { Effect } from "effect"
 * const jot = (contactId: string) =>
 *   Effect.flatMap(Notes.Notes, (notes) => notes.create({ body: "Prefers email after 5pm", contactId }))
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class Notes extends Context.Tag("@rapport/core/Notes")<Notes, Service>() {}

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = Layer.effect(Notes, make)
