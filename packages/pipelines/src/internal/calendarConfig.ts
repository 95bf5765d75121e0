/**
 * Parsing and checking of the text forms of a business calendar: wall-clock times,
 * local dates, the weekly schedule's overlaps.
 *
 * @internal
 */
import { Zone } from "@rapport/core"
import type { Schedule } from "./calendar.js"

/** @internal */
export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const

/** @internal */
export type Weekday = (typeof WEEKDAYS)[number]

/** Minutes after midnight of `HH:MM` (already matched by the schema's pattern). */
export const minutesOf = (time: string): number => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5))

/** `YYYY-MM-DD` to the number of days since 1970-01-01, or `undefined` if no such date. */
export const dayNumberOf = (date: string): number | undefined => {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date)
  if (match === null) return undefined
  const year = Number(match[1])
  const month = Number(match[2])
  const day = Number(match[3])
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined
  const millis = Zone.wallMillis(year, month, day)
  const check = new Date(millis)
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined
  return millis / Zone.DAY
}

/** @internal */
export type WeekInput = { readonly [K in Weekday]?: ReadonlyArray<readonly [string, string]> | undefined }

/** A shift on the weekly circle: minutes after Monday 00:00 (end may pass Sunday midnight). */
interface Placed {
  readonly day: Weekday
  readonly index: number
  readonly start: number
  readonly end: number
}

const place = (week: WeekInput): Array<Placed> => {
  const placed: Array<Placed> = []
  WEEKDAYS.forEach((day, w) => {
    ;(week[day] ?? []).forEach(([from, to], index) => {
      const start = minutesOf(from)
      let end = minutesOf(to)
      if (end <= start) end += 1440 // crosses midnight: ends on the next day
      placed.push({ day, index, start: w * 1440 + start, end: w * 1440 + end })
    })
  })
  return placed.sort((a, b) => a.start - b.start)
}

/**
 * The first overlap between two shifts of the week, if any, as the path of the later
 * shift and a message naming the earlier one. Touching shifts (17:00 end, 17:00 start)
 * do not overlap.
 *
 * @internal
 */
export const findOverlap = (week: WeekInput): { readonly path: ReadonlyArray<string | number>; readonly message: string } | undefined => {
  const placed = place(week)
  const describe = (p: Placed) => `week.${p.day}.${p.index} (${week[p.day]![p.index]!.join("–")})`
  let reach: Placed | undefined
  for (const p of placed) {
    if (reach !== undefined && p.start < reach.end) {
      return { path: [p.day, p.index], message: `overlaps ${describe(reach)}` }
    }
    if (reach === undefined || p.end > reach.end) reach = p
  }
  // The week is a circle: a Sunday night shift runs into Monday morning.
  const first = placed[0]
  if (first !== undefined && reach !== undefined && reach !== first && reach.end - 7 * 1440 > first.start) {
    return { path: [first.day, first.index], message: `overlaps ${describe(reach)}` }
  }
  return undefined
}

/** @internal */
export const toSchedule = (
  timeZone: string,
  week: WeekInput,
  holidays: ReadonlyArray<string | { readonly from: string; readonly to: string }>
): Schedule => {
  const days = WEEKDAYS.map((day) => {
    const shifts = (week[day] ?? [])
      .map(([from, to]): [number, number] => {
        const start = minutesOf(from)
        const end = minutesOf(to)
        return [start, end <= start ? end + 1440 : end]
      })
      .sort((a, b) => a[0] - b[0])
    const merged: Array<[number, number]> = []
    for (const shift of shifts) {
      const last = merged[merged.length - 1]
      if (last !== undefined && shift[0] <= last[1]) last[1] = Math.max(last[1], shift[1])
      else merged.push(shift)
    }
    return merged
  })
  const ranges = holidays
    .map((h): [number, number] =>
      typeof h === "string" ? [dayNumberOf(h)!, dayNumberOf(h)!] : [dayNumberOf(h.from)!, dayNumberOf(h.to)!]
    )
    .sort((a, b) => a[0] - b[0])
  const merged: Array<[number, number]> = []
  for (const range of ranges) {
    const last = merged[merged.length - 1]
    if (last !== undefined && range[0] <= last[1] + 1) last[1] = Math.max(last[1], range[1])
    else merged.push(range)
  }
  return { timeZone, week: days, holidays: merged }
}
