/**
 * Calendar buckets of instants in an IANA time zone, computed with the platform's
 * `Intl` (no time-zone data of our own to go stale, and independent of the machine's
 * `TZ`). A bucket is named by the local date it starts on: days are local midnights,
 * weeks start on Monday (ISO), months and years on their first day.
 *
 * Queries name zones through `resolveTimeZone`, which maps every accepted spelling to
 * the one canonical name PostgreSQL's tz data and `Intl` read alike; the planner refuses
 * the rest, so the stores never see a name they would read differently.
 *
 * @since 0.1.0
 */
import { Either } from "effect"
import type { BucketUnit, CalendarOptions, CalendarUnit, CalendarWindow } from "./Query.js"
import * as Zone from "./Zone.js"

/** Areas of the tz database's region zones, and the backward areas of its region aliases (`US/Pacific`). */
const REGION_AREAS: ReadonlySet<string> = new Set([
  "africa", "america", "antarctica", "arctic", "asia", "atlantic", "australia", "europe", "indian", "pacific"
])
const ALIAS_AREAS: ReadonlySet<string> = new Set(["brazil", "canada", "chile", "mexico", "us"])
/** Names the tz database removed that `Intl` still accepts. */
const REMOVED: ReadonlySet<string> = new Set(["us/pacific-new"])
/** `Etc` spellings of UTC itself. */
const ETC_UTC = /^etc\/(?:utc|uct|universal|zulu|greenwich|gmt(?:[+-]?0)?)$/i
/** Whole-hour fixed offsets, with POSIX's sign: `Etc/GMT+5` is five hours behind UTC. */
const ETC_OFFSET = /^etc\/gmt([+-])(\d{1,2})$/i

/**
 * CLDR (and so older `Intl`) keeps the first name a zone had; the tz database, and
 * PostgreSQL with it, calls these zones by their current name. The renamed old names
 * are links PostgreSQL may not ship (Debian moved them to `tzdata-legacy`).
 */
const CURRENT_NAME: Readonly<Record<string, string>> = {
  "Africa/Asmera": "Africa/Asmara",
  "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
  "America/Catamarca": "America/Argentina/Catamarca",
  "America/Coral_Harbour": "America/Atikokan",
  "America/Cordoba": "America/Argentina/Cordoba",
  "America/Godthab": "America/Nuuk",
  "America/Indianapolis": "America/Indiana/Indianapolis",
  "America/Jujuy": "America/Argentina/Jujuy",
  "America/Louisville": "America/Kentucky/Louisville",
  "America/Mendoza": "America/Argentina/Mendoza",
  "Asia/Calcutta": "Asia/Kolkata",
  "Asia/Katmandu": "Asia/Kathmandu",
  "Asia/Rangoon": "Asia/Yangon",
  "Asia/Saigon": "Asia/Ho_Chi_Minh",
  "Atlantic/Faeroe": "Atlantic/Faroe",
  "Europe/Kiev": "Europe/Kyiv",
  "Pacific/Enderbury": "Pacific/Kanton",
  "Pacific/Ponape": "Pacific/Pohnpei",
  "Pacific/Truk": "Pacific/Chuuk"
}

const resolved = new Map<string, Either.Either<string, string>>()

const intlName = (timeZone: string): string | undefined => {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone }).resolvedOptions().timeZone
  } catch {
    return undefined
  }
}

const isRegionZone = (name: string): boolean => {
  const slash = name.indexOf("/")
  return slash > 0 && REGION_AREAS.has(name.slice(0, slash).toLowerCase())
}

const resolveUncached = (timeZone: string): Either.Either<string, string> => {
  const known = /^[\x21-\x7e]{1,64}$/.test(timeZone) ? intlName(timeZone) : undefined
  if (known === undefined) {
    return Either.left(`unknown time zone ${JSON.stringify(timeZone)}; use an IANA name such as "Europe/Berlin" or "UTC"`)
  }
  if (timeZone.toLowerCase() === "utc" || ETC_UTC.test(timeZone)) return Either.right("UTC")
  const offset = ETC_OFFSET.exec(timeZone)
  if (offset !== null) {
    const hours = Number(offset[2])
    if (hours >= 1 && hours <= (offset[1] === "+" ? 12 : 14)) return Either.right(`Etc/GMT${offset[1]}${hours}`)
  }
  const current = CURRENT_NAME[known]
  const canonical = known === "Etc/UTC" || known === "Etc/GMT"
    ? "UTC"
    : current !== undefined && intlName(current) !== undefined
    ? current
    : known
  const slash = timeZone.indexOf("/")
  const area = slash > 0 ? timeZone.slice(0, slash).toLowerCase() : ""
  const instead = isRegionZone(canonical) || canonical === "UTC"
    ? `use ${JSON.stringify(canonical)}`
    : `use a region zone such as "Europe/Berlin", or "UTC"`
  if (REMOVED.has(timeZone.toLowerCase())) {
    return Either.left(`time zone ${JSON.stringify(timeZone)} was removed from the tz database; ${instead}`)
  }
  if ((REGION_AREAS.has(area) || ALIAS_AREAS.has(area)) && (isRegionZone(canonical) || canonical === "UTC")) {
    return Either.right(canonical)
  }
  return Either.left(
    `time zone ${JSON.stringify(timeZone)} is not a region zone (Area/Location, or UTC), so engines may read it ` +
      `differently (PostgreSQL takes abbreviations such as CET as fixed offsets); ${instead}`
  )
}

/**
 * Resolves a time zone name to the one name every engine reads alike: a canonical
 * IANA region zone (`Area/Location`), `UTC`, or a whole-hour offset `Etc/GMT±N`.
 * Aliases resolve to their zone (`US/Pacific` is `America/Los_Angeles`, `Asia/Calcutta`
 * is `Asia/Kolkata`, `europe/berlin` is `Europe/Berlin`, `Etc/UTC` is `UTC`). Refused,
 * with the reason and a zone to use instead: names `Intl` does not know, abbreviations
 * and rule names without a place (`CET`, `EST`, `EST5EDT`, `GMT`, `Japan`: PostgreSQL
 * reads some of them as fixed offsets where `Intl` reads a region), and names the tz
 * database removed (`US/Pacific-New`).
 *
 * @example
 * ```ts
 * import { TimeBucket } from "@rapport/core"
 * TimeBucket.resolveTimeZone("US/Pacific") // Either.right("America/Los_Angeles")
 * TimeBucket.resolveTimeZone("CET") // Either.left('time zone "CET" is not a region zone … use "Europe/Brussels"')
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const resolveTimeZone = (timeZone: string): Either.Either<string, string> => {
  let result = resolved.get(timeZone)
  if (result === undefined) {
    result = resolveUncached(timeZone)
    // Bounded: names come from queries, and case variants alone are many.
    if (resolved.size >= 4096) resolved.clear()
    resolved.set(timeZone, result)
  }
  return result
}

const pad = (n: number, width: number) => n.toString().padStart(width, "0")

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
 * Where weeks and fiscal years start, every option set (see `Query.CalendarOptions`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Calendar {
  /** ISO weekday weeks start on: 1 Monday to 7 Sunday. */
  readonly weekStart: number
  /** The month quarters and years start with: 1 January to 12 December. */
  readonly fiscalYearStartMonth: number
}

/**
 * The ISO calendar: weeks from Monday, years from January.
 *
 * @since 0.1.0
 * @category constants
 */
export const ISO: Calendar = { weekStart: 1, fiscalYearStartMonth: 1 }

/**
 * The calendar of a query's options, defaults filled in.
 *
 * @since 0.1.0
 * @category constructors
 */
export const calendarOf = (options: CalendarOptions = {}): Calendar =>
  options.weekStart === undefined && options.fiscalYearStartMonth === undefined ? ISO : {
    weekStart: options.weekStart ?? 1,
    fiscalYearStartMonth: options.fiscalYearStartMonth ?? 1
  }

/**
 * The bucket an instant falls in, named by the local date the bucket starts on; an
 * `hour` bucket by its local start and the offset then (`2026-10-25T02:00+02:00`).
 *
 * @example
 * ```ts
 * import { TimeBucket } from "@rapport/core"
 * // 2026-03-29T00:30Z is still Saturday 28 March in New York
 * TimeBucket.bucketOf(Date.UTC(2026, 2, 29, 0, 30), "day", "America/New_York") // "2026-03-28"
 * TimeBucket.bucketOf(Date.UTC(2026, 2, 29, 0, 30), "week", "Europe/Berlin") // "2026-03-23"
 * // Fiscal years from April: 15 May 2026 is in the quarter starting 1 April
 * TimeBucket.bucketOf(Date.UTC(2026, 4, 15), "quarter", "UTC", { fiscalYearStartMonth: 4 }) // "2026-04-01"
 * TimeBucket.bucketOf(Date.UTC(2026, 9, 25, 0, 30), "hour", "Europe/Berlin") // "2026-10-25T02:00+02:00"
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const bucketOf = (millis: number, unit: BucketUnit, timeZone: string, options?: CalendarOptions): string => {
  const offset = Zone.offsetAt(timeZone, millis)
  return unit === "hour" ? hourName(millis + offset, offset) : bucketOfWall(millis + offset, unit, calendarOf(options))
}

/**
 * The bucket a `date` (`YYYY-MM-DD`) falls in, named by the date the bucket starts on.
 * Dates have no zone and no hours: `unit` is a day or longer.
 *
 * @example
 * ```ts
 * import { TimeBucket } from "@rapport/core"
 * TimeBucket.dateBucketOf("2026-03-29", "week") // "2026-03-23"
 * TimeBucket.dateBucketOf("2026-03-29", "week", { weekStart: 7 }) // "2026-03-29"
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const dateBucketOf = (date: string, unit: Exclude<BucketUnit, "hour">, options?: CalendarOptions): string =>
  bucketOfWall(Zone.wallMillis(Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10))), unit, calendarOf(options))

/** `2026-10-25T02:00+02:00`: the local hour holding `wall`, and the offset (minutes, truncated). */
const hourName = (wall: number, offset: number): string => {
  const start = Math.floor(wall / Zone.HOUR) * Zone.HOUR
  const [year, month, day] = Zone.wallDate(start)
  const minutes = Math.trunc(Math.abs(offset) / 60_000)
  const sign = offset < 0 && minutes > 0 ? "-" : "+"
  return `${formatDate(year, month, day)}T${pad(Math.floor((start - Math.floor(start / Zone.DAY) * Zone.DAY) / Zone.HOUR), 2)}:00` +
    `${sign}${pad(Math.floor(minutes / 60), 2)}:${pad(minutes % 60, 2)}`
}

/** The bucket of local wall milliseconds; calendar arithmetic in UTC, where every day has 24 hours. */
const bucketOfWall = (wall: number, unit: Exclude<BucketUnit, "hour">, calendar: Calendar): string => {
  const [year, month, day] = Zone.wallDate(periodStart(wall, unit, calendar))
  return formatDate(year, month, day)
}

/** 0 for Sunday to 6 for Saturday; 1970-01-01 was a Thursday. */
const dayOfWeek = (wall: number): number => ((Math.floor(wall / Zone.DAY) + 4) % 7 + 7) % 7

/** Months since year 0 of a wall time's date. */
const monthIndex = (wall: number): number => {
  const [year, month] = Zone.wallDate(wall)
  return year * 12 + month - 1
}

const monthStart = (index: number): number => Zone.wallMillis(Math.floor(index / 12), (index % 12 + 12) % 12 + 1, 1)

/** The first month of the quarter or year (`months` 3 or 12) holding month `index`. */
const fiscalStart = (index: number, months: number, calendar: Calendar): number => {
  const shift = calendar.fiscalYearStartMonth - 1
  return Math.floor((index - shift) / months) * months + shift
}

/** The local midnight (wall milliseconds) starting the calendar unit that holds `wall`. */
const periodStart = (wall: number, unit: CalendarUnit, calendar: Calendar): number => {
  const midnight = Math.floor(wall / Zone.DAY) * Zone.DAY
  switch (unit) {
    case "day":
      return midnight
    case "week": {
      const iso = dayOfWeek(midnight) === 0 ? 7 : dayOfWeek(midnight)
      return midnight - ((iso - calendar.weekStart + 7) % 7) * Zone.DAY
    }
    case "month":
      return monthStart(monthIndex(wall))
    case "quarter":
      return monthStart(fiscalStart(monthIndex(wall), 3, calendar))
    case "year":
      return monthStart(fiscalStart(monthIndex(wall), 12, calendar))
  }
}

/** The start of the unit `count` units after the one starting at the local midnight `start`. */
const shiftPeriod = (start: number, unit: CalendarUnit, count: number): number => {
  switch (unit) {
    case "day":
      return start + count * Zone.DAY
    case "week":
      return start + count * 7 * Zone.DAY
    case "month":
      return monthStart(monthIndex(start) + count)
    case "quarter":
      return monthStart(monthIndex(start) + 3 * count)
    case "year":
      return monthStart(monthIndex(start) + 12 * count)
  }
}

/**
 * A calendar window resolved at an instant: its first day and the day after its last,
 * as local dates, and the instants the zone's clock first reads them (`start` inclusive,
 * `end` exclusive).
 *
 * @since 0.1.0
 * @category models
 */
export interface Window {
  readonly firstDay: string
  readonly lastDay: string
  readonly start: number
  readonly end: number
}

/**
 * Resolves a calendar window (`Query.CalendarWindow`) at `now`: the units `from` to `to`
 * relative to the unit holding `now` in `timeZone` (a name `resolveTimeZone` accepted).
 *
 * @example
 * ```ts
 * import { TimeBucket } from "@rapport/core"
 * const now = Date.UTC(2026, 4, 15, 12)
 * // Last month in Berlin: 1 to 30 April, from 31 March 22:00Z up to 30 April 22:00Z
 * TimeBucket.windowAt(now, { unit: "month", from: -1, to: -1, timeZone: "Europe/Berlin" })
 * // { firstDay: "2026-04-01", lastDay: "2026-04-30", start: Date.UTC(2026, 2, 31, 22), end: Date.UTC(2026, 3, 30, 22) }
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const windowAt = (now: number, window: CalendarWindow): Window => {
  const current = periodStart(Zone.wallAt(window.timeZone, now), window.unit, calendarOf(window))
  const first = shiftPeriod(current, window.unit, window.from)
  const after = shiftPeriod(current, window.unit, window.to + 1)
  const name = (wall: number) => {
    const [y, m, d] = Zone.wallDate(wall)
    return formatDate(y, m, d)
  }
  return {
    firstDay: name(first),
    lastDay: name(after - Zone.DAY),
    start: Zone.firstInstantAtOrAfter(window.timeZone, first),
    end: Zone.firstInstantAtOrAfter(window.timeZone, after)
  }
}

/** Local midnight (wall milliseconds) of a `YYYY-MM-DD` date. */
const wallOfDate = (date: string): number =>
  Zone.wallMillis(Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10)))

const dayName = (wall: number): string => {
  const [y, m, d] = Zone.wallDate(wall)
  return formatDate(y, m, d)
}

/**
 * The names of every bucket in a range, in order, stopping past `max` (so a caller can
 * refuse a range that long). `range` is units relative to the unit holding `now`, or local
 * dates (`from` and `to` are the buckets holding them). `timeZone` is null for buckets of
 * `date` fields, which take date ranges only.
 *
 * @example
 * ```ts
 * import { TimeBucket } from "@rapport/core"
 * TimeBucket.bucketsIn("month", { from: -2, to: 0 }, Date.UTC(2026, 4, 15), "Europe/Berlin", TimeBucket.ISO, 100)
 * // ["2026-03-01", "2026-04-01", "2026-05-01"]
 * TimeBucket.bucketsIn("week", { from: "2026-03-01", to: "2026-03-10" }, 0, null, TimeBucket.ISO, 100)
 * // ["2026-02-23", "2026-03-02", "2026-03-09"]
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const bucketsIn = (
  unit: BucketUnit,
  range: { readonly from: number | string; readonly to: number | string },
  now: number,
  timeZone: string | null,
  calendar: Calendar,
  max: number
): ReadonlyArray<string> => {
  const out: Array<string> = []
  if (unit === "hour") {
    // Local hours are not all an hour long (a zone may shift by 30 minutes): step through
    // the range's instants by quarter hours and name each new hour once.
    const zone = timeZone ?? "UTC"
    let start: number
    let end: number
    if (typeof range.from === "number" && typeof range.to === "number") {
      const wall = Zone.wallAt(zone, now)
      const hourStart = now - (wall - Math.floor(wall / Zone.HOUR) * Zone.HOUR)
      start = hourStart + range.from * Zone.HOUR
      end = hourStart + (range.to + 1) * Zone.HOUR
    } else {
      start = Zone.firstInstantAtOrAfter(zone, wallOfDate(String(range.from)))
      end = Zone.firstInstantAtOrAfter(zone, wallOfDate(String(range.to)) + Zone.DAY)
    }
    const name = bucketer("hour", zone)
    for (let t = start; t < end && out.length <= max; t += 15 * 60_000) {
      const n = name(t)
      if (out[out.length - 1] !== n) out.push(n)
    }
    return out
  }
  let first: number
  let last: number
  if (typeof range.from === "number" && typeof range.to === "number") {
    const current = periodStart(Zone.wallAt(timeZone ?? "UTC", now), unit, calendar)
    first = shiftPeriod(current, unit, range.from)
    last = shiftPeriod(current, unit, range.to)
  } else {
    first = periodStart(wallOfDate(String(range.from)), unit, calendar)
    last = periodStart(wallOfDate(String(range.to)), unit, calendar)
  }
  for (let k = 0, wall = first; wall <= last && out.length <= max; wall = shiftPeriod(first, unit, ++k)) out.push(dayName(wall))
  return out
}

/**
 * Today's date in a zone, as `YYYY-MM-DD`.
 *
 * @since 0.1.0
 * @category combinators
 */
export const dateAt = (now: number, timeZone: string): string => {
  const [y, m, d] = Zone.localDate(now, timeZone)
  return formatDate(y, m, d)
}

/**
 * A function from instants to their buckets, the same as `bucketOf`'s, for naming many
 * instants in one unit and zone (a grouping over many rows). `bucketOf` asks `Intl` for
 * every instant; this asks once per hour of time touched for the zone's offset at both
 * ends of the hour. Where they agree, every instant in the hour has local time
 * `instant + offset`, and instants on the same local day share one cached name; hours
 * holding an offset change fall back to `bucketOf`. The caches live as long as the
 * function: make one per grouping, not one per process.
 *
 * @example
 * ```ts
 * import { TimeBucket } from "@rapport/core"
 * const week = TimeBucket.bucketer("week", "Europe/Berlin")
 * week(Date.UTC(2026, 2, 29, 0, 30)) // "2026-03-23", as TimeBucket.bucketOf
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const bucketer = (unit: BucketUnit, timeZone: string, options?: CalendarOptions): (millis: number) => string => {
  const calendar = calendarOf(options)
  const slots = new Map<number, number | null>()
  const names = new Map<number, string>()
  return (millis) => {
    const slot = Math.floor(millis / Zone.HOUR)
    let offset = slots.get(slot)
    if (offset === undefined) {
      const start = Zone.offsetAt(timeZone, slot * Zone.HOUR)
      offset = start === Zone.offsetAt(timeZone, slot * Zone.HOUR + Zone.HOUR - 1) ? start : null
      slots.set(slot, offset)
    }
    if (offset === null) return bucketOf(millis, unit, timeZone, calendar)
    // A repeated local hour (clocks set back) is two buckets: the offset is part of an hour's key.
    const key = unit === "hour"
      ? Math.floor((millis + offset) / Zone.HOUR) * 4096 + Math.trunc(offset / 60_000) + 2048
      : Math.floor((millis + offset) / Zone.DAY)
    let name = names.get(key)
    if (name === undefined) {
      name = unit === "hour" ? hourName(millis + offset, offset) : bucketOfWall(millis + offset, unit, calendar)
      names.set(key, name)
    }
    return name
  }
}
