/**
 * Relative and calendar windows resolved against the clock, for the planner: `within`,
 * `olderThan` and `calendar` on a timestamp or `date` field become plain `Between` and
 * `Compare` conditions, so every engine runs them as index range scans and none needs
 * time-zone data (SQLite has none). The calendar arithmetic is `TimeBucket`'s.
 */
import { Either } from "effect"
import type * as Field from "../Field.js"
import type { CalendarWindow, DurationUnit, Expr } from "../Query.js"
import { unitMillis } from "../Query.js"
import * as TimeBucket from "../TimeBucket.js"
import * as Zone from "../Zone.js"

/** How the planner refuses: throws, with the query path. */
export type Refuse = (at: string, reason: string) => never

/** Window offsets past this many units are refused (beyond any calendar a record holds). */
const MAX_UNITS = 1_000_000

const zoneOf = (timeZone: string | undefined, at: string, refuse: Refuse): string =>
  timeZone === undefined
    ? "UTC"
    : Either.getOrElse(TimeBucket.resolveTimeZone(timeZone), (reason) => refuse(`${at}.timeZone`, reason))

/** A `YYYY-MM-DD` date `days` days from `date`, refused outside years 0000–9999 (what `date` fields hold). */
const addDays = (date: string, days: number, at: string, refuse: Refuse): string => {
  const wall = Zone.wallMillis(Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10))) + days * Zone.DAY
  return checkedDate(wall, at, refuse)
}

const checkedDate = (wall: number, at: string, refuse: Refuse): string => {
  const [y, m, d] = Zone.wallDate(wall)
  if (!(y >= 0 && y <= 9999)) refuse(at, "the window reaches beyond the years 0000 to 9999 that dates hold")
  return TimeBucket.formatDate(y, m, d)
}

/** Days in a date window's unit: dates have no hours. */
const dateDays = (unit: DurationUnit, at: string, refuse: Refuse): number =>
  unit === "day" ? 1 : unit === "week" ? 7 : refuse(`${at}.unit`, `a date has no ${unit}s; use day or week`)

const checkAmount = (amount: number, unit: DurationUnit, at: string, refuse: Refuse): number => {
  if (!Number.isSafeInteger(amount) || amount < 0) refuse(`${at}.amount`, "amount must be a whole number ≥ 0")
  const span = amount * unitMillis[unit]
  if (!Number.isSafeInteger(span)) refuse(`${at}.amount`, "window too long")
  return span
}

/**
 * How far a `within` or `olderThan` reaches: on a date, whole days from today in the
 * window's zone; on a timestamp, a span of milliseconds from now (a fixed length in every
 * zone, so a zone there is refused rather than ignored).
 */
type Reach =
  | { readonly on: "date"; readonly today: string; readonly days: number }
  | { readonly on: "timestamp"; readonly span: number }

const reachOf = (
  expr: Extract<Expr, { _tag: "Within" | "OlderThan" }>,
  kind: Field.Kind,
  now: number,
  at: string,
  refuse: Refuse
): Reach => {
  const span = checkAmount(expr.amount, expr.unit, at, refuse)
  if (kind === "date") {
    const days = expr.amount * dateDays(expr.unit, at, refuse)
    return { on: "date", today: TimeBucket.dateAt(now, zoneOf(expr.timeZone, at, refuse)), days }
  }
  const name = expr._tag === "Within" ? "within" : "olderThan"
  if (kind !== "timestamp") refuse(at, `${name} applies to timestamp and date fields, "${expr.field}" is ${kind}`)
  if (expr.timeZone !== undefined) {
    refuse(
      `${at}.timeZone`,
      `"${expr.field}" is a timestamp: a window of minutes, hours, days or weeks is a fixed length in any zone; ` +
        "drop timeZone, or use a calendar window (calendar, thisPeriod, lastPeriods) for local days"
    )
  }
  return { on: "timestamp", span }
}

/** `within`: an inclusive window from now back (or ahead); on a date, from today in the zone. */
export const within = (
  expr: Extract<Expr, { _tag: "Within" }>,
  kind: Field.Kind,
  now: number,
  at: string,
  refuse: Refuse
): Expr => {
  const reach = reachOf(expr, kind, now, at, refuse)
  const [low, high] = reach.on === "date"
    ? expr.direction === "past"
      ? [addDays(reach.today, -reach.days, at, refuse), reach.today]
      : [reach.today, addDays(reach.today, reach.days, at, refuse)]
    : expr.direction === "past"
    ? [now - reach.span, now]
    : [now, now + reach.span]
  return { _tag: "Between", field: expr.field, low, high }
}

/** `olderThan`: strictly before now (or today) minus the amount. */
export const olderThan = (
  expr: Extract<Expr, { _tag: "OlderThan" }>,
  kind: Field.Kind,
  now: number,
  at: string,
  refuse: Refuse
): Expr => {
  const reach = reachOf(expr, kind, now, at, refuse)
  const value = reach.on === "date" ? addDays(reach.today, -reach.days, at, refuse) : now - reach.span
  return { _tag: "Compare", field: expr.field, op: "lt", value }
}

/**
 * `calendar`: the window's instants `[start, end)` on a timestamp (timestamps are whole
 * milliseconds, so `end - 1` closes it exactly), its first to last day on a date.
 */
export const calendar = (
  expr: Extract<Expr, { _tag: "Calendar" }>,
  kind: Field.Kind,
  now: number,
  at: string,
  refuse: Refuse
): Expr => {
  if (kind !== "timestamp" && kind !== "date") {
    refuse(at, `calendar windows apply to timestamp and date fields, "${expr.field}" is ${kind}`)
  }
  for (const key of ["from", "to"] as const) {
    const n = expr[key]
    if (!Number.isSafeInteger(n) || Math.abs(n) > MAX_UNITS) refuse(`${at}.${key}`, `a whole number from -${MAX_UNITS} to ${MAX_UNITS}`)
  }
  if (expr.from > expr.to) refuse(`${at}.to`, `the window ends (to ${expr.to}) before it starts (from ${expr.from})`)
  const timeZone = zoneOf(expr.timeZone, at, refuse)
  const window: CalendarWindow = { ...expr, timeZone }
  const resolved = TimeBucket.windowAt(now, window)
  if (kind === "date") {
    const low = resolved.firstDay
    const high = resolved.lastDay
    // Named with signed six-digit years past 9999: no date field holds those.
    if (low.length !== 10 || high.length !== 10) refuse(at, "the window reaches beyond the years 0000 to 9999 that dates hold")
    return { _tag: "Between", field: expr.field, low, high }
  }
  if (!Number.isSafeInteger(resolved.start) || !Number.isSafeInteger(resolved.end)) refuse(at, "window too long")
  return { _tag: "Between", field: expr.field, low: resolved.start, high: resolved.end - 1 }
}
