import { describe, expect, it } from "@effect/vitest"
import { FastCheck as fc } from "effect"
import { TimeBucket, Zone } from "../src/index.js"

const ZONES = [
  "UTC",
  "Europe/Berlin",
  "America/New_York",
  "America/Sao_Paulo",
  "Australia/Lord_Howe", // half-hour DST
  "Asia/Kolkata",
  "Asia/Kathmandu",
  "Pacific/Chatham",
  "America/St_Johns",
  "Etc/GMT+5"
]

/** The offset as Intl names it (`GMT+05:45`), read independently of `Zone`'s own parts. */
const intlOffset = (timeZone: string, instant: number): number => {
  const name = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" })
    .formatToParts(instant)
    .find((p) => p.type === "timeZoneName")!.value
  const m = /^GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(name)
  if (m === null) throw new Error(`unexpected offset name ${name}`)
  if (m[1] === undefined) return 0
  const abs = ((Number(m[2]) * 60 + Number(m[3])) * 60 + Number(m[4] ?? 0)) * 1000
  return m[1] === "-" ? -abs : abs
}

/** The local date as a date-only Intl formatter gives it (what the old date-only path read). */
const intlDate = (timeZone: string, instant: number): [number, number, number] => {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, era: "short", year: "numeric", month: "numeric", day: "numeric" })
    .formatToParts(instant)
  const get = (t: string) => parts.find((p) => p.type === t)!.value
  const year = Number(get("year"))
  return [get("era").startsWith("B") ? 1 - year : year, Number(get("month")), Number(get("day"))]
}

const instants = fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2100, 0, 1) })
const zones = fc.constantFrom(...ZONES)

/** Instants near a DST change of 2026 in the zone: where the helpers can go wrong. */
const nearChanges = (timeZone: string): Array<number> => {
  const out: Array<number> = []
  for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += Zone.HOUR) {
    if (Zone.offsetAt(timeZone, t) !== Zone.offsetAt(timeZone, t + Zone.HOUR)) {
      for (let d = -2 * Zone.HOUR; d <= 3 * Zone.HOUR; d += 7 * 60_000 + 1) out.push(t + d)
    }
  }
  return out
}

describe("Zone", () => {
  it("offsetAt agrees with Intl's own offset names, also across DST", () => {
    fc.assert(
      fc.property(zones, instants, (zone, t) => {
        expect(Zone.offsetAt(zone, t)).toBe(intlOffset(zone, t))
      }),
      { numRuns: 500 }
    )
    for (const zone of ZONES) {
      for (const t of nearChanges(zone)) expect([zone, t, Zone.offsetAt(zone, t)]).toEqual([zone, t, intlOffset(zone, t)])
    }
  }, 60_000)

  it("localDate agrees with a date-only Intl formatter, BC years and far years included", () => {
    const wide = fc.integer({ min: Date.UTC(-2000, 0, 1), max: Date.UTC(12000, 0, 1) })
    fc.assert(
      fc.property(zones, fc.oneof(instants, wide), (zone, t) => {
        expect(Zone.localDate(t, zone)).toEqual(intlDate(zone, t))
      }),
      { numRuns: 500 }
    )
  })

  it("firstInstantAtOrAfter: the clock is below the wall time just before, and reads it (or jumped past it) at the answer", () => {
    const check = (zone: string, wall: number, withOffsets: boolean) => {
      const at = withOffsets
        ? Zone.firstInstantAtOrAfter(zone, wall, Zone.offsetAt(zone, wall - Zone.DAY), Zone.offsetAt(zone, wall + Zone.DAY))
        : Zone.firstInstantAtOrAfter(zone, wall)
      const reads = Zone.wallAt(zone, at)
      expect(Zone.wallAt(zone, at - 1)).toBeLessThan(wall)
      // A repeated wall time: no earlier instant of the stretch reads it.
      for (const offset of [Zone.offsetAt(zone, wall - Zone.DAY), Zone.offsetAt(zone, wall + Zone.DAY)]) {
        if (wall - offset < at) expect(Zone.wallAt(zone, wall - offset)).not.toBe(wall)
      }
      if (reads !== wall) {
        // Skipped: the answer is the instant the clock jumped past `wall`.
        expect(reads).toBeGreaterThan(wall)
        expect(Zone.offsetAt(zone, at - 1)).not.toBe(Zone.offsetAt(zone, at))
      }
    }
    fc.assert(
      fc.property(zones, instants, fc.boolean(), (zone, t, withOffsets) => {
        check(zone, Zone.wallAt(zone, t), withOffsets)
      }),
      { numRuns: 300 }
    )
    for (const zone of ZONES) for (const t of nearChanges(zone)) check(zone, t + Zone.offsetAt(zone, t - Zone.DAY), true)
  }, 60_000)

  it("resolves Berlin's spring gap and autumn overlap", () => {
    const berlin = "Europe/Berlin"
    // 02:30 on 29 March 2026 is skipped: clocks go 02:00 CET -> 03:00 CEST at 01:00Z.
    expect(Zone.firstInstantAtOrAfter(berlin, Zone.wallMillis(2026, 3, 29, 2, 30))).toBe(Date.UTC(2026, 2, 29, 1))
    // 02:30 on 25 October 2026 happens twice: the first is 00:30Z (CEST).
    expect(Zone.firstInstantAtOrAfter(berlin, Zone.wallMillis(2026, 10, 25, 2, 30))).toBe(Date.UTC(2026, 9, 25, 0, 30))
    expect(Zone.offsetAt(berlin, Date.UTC(2026, 6, 1))).toBe(2 * Zone.HOUR)
    expect(Zone.localDate(Date.UTC(2026, 6, 1, 12), "Pacific/Kiritimati")).toEqual([2026, 7, 2])
  })

  it("wallMillis keeps years 0-99 and counts astronomical years", () => {
    expect(new Date(Zone.wallMillis(99, 6, 15)).toISOString()).toBe("0099-06-15T00:00:00.000Z")
    expect(new Date(Zone.wallMillis(-5, 6, 15, 1, 2, 3)).toISOString()).toBe("-000005-06-15T01:02:03.000Z")
  })

  it("isTimeZone knows platform zones only", () => {
    expect(Zone.isTimeZone("Europe/Berlin")).toBe(true)
    for (const z of ["", "Mars/Olympus_Mons", "x".repeat(65)]) expect(Zone.isTimeZone(z)).toBe(false)
  })
})

describe("TimeBucket.bucketer", () => {
  it("agrees with bucketOf in every unit, near DST changes and far from year 2000", () => {
    const units = ["day", "week", "month", "year"] as const
    const wide = fc.integer({ min: Date.UTC(-500, 0, 1), max: Date.UTC(11000, 0, 1) })
    for (const zone of ZONES) {
      for (const unit of units) {
        const bucket = TimeBucket.bucketer(unit, zone)
        fc.assert(
          fc.property(fc.oneof(instants, wide), (t) => {
            expect(bucket(t)).toBe(TimeBucket.bucketOf(t, unit, zone))
          }),
          { numRuns: 100 }
        )
        for (const t of nearChanges(zone)) {
          if (bucket(t) !== TimeBucket.bucketOf(t, unit, zone)) expect([zone, unit, t, bucket(t)]).toBe("agreement")
        }
      }
    }
  }, 60_000)
})
