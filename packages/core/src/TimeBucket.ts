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
import type { BucketUnit } from "./Query.js"
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
export const bucketOf = (millis: number, unit: BucketUnit, timeZone: string): string =>
  bucketOfWall(Zone.wallAt(timeZone, millis), unit)

/** The bucket of local wall milliseconds; calendar arithmetic in UTC, where every day has 24 hours. */
const bucketOfWall = (wall: number, unit: BucketUnit): string => {
  const [year, month, day] = Zone.wallDate(unit === "week" ? wall - ((dayOfWeek(wall) + 6) % 7) * Zone.DAY : wall)
  switch (unit) {
    case "day":
    case "week":
      return formatDate(year, month, day)
    case "month":
      return formatDate(year, month, 1)
    case "year":
      return formatDate(year, 1, 1)
  }
}

/** 0 for Sunday to 6 for Saturday; 1970-01-01 was a Thursday. */
const dayOfWeek = (wall: number): number => ((Math.floor(wall / Zone.DAY) + 4) % 7 + 7) % 7

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
export const bucketer = (unit: BucketUnit, timeZone: string): (millis: number) => string => {
  const slots = new Map<number, number | null>()
  const days = new Map<number, string>()
  return (millis) => {
    const slot = Math.floor(millis / Zone.HOUR)
    let offset = slots.get(slot)
    if (offset === undefined) {
      const start = Zone.offsetAt(timeZone, slot * Zone.HOUR)
      offset = start === Zone.offsetAt(timeZone, slot * Zone.HOUR + Zone.HOUR - 1) ? start : null
      slots.set(slot, offset)
    }
    if (offset === null) return bucketOf(millis, unit, timeZone)
    const day = Math.floor((millis + offset) / Zone.DAY)
    let bucket = days.get(day)
    if (bucket === undefined) days.set(day, bucket = bucketOfWall(millis + offset, unit))
    return bucket
  }
}
