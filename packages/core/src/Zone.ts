/**
 * Wall clocks of IANA time zones, from the platform's `Intl` (no time-zone data of our
 * own to go stale, and nothing here reads the process `TZ`): the UTC offset of a zone at
 * an instant, the local date, and the inverse, the instant a local wall-clock time is
 * reached, with daylight-saving gaps and overlaps resolved.
 *
 * Local times are handled as "wall milliseconds": the local date and time read as if it
 * were UTC (`wallMillis`), so calendar arithmetic on them is plain arithmetic, and the
 * instant is `wall - offset`. Years are astronomical (1 BC is year 0) and proleptic
 * Gregorian, as ISO 8601 and SQL count them. One `Intl.DateTimeFormat` per zone is
 * created and cached; callers on hot paths add their own per-hour or per-day caches of
 * offsets (see `TimeBucket.bucketer`).
 *
 * @example
 * ```ts
 * import { Zone } from "@rapport/core"
 * const t = Date.UTC(2026, 6, 1, 12)
 * Zone.offsetAt("Europe/Berlin", t) // 7_200_000 (CEST, two hours ahead)
 * Zone.localDate(t, "Pacific/Kiritimati") // [2026, 7, 2]
 * // 02:30 on 29 March 2026 does not exist in Berlin: the clock jumps at 01:00Z
 * Zone.firstInstantAtOrAfter("Europe/Berlin", Zone.wallMillis(2026, 3, 29, 2, 30)) // Date.UTC(2026, 2, 29, 1)
 * ```
 *
 * @since 0.1.0
 */

/**
 * An hour in milliseconds.
 *
 * @since 0.1.0
 * @category constants
 */
export const HOUR = 3_600_000
/**
 * A day of wall time in milliseconds (local days may be 23 or 25 hours long).
 *
 * @since 0.1.0
 * @category constants
 */
export const DAY = 86_400_000

const formatters = new Map<string, Intl.DateTimeFormat>()

const formatterFor = (timeZone: string): Intl.DateTimeFormat => {
  let formatter = formatters.get(timeZone)
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      era: "short",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      hourCycle: "h23"
    })
    formatters.set(timeZone, formatter)
  }
  return formatter
}

/**
 * Whether the platform knows this IANA time zone name (`Europe/Berlin`, `UTC`). Knowing
 * a name is not enough for a query: see `TimeBucket.resolveTimeZone`.
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

const scratch = new Date(0)

/**
 * Wall milliseconds of a proleptic Gregorian date and time: the epoch milliseconds it
 * would have if it were UTC. Unlike `Date.UTC`, years 0–99 stay themselves.
 *
 * @since 0.1.0
 * @category constructors
 */
export const wallMillis = (year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number => {
  scratch.setTime(0)
  scratch.setUTCFullYear(year, month - 1, day)
  return scratch.getTime() + ((hour * 60 + minute) * 60 + second) * 1000
}

/**
 * The zone's offset at an instant: local minus UTC, in milliseconds (positive east of
 * Greenwich). Throws a `RangeError` for a zone the platform does not know (check with
 * `isTimeZone` first).
 *
 * @since 0.1.0
 * @category combinators
 */
export const offsetAt = (timeZone: string, instant: number): number => {
  const formatter = formatterFor(timeZone)
  const wholeSecond = instant - (((instant % 1000) + 1000) % 1000)
  // `format` is about three times as fast as `formatToParts`; its en-US text is read
  // strictly, and anything else (another ICU's punctuation) is read from the parts.
  const m = EN_US.exec(formatter.format(instant))
  if (m !== null) {
    const year = Number(m[3])
    return wallMillis(m[4] === "BC" ? 1 - year : year, Number(m[1]), Number(m[2]), Number(m[5]), Number(m[6]), Number(m[7])) -
      wholeSecond
  }
  return wallFromParts(formatter.formatToParts(instant)) - wholeSecond
}

/** `3/29/2026 AD, 03:00:00`: month, day, year, era, hour, minute, second. */
const EN_US = /^(\d{1,2})\/(\d{1,2})\/(\d{1,6})\s(AD|BC),\s(\d{1,2}):(\d{2}):(\d{2})$/

const wallFromParts = (parts: ReadonlyArray<Intl.DateTimeFormatPart>): number => {
  let year = 0
  let month = 1
  let day = 1
  let hour = 0
  let minute = 0
  let second = 0
  let bc = false
  for (const part of parts) {
    switch (part.type) {
      case "year":
        year = Number(part.value)
        break
      case "month":
        month = Number(part.value)
        break
      case "day":
        day = Number(part.value)
        break
      case "hour":
        hour = Number(part.value)
        break
      case "minute":
        minute = Number(part.value)
        break
      case "second":
        second = Number(part.value)
        break
      case "era":
        bc = part.value.startsWith("B")
        break
    }
  }
  return wallMillis(bc ? 1 - year : year, month, day, hour, minute, second)
}

/**
 * The local wall milliseconds of an instant in a zone (`instant + offsetAt(...)`).
 *
 * @since 0.1.0
 * @category combinators
 */
export const wallAt = (timeZone: string, instant: number): number => instant + offsetAt(timeZone, instant)

/**
 * The local calendar date of wall milliseconds as `[year, month, day]`.
 *
 * @since 0.1.0
 * @category combinators
 */
export const wallDate = (wall: number): readonly [number, number, number] => {
  scratch.setTime(wall)
  return [scratch.getUTCFullYear(), scratch.getUTCMonth() + 1, scratch.getUTCDate()]
}

/**
 * The local calendar date of an instant in a zone as `[year, month, day]`.
 *
 * @since 0.1.0
 * @category combinators
 */
export const localDate = (instant: number, timeZone: string): readonly [number, number, number] =>
  wallDate(wallAt(timeZone, instant))

/**
 * The first instant at which the zone's wall clock reads `wall` or later:
 *
 * - an ordinary wall time: its only instant;
 * - a repeated wall time (clocks set back): its first occurrence;
 * - a skipped wall time (clocks set forward): the instant of the change, when the clock
 *   jumps past it.
 *
 * `before` and `after` are the offsets in force before and after the stretch of time
 * being resolved, which may hold at most one offset change; callers resolving many wall
 * times of one day pass them once (two `Intl` calls saved per wall time). Left out, they
 * are the offsets a day either side of `wall`.
 *
 * @since 0.1.0
 * @category combinators
 */
export const firstInstantAtOrAfter = (
  timeZone: string,
  wall: number,
  before: number = offsetAt(timeZone, wall - DAY),
  after: number = offsetAt(timeZone, wall + DAY)
): number => {
  if (before === after) return wall - before
  const early = wall - before
  const late = wall - after
  const earlyValid = offsetAt(timeZone, early) === before
  const lateValid = offsetAt(timeZone, late) === after
  if (earlyValid && lateValid) return Math.min(early, late)
  if (earlyValid) return early
  if (lateValid) return late
  // A gap: the clock jumps from below `wall` to above it. Search the change between
  // `late` (still the old offset, wall clock below `wall`) and `early` (new offset).
  let lo = Math.min(early, late)
  let hi = Math.max(early, late)
  while (hi - lo > 1) {
    // Offset changes fall on whole seconds: search seconds until the last step.
    const mid = hi - lo > 2000 ? Math.floor((lo + hi) / 2000) * 1000 : Math.floor((lo + hi) / 2)
    if (mid + offsetAt(timeZone, mid) >= wall) hi = mid
    else lo = mid
  }
  return hi
}
