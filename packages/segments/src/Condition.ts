/**
 * A condition of a segment: a core `Query.Expr` (plain data the stores run) with the
 * combinators a builder reads well with. Every field method of the builder gives one.
 *
 * @since 0.1.0
 */
import { Query } from "@rapport/core"

/**
 * A condition on the records of a segment's object.
 *
 * @since 0.1.0
 * @category models
 */
export class Condition {
  constructor(
    /** The condition as the core Query AST. */
    readonly expr: Query.Expr
  ) {}

  /** This and every other condition. */
  and(...others: ReadonlyArray<Condition>): Condition {
    return and(this, ...others)
  }

  /** This or any other condition. */
  or(...others: ReadonlyArray<Condition>): Condition {
    return or(this, ...others)
  }

  /** The opposite of this condition (two-valued: a null compared is false, so its `not` is true). */
  not(): Condition {
    return not(this)
  }
}

/**
 * All of the conditions (true when none are given).
 *
 * @since 0.1.0
 * @category combinators
 */
export const and = (...conditions: ReadonlyArray<Condition>): Condition =>
  conditions.length === 1 ? conditions[0]! : new Condition(Query.and(...flatten("And", conditions)))

/** The expressions of the conditions, with those of nested ones of the same kind lifted (`a.and(b).and(c)` is one `and`). */
const flatten = (tag: "And" | "Or", conditions: ReadonlyArray<Condition>): Array<Query.Expr> =>
  conditions.flatMap((c) => (c.expr._tag === tag ? c.expr.exprs : [c.expr]))

/**
 * Any of the conditions (false when none are given).
 *
 * @since 0.1.0
 * @category combinators
 */
export const or = (...conditions: ReadonlyArray<Condition>): Condition =>
  conditions.length === 1 ? conditions[0]! : new Condition(Query.or(...flatten("Or", conditions)))

/**
 * The opposite of a condition.
 *
 * @since 0.1.0
 * @category combinators
 */
export const not = (condition: Condition): Condition => new Condition(Query.not(condition.expr))

/**
 * The condition of an AST expression (what a saved segment holds).
 *
 * @since 0.1.0
 * @category constructors
 */
export const of = (expr: Query.Expr): Condition => new Condition(expr)
