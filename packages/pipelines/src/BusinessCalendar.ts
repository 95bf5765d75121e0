/**
 * Business hours: a weekly schedule in an IANA time zone, with several intervals a
 * day, shifts that cross midnight and holidays, and the arithmetic SLA clocks need —
 * add business minutes to an instant, count business minutes between two instants.
 *
 * Time zones come from the platform's `Intl` (the same tz database the runtime ships
 * and updates), never from the process `TZ`. Business time is **real elapsed time**
 * inside the local wall-clock intervals: on the day clocks go forward, a 01:00–03:00
 * interval in Europe/Berlin is 60 minutes long, on the day they go back 180.
 *
 * Semantics, precisely:
 *
 * - Instants are epoch milliseconds; precision is one millisecond. Minute amounts may
 *   be fractional and are rounded to the nearest millisecond.
 * - A shift `[start, end]` opens on its local date when the wall clock first reads
 *   `start`, and closes when it first reads `end` (on the next date if `end <= start`,
 *   or for `"24:00"`). A wall time skipped by a clock change is reached at the change;
 *   a repeated wall time is reached at its first occurrence.
 * - A shift belongs to the date it starts on: a holiday closes the shifts that start on
 *   it, including the hours they run past midnight, and does not close a shift that
 *   started the evening before.
 * - Open intervals are half-open, `[open, close)`: `isOpen` is true at the opening
 *   instant and false at the closing one. Counting is a measure, so the ends of
 *   intervals never add or lose time.
 *
 * @since 0.1.0
 */
import { Errors, Zone } from "@rapport/core"
import { Effect, Either, Inspectable, Pipeable, Schema } from "effect"
import { dual } from "effect/Function"
import { Engine } from "./internal/calendar.js"
import { dayNumberOf, findOverlap, toSchedule, WEEKDAYS } from "./internal/calendarConfig.js"

/**
 * A wall-clock time `HH:MM`, `00:00` to `24:00` (`24:00` only ends an interval).
 *
 * @since 0.1.0
 * @category models
 */
export const WallTime = Schema.String.pipe(
  Schema.pattern(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, {
    message: (issue) => `Expected a wall-clock time HH:MM from 00:00 to 24:00, actual ${JSON.stringify(issue.actual)}`
  })
)

/**
 * An open interval of a day, `[start, end]`. When `end <= start` the interval crosses
 * midnight and ends on the next day: `["22:00", "06:00"]`.
 *
 * @since 0.1.0
 * @category models
 */
export const Interval = Schema.Tuple(WallTime, WallTime).pipe(
  Schema.filter(([start, end]) =>
    start === "24:00"
      ? "24:00 can only end an interval"
      : start === end
      ? `start and end are both ${start}: use ["00:00", "24:00"] for a whole day`
      : undefined
  )
)

/**
 * The open intervals of each day of the week; a missing day is closed.
 *
 * @since 0.1.0
 * @category models
 */
export const Week = Schema.Struct({
  mon: Schema.optionalWith(Schema.Array(Interval), { exact: true }),
  tue: Schema.optionalWith(Schema.Array(Interval), { exact: true }),
  wed: Schema.optionalWith(Schema.Array(Interval), { exact: true }),
  thu: Schema.optionalWith(Schema.Array(Interval), { exact: true }),
  fri: Schema.optionalWith(Schema.Array(Interval), { exact: true }),
  sat: Schema.optionalWith(Schema.Array(Interval), { exact: true }),
  sun: Schema.optionalWith(Schema.Array(Interval), { exact: true })
}).pipe(
  Schema.filter((week) => {
    if (WEEKDAYS.every((day) => (week[day] ?? []).length === 0)) return "the week has no business hours"
    return findOverlap(week)
  })
)

/**
 * A local calendar date `YYYY-MM-DD`.
 *
 * @since 0.1.0
 * @category models
 */
export const LocalDate = Schema.String.pipe(
  Schema.filter((date) => dayNumberOf(date) !== undefined, {
    message: (issue) => `Expected a date YYYY-MM-DD, actual ${JSON.stringify(issue.actual)}`
  })
)

/**
 * A holiday: one local date, or an inclusive range of them.
 *
 * @since 0.1.0
 * @category models
 */
export const Holiday = Schema.Union(
  LocalDate,
  Schema.Struct({ from: LocalDate, to: LocalDate }).annotations({ identifier: "{ from, to }" }).pipe(
    Schema.filter((range) => (range.from <= range.to ? undefined : { path: ["to"], message: `before from (${range.from})` }))
  )
)

/**
 * The definition of a business calendar, as stored and as written by hand.
 *
 * @since 0.1.0
 * @category models
 */
export class Config extends Schema.Class<Config>("@rapport/pipelines/BusinessCalendar/Config")({
  timeZone: Schema.String.pipe(
    Schema.filter(Zone.isTimeZone, { message: () => "Expected an IANA time zone the platform knows (Europe/Berlin, UTC)" })
  ),
  week: Week,
  holidays: Schema.optionalWith(Schema.Array(Holiday), { default: () => [], exact: true })
}) {}

/**
 * @since 0.1.0
 * @category type ids
 */
export const TypeId: unique symbol = Symbol.for("@rapport/pipelines/BusinessCalendar")

/**
 * @since 0.1.0
 * @category type ids
 */
export type TypeId = typeof TypeId

/**
 * A business calendar ready for arithmetic. It caches each local date's open intervals
 * as UTC instants the first time a query touches that date; share one value rather
 * than rebuilding it per call.
 *
 * @since 0.1.0
 * @category models
 */
export interface BusinessCalendar extends Pipeable.Pipeable, Inspectable.Inspectable {
  readonly [TypeId]: TypeId
  readonly config: Config
}

class CalendarImpl implements BusinessCalendar {
  readonly [TypeId]: TypeId = TypeId
  readonly engine: Engine
  constructor(readonly config: Config) {
    this.engine = new Engine(toSchedule(config.timeZone, config.week, config.holidays))
  }
  pipe() {
    return Pipeable.pipeArguments(this, arguments)
  }
  toJSON() {
    return { _id: "BusinessCalendar", timeZone: this.config.timeZone, week: this.config.week, holidays: this.config.holidays }
  }
  toString() {
    return Inspectable.format(this.toJSON())
  }
  [Inspectable.NodeInspectSymbol]() {
    return this.toJSON()
  }
}

const engineOf = (calendar: BusinessCalendar): Engine => (calendar as CalendarImpl).engine

/**
 * Whether a value is a `BusinessCalendar`.
 *
 * @since 0.1.0
 * @category guards
 */
export const isBusinessCalendar = (u: unknown): u is BusinessCalendar =>
  typeof u === "object" && u !== null && TypeId in u

const decode = Schema.decodeUnknownEither(Config, { errors: "all" })

/**
 * Builds a calendar from its definition, checking it: an unknown time zone, a
 * malformed time or date, overlapping intervals or an empty week fail with a
 * `ValidationError` naming the field (`week.fri.1`, `holidays.0.to`).
 *
 * @example
 * ```ts
 * import { BusinessCalendar } from "@rapport/pipelines"
 * import { Effect } from "effect"
 *
 * const support = BusinessCalendar.make({
 *   timeZone: "Europe/Berlin",
 *   week: {
 *     mon: [["09:00", "12:30"], ["13:30", "18:00"]],
 *     tue: [["09:00", "18:00"]],
 *     fri: [["09:00", "17:00"], ["22:00", "06:00"]] // the night shift runs into Saturday
 *   },
 *   holidays: ["2026-05-01", { from: "2026-12-24", to: "2026-12-31" }]
 * })
 * Effect.runSync(support) // BusinessCalendar
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (input: typeof Config.Encoded): Effect.Effect<BusinessCalendar, Errors.ValidationError> =>
  Either.match(decode(input), {
    onLeft: (error) => Effect.fail(Errors.ValidationError.fromParseError("BusinessCalendar.make", error)),
    onRight: (config) => Effect.succeed(new CalendarImpl(config))
  })

/**
 * Like `make`, for definitions known to be valid (constants, tests); throws the
 * `ValidationError` otherwise.
 *
 * @example
 * ```ts
 * import { BusinessCalendar } from "@rapport/pipelines"
 *
 * const office = BusinessCalendar.unsafeMake({
 *   timeZone: "America/New_York",
 *   week: { mon: [["09:00", "17:00"]], tue: [["09:00", "17:00"]] }
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const unsafeMake = (input: typeof Config.Encoded): BusinessCalendar =>
  Either.match(decode(input), {
    onLeft: (error) => {
      throw Errors.ValidationError.fromParseError("BusinessCalendar.make", error)
    },
    onRight: (config) => new CalendarImpl(config)
  })

/**
 * A calendar from an already decoded `Config` (from storage, say).
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromConfig = (config: Config): BusinessCalendar => new CalendarImpl(config)

const finite = (name: string, n: number) => {
  if (!Number.isFinite(n)) throw new RangeError(`BusinessCalendar: ${name} must be a finite number, got ${n}`)
}

/**
 * Moves `millis` of business time from the instant `t`: for `millis > 0` the first
 * instant `x >= t` with `businessMillisBetween(t, x) === millis`; for `millis < 0` the
 * last instant `x <= t` with `businessMillisBetween(x, t) === -millis`; `t` itself for
 * 0 (even when closed). An amount that exactly fills the rest of an interval ends at
 * that interval's close, not at the next opening.
 *
 * @example
 * ```ts
 * import { BusinessCalendar } from "@rapport/pipelines"
 *
 * const utc = BusinessCalendar.unsafeMake({ timeZone: "UTC", week: { mon: [["09:00", "17:00"]] } })
 * const monday = Date.UTC(2026, 0, 5, 16, 0)
 * BusinessCalendar.addBusinessMillis(utc, monday, 2 * 3_600_000) // Mon 12 Jan 10:00Z
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const addBusinessMillis: {
  (t: number, millis: number): (calendar: BusinessCalendar) => number
  (calendar: BusinessCalendar, t: number, millis: number): number
} = dual(3, (calendar: BusinessCalendar, t: number, millis: number): number => {
  finite("t", t)
  finite("millis", millis)
  if (millis === 0) return t
  return millis > 0 ? engineOf(calendar).forward(t, millis) : engineOf(calendar).backward(t, -millis)
})

/**
 * Moves `n` business minutes from `t` (backwards when `n < 0`); see `addBusinessMillis`.
 * Fractional minutes are rounded to the millisecond. This is the SLA due date: a ticket
 * opened at `t` with an 8-hour response target is due at `addBusinessMinutes(c, t, 480)`.
 *
 * @example
 * ```ts
 * import { BusinessCalendar } from "@rapport/pipelines"
 *
 * const berlin = BusinessCalendar.unsafeMake({
 *   timeZone: "Europe/Berlin",
 *   week: { mon: [["09:00", "17:00"]], tue: [["09:00", "17:00"]], wed: [["09:00", "17:00"]], thu: [["09:00", "17:00"]], fri: [["09:00", "17:00"]] }
 * })
 * // Friday 16:00 in Berlin + 2 business hours = Monday 10:00 in Berlin
 * const due = BusinessCalendar.addBusinessMinutes(berlin, Date.UTC(2026, 2, 27, 15, 0), 120)
 * new Date(due).toISOString() // "2026-03-30T08:00:00.000Z" (summer time began on Sunday)
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const addBusinessMinutes: {
  (t: number, n: number): (calendar: BusinessCalendar) => number
  (calendar: BusinessCalendar, t: number, n: number): number
} = dual(3, (calendar: BusinessCalendar, t: number, n: number): number => {
  finite("n", n)
  return addBusinessMillis(calendar, t, Math.round(n * 60_000))
})

/**
 * Business time from `a` to `b` in milliseconds: the length of the open intervals
 * inside `[a, b]`, negative when `b < a`. Exact and additive:
 * `between(a, c) === between(a, b) + between(b, c)` for any `a`, `b`, `c`.
 *
 * @example
 * ```ts
 * import { BusinessCalendar } from "@rapport/pipelines"
 *
 * const utc = BusinessCalendar.unsafeMake({ timeZone: "UTC", week: { mon: [["09:00", "17:00"]] } })
 * BusinessCalendar.businessMillisBetween(utc, Date.UTC(2026, 0, 5), Date.UTC(2026, 0, 6)) // 28_800_000
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const businessMillisBetween: {
  (a: number, b: number): (calendar: BusinessCalendar) => number
  (calendar: BusinessCalendar, a: number, b: number): number
} = dual(3, (calendar: BusinessCalendar, a: number, b: number): number => {
  finite("a", a)
  finite("b", b)
  return a <= b ? engineOf(calendar).between(a, b) : 0 - engineOf(calendar).between(b, a) // never -0
})

/**
 * Business minutes from `a` to `b` (negative when `b < a`), with millisecond precision,
 * so possibly fractional: `businessMillisBetween / 60_000`.
 *
 * @example
 * ```ts
 * import { BusinessCalendar } from "@rapport/pipelines"
 *
 * const utc = BusinessCalendar.unsafeMake({ timeZone: "UTC", week: { mon: [["09:00", "17:00"]] } })
 * // Monday 16:30 to the next Monday 09:15: 30 + 15 minutes
 * BusinessCalendar.businessMinutesBetween(utc, Date.UTC(2026, 0, 5, 16, 30), Date.UTC(2026, 0, 12, 9, 15)) // 45
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const businessMinutesBetween: {
  (a: number, b: number): (calendar: BusinessCalendar) => number
  (calendar: BusinessCalendar, a: number, b: number): number
} = dual(3, (calendar: BusinessCalendar, a: number, b: number): number => businessMillisBetween(calendar, a, b) / 60_000)

/**
 * Whether the business is open at instant `t` (open at an opening instant, closed at a
 * closing one).
 *
 * @example
 * ```ts
 * import { BusinessCalendar } from "@rapport/pipelines"
 *
 * const utc = BusinessCalendar.unsafeMake({ timeZone: "UTC", week: { fri: [["22:00", "06:00"]] } })
 * BusinessCalendar.isOpen(utc, Date.UTC(2026, 0, 10, 5, 59)) // true: Saturday morning, Friday's shift
 * ```
 *
 * @since 0.1.0
 * @category predicates
 */
export const isOpen: {
  (t: number): (calendar: BusinessCalendar) => boolean
  (calendar: BusinessCalendar, t: number): boolean
} = dual(2, (calendar: BusinessCalendar, t: number): boolean => {
  finite("t", t)
  return engineOf(calendar).isOpen(t)
})

/**
 * `t` if the business is open then, else the next opening instant.
 *
 * @example
 * ```ts
 * import { BusinessCalendar } from "@rapport/pipelines"
 *
 * const utc = BusinessCalendar.unsafeMake({ timeZone: "UTC", week: { mon: [["09:00", "17:00"]] } })
 * BusinessCalendar.nextOpen(utc, Date.UTC(2026, 0, 5, 17, 0)) // Date.UTC(2026, 0, 12, 9, 0)
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const nextOpen: {
  (t: number): (calendar: BusinessCalendar) => number
  (calendar: BusinessCalendar, t: number): number
} = dual(2, (calendar: BusinessCalendar, t: number): number => {
  finite("t", t)
  return engineOf(calendar).nextOpen(t)
})
