/**
 * The saved form of a segment: plain JSON with a version, so a segment can be stored,
 * edited in a UI and loaded back by later code. `encode` writes the current version;
 * `decode` reads every version this code knows (upgrading older ones) and refuses
 * anything else with the path of each problem, before any store sees it.
 *
 * Version 1: `{ version: 1, object: "contact", name?: string, where: <Query.Expr> }`, the
 * condition as the core Query AST's JSON (`Query.Expr`'s schema).
 *
 * @example
 * ```ts
 * import { Objects, Segment, SegmentJson } from "@rapport/segments"
 * import { Either } from "effect"
 *
 * const customers = Segment.of(Objects.contact).where((c) => c.lifecycleStage.eq("customer"))
 * const saved = JSON.stringify(SegmentJson.encode(customers, { name: "Customers" }))
 * const loaded = SegmentJson.decode(JSON.parse(saved))
 * console.log(Either.isRight(loaded) && loaded.right.segment.object.name) // "contact"
 * const broken = SegmentJson.decode({ version: 1, object: "contact", where: { _tag: "Compare", field: "x", op: "like", value: 1 } })
 * console.log(Either.isLeft(broken) && broken.left.issues[0]?.path) // [ "where", "op" ]
 * ```
 *
 * @since 0.1.0
 */
import { Query } from "@rapport/core"
import { Either, ParseResult, Schema } from "effect"
import * as Objects from "./Objects.js"
import * as Segment from "./Segment.js"
import type { AnyObject } from "./SegmentObject.js"

/**
 * The current version of the saved form.
 *
 * @since 0.1.0
 * @category constants
 */
export const version = 1

/**
 * Version 1 of the saved form.
 *
 * @since 0.1.0
 * @category schemas
 */
export const V1 = Schema.Struct({
  version: Schema.Literal(1),
  object: Schema.String,
  name: Schema.optionalWith(Schema.String, { exact: true }),
  where: Query.Expr
})

/**
 * A saved segment, as the current version writes it.
 *
 * @since 0.1.0
 * @category models
 */
export type SegmentJson = typeof V1.Encoded

/**
 * One problem with a saved segment: where in the JSON, and what.
 *
 * @since 0.1.0
 * @category errors
 */
export interface Issue {
  readonly path: ReadonlyArray<PropertyKey>
  readonly message: string
}

/**
 * A saved segment that cannot be loaded, with every problem found.
 *
 * @since 0.1.0
 * @category errors
 */
export class SegmentJsonError extends Schema.TaggedError<SegmentJsonError>()("SegmentJsonError", {
  issues: Schema.Array(Schema.Struct({ path: Schema.Array(Schema.Union(Schema.String, Schema.Number, Schema.Symbol)), message: Schema.String }))
}) {
  override get message(): string {
    return this.issues.map((i) => `${i.path.length === 0 ? "(root)" : i.path.map(String).join(".")}: ${i.message}`).join("; ")
  }
}

/**
 * The saved form of a segment (the current version), with an optional name.
 *
 * @since 0.1.0
 * @category encoding
 */
export const encode = (segment: Segment.Segment, options: { readonly name?: string } = {}): SegmentJson =>
  Schema.encodeSync(V1)({
    version: 1,
    object: segment.object.name,
    ...(options.name === undefined ? {} : { name: options.name }),
    where: segment.expr
  })

/** The versions `decode` reads, newest last; each older one is upgraded to the next. */
const Versions = Schema.Union(V1)

const decodeVersions = Schema.decodeUnknownEither(Versions, { errors: "all", onExcessProperty: "error" })

/**
 * Loads a saved segment: its segment and name, or every problem with its path. `objects`
 * are the objects a saved segment may be over (core's and the pipelines' by default; pass
 * yours, such as one with custom fields from `SegmentObject.withCustom`).
 *
 * @since 0.1.0
 * @category decoding
 */
export const decode = (
  json: unknown,
  options: { readonly objects?: ReadonlyArray<AnyObject> } = {}
): Either.Either<{ readonly segment: Segment.Segment; readonly name: string | undefined }, SegmentJsonError> => {
  const decoded = decodeVersions(json)
  if (Either.isLeft(decoded)) {
    return Either.left(new SegmentJsonError({ issues: merged(ParseResult.ArrayFormatter.formatErrorSync(decoded.left)) }))
  }
  const saved = decoded.right
  const objects = options.objects ?? defaultObjects
  const object = objects.find((o) => o.name === saved.object)
  if (object === undefined) {
    return Either.left(
      new SegmentJsonError({
        issues: [{
          path: ["object"],
          message: `unknown object "${saved.object}" (known: ${objects.map((o) => o.name).join(", ")})`
        }]
      })
    )
  }
  return Either.right({ segment: Segment.fromExpr(object, saved.where), name: saved.name })
}

/**
 * One issue per path: a value that matches no member of a union of literals (`op`) gets
 * one issue per member from the parser; they read better as one list of what is expected.
 */
const merged = (raw: ReadonlyArray<{ readonly path: ReadonlyArray<PropertyKey>; readonly message: string }>): Array<Issue> => {
  const byPath = new Map<string, { path: ReadonlyArray<PropertyKey>; messages: Array<string> }>()
  for (const issue of raw) {
    const key = JSON.stringify(issue.path.map(String))
    const known = byPath.get(key)
    if (known === undefined) byPath.set(key, { path: issue.path, messages: [issue.message] })
    else if (!known.messages.includes(issue.message)) known.messages.push(issue.message)
  }
  return [...byPath.values()].map(({ messages, path }) => {
    const parts = messages.map((m) => /^Expected (.*), actual (.*)$/s.exec(m))
    const actual = parts[0]?.[2]
    const message = parts.every((p) => p !== null && p[2] === actual)
      ? `Expected ${parts.map((p) => p![1]).join(" | ")}, actual ${actual}`
      : messages.join("; or ")
    return { path, message }
  })
}

const defaultObjects: ReadonlyArray<AnyObject> = [
  Objects.contact,
  Objects.company,
  Objects.order,
  Objects.conversation,
  Objects.activity,
  Objects.task,
  Objects.note,
  Objects.user,
  Objects.deal,
  Objects.lead,
  Objects.ticket
]
