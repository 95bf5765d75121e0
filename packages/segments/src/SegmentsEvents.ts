/**
 * The events segments write, each with the `Schema` of its payload: a record entering or
 * leaving a segment (what workflows trigger on), and a segment saved. Every
 * membership event names the segment and the record as subjects, so both timelines show
 * it. Add `SegmentsEvents.all.definitions` to the catalog's `events` to query their
 * payloads (`payload.recordId`, `payload.firstFill`) on the event log.
 *
 * @since 0.1.0
 */
import { DomainEvent } from "@rapport/core"
import { Schema } from "effect"
import * as Membership from "./Membership.js"

/**
 * What a membership event carries: the segment, the record (and its collection), why, and
 * whether it came from the segment's first fill (a workflow on "entered" usually skips
 * those: they are not news).
 *
 * @since 0.1.0
 * @category schemas
 */
export const MembershipChange = Schema.Struct({
  segmentId: Schema.String,
  collection: Schema.String,
  recordId: Schema.String,
  reason: Membership.Reason,
  firstFill: Schema.Boolean
})

/**
 * A record entered a segment.
 *
 * @since 0.1.0
 * @category events
 */
export const SegmentEntered = DomainEvent.define("SegmentEntered", MembershipChange)

/**
 * A record left a segment.
 *
 * @since 0.1.0
 * @category events
 */
export const SegmentLeft = DomainEvent.define("SegmentLeft", MembershipChange)

/**
 * A segment was saved: `{ record }`.
 *
 * @since 0.1.0
 * @category events
 */
export const SegmentCreated = DomainEvent.define("SegmentCreated", DomainEvent.recordPayload(Membership.SavedSegment))

/**
 * Every event type segments write.
 *
 * @since 0.1.0
 * @category events
 */
export const all = DomainEvent.union(SegmentEntered, SegmentLeft, SegmentCreated)
