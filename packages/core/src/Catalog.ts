/**
 * The catalog: every collection the application stores, and the custom fields each
 * workspace declared. Stores lay out tables and check queries by it; services validate
 * custom values by it.
 *
 * @since 0.1.0
 */
import { Context, Layer, type Schema } from "effect"
import * as Collection from "./Collection.js"
import * as CrmEvents from "./CrmEvents.js"
import * as CustomField from "./CustomField.js"
import type * as Field from "./Field.js"
import * as EventCollection from "./EventCollection.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Every collection by name, without custom fields. */
  readonly collections: ReadonlyMap<string, Collection.Spec>
  /**
   * The spec of a collection for a workspace, with its custom fields; also the spec of
   * the event log (`EventCollection.name`), which is not among `collections`.
   */
  readonly spec: (workspaceId: string, collection: string) => Collection.Spec | undefined
  /** The custom field declaration of a collection for a workspace. */
  readonly customFields: (workspaceId: string, collection: string) => CustomField.Fields
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Catalog extends Context.Tag("@rapport/core/Catalog")<Catalog, Service>() {}

const NO_FIELDS: CustomField.Fields = Object.freeze({})

/**
 * Builds a catalog. `customFields` is one declaration for every workspace, or a
 * function choosing the declaration per workspace.
 *
 * @example
 * ```ts
 * import { Catalog, Crm, CrmEvents, CustomField } from "@rapport/core"
 * const catalog = Catalog.make({
 *   collections: Crm.collections,
 *   customFields: CustomField.declare({ contact: { plan: CustomField.select(["free", "pro"]) } }),
 *   // The payload fields of the event log's collection (`payload.record.lifecycleStage`).
 *   events: CrmEvents.all.definitions
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: {
  readonly collections: ReadonlyArray<{ readonly spec: Collection.Spec }>
  readonly customFields?: CustomField.Declaration | ((workspaceId: string) => CustomField.Declaration)
  /**
   * Indexes on custom fields, by collection: lists of paths such as `custom.tier` or
   * `custom.mrr.currency`, possibly with the collection's own fields (a static
   * `customFields` declaration gives the custom fields' kinds). Stores
   * build them at startup, idempotently; an `eq` or `in` on the path then uses them.
   */
  readonly indexes?: Readonly<Record<string, ReadonlyArray<ReadonlyArray<string>>>>
  /**
   * The event definitions whose payload fields the event log's collection offers
   * (`EventCollection.payloadFields`): `payload.to`, `payload.record.lifecycleStage`.
   * Defaults to core's `CrmEvents.all`; add the definitions of the other packages you use
   * (`PipelinesEvents.all.definitions`) and your own.
   */
  readonly events?: Iterable<{ readonly payload: Schema.Schema.Any }>
}): Service => {
  const collections = new Map<string, Collection.Spec>()
  for (const { spec: declared } of options.collections) {
    const spec = withCustomIndexes(declared, options.indexes?.[declared.name], options.customFields)
    if (collections.has(spec.name)) throw new Error(`collection ${spec.name} is declared twice`)
    if (spec.name === EventCollection.name) {
      throw new Error(`collection name "${EventCollection.name}" is taken by the event log (EventCollection)`)
    }
    collections.set(spec.name, spec)
  }
  const events = EventCollection.specFor(EventCollection.payloadFields(options.events ?? CrmEvents.all.definitions))
  const declare = options.customFields
  const declarationOf = (workspaceId: string): CustomField.Declaration =>
    declare === undefined ? {} : typeof declare === "function" ? declare(workspaceId) : declare
  // Specs are rebuilt only when a workspace's declaration object changes.
  const cache = new WeakMap<CustomField.Fields, Collection.Spec>()
  const customFields = (workspaceId: string, collection: string): CustomField.Fields =>
    declarationOf(workspaceId)[collection] ?? NO_FIELDS
  return {
    collections,
    customFields,
    spec: (workspaceId, collection) => {
      const base = collections.get(collection)
      // The event log is queryable in every workspace, but not a collection rows are written to.
      if (base === undefined) return collection === EventCollection.name ? events : undefined
      const fields = customFields(workspaceId, collection)
      if (fields === NO_FIELDS) return base
      const cached = cache.get(fields)
      if (cached !== undefined && cached.name === collection) return cached
      const spec: Collection.Spec = { ...base, custom: CustomField.specs(fields) }
      cache.set(fields, spec)
      return spec
    }
  }
}

/** A collection's spec with its custom-field indexes and the specs of the fields they name. */
const withCustomIndexes = (
  spec: Collection.Spec,
  indexes: ReadonlyArray<ReadonlyArray<string>> | undefined,
  customFields: Parameters<typeof make>[0]["customFields"]
): Collection.Spec => {
  if (indexes === undefined || indexes.length === 0) return spec
  if (typeof customFields !== "object") {
    throw new Error(`collection ${spec.name}: indexes on custom fields need a static customFields declaration (their kinds)`)
  }
  const probe = Collection.withCustom(spec, CustomField.specs(customFields[spec.name]))
  const indexedCustom: Record<string, Field.Spec> = { ...spec.indexedCustom }
  for (const index of indexes) {
    for (const path of index) {
      // Other paths name the collection's own fields, which the stores check as for `indexes`.
      if (!path.startsWith("custom.")) continue
      const f = Collection.fieldAt(probe, path)
      if (f === undefined || !["string", "number", "integer", "boolean", "timestamp", "date"].includes(f.kind)) {
        throw new Error(`collection ${spec.name}: index path "${path}" is not a scalar custom field (custom.<name>)`)
      }
      const name = path.slice("custom.".length).split(".")[0]!
      indexedCustom[name] = probe.custom[name]!
    }
  }
  return { ...spec, indexes: [...spec.indexes, ...indexes], indexedCustom }
}

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Parameters<typeof make>[0]): Layer.Layer<Catalog> =>
  Layer.succeed(Catalog, make(options))
