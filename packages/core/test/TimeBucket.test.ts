import { afterEach, describe, expect, it } from "@effect/vitest"
import { Either, FastCheck as fc } from "effect"
import { TimeBucket, Zone } from "../src/index.js"

const { bucketOf } = TimeBucket

const at = (iso: string) => {
  const t = Date.parse(iso)
  if (Number.isNaN(t)) throw new Error(`bad instant ${iso}`)
  return t
}

const MINUTE = 60_000

/** The reference: the platform's own local date, in `en-CA` form (`YYYY-MM-DD`). */
const localDay = (t: number, timeZone: string) =>
  new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(t)

const zones = [
  "UTC",
  "Europe/Berlin",
  "America/New_York",
  "America/St_Johns",
  "Asia/Kolkata",
  "Asia/Kathmandu",
  "Australia/Lord_Howe",
  "Pacific/Kiritimati",
  "Pacific/Pago_Pago",
  "Pacific/Chatham",
  "America/Sao_Paulo"
] as const

const daysBetween = (a: string, b: string) => (Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000

describe("bucketOf", () => {
  it("names days, weeks, months and years by the local date they start on (UTC)", () => {
    const t = at("2026-05-14T13:45:00Z") // a Thursday
    expect(bucketOf(t, "day", "UTC")).toBe("2026-05-14")
    expect(bucketOf(t, "week", "UTC")).toBe("2026-05-11")
    expect(bucketOf(t, "month", "UTC")).toBe("2026-05-01")
    expect(bucketOf(t, "year", "UTC")).toBe("2026-01-01")
    // A Monday is its own week; a Sunday belongs to the week before.
    expect(bucketOf(at("2026-05-11T00:00:00Z"), "week", "UTC")).toBe("2026-05-11")
    expect(bucketOf(at("2026-05-10T23:59:59.999Z"), "week", "UTC")).toBe("2026-05-04")
  })

  it("follows the documented examples", () => {
    expect(bucketOf(Date.UTC(2026, 2, 29, 0, 30), "day", "America/New_York")).toBe("2026-03-28")
    expect(bucketOf(Date.UTC(2026, 2, 29, 0, 30), "week", "Europe/Berlin")).toBe("2026-03-23")
  })

  it("Europe/Berlin, spring forward on 2026-03-29 (a 23-hour day)", () => {
    const z = "Europe/Berlin"
    expect(bucketOf(at("2026-03-28T22:59:59.999Z"), "day", z)).toBe("2026-03-28")
    expect(bucketOf(at("2026-03-28T23:00:00Z"), "day", z)).toBe("2026-03-29") // 00:00 CET
    expect(bucketOf(at("2026-03-29T00:59:59.999Z"), "day", z)).toBe("2026-03-29") // 01:59:59 CET
    expect(bucketOf(at("2026-03-29T01:00:00Z"), "day", z)).toBe("2026-03-29") // 03:00 CEST
    expect(bucketOf(at("2026-03-29T21:59:59.999Z"), "day", z)).toBe("2026-03-29") // 23:59:59 CEST
    expect(bucketOf(at("2026-03-29T22:00:00Z"), "day", z)).toBe("2026-03-30")
    expect(bucketOf(at("2026-03-29T21:59:59.999Z"), "week", z)).toBe("2026-03-23")
    expect(bucketOf(at("2026-03-29T22:00:00Z"), "week", z)).toBe("2026-03-30")
    expect(bucketOf(at("2026-03-29T12:00:00Z"), "month", z)).toBe("2026-03-01")
    expect(bucketOf(at("2026-03-31T22:00:00Z"), "month", z)).toBe("2026-04-01")
  })

  it("Europe/Berlin, fall back on 2026-10-25 (a 25-hour day)", () => {
    const z = "Europe/Berlin"
    expect(bucketOf(at("2026-10-24T21:59:59.999Z"), "day", z)).toBe("2026-10-24")
    expect(bucketOf(at("2026-10-24T22:00:00Z"), "day", z)).toBe("2026-10-25") // 00:00 CEST
    expect(bucketOf(at("2026-10-25T00:30:00Z"), "day", z)).toBe("2026-10-25") // 02:30 CEST
    expect(bucketOf(at("2026-10-25T01:30:00Z"), "day", z)).toBe("2026-10-25") // 02:30 CET, again
    expect(bucketOf(at("2026-10-25T22:59:59.999Z"), "day", z)).toBe("2026-10-25") // 23:59:59 CET
    expect(bucketOf(at("2026-10-25T23:00:00Z"), "day", z)).toBe("2026-10-26")
    expect(bucketOf(at("2026-10-25T22:59:59.999Z"), "week", z)).toBe("2026-10-19")
    expect(bucketOf(at("2026-10-25T23:00:00Z"), "week", z)).toBe("2026-10-26")
  })

  it("America/New_York, spring forward on 2026-03-08", () => {
    const z = "America/New_York"
    expect(bucketOf(at("2026-03-08T04:59:59.999Z"), "day", z)).toBe("2026-03-07")
    expect(bucketOf(at("2026-03-08T05:00:00Z"), "day", z)).toBe("2026-03-08") // 00:00 EST
    expect(bucketOf(at("2026-03-08T07:00:00Z"), "day", z)).toBe("2026-03-08") // 03:00 EDT
    expect(bucketOf(at("2026-03-09T03:59:59.999Z"), "day", z)).toBe("2026-03-08") // 23:59:59 EDT
    expect(bucketOf(at("2026-03-09T04:00:00Z"), "day", z)).toBe("2026-03-09")
    expect(bucketOf(at("2026-03-09T03:59:59.999Z"), "week", z)).toBe("2026-03-02")
    expect(bucketOf(at("2026-03-09T04:00:00Z"), "week", z)).toBe("2026-03-09")
  })

  it("America/New_York, fall back on 2026-11-01, across a month end", () => {
    const z = "America/New_York"
    expect(bucketOf(at("2026-11-01T03:59:59.999Z"), "day", z)).toBe("2026-10-31")
    expect(bucketOf(at("2026-11-01T03:59:59.999Z"), "month", z)).toBe("2026-10-01")
    expect(bucketOf(at("2026-11-01T04:00:00Z"), "day", z)).toBe("2026-11-01") // 00:00 EDT
    expect(bucketOf(at("2026-11-01T04:00:00Z"), "month", z)).toBe("2026-11-01")
    expect(bucketOf(at("2026-11-01T06:30:00Z"), "day", z)).toBe("2026-11-01") // 01:30 EST, the second one
    expect(bucketOf(at("2026-11-02T04:59:59.999Z"), "day", z)).toBe("2026-11-01") // 23:59:59 EST
    expect(bucketOf(at("2026-11-02T05:00:00Z"), "day", z)).toBe("2026-11-02")
    expect(bucketOf(at("2026-11-02T04:59:59.999Z"), "week", z)).toBe("2026-10-26")
  })

  it("Australia/Lord_Howe, half-hour DST shifts", () => {
    const z = "Australia/Lord_Howe"
    // 2026-04-05: +11 → +10:30, a 24.5-hour day.
    expect(bucketOf(at("2026-04-04T12:59:59.999Z"), "day", z)).toBe("2026-04-04")
    expect(bucketOf(at("2026-04-04T13:00:00Z"), "day", z)).toBe("2026-04-05")
    expect(bucketOf(at("2026-04-05T13:29:59.999Z"), "day", z)).toBe("2026-04-05")
    expect(bucketOf(at("2026-04-05T13:30:00Z"), "day", z)).toBe("2026-04-06")
    expect(bucketOf(at("2026-04-05T13:29:59.999Z"), "week", z)).toBe("2026-03-30")
    expect(bucketOf(at("2026-04-05T13:30:00Z"), "week", z)).toBe("2026-04-06")
    // 2026-10-04: +10:30 → +11, a 23.5-hour day.
    expect(bucketOf(at("2026-10-03T13:29:59.999Z"), "day", z)).toBe("2026-10-03")
    expect(bucketOf(at("2026-10-03T13:30:00Z"), "day", z)).toBe("2026-10-04")
    expect(bucketOf(at("2026-10-04T12:59:59.999Z"), "day", z)).toBe("2026-10-04")
    expect(bucketOf(at("2026-10-04T13:00:00Z"), "day", z)).toBe("2026-10-05")
  })

  it("Pacific/Kiritimati (+14) and year ends", () => {
    const z = "Pacific/Kiritimati"
    expect(bucketOf(at("2026-12-31T09:59:59.999Z"), "day", z)).toBe("2026-12-31")
    expect(bucketOf(at("2026-12-31T09:59:59.999Z"), "year", z)).toBe("2026-01-01")
    expect(bucketOf(at("2026-12-31T10:00:00Z"), "day", z)).toBe("2027-01-01")
    expect(bucketOf(at("2026-12-31T10:00:00Z"), "month", z)).toBe("2027-01-01")
    expect(bucketOf(at("2026-12-31T10:00:00Z"), "year", z)).toBe("2027-01-01")
    // 2027-01-01 is a Friday: its week started in the old year.
    expect(bucketOf(at("2026-12-31T10:00:00Z"), "week", z)).toBe("2026-12-28")
    // The same instant is still the old year at UTC-11.
    expect(bucketOf(at("2026-12-31T10:00:00Z"), "year", "Pacific/Pago_Pago")).toBe("2026-01-01")
    expect(bucketOf(at("2027-01-01T10:59:59.999Z"), "day", "Pacific/Pago_Pago")).toBe("2026-12-31")
    expect(bucketOf(at("2027-01-01T11:00:00Z"), "year", "Pacific/Pago_Pago")).toBe("2027-01-01")
    // A week that spans the year end, in UTC.
    expect(bucketOf(at("2027-01-03T23:59:59Z"), "week", "UTC")).toBe("2026-12-28")
    expect(bucketOf(at("2025-01-01T00:00:00Z"), "week", "UTC")).toBe("2024-12-30")
    // Leap day.
    expect(bucketOf(at("2028-02-29T12:00:00Z"), "day", "UTC")).toBe("2028-02-29")
    expect(bucketOf(at("2028-02-29T12:00:00Z"), "month", "UTC")).toBe("2028-02-01")
  })

  it.prop(
    "a day bucket is the platform's local date of the instant (en-CA)",
    {
      t: fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2200, 0, 1) }),
      zone: fc.constantFrom(...zones)
    },
    ({ t, zone }) => {
      expect(bucketOf(t, "day", zone)).toBe(localDay(t, zone))
    },
    { fastCheck: { numRuns: 2000 } }
  )

  it.prop(
    "near DST switches too: every minute around them",
    {
      base: fc.constantFrom(
        at("2026-03-29T01:00:00Z"),
        at("2026-10-25T01:00:00Z"),
        at("2026-03-08T07:00:00Z"),
        at("2026-11-01T06:00:00Z"),
        at("2026-04-04T15:00:00Z"),
        at("2026-10-03T15:30:00Z")
      ),
      offset: fc.integer({ min: -36 * 60, max: 36 * 60 }),
      zone: fc.constantFrom(...zones)
    },
    ({ base, offset, zone }) => {
      const t = base + offset * MINUTE
      expect(bucketOf(t, "day", zone)).toBe(localDay(t, zone))
    }
  )

  it.prop(
    "week buckets are Mondays at most 6 days before the day; months and years start the day's month and year",
    {
      t: fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2200, 0, 1) }),
      zone: fc.constantFrom(...zones)
    },
    ({ t, zone }) => {
      const day = bucketOf(t, "day", zone)
      const week = bucketOf(t, "week", zone)
      expect(week).toMatch(/^\d{4}-\d{2}-\d{2}$/)
      expect(new Date(`${week}T00:00:00Z`).getUTCDay()).toBe(1)
      const gap = daysBetween(week, day)
      expect(gap).toBeGreaterThanOrEqual(0)
      expect(gap).toBeLessThanOrEqual(6)
      expect(gap).toBe((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7)
      expect(bucketOf(t, "month", zone)).toBe(`${day.slice(0, 7)}-01`)
      expect(bucketOf(t, "year", zone)).toBe(`${day.slice(0, 4)}-01-01`)
    },
    { fastCheck: { numRuns: 2000 } }
  )

  describe("does not depend on the process TZ", () => {
    const original = process.env.TZ
    afterEach(() => {
      if (original === undefined) delete process.env.TZ
      else process.env.TZ = original
    })

    it("gives the same buckets under several process time zones", () => {
      const instants = [
        at("2026-03-28T23:30:00Z"),
        at("2026-03-29T22:30:00Z"),
        at("2026-10-25T22:30:00Z"),
        at("2026-03-08T04:30:00Z"),
        at("2026-11-01T03:30:00Z"),
        at("2026-04-05T13:15:00Z"),
        at("2026-12-31T10:30:00Z"),
        at("2027-01-01T00:00:00Z"),
        at("1999-12-31T23:59:59Z")
      ]
      const units = ["day", "week", "month", "year"] as const
      const run = () => instants.flatMap((t) => zones.flatMap((z) => units.map((u) => bucketOf(t, u, z))))

      process.env.TZ = "UTC"
      expect(new Date(Date.UTC(2026, 0, 1)).getTimezoneOffset()).toBe(0)
      const reference = run()
      const offsets = {
        "Pacific/Kiritimati": -840,
        "Pacific/Pago_Pago": 660,
        "Asia/Kolkata": -330,
        "America/New_York": 300,
        "Europe/Berlin": -60
      }
      for (const [tz, offset] of Object.entries(offsets)) {
        process.env.TZ = tz
        // The change must take effect, or this test would prove nothing.
        expect(new Date(Date.UTC(2026, 0, 1)).getTimezoneOffset()).toBe(offset)
        expect(run()).toEqual(reference)
      }
      expect(reference).toContain("2026-03-28")
      expect(reference).toContain("2027-01-01")
    })
  })
})

describe("Zone.isTimeZone and Zone.localDate", () => {
  it("accepts IANA names the platform knows", () => {
    for (const z of ["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Pacific/Kiritimati", "Etc/GMT+5"]) {
      expect(Zone.isTimeZone(z)).toBe(true)
    }
  })

  it("refuses unknown, empty and overlong names", () => {
    for (const z of ["", "Mars/Olympus_Mons", "Europe/Berln", "Not a zone", "x".repeat(65), `Europe/${"B".repeat(60)}`]) {
      expect(Zone.isTimeZone(z)).toBe(false)
    }
  })

  it("localDate gives [year, month, day] numbers", () => {
    expect(Zone.localDate(at("2026-12-31T10:00:00Z"), "Pacific/Kiritimati")).toEqual([2027, 1, 1])
    expect(Zone.localDate(at("2026-12-31T10:00:00Z"), "America/New_York")).toEqual([2026, 12, 31])
  })
})

describe("resolveTimeZone", () => {
  const right = (name: string) => {
    const resolved = TimeBucket.resolveTimeZone(name)
    if (Either.isLeft(resolved)) throw new Error(`expected ${name} to resolve, got: ${resolved.left}`)
    return resolved.right
  }
  const left = (name: string) => {
    const resolved = TimeBucket.resolveTimeZone(name)
    if (Either.isRight(resolved)) throw new Error(`expected ${name} to be refused, got ${resolved.right}`)
    return resolved.left
  }

  it("keeps canonical region zones and UTC", () => {
    for (const z of ["UTC", "Europe/Berlin", "America/New_York", "America/Argentina/Buenos_Aires", "Asia/Kolkata", "Europe/Kyiv"]) {
      expect(right(z)).toBe(z)
    }
  })

  it("resolves aliases, old names and other spellings to the current canonical name", () => {
    expect(right("US/Pacific")).toBe("America/Los_Angeles")
    expect(right("Canada/Newfoundland")).toBe("America/St_Johns")
    expect(right("Asia/Calcutta")).toBe("Asia/Kolkata")
    expect(right("Asia/Saigon")).toBe("Asia/Ho_Chi_Minh")
    expect(right("Europe/Kiev")).toBe("Europe/Kyiv")
    expect(right("America/Buenos_Aires")).toBe("America/Argentina/Buenos_Aires")
    expect(right("europe/berlin")).toBe("Europe/Berlin")
    for (const z of ["utc", "Etc/UTC", "Etc/GMT", "Etc/GMT0", "Etc/GMT-0", "Etc/Zulu", "etc/universal"]) expect(right(z)).toBe("UTC")
  })

  it("keeps whole-hour Etc/GMT±N offsets (POSIX sign)", () => {
    expect(right("Etc/GMT+5")).toBe("Etc/GMT+5")
    expect(right("etc/gmt-14")).toBe("Etc/GMT-14")
    expect(TimeBucket.bucketOf(at("2024-07-01T03:00:00Z"), "day", right("Etc/GMT+5"))).toBe("2024-06-30")
  })

  it("refuses abbreviations and rule names without a place, suggesting the region zone", () => {
    expect(left("CET")).toMatch(/"CET" is not a region zone.*use "Europe\/Brussels"/)
    expect(left("EST5EDT")).toMatch(/use "America\/New_York"/)
    expect(left("GMT")).toMatch(/use "UTC"/)
    expect(left("Japan")).toMatch(/use "Asia\/Tokyo"/)
    for (const z of ["WET", "EET", "MET", "EST", "MST", "HST", "PST8PDT", "UCT", "Zulu", "NZ", "SystemV/AST4"]) left(z)
  })

  it("refuses removed and unknown names", () => {
    expect(left("US/Pacific-New")).toMatch(/removed from the tz database; use "America\/Los_Angeles"/)
    for (const z of ["", "Mars/Olympus_Mons", "UTC+5", "+05:00", "Etc/GMT+13", "Europe/Berlin ", "Europe/Berlin\u0000", "x".repeat(65)]) {
      expect(left(z)).toMatch(/unknown time zone/)
    }
  })

  it("every canonical zone the platform lists resolves to a region zone Intl also knows", () => {
    for (const z of Intl.supportedValuesOf("timeZone")) {
      const resolved = right(z)
      expect(resolved).toMatch(/^[A-Z][A-Za-z_]+\/[A-Za-z_\-/]+$/)
      expect(Zone.isTimeZone(resolved)).toBe(true)
      // The same local date at a few instants: resolving never moves a zone.
      for (const t of [at("2024-07-01T22:30:00Z"), at("2024-12-31T11:45:00Z")]) {
        expect(bucketOf(t, "day", resolved), z).toBe(bucketOf(t, "day", z))
      }
    }
  })
})
