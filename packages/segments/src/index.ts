/**
 * @rapport/segments: typed customer segments over the core Query AST.
 *
 * @since 0.1.0
 */

/**
 * A segment of an object's records: `Segment.of(Objects.contact).where(...)`, compiled to
 * the core Query AST; its members and count on any store.
 *
 * @since 0.1.0
 */
export * as Segment from "./Segment.js"

/**
 * A condition of a segment (core Query AST) with `and`, `or` and `not`.
 *
 * @since 0.1.0
 */
export * as Condition from "./Condition.js"

/**
 * Typed field references: the operators that fit each kind of field.
 *
 * @since 0.1.0
 */
export * as FieldRef from "./FieldRef.js"

/**
 * The objects segments are over, and how to define your own.
 *
 * @since 0.1.0
 */
export * as SegmentObject from "./SegmentObject.js"

/**
 * Core's and the pipelines' objects, ready for segments.
 *
 * @since 0.1.0
 */
export * as Objects from "./Objects.js"

/**
 * The saved form of a segment: versioned JSON, loaded back with every problem's path.
 *
 * @since 0.1.0
 */
export * as SegmentJson from "./SegmentJson.js"

/**
 * Ready segments: VIP, churn risk, return risk, dormant leads, high value with an open ticket.
 *
 * @since 0.1.0
 */
export * as Recipes from "./Recipes.js"

/**
 * Saved segments with stored membership: refresh, add, remove, members.
 *
 * @since 0.1.0
 */
export * as Segments from "./Segments.js"

/**
 * The collections segments are kept in (add them to the catalog).
 *
 * @since 0.1.0
 */
export * as Membership from "./Membership.js"

/**
 * The events segments write: `SegmentEntered`, `SegmentLeft`, `SegmentCreated`.
 *
 * @since 0.1.0
 */
export * as SegmentsEvents from "./SegmentsEvents.js"

/**
 * What importing and exporting rules share: the rule JSON, the options, the errors.
 *
 * @since 0.1.0
 */
export * as Rules from "./Rules.js"

/**
 * react-querybuilder's rule JSON to and from a segment's condition.
 *
 * @since 0.1.0
 */
export * as ReactQueryBuilder from "./ReactQueryBuilder.js"

/**
 * JsonLogic to and from a segment's condition, keeping JsonLogic's meaning.
 *
 * @since 0.1.0
 */
export * as JsonLogic from "./JsonLogic.js"
