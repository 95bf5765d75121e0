/**
 * What importing and exporting rules share (`ReactQueryBuilder`, `JsonLogic`): the rule
 * JSON a segment reads and writes, the import options, and the errors naming the path of
 * each problem.
 *
 * @since 0.1.0
 */
import type { Catalog } from "@rapport/core"
import { Schema } from "effect"

/**
 * One rule of react-querybuilder's JSON (its `RuleType`, of which this is the part a
 * segment reads and writes).
 *
 * @since 0.1.0
 * @category models
 */
export interface Rule {
  field: string
  operator: string
  value: any
  valueSource?: "value" | "field"
}

/**
 * A group of rules (react-querybuilder's `RuleGroupType`); `fromReactQueryBuilder` also
 * reads groups with independent combinators (`rules: [rule, "and", rule, "or", rule]`).
 *
 * @since 0.1.0
 * @category models
 */
export interface RuleGroup {
  combinator: string
  not?: boolean
  rules: Array<Rule | RuleGroup>
}

/**
 * The path of a problem: keys and indexes into the rule JSON (import) or the Query AST (export).
 *
 * @since 0.1.0
 * @category models
 */
export type Path = ReadonlyArray<string | number>

const Issues = Schema.Array(Schema.Struct({ path: Schema.Array(Schema.Union(Schema.String, Schema.Number)), message: Schema.String }))

const describe = (issues: ReadonlyArray<{ readonly path: Path; readonly message: string }>): string =>
  issues.map((i) => `${i.path.length === 0 ? "(root)" : i.path.join(".")}: ${i.message}`).join("; ")

/**
 * Rules (react-querybuilder's JSON or JsonLogic) that cannot become a segment without
 * changing their meaning, each problem with its path in the input.
 *
 * @since 0.1.0
 * @category errors
 */
export class SegmentImportError extends Schema.TaggedError<SegmentImportError>()("SegmentImportError", { issues: Issues }) {
  override get message(): string {
    return describe(this.issues)
  }
}

/**
 * A segment condition the target format cannot express (a related count, a window, a
 * case-insensitive match...), with its path in the Query AST (`exprs.1`).
 *
 * @since 0.1.0
 * @category errors
 */
export class SegmentExportError extends Schema.TaggedError<SegmentExportError>()("SegmentExportError", { issues: Issues }) {
  override get message(): string {
    return describe(this.issues)
  }
}

/**
 * What an import needs: the collection of the segment's object and, optionally, a catalog
 * and workspace. With them, string values are read as the field's kind (`"42"` for a
 * number) and the result is checked as a store would (`Segment.check`).
 *
 * @since 0.1.0
 * @category models
 */
export interface ImportOptions {
  readonly collection: string
  readonly catalog?: Catalog.Service
  readonly workspaceId?: string
}

