/**
 * The queryable properties of event payloads, derived from the events' definitions: each
 * definition's payload `Schema` is walked for the scalar values it holds at fixed paths
 * (`to`, `timeInStageMs`, `record.total.amountMinor`), and the paths of every definition
 * are merged into one declaration for the event log's `payload` field.
 *
 * A path the definitions give different kinds (text in one type, a number in another) is
 * left out: no one kind reads it. `integer` and `number` merge to `number`, `timestamp`
 * and `integer` to `integer`. Records with open keys (`changes`) and lists have no fixed
 * paths and are skipped, as is anything deeper than `MAX_DEPTH` segments.
 */
import { Schema, SchemaAST } from "effect"
import type * as Field from "../Field.js"

/** What a definition contributes: the schema of its payload. */
export interface PayloadSource {
  readonly payload: Schema.Schema.Any
}

/** Paths longer than this are not declared (payloads nest a record at most two levels down). */
const MAX_DEPTH = 4

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/

type Scalar = "string" | "number" | "integer" | "timestamp" | "boolean"

/** The brand `Timestamp.Timestamp` carries (not imported: `Timestamp` would import this module's users). */
const TIMESTAMP_BRAND = "@rapport/core/Timestamp"

/** The scalar kind of a schema node, with whether it admits null; `undefined` when not one scalar kind. */
const scalarOf = (ast: SchemaAST.AST): { readonly kind: Scalar; readonly nullable: boolean } | undefined => {
  switch (ast._tag) {
    case "StringKeyword":
    case "TemplateLiteral":
    case "Enums":
      return ast._tag === "Enums" && !ast.enums.every(([, v]) => typeof v === "string")
        ? undefined
        : { kind: "string", nullable: false }
    case "NumberKeyword":
      return { kind: "number", nullable: false }
    case "BooleanKeyword":
      return { kind: "boolean", nullable: false }
    case "Literal":
      return typeof ast.literal === "string"
        ? { kind: "string", nullable: false }
        : typeof ast.literal === "number"
        ? { kind: Number.isInteger(ast.literal) ? "integer" : "number", nullable: false }
        : typeof ast.literal === "boolean"
        ? { kind: "boolean", nullable: false }
        : undefined
    case "Refinement": {
      const brands = SchemaAST.getBrandAnnotation(ast)
      if (brands._tag === "Some" && brands.value.includes(TIMESTAMP_BRAND)) return { kind: "timestamp", nullable: false }
      const id = SchemaAST.getSchemaIdAnnotation(ast)
      const inner = scalarOf(ast.from)
      if (id._tag === "Some" && id.value === Schema.IntSchemaId && inner?.kind === "number") {
        return { kind: "integer", nullable: inner.nullable }
      }
      return inner
    }
    case "Transformation":
      // The stored JSON is the encoded side.
      return scalarOf(ast.from)
    case "Union": {
      let kind: Scalar | undefined
      let nullable = false
      for (const member of ast.types) {
        // Null, and the undefined of an optional property: the field reads null there.
        if ((member._tag === "Literal" && member.literal === null) || member._tag === "UndefinedKeyword") {
          nullable = true
          continue
        }
        const s = scalarOf(member)
        if (s === undefined) return undefined
        nullable ||= s.nullable
        kind = kind === undefined ? s.kind : merge(kind, s.kind)
        if (kind === undefined) return undefined
      }
      return kind === undefined ? undefined : { kind, nullable }
    }
    default:
      return undefined
  }
}

/** The kind two declarations of one path share, or `undefined` when they conflict. */
const merge = (a: Scalar, b: Scalar): Scalar | undefined => {
  if (a === b) return a
  const numeric = (k: Scalar) => k === "number" || k === "integer" || k === "timestamp"
  if (!numeric(a) || !numeric(b)) return undefined
  return a === "number" || b === "number" ? "number" : "integer"
}

/** The object shapes a schema node can be: its type literals, through refinements, transformations and unions. */
const objectsOf = (ast: SchemaAST.AST): ReadonlyArray<SchemaAST.TypeLiteral> => {
  switch (ast._tag) {
    case "TypeLiteral":
      return [ast]
    case "Refinement":
      return objectsOf(ast.from)
    case "Transformation":
      return objectsOf(ast.from)
    case "Union":
      return ast.types.flatMap(objectsOf)
    default:
      return []
  }
}

/** Every scalar path of a payload schema with its kind, into `out` (a conflict stores `null`). */
const walk = (ast: SchemaAST.AST, prefix: string, depth: number, out: Map<string, Scalar | null>): void => {
  for (const object of objectsOf(ast)) {
    for (const property of object.propertySignatures) {
      if (typeof property.name !== "string" || !IDENTIFIER.test(property.name)) continue
      const path = prefix === "" ? property.name : `${prefix}.${property.name}`
      const scalar = scalarOf(property.type)
      if (scalar !== undefined) {
        const known = out.get(path)
        out.set(path, known === undefined ? scalar.kind : known === null ? null : merge(known, scalar.kind) ?? null)
      } else if (depth < MAX_DEPTH) {
        walk(property.type, path, depth + 1, out)
      }
    }
  }
}

/**
 * The payload properties of a set of event definitions: every scalar path with the one
 * kind all definitions holding it agree on.
 */
export const derive = (sources: Iterable<PayloadSource>): Record<string, Field.Spec> => {
  const found = new Map<string, Scalar | null>()
  for (const source of sources) walk(source.payload.ast, "", 1, found)
  const out: Record<string, Field.Spec> = {}
  for (const [path, kind] of [...found].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    // Every property is nullable: other event types do not have it.
    if (kind !== null) out[path] = { kind, nullable: true }
  }
  return out
}
