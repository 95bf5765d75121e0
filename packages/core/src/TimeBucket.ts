/**
 * Calendar buckets of instants in an IANA time zone, computed with the platform's
 * `Intl` (no time-zone data of our own to go stale, and independent of the machine's
 * `TZ`). A bucket is named by the local date it starts on: days are local midnights,
 * weeks start on Monday (ISO), months and years on their first day.
 *
 * @since 0.1.0
 */
import type { BucketUnit } from "./Query.js"

const formatters = new Map<string, Intl.DateTimeFormat>()

const formatterFor = (timeZone: string): Intl.DateTimeFormat => {
  let formatter = formatters.get(timeZone)
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      era: "short",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hourCycle: "h23"
    })
    formatters.set(timeZone, formatter)
  }
  return formatter
}

/**
 * Whether the platform knows this IANA time zone name (`Europe/Berlin`, `UTC`).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isTimeZone = (timeZone: string): boolean => {
  if (timeZone.length === 0 || timeZone.length > 64) return false
  try {
    formatterFor(timeZone)
    return true
  } catch {
    return false
  }
}

const pad = (n: number, width: number) => n.toString().padStart(width, "0")

/**
 * The local calendar date of an instant in a time zone as `[year, month, day]`.
 *
 * @since 0.1.0
 * @category combinators
 */
export const localDate = (millis: number, timeZone: string): readonly [number, number, number] => {
  let year = 0
  let month = 0
  let day = 0
  let bc = false
  for (const part of formatterFor(timeZone).formatToParts(millis)) {
    if (part.type === "year") year = Number(part.value)
    else if (part.type === "era") bc = part.value.startsWith("B")
    else if (part.type === "month") month = Number(part.value)
    else if (part.type === "day") day = Number(part.value)
  }
  // Astronomical years (1 BC is year 0), as ISO 8601 and SQL count them.
  return [bc ? 1 - year : year, month, day]
}

/**
 * ISO 8601 text of a calendar date: `YYYY-MM-DD`, or `±YYYYYY-MM-DD` outside 0000–9999.
 *
 * @since 0.1.0
 * @category combinators
 */
export const formatDate = (year: number, month: number, day: number): string => {
  const y = year >= 0 && year <= 9999 ? pad(year, 4) : `${year < 0 ? "-" : "+"}${pad(Math.abs(year), 6)}`
  return `${y}-${pad(month, 2)}-${pad(day, 2)}`
}

/**
 * The bucket an instant falls in, named by the local date the bucket starts on.
 *
 * @example
 * ```ts
 * import { TimeBucket } from "@rapport/core"
 * // 2026-03-29T00:30Z is still Saturday 28 March in New York
 * TimeBucket.bucketOf(Date.UTC(2026, 2, 29, 0, 30), "day", "America/New_York") // "2026-03-28"
 * TimeBucket.bucketOf(Date.UTC(2026, 2, 29, 0, 30), "week", "Europe/Berlin") // "2026-03-23"
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const bucketOf = (millis: number, unit: BucketUnit, timeZone: string): string => {
  const [year, month, day] = localDate(millis, timeZone)
  switch (unit) {
    case "day":
      return formatDate(year, month, day)
    case "week": {
      // Calendar arithmetic on the local date, done in UTC where every day has 24 hours.
      // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
      const local = new Date(0)
      local.setUTCFullYear(year, month - 1, day)
      const monday = new Date(local.getTime() - ((local.getUTCDay() + 6) % 7) * 86_400_000)
      return formatDate(monday.getUTCFullYear(), monday.getUTCMonth() + 1, monday.getUTCDate())
    }
    case "month":
      return formatDate(year, month, 1)
    case "year":
      return formatDate(year, 1, 1)
  }
}
