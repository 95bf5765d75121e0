/**
 * The typed failures of Rapport: every error a caller can act on is one of these
 * tagged classes and shows up in the `E` channel of the signature.
 *
 * @since 0.1.0
 */
import { ParseResult, Schema } from "effect"

/**
 * One reason an input was refused: the path of the field (`emails.0`, `custom.plan`)
 * and a readable message.
 *
 * @since 0.1.0
 * @category models
 */
export class FieldIssue extends Schema.Class<FieldIssue>("@rapport/core/FieldIssue")({
  path: Schema.String,
  message: Schema.String
}) {}

/**
 * Bad input to a command. Nothing was written. `issues` names each field and why.
 *
 * @example
 * ```ts
 * import { Errors } from "@rapport/core"
 * const error = new Errors.ValidationError({
 *   operation: "Contacts.create",
 *   issues: [new Errors.FieldIssue({ path: "emails.0", message: "not an email address" })]
 * })
 * console.log(error.message) // Contacts.create: emails.0: not an email address
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class ValidationError extends Schema.TaggedError<ValidationError>()("ValidationError", {
  operation: Schema.String,
  issues: Schema.Array(FieldIssue)
}) {
  override get message(): string {
    return `${this.operation}: ${this.issues.map((i) => (i.path === "" ? i.message : `${i.path}: ${i.message}`)).join("; ")}`
  }

  /**
   * Turns a Schema `ParseError` into a `ValidationError` with one issue per failing field.
   *
   * @since 0.1.0
   */
  static fromParseError(operation: string, error: ParseResult.ParseError): ValidationError {
    // A union (a literal list, say) fails once per member; one issue per field reads better.
    const byPath = new Map<string, Array<string>>()
    for (const issue of ParseResult.ArrayFormatter.formatErrorSync(error)) {
      const path = issue.path.map(String).join(".")
      const messages = byPath.get(path) ?? []
      if (!messages.includes(issue.message)) messages.push(issue.message)
      byPath.set(path, messages)
    }
    // A nullable field that fails also reports "Expected null": noise next to the real reason.
    for (const [path, messages] of byPath) {
      const real = messages.filter((m) => !m.startsWith("Expected null, actual"))
      const deeper = [...byPath.keys()].some((other) => path === "" ? other !== "" : other.startsWith(`${path}.`))
      if (real.length < messages.length && (real.length > 0 || deeper)) {
        if (real.length === 0) byPath.delete(path)
        else byPath.set(path, real)
      }
    }
    const issues: Array<FieldIssue> = []
    for (const [path, messages] of byPath) {
      const parsed = messages.map((m) => /^Expected (.+), actual (.+)$/s.exec(m))
      const actual = parsed[0]?.[2]
      if (messages.length > 1 && parsed.every((p) => p !== null && p[2] === actual)) {
        issues.push(new FieldIssue({ path, message: `Expected ${parsed.map((p) => p![1]).join(" | ")}, actual ${actual}` }))
      } else {
        for (const message of messages) issues.push(new FieldIssue({ path, message }))
      }
    }
    return new ValidationError({ operation, issues })
  }

  /**
   * A `ValidationError` about a single field.
   *
   * @since 0.1.0
   */
  static single(operation: string, path: string, message: string): ValidationError {
    return new ValidationError({ operation, issues: [new FieldIssue({ path, message })] })
  }
}

/**
 * The record does not exist in this workspace (or was deleted).
 *
 * @since 0.1.0
 * @category errors
 */
export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", {
  collection: Schema.String,
  id: Schema.String
}) {
  override get message(): string {
    return `${this.collection} ${this.id} not found`
  }
}

/**
 * The reference a `Conflict` "missing-reference" or "still-referenced" is about: the
 * field holding it (`contactId`, `custom.referrer`) and the record at its other end (the
 * missing target, or the record that still refers).
 *
 * @since 0.1.0
 * @category models
 */
export class ConflictReference extends Schema.Class<ConflictReference>("@rapport/core/ConflictReference")({
  field: Schema.String,
  collection: Schema.String,
  id: Schema.String
}) {}

/**
 * A write lost a race: the record changed since it was read (stale `version`), a unique
 * key is already taken, a record it refers to is gone ("missing-reference"), or a record
 * it removes is still referred to ("still-referenced", `collection`/`id` being the
 * removed record and `reference` the one referring to it). Nothing was written; reload
 * and retry (a retry of a reference conflict gets the command's `ValidationError`).
 *
 * @example
 * ```ts
 * import { Errors } from "@rapport/core"
 * const error = new Errors.Conflict({
 *   collection: "contact",
 *   id: "con_1",
 *   reason: "still-referenced",
 *   reference: new Errors.ConflictReference({ field: "contactId", collection: "order", id: "ord_1" })
 * })
 * console.log(error.message) // contact con_1 is still referenced by order ord_1 (contactId)
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class Conflict extends Schema.TaggedError<Conflict>()("Conflict", {
  collection: Schema.String,
  id: Schema.String,
  reason: Schema.Literal("stale-version", "duplicate-id", "unique-violation", "missing-reference", "still-referenced"),
  expectedVersion: Schema.optional(Schema.Number),
  actualVersion: Schema.optional(Schema.Number),
  detail: Schema.optional(Schema.String),
  reference: Schema.optional(ConflictReference)
}) {
  override get message(): string {
    const ref = this.reference
    switch (this.reason) {
      case "stale-version":
        return `${this.collection} ${this.id}: expected version ${this.expectedVersion}, found ${this.actualVersion}`
      case "duplicate-id":
        return `${this.collection} ${this.id} already exists`
      case "unique-violation":
        return `${this.collection} ${this.id}: ${this.detail ?? "unique key already taken"}`
      case "missing-reference":
        return ref === undefined
          ? `${this.collection} ${this.id}: ${this.detail ?? "a record it refers to does not exist"}`
          : `${this.collection} ${this.id}: ${ref.field} refers to ${ref.collection} ${ref.id}, which does not exist in this workspace`
      case "still-referenced":
        return ref === undefined
          ? `${this.collection} ${this.id}: ${this.detail ?? "still referenced by another record"}`
          : `${this.collection} ${this.id} is still referenced by ${ref.collection} ${ref.id} (${ref.field})`
    }
  }
}

/**
 * A query that cannot run: unknown field, an operator that does not apply to the
 * field's type, a bad cursor or time zone. Raised before the store is touched.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidQuery extends Schema.TaggedError<InvalidQuery>()("InvalidQuery", {
  collection: Schema.String,
  path: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `query on ${this.collection}: ${this.path === "" ? "" : `${this.path}: `}${this.reason}`
  }
}

/**
 * The storage engine failed (connection lost, disk full, a failed COMMIT). The
 * transaction it belonged to was rolled back or never reached the engine.
 *
 * @since 0.1.0
 * @category errors
 */
export class StoreError extends Schema.TaggedError<StoreError>()("StoreError", {
  operation: Schema.String,
  detail: Schema.String,
  cause: Schema.optional(Schema.Unknown)
}) {
  override get message(): string {
    return `${this.operation}: ${this.detail}`
  }
}
