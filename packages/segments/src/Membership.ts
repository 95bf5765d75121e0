/**
 * The collections segments are kept in: `segment` (a saved segment: its name, object,
 * kind and definition) and `segment_member` (one row per record in a segment, now). Add
 * `Membership.collections` to the catalog next to core's (`Crm.layer({ collections })`).
 * The history of membership is on the event log (`SegmentsEvents`), not in these rows.
 *
 * @since 0.1.0
 */
import { Collection, Field } from "@rapport/core"
import { Schema } from "effect"
import * as SegmentJson from "./SegmentJson.js"

/**
 * A saved segment's id.
 *
 * @since 0.1.0
 * @category models
 */
export const SegmentId = Schema.String.pipe(Schema.brand("@rapport/segments/SegmentId"))

/**
 * @since 0.1.0
 * @category models
 */
export type SegmentId = typeof SegmentId.Type

/**
 * Static segments change by hand only (`add`, `remove`); dynamic ones are re-evaluated
 * (`refresh`).
 *
 * @since 0.1.0
 * @category models
 */
export const Kind = Schema.Literal("static", "dynamic")

/**
 * @since 0.1.0
 * @category models
 */
export type Kind = typeof Kind.Type

/**
 * @since 0.1.0
 * @category models
 */
export const segmentFields = {
  name: Field.text(200),
  object: Field.string(),
  kind: Field.string(Kind),
  definition: Field.json(SegmentJson.V1),
  members: Field.integer(Schema.NonNegativeInt),
  refreshedAt: Field.nullable(Field.timestamp()),
  checkpoint: Field.nullable(Field.integer(Schema.NonNegativeInt))
}

/**
 * A saved segment: `definition` is its saved form (`SegmentJson`), `members` how many
 * records are in it, `refreshedAt` when a refresh last evaluated it (null: never, so the
 * next refresh is its first fill), `checkpoint` the position of the last event of the log
 * that refresh took into account (an incremental refresh reads the events after it).
 *
 * @since 0.1.0
 * @category models
 */
export class SavedSegment
  extends Schema.Class<SavedSegment>("@rapport/segments/SavedSegment")(Collection.modelFields(SegmentId, segmentFields))
{}

/**
 * @since 0.1.0
 * @category collections
 */
export const segments = Collection.make({ name: "segment", schema: SavedSegment, fields: segmentFields, unique: [["name"]] })

/**
 * Why a record entered or left a segment: a refresh found it meets (or no longer meets)
 * the condition, or someone added or removed it by hand.
 *
 * @since 0.1.0
 * @category models
 */
export const Reason = Schema.Literal("refresh", "manual")

/**
 * @since 0.1.0
 * @category models
 */
export type Reason = typeof Reason.Type

/**
 * @since 0.1.0
 * @category models
 */
export const memberFields = {
  segmentId: Field.ref("segment", SegmentId),
  recordId: Field.string(),
  enteredAt: Field.timestamp(),
  reason: Field.string(Reason)
}

/**
 * A record in a segment, since `enteredAt`. Its id is `<segmentId>:<recordId>`, so a
 * record is in a segment at most once, whoever adds it concurrently.
 *
 * @since 0.1.0
 * @category models
 */
export class Member extends Schema.Class<Member>("@rapport/segments/Member")(Collection.modelFields(Schema.String, memberFields)) {}

/**
 * @since 0.1.0
 * @category collections
 */
export const members = Collection.make({
  name: "segment_member",
  schema: Member,
  fields: memberFields,
  indexes: [["segmentId", "recordId"]]
})

/**
 * The id of a record's membership row in a segment.
 *
 * @since 0.1.0
 * @category constructors
 */
export const memberId = (segmentId: string, recordId: string): string => `${segmentId}:${recordId}`

/**
 * The collections to add to the catalog.
 *
 * @since 0.1.0
 * @category collections
 */
export const collections = [segments, members] as const
