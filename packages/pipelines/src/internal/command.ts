/**
 * The command flow of the Deals and Leads services: decode the input, check custom
 * fields and references, write the row and append its event in one transaction, guard
 * updates by version. It mirrors core's `Records` (written before `Records` was public)
 * with one difference: a patch chooses its event type and payload from the row it
 * changes. Folding that into `Records` and deleting this file is the next step.
 */
import { Actor, Catalog, CustomField, DomainEvent, Errors, IdGenerator, Store, Workspace } from "@rapport/core"
import type { Collection } from "@rapport/core"
import { Effect, Either, Option, ParseResult, Schema } from "effect"

/** A record's identity and the version the caller last saw. */
export interface Versioned {
  readonly id: string
  readonly version: number
}

export type Json = Collection.Json
export type Row = Collection.Row
type MutableRow = { -readonly [K in keyof Row]: Row[K] }

export const dependencies = Effect.all({
  store: Store.Store,
  catalog: Catalog.Catalog,
  ids: IdGenerator.IdGenerator
})

export type Dependencies = Effect.Effect.Success<typeof dependencies>

export const sameJson = (a: Json | undefined, b: Json | undefined): boolean => JSON.stringify(a) === JSON.stringify(b)

export const make = <A>(
  deps: Dependencies,
  config: {
    readonly collection: Collection.Collection<A>
    readonly service: string
    readonly prefix: string
    readonly subjects: (row: Row) => ReadonlyArray<DomainEvent.Subject>
  }
) => {
  const { catalog, ids, store } = deps
  const name = config.collection.name
  const decodeRow = Schema.decodeUnknownEither(config.collection.schema)
  const refFields = Object.entries(config.collection.spec.fields).filter(([, f]) => f.ref !== undefined)
  const operation = (command: string) => `${config.service}.${command}`

  const decodeInput = <T, I>(command: string, schema: Schema.Schema<T, I>, input: unknown) =>
    Either.match(Schema.decodeUnknownEither(schema, { errors: "all", onExcessProperty: "error" })(input), {
      onLeft: (error) => Effect.fail(Errors.ValidationError.fromParseError(operation(command), error)),
      onRight: (value) => Effect.succeed(value)
    })

  const encode = <T, I>(command: string, schema: Schema.Schema<T, I>, value: T) =>
    Either.match(Schema.encodeEither(schema)(value), {
      onLeft: (error) => Effect.fail(Errors.ValidationError.fromParseError(operation(command), error)),
      onRight: (encoded) => Effect.succeed(encoded as Json)
    })

  const fail = (command: string, path: string, message: string) =>
    Effect.fail(Errors.ValidationError.single(operation(command), path, message))

  const toModel = (command: string, row: Row) =>
    Either.match(decodeRow(row), {
      onLeft: (error) => Effect.fail(Errors.ValidationError.fromParseError(operation(command), error)),
      onRight: (value) => Effect.succeed(value)
    })

  const fromStore = (row: Row): Effect.Effect<A, Errors.StoreError> =>
    Either.match(decodeRow(row), {
      onLeft: (error) =>
        Effect.fail(
          new Errors.StoreError({
            operation: operation("read"),
            detail: `stored ${name} ${row.id} does not decode: ${ParseResult.TreeFormatter.formatErrorSync(error)}`
          })
        ),
      onRight: (value) => Effect.succeed(value)
    })

  const validateCustom = (command: string, workspaceId: string, values: unknown) =>
    Either.match(CustomField.validate(catalog.customFields(workspaceId, name), values), {
      onLeft: (error) => {
        const base = Errors.ValidationError.fromParseError(operation(command), error)
        return Effect.fail(
          new Errors.ValidationError({
            operation: base.operation,
            issues: base.issues.map((i) =>
              new Errors.FieldIssue({ path: i.path === "" ? "custom" : `custom.${i.path}`, message: i.message })
            )
          })
        )
      },
      onRight: (encoded) => Effect.succeed(encoded as Json)
    })

  const checkRefs = (command: string, workspaceId: string, row: Row, previous?: Row) =>
    Effect.gen(function*() {
      const issues: Array<Errors.FieldIssue> = []
      for (const [field, spec] of refFields) {
        const value = row[field]
        if (typeof value !== "string" || (previous !== undefined && previous[field] === value)) continue
        if (Option.isNone(yield* store.get(workspaceId, spec.ref!, value))) {
          issues.push(new Errors.FieldIssue({ path: field, message: `no ${spec.ref} ${value} in this workspace` }))
        }
      }
      if (issues.length > 0) return yield* Effect.fail(new Errors.ValidationError({ operation: operation(command), issues }))
    })

  const event = (type: string, row: Row, payload: Json, actor: Actor.Actor, occurredAt: number): DomainEvent.NewEvent => {
    const own = DomainEvent.subject(name, row.id)
    return {
      type,
      collection: name,
      recordId: row.id,
      version: row.version,
      occurredAt,
      actor,
      subjects: [own, ...config.subjects(row).filter((s) => s !== own)],
      payload
    }
  }

  const getRow = (workspaceId: string, id: string) =>
    Effect.flatMap(store.get(workspaceId, name, id), (row) =>
      Option.match(row, {
        onNone: () => Effect.fail(new Errors.NotFound({ collection: name, id })),
        onSome: Effect.succeed
      }))

  const current = (workspaceId: string, ref: Versioned) =>
    Effect.flatMap(getRow(workspaceId, ref.id), (row) =>
      row.version === ref.version ? Effect.succeed(row) : Effect.fail(
        new Errors.Conflict({
          collection: name,
          id: ref.id,
          reason: "stale-version",
          expectedVersion: ref.version,
          actualVersion: row.version
        })
      ))

  const now = Effect.clockWith((clock) => clock.currentTimeMillis)

  /** Inserts a row from encoded fields and appends one event, in one transaction. */
  const insert = (
    command: string,
    fields: Record<string, Json>,
    eventType: string,
    payload: (row: Row) => Json = (row) => ({ record: row })
  ) =>
    Effect.gen(function*() {
      const workspaceId = yield* Workspace.CurrentWorkspace
      const actor = yield* Actor.current
      const at = yield* now
      const custom = Object.hasOwn(fields, "custom") ? yield* validateCustom(command, workspaceId, fields.custom) : undefined
      const id = yield* ids.next(config.prefix)
      const row: Row = {
        ...fields,
        ...(custom === undefined ? {} : { custom }),
        id,
        version: 1,
        createdAt: at,
        updatedAt: at
      }
      const model = yield* toModel(command, row)
      yield* store.transaction(Effect.gen(function*() {
        yield* checkRefs(command, workspaceId, row)
        yield* store.insert(workspaceId, name, row)
        yield* store.append(workspaceId, [event(eventType, row, payload(row), actor, at)])
      }))
      return model
    })

  /**
   * Loads the row at the caller's version, asks `patch` for the changed fields (or an
   * error: then nothing is written), writes them and appends one event. A patch that
   * changes nothing writes nothing.
   */
  const update = <E, R>(
    command: string,
    ref: Versioned,
    patch: (row: Row, at: number) => Effect.Effect<
      { readonly fields: Record<string, Json>; readonly eventType: string; readonly payload?: Record<string, Json> },
      E,
      R
    >
  ) =>
    Effect.gen(function*() {
      const workspaceId = yield* Workspace.CurrentWorkspace
      const actor = yield* Actor.current
      return yield* store.transaction(Effect.gen(function*() {
        const before = yield* current(workspaceId, ref)
        const at = yield* now
        const result = yield* patch(before, at)
        const next: MutableRow = { ...before }
        const changes: Record<string, Json> = {}
        for (const [field, value] of Object.entries(result.fields)) {
          let to = value
          if (field === "custom") {
            const merged: Record<string, Json> = { ...(before.custom as Record<string, Json> | undefined ?? {}) }
            for (const [k, v] of Object.entries(value as Record<string, Json>)) {
              if (v === null) delete merged[k]
              else merged[k] = v
            }
            to = yield* validateCustom(command, workspaceId, merged)
          }
          if (!sameJson(before[field], to)) {
            changes[field] = { from: before[field] ?? null, to }
            next[field] = to
          }
        }
        if (Object.keys(changes).length === 0) return yield* fromStore(before)
        next.version = before.version + 1
        next.updatedAt = Math.max(at, before.updatedAt)
        const model = yield* toModel(command, next)
        yield* checkRefs(command, workspaceId, next, before)
        yield* store.update(workspaceId, name, next, before.version)
        yield* store.append(workspaceId, [event(result.eventType, next, { ...result.payload, changes }, actor, at)])
        return model
      }))
    })

  const get = (id: string) =>
    Effect.gen(function*() {
      const workspaceId = yield* Workspace.CurrentWorkspace
      return yield* fromStore(yield* getRow(workspaceId, id))
    })

  return { name, operation, decodeInput, encode, fail, fromStore, getRow, current, insert, update, get, now }
}
