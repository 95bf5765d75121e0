/**
 * The reference evaluator's calendar: time buckets and relative and calendar windows
 * written out with `Intl.DateTimeFormat#formatToParts` and `Date.UTC` month arithmetic,
 * independent of core's `Zone` and `TimeBucket` (which every store uses), so the
 * differential properties check that arithmetic rather than repeat it.
 */
import type { Query, TimeBucket } from "@rapport/core"
import { Query as Q } from "@rapport/core"

const formatters = new Map<string, Intl.DateTimeFormat>()

const formatter = (timeZone: string): Intl.DateTimeFormat => {
  let f = formatters.get(timeZone)
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      hourCycle: "h23",
      timeZoneName: "longOffset"
    })
    formatters.set(timeZone, f)
  }
  return f
}

interface Local {
  readonly year: number
  readonly month: number
  readonly day: number
  readonly hour: number
  /** The offset as `+HH:MM`, whole minutes toward zero. */
  readonly offset: string
}

const local = (millis: number, timeZone: string): Local => {
  const parts = formatter(timeZone).formatToParts(new Date(millis))
  const get = (type: string) => parts.find((p) => p.type === type)!.value
  // "GMT", "GMT+5:30"-style or "GMT-03:00", seconds possible ("GMT+00:53:28").
  const m = /^GMT(?:([+-])(\d{1,2})(?::(\d{2}))?(?::\d{2})?)?$/.exec(get("timeZoneName"))
  if (m === null) throw new Error(`reference: cannot read the offset ${get("timeZoneName")}`)
  const offset = m[1] === undefined || (Number(m[2]) === 0 && Number(m[3] ?? 0) === 0)
    ? "+00:00"
    : `${m[1]}${m[2]!.padStart(2, "0")}:${(m[3] ?? "00").padStart(2, "0")}`
  return { year: Number(get("year")), month: Number(get("month")), day: Number(get("day")), hour: Number(get("hour")), offset }
}

/** A calendar day, as `Date.UTC` midnight (so `setUTC*` arithmetic is calendar arithmetic). */
type Day = Date

const dayOf = (y: number, m: number, d: number): Day => new Date(Date.UTC(y, m - 1, d))
const parseDay = (date: string): Day => new Date(`${date}T00:00:00Z`)
const name = (day: Day): string => day.toISOString().slice(0, 10)
const plusDays = (day: Day, n: number): Day => new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate() + n))

/** The first day of the unit holding `day`. */
const unitStart = (day: Day, unit: Query.CalendarUnit, calendar: TimeBucket.Calendar): Day => {
  const y = day.getUTCFullYear()
  const m = day.getUTCMonth() // 0-based
  switch (unit) {
    case "day":
      return day
    case "week": {
      const iso = day.getUTCDay() === 0 ? 7 : day.getUTCDay()
      return plusDays(day, -((iso - calendar.weekStart + 7) % 7))
    }
    case "month":
      return new Date(Date.UTC(y, m, 1))
    case "quarter":
    case "year": {
      const sinceFiscalStart = (m - (calendar.fiscalYearStartMonth - 1) + 12) % 12
      const into = unit === "quarter" ? sinceFiscalStart % 3 : sinceFiscalStart
      return new Date(Date.UTC(y, m - into, 1))
    }
  }
}

/** The first day of the unit `n` units after the one starting on `start`. */
const unitsLater = (start: Day, unit: Query.CalendarUnit, n: number): Day => {
  const months = unit === "month" ? 1 : unit === "quarter" ? 3 : unit === "year" ? 12 : 0
  return months === 0
    ? plusDays(start, n * (unit === "week" ? 7 : 1))
    : new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + n * months, 1))
}

const todayIn = (now: number, timeZone: string): Day => {
  const l = local(now, timeZone)
  return dayOf(l.year, l.month, l.day)
}

const dateOf = (l: Local): string => name(dayOf(l.year, l.month, l.day))

/**
 * The first instant at which the zone's local date is `day` or later: stepped through in
 * quarter hours from a point surely before (no zone is 15 hours ahead), then narrowed to
 * the millisecond.
 */
const firstInstantOfDay = (day: Day, timeZone: string): number => {
  const target = name(day)
  const step = 15 * 60_000
  let t = day.getTime() - 15 * 3_600_000
  while (dateOf(local(t, timeZone)) < target) t += step
  let lo = t - step
  let hi = t
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2)
    if (dateOf(local(mid, timeZone)) < target) lo = mid
    else hi = mid
  }
  return hi
}

/** The first instant at which the zone's local date is `date` (`YYYY-MM-DD`) or later. */
export const firstInstantOf = (date: string, timeZone: string): number => firstInstantOfDay(parseDay(date), timeZone)

/** The local date `days` days after the one holding `now` in the zone. */
export const localDateNear = (now: number, timeZone: string, days: number): string =>
  name(plusDays(todayIn(now, timeZone), days))

/** The bucket a timestamp falls in: the local date its unit starts on, or the local hour and offset. */
export const bucket = (millis: number, unit: Query.BucketUnit, timeZone: string, calendar: TimeBucket.Calendar): string => {
  const l = local(millis, timeZone)
  if (unit === "hour") return `${dateOf(l)}T${String(l.hour).padStart(2, "0")}:00${l.offset}`
  return name(unitStart(dayOf(l.year, l.month, l.day), unit, calendar))
}

/** The bucket a `date` falls in. */
export const dateBucket = (date: string, unit: Exclude<Query.BucketUnit, "hour">, calendar: TimeBucket.Calendar): string =>
  name(unitStart(parseDay(date), unit, calendar))

const windows = new WeakMap<object, { readonly first: Day; readonly after: Day; readonly start: number; readonly end: number }>()

const calendarWindow = (expr: Extract<Query.Expr, { _tag: "Calendar" }>, now: number) => {
  let w = windows.get(expr)
  if (w === undefined) {
    const calendar = { weekStart: expr.weekStart ?? 1, fiscalYearStartMonth: expr.fiscalYearStartMonth ?? 1 }
    const current = unitStart(todayIn(now, expr.timeZone), expr.unit, calendar)
    const first = unitsLater(current, expr.unit, expr.from)
    const after = unitsLater(current, expr.unit, expr.to + 1)
    w = { first, after, start: firstInstantOfDay(first, expr.timeZone), end: firstInstantOfDay(after, expr.timeZone) }
    windows.set(expr, w)
  }
  return w
}

/** Days in a relative window on a date (the planner refuses other units). */
const days = (amount: number, unit: Query.DurationUnit) => amount * (unit === "week" ? 7 : 1)

/**
 * Whether a value (a timestamp's number, a date's text; anything else is not in any
 * window) is in a relative or calendar window at `now`.
 */
export const inWindow = (
  v: unknown,
  expr: Extract<Query.Expr, { _tag: "Within" | "OlderThan" | "Calendar" }>,
  now: number
): boolean => {
  if (typeof v !== "number" && typeof v !== "string") return false
  switch (expr._tag) {
    case "Within": {
      if (typeof v === "number") {
        const span = expr.amount * Q.unitMillis[expr.unit]
        return expr.direction === "past" ? v >= now - span && v <= now : v >= now && v <= now + span
      }
      const today = todayIn(now, expr.timeZone ?? "UTC")
      const other = plusDays(today, (expr.direction === "past" ? -1 : 1) * days(expr.amount, expr.unit))
      const [low, high] = expr.direction === "past" ? [other, today] : [today, other]
      return v >= name(low) && v <= name(high)
    }
    case "OlderThan":
      return typeof v === "number"
        ? v < now - expr.amount * Q.unitMillis[expr.unit]
        : v < name(plusDays(todayIn(now, expr.timeZone ?? "UTC"), -days(expr.amount, expr.unit)))
    case "Calendar": {
      const w = calendarWindow(expr, now)
      return typeof v === "number" ? v >= w.start && v < w.end : v >= name(w.first) && v < name(w.after)
    }
  }
}

/** At least the length of one unit, so stepping by it from now passes every unit's bucket. */
const longest: Readonly<Record<Query.BucketUnit, number>> = {
  hour: 3_600_000,
  day: 25 * 3_600_000,
  week: 8 * 86_400_000,
  month: 32 * 86_400_000,
  quarter: 93 * 86_400_000,
  year: 367 * 86_400_000
}

/** Consecutive repeats dropped. */
const distinct = (names: ReadonlyArray<string>): ReadonlyArray<string> => names.filter((n, i) => i === 0 || names[i - 1] !== n)

/**
 * The buckets of a gap-filling range, in time order: every bucket named on the way
 * through the range (quarter hours for hours, days else), found by naming instants and
 * days one by one rather than by stepping units as core does.
 */
export const bucketsIn = (
  unit: Query.BucketUnit,
  range: Query.BucketFill,
  now: number,
  timeZone: string | null,
  calendar: TimeBucket.Calendar
): ReadonlyArray<string> => {
  const zone = timeZone ?? "UTC"
  const names: Array<string> = []
  if (typeof range.from === "string" && typeof range.to === "string") {
    if (unit === "hour") {
      const end = firstInstantOfDay(plusDays(parseDay(range.to), 1), zone)
      for (let t = firstInstantOf(range.from, zone); t < end; t += 15 * 60_000) names.push(bucket(t, unit, zone, calendar))
    } else {
      // A range of local days names the same buckets for dates and for timestamps in any zone.
      for (let d = parseDay(range.from); d <= parseDay(range.to); d = plusDays(d, 1)) names.push(dateBucket(name(d), unit, calendar))
    }
    return distinct(names)
  }
  const from = Number(range.from)
  const to = Number(range.to)
  const step = unit === "hour" ? 15 * 60_000 : 6 * 3_600_000
  // From before the range and now to after both, so now's bucket is always named.
  const end = now + Math.max(to + 1, 1) * longest[unit]
  for (let t = now + Math.min(from - 1, -1) * longest[unit]; t <= end; t += step) {
    names.push(bucket(t, unit, zone, calendar))
  }
  const all = distinct(names)
  const here = all.indexOf(bucket(now, unit, zone, calendar))
  return all.slice(here + from, here + to + 1)
}
