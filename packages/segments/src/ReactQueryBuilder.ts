/**
 * react-querybuilder's rule JSON (`{ combinator, not, rules: [{ field, operator, value,
 * valueSource }] }`, also with independent combinators) to and from a segment's Query AST.
 * Fields are the query paths of the segment's object (`lifecycleStage`,
 * `companyId.industry`, `total.amountMinor`, `custom.plan`).
 *
 * A rule means what the same condition means in Rapport: `!=` and `notIn` are false on a
 * null field (`neq`, `notIn`), `doesNotContain`, `doesNotBeginWith`, `doesNotEndWith` and
 * `notBetween` are the `not` of the positive operator, so a null field meets them. What
 * cannot be honoured is refused with the rule's path (`rules.1.rules.0.operator`), never
 * dropped; the export refuses conditions rule JSON cannot express with their AST path.
 *
 * @example
 * ```ts
 * import { Catalog, Crm } from "@rapport/core"
 * import { ReactQueryBuilder } from "@rapport/segments"
 * import { Either } from "effect"
 *
 * const catalog = Catalog.make({ collections: Crm.collections })
 * const rule = { combinator: "and", rules: [{ field: "companyId.employees", operator: "between", value: "10,500" }] }
 * const expr = ReactQueryBuilder.toExpr(rule, { collection: "contact", catalog, workspaceId: "acme" })
 * console.log(Either.isRight(expr) && expr.right) // { _tag: "Between", field: "companyId.employees", low: 10, high: 500 }
 * ```
 *
 * @since 0.1.0
 */
import type { Query } from "@rapport/core"
import type { Either } from "effect"
import { isRuleGroup } from "@react-querybuilder/core"
import { attempt, checked, context, exprToRuleOrGroup, groupToExpr } from "./internal/rules.js"
import type { ImportOptions, Path, RuleGroup } from "./Rules.js"
import { SegmentExportError, SegmentImportError } from "./Rules.js"

const importError = (issue: { path: Path; message: string }) => new SegmentImportError({ issues: [issue] })
const exportError = (issue: { path: Path; message: string }) => new SegmentExportError({ issues: [issue] })

/**
 * Rule JSON (a `RuleGroupType` or `RuleGroupTypeIC`) as a Query expression, or the problem
 * with its path in the rules. Use `Segment.fromReactQueryBuilder` for a segment.
 *
 * @since 0.1.0
 * @category import
 */
export const toExpr = (rules: unknown, options: ImportOptions): Either.Either<Query.Expr, SegmentImportError> =>
  attempt(() => {
    const ctx = context(options)
    ctx.origins.set("", [])
    return checked(ctx, groupToExpr(ctx, rules, [], ""))
  }, importError)

/**
 * A Query expression as rule JSON (`RuleGroupType`), or the first condition rules cannot
 * express with its AST path. Use `Segment.toReactQueryBuilder` for a segment.
 *
 * @since 0.1.0
 * @category export
 */
export const fromExpr = (expr: Query.Expr): Either.Either<RuleGroup, SegmentExportError> =>
  attempt(() => {
    const out = exprToRuleOrGroup(expr, [])
    // react-querybuilder's types are kept out of the published ones (see `Rule`).
    return (isRuleGroup(out) ? out : { combinator: "and", rules: [out] }) as unknown as RuleGroup
  }, exportError)
