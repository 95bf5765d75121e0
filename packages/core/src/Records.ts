/**
 * The command pipeline every service shares, core's and those of packages built on it
 * (pipelines, workflows, your own): decode the input, validate custom fields and
 * references, write the row and append its events in one transaction. Services add
 * their domain rules on top; this keeps the rules of the architecture (typed errors,
 * nothing written on bad input, version checks, events with the state) in one place.
 *
 * @example
 * ```ts
 * import { Records } from "@rapport/core"
 * import { Effect } from "effect"
 * import * as Widget from "./Widget.js" // a model declared with Field.* and Collection.make
 *
 * export const make = Effect.gen(function*() {
 *   const records = Records.make(yield* Records.dependencies, { collection: Widget.collection, model: "Widget", prefix: "wdg" })
 *   return Records.crud(records, Widget.inputs) // create, update, remove, get, getMany, find
 * })
 * ```
 *
 * @since 0.1.0
 */
import { Effect, Either, Option, ParseResult, Schema } from "effect"
import * as Actor from "./Actor.js"
import * as Catalog from "./Catalog.js"
import * as Collection from "./Collection.js"
import * as CustomField from "./CustomField.js"
import * as DomainEvent from "./DomainEvent.js"
import { Conflict, FieldIssue, NotFound, StoreError, ValidationError } from "./Errors.js"
import type { InvalidQuery } from "./Errors.js"
import * as IdGenerator from "./IdGenerator.js"
import { checkStorable, decode, decodeId, decodeIds, decodeRef } from "./Input.js"
import type * as Query from "./Query.js"
import * as Store from "./Store.js"
import { CurrentWorkspace } from "./Workspace.js"

/**
 * A record's identity and the version the caller last saw, for guarded writes.
 *
 * @since 0.1.0
 * @category models
 */
export interface Versioned<Id extends string = string> {
  readonly id: Id
  readonly version: number
}

/**
 * What a `changeRow` patch returns: the fields that change, the event type that says
 * so, and anything the event's payload carries besides the changes.
 *
 * @since 0.1.0
 * @category models
 */
export interface Change {
  readonly fields: Record<string, Collection.Json>
  readonly eventType: string
  readonly payload?: Record<string, Collection.Json>
}

/**
 * The `Change` a typed event announces: its type, and the payload it carries besides
 * `changes` (which `changeRow` adds), checked against the event's schema by the
 * compiler.
 *
 * @example
 * ```ts
 * import { DomainEvent, Records } from "@rapport/core"
 * import { Schema } from "effect"
 *
 * const WidgetRetired = DomainEvent.define("WidgetRetired", DomainEvent.changesPayload({ reason: Schema.String }))
 * const retire = (reason: string): Records.Change => Records.change(WidgetRetired, { status: "retired" }, { reason })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const change = <T extends string, A, I extends { readonly changes: unknown }>(
  event: DomainEvent.Definition<T, A, I>,
  fields: Record<string, Collection.Json>,
  payload: Omit<I, "changes">
): Change => ({ fields, eventType: event.type, payload: payload as Record<string, Collection.Json> })

/**
 * A page of decoded records.
 *
 * @since 0.1.0
 * @category models
 */
export interface Page<A> {
  readonly items: ReadonlyArray<A>
  readonly nextCursor: string | null
}

/**
 * Options of a `find` on one collection.
 *
 * @since 0.1.0
 * @category models
 */
export interface FindOptions {
  readonly where?: Query.Expr
  readonly orderBy?: ReadonlyArray<Query.Order>
  readonly limit?: number
  readonly cursor?: string
}

type Json = Collection.Json
type MutableRow = { -readonly [K in keyof Collection.Row]: Collection.Row[K] }

/**
 * @since 0.1.0
 * @category models
 */
export interface Config<A> {
  readonly collection: Collection.Collection<A>
  /** Model name for events and errors: `Contact` → `ContactCreated`, `Contacts.create`. */
  readonly model: string
  /** Id prefix: `con`. */
  readonly prefix: string
  /** Subjects besides the record itself (the contact an order belongs to). */
  readonly subjects?: (row: Collection.Row) => ReadonlyArray<DomainEvent.Subject>
}

const plural = (model: string) => (model.endsWith("y") ? `${model.slice(0, -1)}ies` : `${model}s`)

/**
 * Deep equality of stored JSON values (used to find which fields an update changed).
 *
 * @since 0.1.0
 * @category combinators
 */
export const sameJson = (a: Json | undefined, b: Json | undefined): boolean => {
  if (a === b) return true
  if (a === null || b === null || a === undefined || b === undefined) return false
  if (typeof a !== "object" || typeof b !== "object") return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a)) {
    const bs = b as ReadonlyArray<Json>
    return a.length === bs.length && a.every((x, i) => sameJson(x, bs[i]))
  }
  const ao = a as Readonly<Record<string, Json>>
  const bo = b as Readonly<Record<string, Json>>
  const keys = Object.keys(ao)
  return keys.length === Object.keys(bo).length && keys.every((k) => Object.hasOwn(bo, k) && sameJson(ao[k], bo[k]))
}

/**
 * Builds the shared pipeline for one collection.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <A>(
  deps: {
    readonly store: Store.Service
    readonly catalog: Catalog.Service
    readonly ids: IdGenerator.Service
  },
  config: Config<A>
) => {
  const { catalog, ids, store } = deps
  const name = config.collection.name
  const service = plural(config.model)
  const decodeRow = Schema.decodeUnknownEither(config.collection.schema)
  const refFields = Object.entries(config.collection.spec.fields).filter(([, f]) => f.ref !== undefined)
  // A service built over a catalog that lacks its collection (or one it references) could
  // only fail at its first write, far from the wiring at fault: refuse to build instead.
  const missing = [...new Set([name, ...refFields.map(([, f]) => f.ref!)])].filter((c) => !catalog.collections.has(c))
  if (missing.length > 0) {
    throw new Error(
      `${service} needs the collection${missing.length > 1 ? "s" : ""} ${missing.map((c) => `"${c}"`).join(", ")}, ` +
        `which the catalog does not declare: add ${missing.length > 1 ? "them" : "it"} with Crm.layer({ collections }) ` +
        `(for @rapport/pipelines: collections: Collections.all)`
    )
  }

  const operation = (command: string) => `${service}.${command}`

  /** Decodes a command input (see `decode`), or fails with every field issue. */
  const decodeInput = <T, I>(command: string, schema: Schema.Schema<T, I>, input: unknown) =>
    decode(operation(command), schema, input)

  /** Decodes then re-encodes an input: the stored (encoded) form of valid input. */
  const normalize = <T, I>(command: string, schema: Schema.Schema<T, I>, input: unknown) =>
    Effect.flatMap(decodeInput(command, schema, input), (value) =>
      Either.match(Schema.encodeEither(schema)(value), {
        onLeft: (error) => Effect.fail(ValidationError.fromParseError(operation(command), error)),
        onRight: (encoded) => Effect.succeed(encoded as Record<string, Json>)
      }))

  const toModel = (command: string, row: Collection.Row) =>
    Either.match(decodeRow(row), {
      onLeft: (error) => Effect.fail(ValidationError.fromParseError(operation(command), error)),
      onRight: (value) => Effect.succeed(value)
    })

  /** A stored row that no longer decodes is a bug or a corrupted store, not bad input. */
  const fromStore = (row: Collection.Row): Effect.Effect<A, StoreError> =>
    Either.match(decodeRow(row), {
      onLeft: (error) =>
        Effect.fail(
          new StoreError({
            operation: `${service}.read`,
            detail: `stored ${name} ${row.id} does not decode: ${ParseResult.TreeFormatter.formatErrorSync(error)}`
          })
        ),
      onRight: (value) => Effect.succeed(value)
    })

  const validateCustom = (command: string, workspaceId: string, values: unknown) => {
    const declared = catalog.customFields(workspaceId, name)
    return Either.match(CustomField.validate(declared, values), {
      onLeft: (error) => {
        const base = ValidationError.fromParseError(operation(command), error)
        return Effect.fail(
          new ValidationError({
            operation: base.operation,
            issues: base.issues.map((i) => new FieldIssue({ path: i.path === "" ? "custom" : `custom.${i.path}`, message: i.message }))
          })
        )
      },
      onRight: (encoded) => Effect.succeed(encoded as Record<string, Json>)
    })
  }

  /**
   * Every reference (foreign keys and custom `reference` fields) it sets or changes must
   * point at an existing record of this workspace. This is the friendly check of a
   * serial run; the store's own check (`Store` "References") is what holds under
   * concurrency, where the loser gets `Conflict`.
   */
  const checkRefs = (command: string, workspaceId: string, row: Collection.Row, previous?: Collection.Row) =>
    Effect.gen(function*() {
      const issues: Array<FieldIssue> = []
      for (const field of Store.referenceFields(catalog, workspaceId, name)) {
        const value = Store.referenceValue(row, field)
        if (value === null) continue
        if (previous !== undefined && Store.referenceValue(previous, field) === value) continue
        if (field.target === name && value === row.id) continue
        const target = catalog.collections.has(field.target)
          ? yield* store.get(workspaceId, field.target, value)
          : Option.none()
        if (Option.isNone(target)) {
          issues.push(new FieldIssue({ path: field.path, message: `no ${field.target} ${value} in this workspace` }))
        }
      }
      if (issues.length > 0) return yield* Effect.fail(new ValidationError({ operation: operation(command), issues }))
    })

  const subjectsOf = (row: Collection.Row): ReadonlyArray<DomainEvent.Subject> => {
    const own = DomainEvent.subject(name, row.id)
    const extra = config.subjects?.(row) ?? []
    return [own, ...extra.filter((s) => s !== own)]
  }

  const event = (
    type: string,
    row: Collection.Row,
    payload: Json,
    actor: Actor.Actor,
    occurredAt: number,
    ownSubjectOnly = false
  ): DomainEvent.NewEvent => ({
    type,
    collection: name,
    recordId: row.id,
    version: row.version,
    occurredAt,
    actor,
    subjects: ownSubjectOnly ? [DomainEvent.subject(name, row.id)] : subjectsOf(row),
    payload
  })

  /** Reads a row by an id from outside (decoded first: a bad one names `path`). */
  const getRow = (workspaceId: string, id: string, command = "get", path = "id") =>
    Effect.flatMap(decodeId(operation(command), id, path), (id) =>
      Effect.flatMap(store.get(workspaceId, name, id), (row) =>
        Option.match(row, {
          onNone: () => Effect.fail(new NotFound({ collection: name, id })),
          onSome: Effect.succeed
        })))

  /** Reads the current row and checks the version the caller saw (the reference decoded first). */
  const current = (workspaceId: string, ref: Versioned, command = "get") =>
    Effect.flatMap(decodeRef(operation(command), ref), (ref) =>
      Effect.flatMap(getRow(workspaceId, ref.id, command), (row) =>
        row.version === ref.version
          ? Effect.succeed(row)
          : Effect.fail(
            new Conflict({
              collection: name,
              id: ref.id,
              reason: "stale-version",
              expectedVersion: ref.version,
              actualVersion: row.version
            })
          )))

  /**
   * Inserts a record from already-normalized (encoded) field values and appends its
   * `Created` event (plus `extraEvents`) in one transaction.
   */
  const insertRow = (
    command: string,
    fields: Record<string, Json>,
    options: {
      readonly eventType?: string
      /** The event's payload; `{ record: row }` by default. */
      readonly payload?: (row: Collection.Row) => Json
      /** More events about the new record, in the same transaction. */
      readonly extraEvents?: (row: Collection.Row) => ReadonlyArray<DomainEvent.Pending>
    } = {}
  ) =>
    Effect.gen(function*() {
      const workspaceId = yield* CurrentWorkspace
      const actor = yield* Actor.current
      const now = yield* Effect.clockWith((clock) => clock.currentTimeMillis)
      const custom = Object.hasOwn(fields, "custom") ? yield* validateCustom(command, workspaceId, fields.custom) : undefined
      const id = yield* ids.next(config.prefix)
      const row: Collection.Row = {
        ...fields,
        ...(custom === undefined ? {} : { custom }),
        id,
        version: 1,
        createdAt: now,
        updatedAt: now
      }
      const model = yield* toModel(command, row)
      const events = [
        event(options.eventType ?? `${config.model}Created`, row, options.payload?.(row) ?? { record: row }, actor, now),
        ...(options.extraEvents?.(row) ?? []).map((e) => event(e.type, row, e.payload, actor, now))
      ]
      yield* checkStorable(operation(command), row)
      for (const e of events) yield* checkStorable(operation(command), { payload: e.payload })
      yield* store.transaction(
        Effect.gen(function*() {
          yield* checkRefs(command, workspaceId, row)
          yield* store.insert(workspaceId, name, row)
          yield* store.append(workspaceId, events)
        })
      )
      return model
    })

  /**
   * Applies an encoded patch to the current row (guarded by the caller's version) and
   * appends an event listing the changed fields. A patch that changes nothing writes
   * nothing and returns the record as it is.
   */
  /**
   * Loads the row at the caller's version, asks `patch` which fields change and which
   * event says so (its payload gains `changes: { field: { from, to } }`), then writes the
   * row and the event in one transaction. A patch that fails writes nothing; one that
   * changes nothing writes nothing and returns the record as it is.
   */
  const changeRow = <E, R>(
    command: string,
    ref: Versioned,
    patch: (row: Collection.Row, now: number) => Effect.Effect<Change, E, R>,
    options: {
      /**
       * Name only the record itself as the event's subject: for bookkeeping changes
       * (a thread's message counter) that would clutter the customer's timeline.
       */
      readonly ownSubjectOnly?: boolean
    } = {}
  ) =>
    Effect.gen(function*() {
      const workspaceId = yield* CurrentWorkspace
      const actor = yield* Actor.current
      yield* decodeRef(operation(command), ref)
      return yield* store.transaction(
        Effect.gen(function*() {
          const before = yield* current(workspaceId, ref, command)
          const now = yield* Effect.clockWith((clock) => clock.currentTimeMillis)
          const change = yield* patch(before, now)
          const next: MutableRow = { ...before }
          const changed: Record<string, { readonly from: Json; readonly to: Json }> = {}
          for (const [field, value] of Object.entries(change.fields)) {
            let to = value
            if (field === "custom") {
              // Custom values merge: keys not mentioned stay, a key set to null is removed.
              const merged: Record<string, Json> = { ...(before.custom as Record<string, Json> | undefined ?? {}) }
              for (const [k, v] of Object.entries(value as Record<string, Json>)) {
                if (v === null) delete merged[k]
                else merged[k] = v
              }
              to = yield* validateCustom(command, workspaceId, merged)
            }
            if (!sameJson(before[field], to)) {
              changed[field] = { from: before[field] ?? null, to }
              next[field] = to
            }
          }
          if (Object.keys(changed).length === 0) return yield* fromStore(before)
          next.version = before.version + 1
          next.updatedAt = Math.max(now, before.updatedAt)
          const model = yield* toModel(command, next)
          const payload = { ...change.payload, changes: changed satisfies typeof DomainEvent.Changes.Encoded }
          yield* checkStorable(operation(command), Object.fromEntries(Object.keys(changed).map((field) => [field, next[field]])))
          // What the event adds to the row (the old values come from the store as they are).
          yield* checkStorable(operation(command), { payload: change.payload ?? {} })
          yield* checkRefs(command, workspaceId, next, before)
          yield* store.update(workspaceId, name, next, before.version)
          yield* store.append(workspaceId, [event(change.eventType, next, payload, actor, now, options.ownSubjectOnly)])
          return model
        })
      )
    })

  /**
   * `changeRow` for the common case: the patch gives the changed fields, the event type
   * is fixed (`<Model>Updated` unless named).
   */
  const patchRow = <E = ValidationError, R = never>(
    command: string,
    ref: Versioned,
    patch: (row: Collection.Row) => Effect.Effect<Record<string, Json>, E, R>,
    options: { readonly eventType?: string; readonly ownSubjectOnly?: boolean } = {}
  ) =>
    changeRow(
      command,
      ref,
      (row) => Effect.map(patch(row), (fields) => ({ fields, eventType: options.eventType ?? `${config.model}Updated` })),
      options
    )

  /** Deletes a record that nothing refers to any more. */
  const removeRow = (command: string, ref: Versioned) =>
    Effect.gen(function*() {
      const workspaceId = yield* CurrentWorkspace
      const actor = yield* Actor.current
      // Decoded before anything else: the checks below read `ref.id` and `ref.version`.
      yield* decodeRef(operation(command), ref)
      yield* store.transaction(
        Effect.gen(function*() {
          const before = yield* current(workspaceId, ref)
          // The friendly check of a serial run; the store's own check holds under concurrency.
          for (const field of Store.referringFields(catalog, workspaceId, name)) {
            const refers: Query.Expr = { _tag: "Compare", field: field.path, op: "eq", value: ref.id }
            const page = yield* store.find(workspaceId, {
              collection: field.collection,
              // A record referring to itself does not hold itself back.
              where: field.collection === name
                ? { _tag: "And", exprs: [refers, { _tag: "Compare", field: "id", op: "neq", value: ref.id }] }
                : refers,
              limit: 1
            }).pipe(Effect.catchTag("InvalidQuery", (e) => Effect.die(e)))
            const first = page.rows[0]
            if (first !== undefined) {
              return yield* Effect.fail(
                ValidationError.single(
                  operation(command),
                  "id",
                  `${name} ${ref.id} is still referenced by ${field.collection} ${first.id} (${field.path}); delete or reassign those first`
                )
              )
            }
          }
          const now = yield* Effect.clockWith((clock) => clock.currentTimeMillis)
          yield* store.remove(workspaceId, name, ref.id, ref.version)
          yield* store.append(workspaceId, [
            event(`${config.model}Deleted`, { ...before, version: before.version + 1 }, { record: before }, actor, now)
          ])
        })
      )
    })

  const get = (id: string) =>
    Effect.gen(function*() {
      const workspaceId = yield* CurrentWorkspace
      return yield* fromStore(yield* getRow(workspaceId, id))
    })

  const getMany = (idList: ReadonlyArray<string>) =>
    Effect.gen(function*() {
      const workspaceId = yield* CurrentWorkspace
      const ids = yield* decodeIds(operation("getMany"), idList)
      const rows = yield* store.getMany(workspaceId, name, ids)
      return yield* Effect.forEach(rows, fromStore)
    })

  const find = (options: FindOptions = {}): Effect.Effect<Page<A>, InvalidQuery | StoreError, CurrentWorkspace> =>
    Effect.gen(function*() {
      const workspaceId = yield* CurrentWorkspace
      const page = yield* store.find(workspaceId, { collection: name, ...options })
      const items = yield* Effect.forEach(page.rows, fromStore)
      return { items, nextCursor: page.nextCursor }
    })

  /** Encodes a decoded value with its schema: the stored form. */
  const encode = <T, I>(command: string, schema: Schema.Schema<T, I>, value: T) =>
    Either.match(Schema.encodeEither(schema)(value), {
      onLeft: (error) => Effect.fail(ValidationError.fromParseError(operation(command), error)),
      onRight: (encoded) => Effect.succeed(encoded as Json)
    })

  /** A `ValidationError` about one field of a command. */
  const fail = (command: string, path: string, message: string) =>
    Effect.fail(ValidationError.single(operation(command), path, message))

  /** The current time from the `Clock`. */
  const now = Effect.clockWith((clock) => clock.currentTimeMillis)

  return {
    name,
    operation,
    now,
    decodeInput,
    normalize,
    encode,
    fail,
    insertRow,
    changeRow,
    patchRow,
    current,
    removeRow,
    getRow,
    get,
    getMany,
    find,
    fromStore
  }
}

/**
 * The standard create/update/remove/get/find of a collection, for services whose
 * records have no rules beyond their schema.
 *
 * @since 0.1.0
 * @category constructors
 */
export const crud = <A, C, CI, U, UI>(
  records: ReturnType<typeof make<A>>,
  inputs: { readonly create: Schema.Schema<C, CI>; readonly update: Schema.Schema<U, UI> }
) => ({
  create: (input: CI) =>
    Effect.flatMap(records.normalize("create", inputs.create, input), (fields) => records.insertRow("create", fields)),
  update: (ref: Versioned, patch: UI) =>
    records.patchRow("update", ref, () => records.normalize("update", inputs.update, patch)),
  remove: (ref: Versioned) => records.removeRow("remove", ref),
  get: records.get,
  getMany: records.getMany,
  find: records.find
})

/**
 * What every service needs from the context at construction.
 *
 * @since 0.1.0
 * @category constructors
 */
export const dependencies = Effect.all({
  store: Store.Store,
  catalog: Catalog.Catalog,
  ids: IdGenerator.IdGenerator
})
