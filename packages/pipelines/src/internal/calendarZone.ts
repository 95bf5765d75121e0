/**
 * UTC offsets of an IANA time zone from the platform's `Intl`, and the inverse: the
 * instant a wall-clock time is reached. Nothing here reads the process time zone.
 *
 * @internal
 */

const formatters = new Map<string, Intl.DateTimeFormat>()

/** @internal */
export const formatterFor = (timeZone: string): Intl.DateTimeFormat => {
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

/** @internal */
export const isTimeZone = (timeZone: string): boolean => {
  if (timeZone.length === 0 || timeZone.length > 64) return false
  try {
    formatterFor(timeZone)
    return true
  } catch {
    return false
  }
}

/** @internal */
export const HOUR = 3_600_000
/** @internal */
export const DAY = 86_400_000

const scratch = new Date(0)

/**
 * Milliseconds since the epoch of a proleptic Gregorian date and time read as if it
 * were UTC ("wall milliseconds"). `setUTCFullYear`, unlike `Date.UTC`, keeps years 0–99.
 *
 * @internal
 */
export const wallMillis = (year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number => {
  scratch.setTime(0)
  scratch.setUTCFullYear(year, month - 1, day)
  return scratch.getTime() + ((hour * 60 + minute) * 60 + second) * 1000
}

/**
 * The offset (local minus UTC, in milliseconds) of the zone at an instant.
 *
 * @internal
 */
export const offsetAt = (formatter: Intl.DateTimeFormat, instant: number): number => {
  let year = 0
  let month = 1
  let day = 1
  let hour = 0
  let minute = 0
  let second = 0
  let bc = false
  for (const part of formatter.formatToParts(instant)) {
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
  const wholeSecond = instant - (((instant % 1000) + 1000) % 1000)
  return wallMillis(bc ? 1 - year : year, month, day, hour, minute, second) - wholeSecond
}

/**
 * The first instant at which the zone's wall clock reads `wall` or later, given the
 * offsets in force before (`before`) and after (`after`) the stretch of time being
 * resolved. At most one offset change is assumed in that stretch (about two days).
 *
 * - an ordinary wall time: its only instant;
 * - a repeated wall time (clocks set back): its first occurrence;
 * - a skipped wall time (clocks set forward): the instant of the change, when the
 *   clock jumps past it.
 *
 * @internal
 */
export const firstInstantAtOrAfter = (
  formatter: Intl.DateTimeFormat,
  wall: number,
  before: number,
  after: number
): number => {
  if (before === after) return wall - before
  const early = wall - before
  const late = wall - after
  const earlyValid = offsetAt(formatter, early) === before
  const lateValid = offsetAt(formatter, late) === after
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
    if (mid + offsetAt(formatter, mid) >= wall) hi = mid
    else lo = mid
  }
  return hi
}
