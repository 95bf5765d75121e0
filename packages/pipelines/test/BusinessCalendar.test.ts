import { describe, expect, it } from "@effect/vitest"
import { Effect, FastCheck as fc } from "effect"
import * as BusinessCalendar from "../src/BusinessCalendar.js"

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

const at = (iso: string) => {
  const t = Date.parse(iso)
  if (Number.isNaN(t)) throw new Error(`bad instant ${iso}`)
  return t
}
const iso = (t: number) => new Date(t).toISOString()

type Shift = readonly [string, string]
type WeekSpec = Partial<Record<"mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun", ReadonlyArray<Shift>>>
type HolidaySpec = ReadonlyArray<string | { readonly from: string; readonly to: string }>

const weekdays = (shifts: ReadonlyArray<Shift>): WeekSpec => ({ mon: shifts, tue: shifts, wed: shifts, thu: shifts, fri: shifts })
const calendar = (timeZone: string, week: WeekSpec, holidays: HolidaySpec = []) =>
  BusinessCalendar.unsafeMake({ timeZone, week, holidays })

const {
  addBusinessMillis,
  addBusinessMinutes,
  businessMillisBetween,
  businessMinutesBetween,
  isOpen,
  nextOpen
} = BusinessCalendar

const office = (timeZone: string, holidays: HolidaySpec = []) => calendar(timeZone, weekdays([["09:00", "17:00"]]), holidays)

/**
 * Calendars with every feature at once: several intervals a day, intervals over the
 * hours clocks change at, a shift over midnight, a whole day, holidays (days and ranges).
 */
const busyWeek: WeekSpec = {
  ...weekdays([["01:00", "03:00"], ["09:00", "12:00"], ["13:00", "17:30"], ["23:00", "00:30"]]),
  sat: [["01:30", "02:45"], ["22:00", "06:00"]],
  sun: [["06:00", "24:00"]]
}
const busyHolidays: HolidaySpec = ["2026-05-01", { from: "2026-12-24", to: "2027-01-01" }, "2026-10-24", { from: "2027-03-26", to: "2027-03-27" }]
const zones = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "UTC", "Asia/Kolkata"] as const
const busy = Object.fromEntries(zones.map((z) => [z, calendar(z, busyWeek, busyHolidays)])) as Record<(typeof zones)[number], BusinessCalendar.BusinessCalendar>

// --- A reference built only from Intl, minute by minute ------------------------------

const wallClocks = new Map<string, (t: number) => number>()
const wallClock = (timeZone: string) => {
  let clock = wallClocks.get(timeZone)
  if (clock === undefined) {
    const format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      hourCycle: "h23"
    })
    const memo = new Map<number, number>()
    clock = (t) => {
      let wall = memo.get(t)
      if (wall === undefined) {
        const p = Object.fromEntries(format.formatToParts(t).map((x) => [x.type, Number(x.value)]))
        wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!)
        memo.set(t, wall)
      }
      return wall
    }
    wallClocks.set(timeZone, clock)
  }
  return clock
}

const dayKeys = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const

/**
 * Open minutes in `[a, b)` (whole minutes), by the definition: a shift opens when the
 * wall clock first reads its start and closes when it first reads its end, so it is
 * open while the highest wall time shown so far lies inside it.
 */
const referenceMinutes = (timeZone: string, week: WeekSpec, holidays: HolidaySpec, a: number, b: number) => {
  const closed = new Set<string>()
  for (const h of holidays) {
    if (typeof h === "string") closed.add(h)
    else for (let d = at(`${h.from}T00:00:00Z`); d <= at(`${h.to}T00:00:00Z`); d += DAY) closed.add(iso(d).slice(0, 10))
  }
  const minutes = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3))
  const openAt = (wall: number) => {
    const date = Math.floor(wall / DAY) * DAY
    const m = (wall - date) / MINUTE
    for (const [start, carry] of [[date, 0], [date - DAY, 1440]] as const) {
      if (closed.has(iso(start).slice(0, 10))) continue
      for (const [from, to] of week[dayKeys[new Date(start).getUTCDay()]!] ?? []) {
        const s = minutes(from)
        const e = minutes(to) <= s ? minutes(to) + 1440 : minutes(to)
        if (s <= m + carry && m + carry < e) return true
      }
    }
    return false
  }
  const wall = wallClock(timeZone)
  let highest = -Infinity
  for (let t = a - 6 * HOUR; t < a; t += MINUTE) highest = Math.max(highest, wall(t))
  let count = 0
  for (let t = a; t < b; t += MINUTE) {
    highest = Math.max(highest, wall(t))
    if (openAt(highest)) count++
  }
  return count
}

// --- Examples ------------------------------------------------------------------------

describe("BusinessCalendar.make", () => {
  it.effect("refuses bad definitions with a ValidationError naming the field", () =>
    Effect.gen(function*() {
      const fail = (input: unknown) =>
        Effect.flip(BusinessCalendar.make(input as typeof BusinessCalendar.Config.Encoded)).pipe(
          Effect.map((e) => e.issues.map((i) => `${i.path}: ${i.message}`))
        )
      const week = { mon: [["09:00", "17:00"]] }
      expect(yield* fail({ timeZone: "Mars/Olympus_Mons", week })).toEqual([
        "timeZone: Expected an IANA time zone the platform knows (Europe/Berlin, UTC)"
      ])
      expect(yield* fail({ timeZone: "UTC", week: { mon: [["9:00", "17:00"]] } })).toEqual([
        "week.mon.0.0: Expected a wall-clock time HH:MM from 00:00 to 24:00, actual \"9:00\""
      ])
      expect(yield* fail({ timeZone: "UTC", week: { tue: [["17:00", "17:00"]] } })).toEqual([
        "week.tue.0: start and end are both 17:00: use [\"00:00\", \"24:00\"] for a whole day"
      ])
      expect(yield* fail({ timeZone: "UTC", week: { tue: [["24:00", "03:00"]] } })).toEqual(["week.tue.0: 24:00 can only end an interval"])
      expect(yield* fail({ timeZone: "UTC", week: { mon: [["09:00", "12:00"], ["11:00", "13:00"]] } })).toEqual([
        "week.mon.1: overlaps week.mon.0 (09:00–12:00)"
      ])
      // A night shift overlapping the next morning, and Sunday night running into Monday.
      expect(yield* fail({ timeZone: "UTC", week: { fri: [["22:00", "06:00"]], sat: [["05:00", "09:00"]] } })).toEqual([
        "week.sat.0: overlaps week.fri.0 (22:00–06:00)"
      ])
      expect(yield* fail({ timeZone: "UTC", week: { sun: [["22:00", "06:00"]], mon: [["05:30", "09:00"]] } })).toEqual([
        "week.mon.0: overlaps week.sun.0 (22:00–06:00)"
      ])
      expect(yield* fail({ timeZone: "UTC", week: {} })).toEqual(["week: the week has no business hours"])
      const holidays = yield* fail({ timeZone: "UTC", week, holidays: ["2026-02-30", { from: "2026-12-31", to: "2026-12-24" }] })
      expect(holidays).toContain("holidays.0: Expected a date YYYY-MM-DD | { from, to }, actual \"2026-02-30\"")
      expect(holidays).toContain("holidays.1.to: before from (2026-12-31)")
      // Touching intervals are fine, and so is a whole day.
      yield* BusinessCalendar.make({ timeZone: "UTC", week: { mon: [["09:00", "12:00"], ["12:00", "13:00"]], tue: [["00:00", "24:00"]] } })
    }))

  it("throws from unsafeMake and prints its definition", () => {
    expect(() => BusinessCalendar.unsafeMake({ timeZone: "Nowhere", week: { mon: [["09:00", "17:00"]] } })).toThrow(/timeZone/)
    const c = office("Europe/Berlin")
    expect(BusinessCalendar.isBusinessCalendar(c)).toBe(true)
    expect(JSON.parse(String(c))).toMatchObject({ _id: "BusinessCalendar", timeZone: "Europe/Berlin" })
  })
})

describe("arithmetic", () => {
  const berlin = office("Europe/Berlin", ["2027-01-01"])

  it("adds across nights, weekends and a DST change", () => {
    // Friday 16:00 CET + 2 h: 1 h on Friday, 1 h on Monday (now CEST).
    expect(iso(addBusinessMinutes(berlin, at("2026-03-27T15:00:00Z"), 120))).toBe("2026-03-30T08:00:00.000Z")
    // From outside business hours the clock starts at the next opening.
    expect(iso(addBusinessMinutes(berlin, at("2026-03-28T10:00:00Z"), 30))).toBe("2026-03-30T07:30:00.000Z")
    // An amount that exactly fills the day ends at the close, not the next opening.
    expect(iso(addBusinessMinutes(berlin, at("2026-06-01T07:00:00Z"), 480))).toBe("2026-06-01T15:00:00.000Z")
    // Zero is the identity, even when closed.
    expect(addBusinessMinutes(berlin, at("2026-06-06T12:00:00Z"), 0)).toBe(at("2026-06-06T12:00:00Z"))
    // Negative amounts go back.
    expect(iso(addBusinessMinutes(berlin, at("2026-03-30T08:00:00Z"), -120))).toBe("2026-03-27T15:00:00.000Z")
    expect(iso(addBusinessMinutes(berlin, at("2026-03-28T10:00:00Z"), -30))).toBe("2026-03-27T15:30:00.000Z")
    // Fractional minutes, millisecond precision.
    expect(addBusinessMinutes(berlin, at("2026-06-01T08:00:00Z"), 0.5)).toBe(at("2026-06-01T08:00:30Z"))
    expect(businessMinutesBetween(berlin, at("2026-06-01T08:00:00Z"), at("2026-06-01T08:00:00.600Z"))).toBe(0.01)
  })

  it("crosses a year end and a holiday", () => {
    // Thursday 31 Dec 2026 16:00 CET + 2 h: Friday 1 Jan is a holiday, so Monday 4 Jan 10:00.
    expect(iso(addBusinessMinutes(berlin, at("2026-12-31T15:00:00Z"), 120))).toBe("2027-01-04T09:00:00.000Z")
    expect(businessMinutesBetween(berlin, at("2026-12-31T15:00:00Z"), at("2027-01-04T09:00:00Z"))).toBe(120)
    expect(businessMinutesBetween(berlin, at("2027-01-04T09:00:00Z"), at("2026-12-31T15:00:00Z"))).toBe(-120)
  })

  it("skips holiday ranges", () => {
    const c = office("America/New_York", [{ from: "2026-12-24", to: "2026-12-31" }, "2027-01-01"])
    // Wed 23 Dec 16:30 EST + 60 min: 30 min that day, then closed until Mon 4 Jan.
    expect(iso(addBusinessMinutes(c, at("2026-12-23T21:30:00Z"), 60))).toBe("2027-01-04T14:30:00.000Z")
    expect(businessMinutesBetween(c, at("2026-12-20T00:00:00Z"), at("2027-01-09T00:00:00Z"))).toBe(8 * 60 * 8)
  })

  it("answers isOpen and nextOpen with half-open intervals", () => {
    const open = at("2026-06-01T07:00:00Z") // Monday 09:00 CEST
    const close = at("2026-06-01T15:00:00Z")
    expect(isOpen(berlin, open)).toBe(true)
    expect(isOpen(berlin, open - 1)).toBe(false)
    expect(isOpen(berlin, close - 1)).toBe(true)
    expect(isOpen(berlin, close)).toBe(false)
    expect(nextOpen(berlin, open - 1)).toBe(open)
    expect(nextOpen(berlin, open + 5)).toBe(open + 5)
    expect(iso(nextOpen(berlin, close))).toBe("2026-06-02T07:00:00.000Z")
    expect(iso(nextOpen(berlin, at("2026-12-31T16:00:00Z")))).toBe("2027-01-04T08:00:00.000Z")
    const pipeable = berlin.pipe(BusinessCalendar.addBusinessMinutes(open, 60))
    expect(pipeable).toBe(open + HOUR)
  })

  it("runs a shift that crosses midnight on the day it starts, holidays included", () => {
    const night = { fri: [["22:00", "06:00"]] } as const
    const fri = at("2026-01-09T00:00:00Z")
    // Plain: Friday 22:00 to Saturday 06:00 in UTC.
    const plain = calendar("UTC", night)
    expect(isOpen(plain, fri + 23 * HOUR)).toBe(true)
    expect(isOpen(plain, fri + 29 * HOUR)).toBe(true)
    expect(isOpen(plain, fri + 30 * HOUR)).toBe(false)
    expect(businessMinutesBetween(plain, fri, fri + 2 * DAY)).toBe(480)
    // Saturday is a holiday: Friday's shift still runs into it.
    expect(businessMinutesBetween(calendar("UTC", night, ["2026-01-10"]), fri, fri + 2 * DAY)).toBe(480)
    // Friday is a holiday: its shift does not run at all, not even after midnight.
    const friday = calendar("UTC", night, ["2026-01-09"])
    expect(businessMinutesBetween(friday, fri, fri + 2 * DAY)).toBe(0)
    expect(isOpen(friday, fri + 25 * HOUR)).toBe(false)
    // Over a DST change (Berlin, night of 28–29 March 2026): 22:00 → 06:00 is 7 real hours.
    expect(businessMinutesBetween(calendar("Europe/Berlin", { sat: [["22:00", "06:00"]] }), at("2026-03-28T00:00:00Z"), at("2026-03-30T00:00:00Z"))).toBe(420)
  })

  it("handles very large amounts by skipping weeks", () => {
    const c = office("Europe/Berlin", [{ from: "2030-12-20", to: "2031-01-05" }])
    const t = at("2026-01-05T08:00:00Z")
    const tenYears = 10 * 52 * 5 * 8 * 60
    const due = addBusinessMinutes(c, t, tenYears)
    expect(businessMinutesBetween(c, t, due)).toBe(tenYears)
    expect(addBusinessMinutes(c, due, -tenYears)).toBe(t)
  })

  it("refuses non-finite numbers", () => {
    expect(() => addBusinessMinutes(berlin, Number.NaN, 1)).toThrow(RangeError)
    expect(() => addBusinessMinutes(berlin, 0, Number.POSITIVE_INFINITY)).toThrow(RangeError)
    expect(() => businessMinutesBetween(berlin, 0, Number.NaN)).toThrow(RangeError)
  })
})

describe("DST: business minutes are real elapsed minutes", () => {
  const sunday = (timeZone: string, shift: Shift) => calendar(timeZone, { sun: [shift] })
  const minutesOn = (c: BusinessCalendar.BusinessCalendar, date: string) =>
    businessMinutesBetween(c, at(`${date}T00:00:00Z`) - DAY, at(`${date}T00:00:00Z`) + 2 * DAY)

  it("Europe/Berlin: 01:00–03:00 is 60 minutes in spring, 180 in autumn", () => {
    const c = sunday("Europe/Berlin", ["01:00", "03:00"])
    expect(minutesOn(c, "2026-03-29")).toBe(60)
    expect(minutesOn(c, "2026-10-25")).toBe(180)
    expect(minutesOn(c, "2026-06-07")).toBe(120)
  })

  it("Europe/Berlin: a skipped opening time opens at the change, a repeated one at its first occurrence", () => {
    const skipped = sunday("Europe/Berlin", ["02:30", "04:00"])
    // 02:30 does not exist on 29 March: the shop opens when clocks jump to 03:00 (01:00Z).
    expect(iso(nextOpen(skipped, at("2026-03-28T12:00:00Z")))).toBe("2026-03-29T01:00:00.000Z")
    expect(minutesOn(skipped, "2026-03-29")).toBe(60)
    const repeated = sunday("Europe/Berlin", ["02:30", "03:30"])
    // 02:30 happens twice on 25 October: open from the first (00:30Z) to 03:30 CET (02:30Z).
    expect(iso(nextOpen(repeated, at("2026-10-24T12:00:00Z")))).toBe("2026-10-25T00:30:00.000Z")
    expect(minutesOn(repeated, "2026-10-25")).toBe(120)
  })

  it("America/New_York: a whole Sunday is 23 hours in March and 25 in November", () => {
    const c = sunday("America/New_York", ["00:00", "24:00"])
    expect(minutesOn(c, "2026-03-08")).toBe(23 * 60)
    expect(minutesOn(c, "2026-11-01")).toBe(25 * 60)
    expect(iso(addBusinessMinutes(c, at("2026-03-08T05:00:00Z"), 23 * 60))).toBe("2026-03-09T04:00:00.000Z")
  })

  it("Australia/Lord_Howe: half-hour DST makes a Sunday 24.5 hours in April and 23.5 in October", () => {
    const c = sunday("Australia/Lord_Howe", ["00:00", "24:00"])
    expect(minutesOn(c, "2026-04-05")).toBe(24.5 * 60)
    expect(minutesOn(c, "2026-10-04")).toBe(23.5 * 60)
    // 01:00–03:00 on the October change (02:00 → 02:30): 90 real minutes.
    expect(minutesOn(sunday("Australia/Lord_Howe", ["01:00", "03:00"]), "2026-10-04")).toBe(90)
  })

  const transitions = [
    ["Europe/Berlin", "2026-03-29T01:00:00Z"],
    ["Europe/Berlin", "2026-10-25T01:00:00Z"],
    ["America/New_York", "2026-03-08T07:00:00Z"],
    ["America/New_York", "2026-11-01T06:00:00Z"],
    ["Australia/Lord_Howe", "2026-04-04T15:00:00Z"],
    ["Australia/Lord_Howe", "2026-10-03T15:30:00Z"]
  ] as const

  it("agrees minute by minute with a reference built from Intl around each change", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...transitions),
        fc.integer({ min: -36 * 60, max: 36 * 60 }),
        fc.integer({ min: 0, max: 36 * 60 }),
        ([zone, change], from, length) => {
          const a = at(change) + from * MINUTE
          const b = a + length * MINUTE
          const expected = referenceMinutes(zone, busyWeek, busyHolidays, a, b)
          expect(businessMinutesBetween(busy[zone], a, b)).toBe(expected)
        }
      ),
      { numRuns: 60 }
    )
  })

  it("agrees with the reference over a year end and holidays", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: -3 * 24 * 60, max: 10 * 24 * 60 }),
        fc.integer({ min: 0, max: 3 * 24 * 60 }),
        (zone, from, length) => {
          const a = at("2026-12-22T00:00:00Z") + from * MINUTE
          const b = a + length * MINUTE
          expect(businessMinutesBetween(busy[zone], a, b)).toBe(referenceMinutes(zone, busyWeek, busyHolidays, a, b))
        }
      ),
      { numRuns: 25 }
    )
  })
})

// --- Properties ----------------------------------------------------------------------

const instant = fc.integer({ min: at("2020-01-01T00:00:00Z"), max: at("2032-01-01T00:00:00Z") })
/** Near a DST change or a year end, where things go wrong. */
const tricky = fc
  .tuple(
    fc.constantFrom("2026-03-08T07:00:00Z", "2026-03-29T01:00:00Z", "2026-04-04T15:00:00Z", "2026-10-03T15:30:00Z", "2026-10-25T01:00:00Z", "2026-11-01T06:00:00Z", "2027-01-01T00:00:00Z"),
    fc.integer({ min: -3 * DAY, max: 3 * DAY })
  )
  .map(([change, offset]) => at(change) + offset)
const anyInstant = fc.oneof(instant, tricky)
const zone = fc.constantFrom(...zones)
/** Business milliseconds, up to about two years of this calendar, either sign. */
const amount = fc.oneof(fc.integer({ min: -3 * DAY, max: 3 * DAY }), fc.integer({ min: -2_000 * HOUR, max: 2_000 * HOUR }))

describe("properties", () => {
  it("between(t, add(t, n)) === n, and add(t, n) is the first such instant", () => {
    fc.assert(
      fc.property(zone, anyInstant, amount, (z, t, n) => {
        const c = busy[z]
        const x = addBusinessMillis(c, t, n)
        expect(businessMillisBetween(c, t, x)).toBe(n)
        if (n > 0) {
          expect(x).toBeGreaterThan(t)
          expect(businessMillisBetween(c, t, x - 1)).toBe(n - 1)
        } else if (n < 0) {
          expect(x).toBeLessThan(t)
          expect(businessMillisBetween(c, x + 1, t)).toBe(-n - 1)
        } else {
          expect(x).toBe(t)
        }
      }),
      { numRuns: 400 }
    )
  })

  it("whole minutes round-trip exactly through the minute API", () => {
    fc.assert(
      fc.property(zone, anyInstant, fc.integer({ min: -200_000, max: 200_000 }), (z, t, n) => {
        expect(businessMinutesBetween(busy[z], t, addBusinessMinutes(busy[z], t, n))).toBe(n)
      }),
      { numRuns: 200 }
    )
  })

  it("between is additive over any split point and antisymmetric", () => {
    fc.assert(
      fc.property(zone, anyInstant, anyInstant, anyInstant, (z, a, b, c) => {
        const cal = busy[z]
        expect(businessMillisBetween(cal, a, c)).toBe(businessMillisBetween(cal, a, b) + businessMillisBetween(cal, b, c))
        expect(businessMillisBetween(cal, b, a)).toBe(0 - businessMillisBetween(cal, a, b))
      }),
      { numRuns: 300 }
    )
  })

  it("is monotonic, and add(a, between(a, b)) lands on b or on the last close before it", () => {
    fc.assert(
      fc.property(zone, anyInstant, fc.integer({ min: 0, max: 40 * DAY }), fc.integer({ min: 0, max: 40 * DAY }), (z, a, d1, d2) => {
        const cal = busy[z]
        const b = a + d1
        const c = b + d2
        const ab = businessMillisBetween(cal, a, b)
        expect(ab).toBeGreaterThanOrEqual(0)
        expect(ab).toBeLessThanOrEqual(d1)
        expect(businessMillisBetween(cal, a, c)).toBeGreaterThanOrEqual(ab)
        expect(addBusinessMillis(cal, a, d1)).toBeLessThanOrEqual(addBusinessMillis(cal, a, d1 + d2))
        expect(addBusinessMillis(cal, a, d1)).toBeLessThanOrEqual(addBusinessMillis(cal, b, d1))
        const x = addBusinessMillis(cal, a, ab)
        expect(x).toBeLessThanOrEqual(b)
        expect(businessMillisBetween(cal, x, b)).toBe(0)
        // Open just before b: nothing closed to fall back over.
        if (b > a && isOpen(cal, b - 1)) expect(x).toBe(b)
      }),
      { numRuns: 300 }
    )
  })

  it("isOpen and nextOpen agree with between", () => {
    fc.assert(
      fc.property(zone, anyInstant, (z, t) => {
        const cal = busy[z]
        const next = nextOpen(cal, t)
        expect(next).toBeGreaterThanOrEqual(t)
        expect(isOpen(cal, next)).toBe(true)
        expect(businessMillisBetween(cal, t, next)).toBe(0)
        expect(isOpen(cal, t)).toBe(next === t)
        expect(isOpen(cal, t)).toBe(businessMillisBetween(cal, t, t + 1) === 1)
      }),
      { numRuns: 300 }
    )
  })

  // The cost of this test is resolving days: every pass builds fresh calendars, and a
  // query between two instants years apart resolves every day in between, in each of
  // five zones, with Intl. Over 2020–2032 that was 23,000 days a pass, six passes, 1.3 s
  // idle and 10.7 s on a loaded machine. Every zone here, the calendars' and the
  // process's, has had the same offset rules every year since 2008, so 2026 and 2027,
  // which hold every tricky instant, every holiday and both clock changes of each zone,
  // have every kind of day the twelve years have: about 4,700 days a pass.
  it("gives the same answers whatever the process time zone (TZ)", () => {
    const within = fc.oneof(fc.integer({ min: at("2026-01-01T00:00:00Z"), max: at("2028-01-01T00:00:00Z") }), tricky)
    const queries = fc.sample(fc.tuple(zone, within, within, amount), { numRuns: 300, seed: 42 })
    const answers = () => {
      // Fresh calendars, so every cached day is resolved again under this TZ.
      const fresh = Object.fromEntries(zones.map((z) => [z, calendar(z, busyWeek, busyHolidays)])) as typeof busy
      return queries.map(([z, a, b, n]) => [
        businessMillisBetween(fresh[z], a, b),
        addBusinessMillis(fresh[z], a, n),
        isOpen(fresh[z], a),
        nextOpen(fresh[z], b)
      ])
    }
    const original = process.env.TZ
    try {
      process.env.TZ = "UTC"
      expect(new Date(0).getTimezoneOffset()).toBe(0)
      const reference = answers()
      // 1 January 1970 local offsets, minutes west of UTC as Date reports them.
      for (const [tz, offset] of [["America/Los_Angeles", 480], ["Asia/Kolkata", -330], ["Australia/Lord_Howe", -600], ["Pacific/Kiritimati", 640], ["Europe/Berlin", -60]] as const) {
        process.env.TZ = tz
        expect(new Date(0).getTimezoneOffset()).toBe(offset)
        expect(answers()).toEqual(reference)
      }
    } finally {
      if (original === undefined) delete process.env.TZ
      else process.env.TZ = original
    }
  }, 60_000) // about 0.3 s idle
})
