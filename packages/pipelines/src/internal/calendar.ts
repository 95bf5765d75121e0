/**
 * The business-hours engine. Each local date's open intervals are resolved once to
 * UTC instants and cached (plus the total of every aligned block of seven days), so
 * after warm-up a query is a few array reads per day it touches and one addition per
 * week it skips. `Intl` is called only when a day is first resolved.
 *
 * A local date is numbered by days since 1970-01-01. Its intervals, in UTC, lie inside
 * `[D·DAY − SLACK, (D + 2)·DAY + SLACK]` (a shift starts on its day and ends before the
 * next midnight but one; offsets stay within ±16 h), and the intervals of consecutive
 * days never overlap, so walking days in order walks the open time in order.
 *
 * @internal
 */
import { Zone } from "@rapport/core"

const { DAY, HOUR } = Zone

const SLACK = 16 * HOUR

/**
 * A weekly schedule resolved to minutes: `week[w]` (0 = Monday) lists `[start, end]`
 * minutes after that day's local midnight, sorted, merged; `end` may exceed 1440 for
 * a shift that crosses midnight. `holidays` are sorted, merged, inclusive ranges of
 * day numbers.
 *
 * @internal
 */
export interface Schedule {
  readonly timeZone: string
  readonly week: ReadonlyArray<ReadonlyArray<readonly [number, number]>>
  readonly holidays: ReadonlyArray<readonly [number, number]>
}

interface Day {
  /** `[start0, end0, start1, end1, …]`, UTC milliseconds, sorted, disjoint, non-empty. */
  readonly bounds: ReadonlyArray<number>
  readonly total: number
}

const EMPTY: Day = { bounds: [], total: 0 }

/** @internal */
export class Engine {
  private readonly days = new Map<number, Day>()
  private readonly blocks = new Map<number, number>()

  constructor(readonly schedule: Schedule) {
  }

  isHoliday(day: number): boolean {
    const ranges = this.schedule.holidays
    let lo = 0
    let hi = ranges.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      const range = ranges[mid]!
      if (day < range[0]) hi = mid - 1
      else if (day > range[1]) lo = mid + 1
      else return true
    }
    return false
  }

  day(day: number): Day {
    let entry = this.days.get(day)
    if (entry === undefined) {
      entry = this.resolve(day)
      this.days.set(day, entry)
    }
    return entry
  }

  private resolve(day: number): Day {
    // 1970-01-01 was a Thursday (index 3 when Monday is 0).
    const shifts = this.schedule.week[(((day + 3) % 7) + 7) % 7]!
    if (shifts.length === 0 || this.isHoliday(day)) return EMPTY
    const midnight = day * DAY
    const first = midnight + shifts[0]![0] * 60_000
    const last = midnight + shifts[shifts.length - 1]![1] * 60_000
    const before = Zone.offsetAt(this.schedule.timeZone, first - SLACK)
    const after = Zone.offsetAt(this.schedule.timeZone, last + SLACK)
    const bounds: Array<number> = []
    let total = 0
    for (const [start, end] of shifts) {
      const from = Zone.firstInstantAtOrAfter(this.schedule.timeZone, midnight + start * 60_000, before, after)
      const to = Zone.firstInstantAtOrAfter(this.schedule.timeZone, midnight + end * 60_000, before, after)
      if (to <= from) continue // swallowed by a gap in the wall clock
      const n = bounds.length
      if (n > 0 && from <= bounds[n - 1]!) {
        total += to - bounds[n - 1]!
        bounds[n - 1] = to
      } else {
        bounds.push(from, to)
        total += to - from
      }
    }
    return bounds.length === 0 ? EMPTY : { bounds, total }
  }

  /** Total open time of days `7·block … 7·block + 6`. */
  block(block: number): number {
    let total = this.blocks.get(block)
    if (total === undefined) {
      total = 0
      for (let d = block * 7; d < block * 7 + 7; d++) total += this.day(d).total
      this.blocks.set(block, total)
    }
    return total
  }

  /** Open time of day `d` inside `[a, b]`. */
  private clip(d: number, a: number, b: number): number {
    const bounds = this.day(d).bounds
    let sum = 0
    for (let i = 0; i < bounds.length; i += 2) {
      const s = bounds[i]!
      const e = bounds[i + 1]!
      if (e <= a) continue
      if (s >= b) break
      sum += (e < b ? e : b) - (s > a ? s : a)
    }
    return sum
  }

  /** Sum of the totals of days `from … to`, a block at a time where aligned. */
  private totals(from: number, to: number): number {
    let sum = 0
    let d = from
    while (d <= to && ((d % 7) + 7) % 7 !== 0) sum += this.day(d++).total
    while (d + 6 <= to) {
      sum += this.block(Math.floor(d / 7))
      d += 7
    }
    while (d <= to) sum += this.day(d++).total
    return sum
  }

  /** Open milliseconds in `[a, b]`, for `a <= b`. */
  between(a: number, b: number): number {
    const lo = Math.floor((a - SLACK) / DAY) - 1
    const hi = Math.ceil((b + SLACK) / DAY) - 1
    // Days whose intervals all lie inside [a, b] count whole.
    const inFrom = Math.ceil((a + SLACK) / DAY)
    const inTo = Math.floor((b - SLACK) / DAY) - 2
    let sum = 0
    if (inFrom > inTo) {
      for (let d = lo; d <= hi; d++) sum += this.clip(d, a, b)
      return sum
    }
    for (let d = lo; d < inFrom; d++) sum += this.clip(d, a, b)
    sum += this.totals(inFrom, inTo)
    for (let d = inTo + 1; d <= hi; d++) sum += this.clip(d, a, b)
    return sum
  }

  /** The first instant `x >= t` with `between(t, x) === amount`, for `amount > 0`. */
  forward(t: number, amount: number): number {
    let remaining = amount
    let d = Math.floor((t - SLACK) / DAY) - 1
    const after = Math.ceil((t + SLACK) / DAY)
    for (; d < after; d++) {
      const bounds = this.day(d).bounds
      for (let i = 0; i < bounds.length; i += 2) {
        const e = bounds[i + 1]!
        if (e <= t) continue
        const s = bounds[i]! > t ? bounds[i]! : t
        if (remaining <= e - s) return s + remaining
        remaining -= e - s
      }
    }
    // Every interval from here on starts after t: skip whole weeks, then whole days.
    for (;;) {
      if (((d % 7) + 7) % 7 === 0) {
        const week = this.block(d / 7)
        if (week < remaining) {
          remaining -= week
          d += 7
          continue
        }
      }
      const day = this.day(d)
      if (day.total < remaining) {
        remaining -= day.total
        d++
        continue
      }
      const bounds = day.bounds
      for (let i = 0; i < bounds.length; i += 2) {
        const length = bounds[i + 1]! - bounds[i]!
        if (remaining <= length) return bounds[i]! + remaining
        remaining -= length
      }
      d++ // unreachable: the day's total covered `remaining`
    }
  }

  /** The last instant `x <= t` with `between(x, t) === amount`, for `amount > 0`. */
  backward(t: number, amount: number): number {
    let remaining = amount
    let d = Math.ceil((t + SLACK) / DAY) - 1
    const before = Math.floor((t - SLACK) / DAY) - 2
    for (; d > before; d--) {
      const bounds = this.day(d).bounds
      for (let i = bounds.length - 2; i >= 0; i -= 2) {
        const s = bounds[i]!
        if (s >= t) continue
        const e = bounds[i + 1]! < t ? bounds[i + 1]! : t
        if (remaining <= e - s) return e - remaining
        remaining -= e - s
      }
    }
    for (;;) {
      if (((d % 7) + 7) % 7 === 6) {
        const week = this.block((d - 6) / 7)
        if (week < remaining) {
          remaining -= week
          d -= 7
          continue
        }
      }
      const day = this.day(d)
      if (day.total < remaining) {
        remaining -= day.total
        d--
        continue
      }
      const bounds = day.bounds
      for (let i = bounds.length - 2; i >= 0; i -= 2) {
        const length = bounds[i + 1]! - bounds[i]!
        if (remaining <= length) return bounds[i + 1]! - remaining
        remaining -= length
      }
      d--
    }
  }

  isOpen(t: number): boolean {
    const hi = Math.ceil((t + SLACK) / DAY) - 1
    for (let d = Math.floor((t - SLACK) / DAY) - 1; d <= hi; d++) {
      const bounds = this.day(d).bounds
      for (let i = 0; i < bounds.length; i += 2) {
        if (bounds[i]! > t) return false
        if (t < bounds[i + 1]!) return true
      }
    }
    return false
  }

  nextOpen(t: number): number {
    for (let d = Math.floor((t - SLACK) / DAY) - 1; ; d++) {
      const bounds = this.day(d).bounds
      for (let i = 0; i < bounds.length; i += 2) {
        if (bounds[i + 1]! > t) return bounds[i]! > t ? bounds[i]! : t
      }
    }
  }
}
