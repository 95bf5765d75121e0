/**
 * Decoding what reaches a command untyped (the HTTP API, saved JSON): ids, `{ id, version }`
 * references and inputs, each refused with a `ValidationError` naming its path, and the
 * last check before a row or an event reaches a store, that it holds only what every
 * engine stores faithfully (JSON, with no NUL and no lone surrogate in its text).
 *
 * `Records` runs these for every command built on it; a service that takes ids or
 * writes rows itself uses them directly.
 *
 * @since 0.1.0
 */
import { Effect, Either, Schema } from "effect"
import { FieldIssue, ValidationError } from "./Errors.js"
import * as Field from "./Field.js"
import type { Versioned } from "./Records.js"

/** A value as an error message shows it: short, and never raw control text. */
const describe = (value: unknown): string => {
  if (value === null) return "null"
  if (Array.isArray(value)) return "an array"
  switch (typeof value) {
    case "string":
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
    case "bigint":
      return `the bigint ${value}n`
    case "object":
      return "an object"
    case "function":
    case "symbol":
      return `a ${typeof value}`
    default:
      return String(value)
  }
}

/** Ids are generated (`con_01J…`); anything longer than this is not one of ours. */
const maxIdLength = 256

const idIssue = (value: unknown): string | undefined => {
  if (typeof value !== "string") return `Expected an id (text), actual ${describe(value)}`
  if (value.length === 0) return "Expected an id, actual empty text"
  if (value.length > maxIdLength) return `Expected an id of at most ${maxIdLength} characters, actual ${value.length}`
  return Field.textIssue(value)
}

const versionIssue = (value: unknown): string | undefined =>
  typeof value === "number" && Number.isSafeInteger(value) && value >= 1
    ? undefined
    : `Expected the record's version as read (a whole number from 1), actual ${describe(value)}`

const under = (prefix: string, path: string) => (prefix === "" ? path : path === "" ? prefix : `${prefix}.${path}`)

/**
 * Decodes an id handed to a command (`get`, `forContact`, ...): a non-empty text of at
 * most 256 characters that a store can hold, or a `ValidationError` naming `path`. An
 * id that is well-formed but unknown is the store's `NotFound`, not this.
 *
 * @example
 * ```ts
 * import { Input } from "@rapport/core"
 * import { Effect } from "effect"
 *
 * // A service method taking an id from outside:
 * const forContact = (contactId: string) =>
 *   Effect.flatMap(Input.decodeId("Invoices.forContact", contactId, "contactId"), (id) => Effect.succeed(id))
 * // forContact(123 as any) fails with ValidationError "Invoices.forContact: contactId: Expected an id (text), actual 123"
 * ```
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeId = (operation: string, id: unknown, path = "id"): Effect.Effect<string, ValidationError> => {
  const issue = idIssue(id)
  return issue === undefined ? Effect.succeed(id as string) : Effect.fail(ValidationError.single(operation, path, issue))
}

/**
 * Several ids of one command at once (`{ companyId, contactId }`): every bad one named.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeIdFields = <K extends string>(
  operation: string,
  ids: { readonly [P in K]: unknown }
): Effect.Effect<{ readonly [P in K]: string }, ValidationError> => {
  const issues: Array<FieldIssue> = []
  for (const [path, id] of Object.entries(ids)) {
    const issue = idIssue(id)
    if (issue !== undefined) issues.push(new FieldIssue({ path, message: issue }))
  }
  return issues.length === 0
    ? Effect.succeed(ids as { readonly [P in K]: string })
    : Effect.fail(new ValidationError({ operation, issues }))
}

/**
 * The schema of an id handed to a command, for inputs that carry one among other
 * fields (the checks of `decodeId`).
 *
 * @since 0.1.0
 * @category decoding
 */
export const Id: Schema.Schema<string> = Schema.String.pipe(
  Schema.filter((s) => idIssue(s) ?? true, { identifier: "Id" })
)

/**
 * Decodes a list of ids (`getMany`): every bad one is named (`ids.2`).
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeIds = (
  operation: string,
  ids: unknown,
  path = "ids"
): Effect.Effect<ReadonlyArray<string>, ValidationError> => {
  if (!Array.isArray(ids)) {
    return Effect.fail(ValidationError.single(operation, path, `Expected a list of ids, actual ${describe(ids)}`))
  }
  const issues: Array<FieldIssue> = []
  for (let i = 0; i < ids.length; i++) {
    const issue = idIssue(ids[i])
    if (issue !== undefined) issues.push(new FieldIssue({ path: `${path}.${i}`, message: issue }))
  }
  return issues.length === 0 ? Effect.succeed(ids as ReadonlyArray<string>) : Effect.fail(new ValidationError({ operation, issues }))
}

/**
 * Decodes the `{ id, version }` reference of a guarded write (`update`, `remove`, a
 * state change): the record itself or any object carrying both. A bad one is a
 * `ValidationError` naming `id` and/or `version` (under `prefix`: `source.id`).
 *
 * @example
 * ```ts
 * import { Input } from "@rapport/core"
 *
 * const refused = Input.decodeRef("Contacts.update", { id: "con_1", version: "1" })
 * // fails with ValidationError "Contacts.update: version: Expected the record's version as read (a whole number from 1), actual \"1\""
 * ```
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeRef = (operation: string, ref: unknown, prefix = ""): Effect.Effect<Versioned, ValidationError> => {
  if (ref === null || typeof ref !== "object" || Array.isArray(ref)) {
    const message = `Expected a reference to a record ({ id, version }), actual ${describe(ref)}`
    return Effect.fail(
      new ValidationError({
        operation,
        issues: [new FieldIssue({ path: under(prefix, "id"), message }), new FieldIssue({ path: under(prefix, "version"), message })]
      })
    )
  }
  const { id, version } = ref as { readonly id?: unknown; readonly version?: unknown }
  const issues: Array<FieldIssue> = []
  const idProblem = idIssue(id)
  if (idProblem !== undefined) issues.push(new FieldIssue({ path: under(prefix, "id"), message: idProblem }))
  const versionProblem = versionIssue(version)
  if (versionProblem !== undefined) issues.push(new FieldIssue({ path: under(prefix, "version"), message: versionProblem }))
  return issues.length === 0
    ? Effect.succeed({ id: id as string, version: version as number })
    : Effect.fail(new ValidationError({ operation, issues }))
}

/** Past this many nested levels a value is not a document a command stores. */
const maxDepth = 32
/**
 * Inputs are searched for unstorable text up to this many values (the rest is checked
 * again before it is stored); a row or event holding more is refused.
 */
const maxVisited = { input: 200_000, stored: 5_000_000 }

const isPlainObject = (value: object): boolean => {
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/**
 * The text a store cannot hold, anywhere in `value`: strings and keys with NUL or a
 * lone surrogate, and `__proto__` keys (which decoding would drop silently). With
 * `stored`, also anything that is not JSON (bigint, `undefined`, NaN, Infinity, class
 * instances, functions) or is nested too deeply: the last check before a row or an
 * event reaches a store.
 */
const unstorable = (value: unknown, root: string, stored: boolean): ReadonlyArray<FieldIssue> => {
  const issues: Array<FieldIssue> = []
  // Inputs may share or cycle objects: each is searched once. Stored values are walked
  // as the JSON they become (shared parts twice); the depth limit ends a cycle.
  const seen = new Set<object>()
  const stack: Array<readonly [unknown, string, number]> = [[value, root, 0]]
  const limit = stored ? maxVisited.stored : maxVisited.input
  let visited = 0
  while (stack.length > 0 && issues.length < 20) {
    if (visited++ >= limit) {
      if (stored) issues.push(new FieldIssue({ path: root, message: `Expected a value of at most ${limit} parts` }))
      break
    }
    const [v, path, depth] = stack.pop()!
    const issue = (message: string) => issues.push(new FieldIssue({ path, message }))
    switch (typeof v) {
      case "string": {
        const problem = Field.textIssue(v)
        if (problem !== undefined) issue(problem)
        continue
      }
      case "number":
        if (stored && !Number.isFinite(v)) issue(`Expected a finite number, actual ${v}`)
        continue
      case "boolean":
        continue
      case "object": {
        if (v === null) continue
        if (!stored) {
          if (seen.has(v)) continue
          seen.add(v)
        }
        if (stored && depth >= maxDepth) {
          issue(`Expected a value nested at most ${maxDepth} levels deep`)
          continue
        }
        if (Array.isArray(v)) {
          for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], under(path, String(i)), depth + 1])
          continue
        }
        if (stored && !isPlainObject(v)) {
          issue(`Expected a JSON value, actual ${v instanceof Date ? "a Date" : "an instance of a class"}`)
          continue
        }
        const keys = Object.keys(v)
        for (let i = keys.length - 1; i >= 0; i--) {
          const key = keys[i]!
          const at = under(path, key)
          const keyProblem = key === "__proto__" ? "is not a field name" : Field.textIssue(key)
          if (keyProblem !== undefined) {
            issues.push(new FieldIssue({ path: at, message: keyProblem }))
            continue
          }
          stack.push([(v as Record<string, unknown>)[key], at, depth + 1])
        }
        continue
      }
      default:
        if (stored) issue(`Expected a JSON value, actual ${describe(v)}`)
    }
  }
  return issues
}

/**
 * Decodes a command input with its schema (unknown keys refused), or fails with a
 * `ValidationError` listing every issue: the schema's, and any text in the input no
 * store can hold (NUL, lone surrogates; see `Field.textIssue`) or `__proto__` key,
 * wherever it is.
 *
 * @example
 * ```ts
 * import { Input } from "@rapport/core"
 * import { Schema } from "effect"
 *
 * const Input = Schema.Struct({ body: Schema.String })
 * const refused = Input.decode("Notes.create", Input, { body: "x\u0000" })
 * // fails with ValidationError "Notes.create: body: must not contain the NUL character (U+0000)"
 * ```
 *
 * @since 0.1.0
 * @category decoding
 */
export const decode = <T, I>(
  operation: string,
  schema: Schema.Schema<T, I>,
  input: unknown
): Effect.Effect<T, ValidationError> => {
  const text = unstorable(input, "", false)
  return Either.match(Schema.decodeUnknownEither(schema, { errors: "all", onExcessProperty: "error" })(input), {
    onLeft: (error) => {
      const decoded = ValidationError.fromParseError(operation, error)
      if (text.length === 0) return Effect.fail(decoded)
      const named = new Set(text.map((i) => i.path))
      return Effect.fail(new ValidationError({ operation, issues: [...text, ...decoded.issues.filter((i) => !named.has(i.path))] }))
    },
    onRight: (value) => (text.length === 0 ? Effect.succeed(value) : Effect.fail(new ValidationError({ operation, issues: text })))
  })
}

/**
 * Refuses values a store cannot hold faithfully: text with NUL (U+0000) or a lone
 * surrogate, and anything that is not JSON. `fields` are checked one by one, each
 * under its name; the `ValidationError` names every bad path. Commands built on
 * `make` run it on every row and event they write; a service that writes rows itself
 * should too.
 *
 * @example
 * ```ts
 * import { Input } from "@rapport/core"
 *
 * const refused = Input.checkStorable("Widgets.create", { name: "x\uD800", size: Number.NaN })
 * // fails with ValidationError naming `name` (a lone surrogate) and `size` (not a finite number)
 * ```
 *
 * @since 0.1.0
 * @category decoding
 */
export const checkStorable = (
  operation: string,
  fields: Readonly<Record<string, unknown>>,
  prefix = ""
): Effect.Effect<void, ValidationError> => {
  const issues: Array<FieldIssue> = []
  for (const [field, value] of Object.entries(fields)) issues.push(...unstorable(value, under(prefix, field), true))
  return issues.length === 0 ? Effect.void : Effect.fail(new ValidationError({ operation, issues }))
}
