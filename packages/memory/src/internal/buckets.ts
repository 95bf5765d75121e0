/**
 * Fast calendar buckets for aggregates. `TimeBucket.bucketOf` asks `Intl` for every
 * instant, which dominates a grouping over many rows. A bucket depends only on the local
 * date, so this asks `Intl` for the zone's UTC offset once per hour of time touched:
 * where the offset is the same at both ends of the hour, every instant in it has local
 * time `instant + offset`, and instants on the same local day share one cached bucket
 * computed by `TimeBucket.bucketOf` itself. Hours containing a transition fall back to
 * `bucketOf` per instant, so the answer is always `bucketOf`'s.
 */
import type { Query } from "@rapport/core"
import { TimeBucket } from "@rapport/core"

const HOUR = 3_600_000
const DAY = 86_400_000

const offsetFormatter = (timeZone: string) =>
  new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
    hourCycle: "h23"
  })

/** A function from epoch millis to the bucket name, with caches that live as long as it does. */
export const bucketer = (unit: Query.BucketUnit, timeZone: string): (millis: number) => string => {
  const format = offsetFormatter(timeZone)
  const offsetAt = (t: number): number | null => {
    const p: Record<string, number> = {}
    for (const part of format.formatToParts(t)) if (part.type !== "literal") p[part.type] = Number(part.value)
    const { year, month, day, hour, minute, second } = p
    if (
      year === undefined || month === undefined || day === undefined || hour === undefined || minute === undefined ||
      second === undefined || !(year >= 100 && year <= 9999)
    ) return null
    return Date.UTC(year, month - 1, day, hour, minute, second) - Math.floor(t / 1000) * 1000
  }
  const slots = new Map<number, number | null>()
  const days = new Map<number, string>()
  return (millis) => {
    const slot = Math.floor(millis / HOUR)
    let offset = slots.get(slot)
    if (offset === undefined) {
      const start = offsetAt(slot * HOUR)
      const end = offsetAt(slot * HOUR + HOUR - 1)
      offset = start !== null && start === end ? start : null
      slots.set(slot, offset)
    }
    if (offset === null) return TimeBucket.bucketOf(millis, unit, timeZone)
    const day = Math.floor((millis + offset) / DAY)
    let bucket = days.get(day)
    if (bucket === undefined) days.set(day, bucket = TimeBucket.bucketOf(millis, unit, timeZone))
    return bucket
  }
}
