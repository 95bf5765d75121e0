/**
 * The `Associations` service: typed links between any two records, read from either
 * side.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Option, Schema } from "effect"
import * as Association from "./Association.js"
import * as CrmEvents from "./CrmEvents.js"
import { ValidationError } from "./Errors.js"
import * as Records from "./Records.js"
import type * as Query from "./Query.js"
import { CurrentWorkspace } from "./Workspace.js"

const SideOptions = Schema.Struct({
  collection: Schema.optionalWith(Schema.String, { exact: true }),
  label: Schema.optionalWith(Schema.String, { exact: true })
})

const LinkInput = Schema.Struct({
  from: Association.Ref,
  to: Association.Ref,
  label: Schema.optionalWith(Schema.String, { exact: true, default: () => "" })
})

/**
 * Builds the service for a set of allowed link kinds.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (definitions: ReadonlyArray<Association.Definition> = Association.coreDefinitions) =>
  Effect.gen(function*() {
    const deps = yield* Records.dependencies
    const records = Records.make(deps, {
      collection: Association.collection,
      model: "Association",
      prefix: "asc",
      subjects: (row) => [`${row.fromCollection}:${row.fromId}`, `${row.toCollection}:${row.toId}`] as const
    })

    const side = (
      by: "from" | "to",
      input: Association.Ref,
      given: { readonly collection?: string; readonly label?: string }
    ) =>
      Effect.gen(function*() {
        // Both come from outside: decoded like any input (a bad one is a ValidationError).
        const ref = yield* records.decodeInput(by, Association.Ref, input)
        const options = yield* records.decodeInput(by, SideOptions, given)
        const other = by === "from" ? "to" : "from"
        const where: Array<Query.Expr> = [
          { _tag: "Compare", field: `${by}Collection`, op: "eq", value: ref.collection },
          { _tag: "Compare", field: `${by}Id`, op: "eq", value: ref.id }
        ]
        if (options.collection !== undefined) {
          where.push({ _tag: "Compare", field: `${other}Collection`, op: "eq", value: options.collection })
        }
        if (options.label !== undefined) where.push({ _tag: "Compare", field: "label", op: "eq", value: options.label })
        const page = yield* records.find({ where: { _tag: "And", exprs: where }, orderBy: [{ field: "createdAt", direction: "asc" }] })
        return page.items
      })

    return {
      /**
       * Links two existing records. The pair of collections and the label must be
       * allowed by a definition; linking the same pair with the same label twice
       * fails with `Conflict`.
       */
      link: (input: typeof LinkInput.Encoded) =>
        Effect.gen(function*() {
          const link = yield* records.decodeInput("link", LinkInput, input)
          const definition = definitions.find((d) => d.from === link.from.collection && d.to === link.to.collection)
          if (definition === undefined) {
            return yield* Effect.fail(
              ValidationError.single(
                records.operation("link"),
                "to.collection",
                `no association from ${link.from.collection} to ${link.to.collection} is defined`
              )
            )
          }
          const allowed = definition.labels.length === 0 ? [""] : definition.labels
          if (!allowed.includes(link.label)) {
            return yield* Effect.fail(
              ValidationError.single(records.operation("link"), "label", `expected one of ${allowed.map((l) => JSON.stringify(l)).join(", ")}`)
            )
          }
          const workspaceId = yield* CurrentWorkspace
          for (const [path, ref] of [["from", link.from], ["to", link.to]] as const) {
            const found = yield* deps.store.get(workspaceId, ref.collection, ref.id)
            if (Option.isNone(found)) {
              return yield* Effect.fail(
                ValidationError.single(records.operation("link"), `${path}.id`, `no ${ref.collection} ${ref.id} in this workspace`)
              )
            }
          }
          return yield* records.insertRow("link", {
            fromCollection: link.from.collection,
            fromId: link.from.id,
            toCollection: link.to.collection,
            toId: link.to.id,
            label: link.label
          }, { eventType: CrmEvents.RecordsLinked.type })
        }),

      /** Removes a link. */
      unlink: (ref: Records.Versioned) => records.removeRow("unlink", ref),

      /** Links that start at `ref` (optionally to one collection, with one label). */
      from: (ref: Association.Ref, options: { readonly collection?: string; readonly label?: string } = {}) =>
        side("from", ref, options),

      /** Links that end at `ref`. */
      to: (ref: Association.Ref, options: { readonly collection?: string; readonly label?: string } = {}) =>
        side("to", ref, options),

      get: records.get
    }
  })

/**
 * @since 0.1.0
 * @category models
 */
export type Service = Effect.Effect.Success<ReturnType<typeof make>>

/**
 * Links between records of the current workspace.
 *
 * @example
 * ```ts
 * import { Associations } from "@rapport/core"
 * import { Effect } from "effect"
 * const champion = (contactId: string, companyId: string) =>
 *   Effect.flatMap(Associations.Associations, (links) =>
 *     links.link({
 *       from: { collection: "contact", id: contactId },
 *       to: { collection: "company", id: companyId },
 *       label: "champion"
 *     }))
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class Associations extends Context.Tag("@rapport/core/Associations")<Associations, Service>() {}

/**
 * The service with core's link kinds.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = Layer.effect(Associations, make())

/**
 * The service with core's link kinds plus the application's own.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWith = (definitions: ReadonlyArray<Association.Definition>) =>
  Layer.effect(Associations, make([...Association.coreDefinitions, ...definitions]))
