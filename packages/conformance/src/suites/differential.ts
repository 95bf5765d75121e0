/**
 * The differential properties: random rows and random queries, answered by the store
 * and by the reference evaluator; the answers must be equal.
 */
import { expect } from "@effect/vitest"
import { Catalog, type Collection, Plan, Query, Store, TimeBucket } from "@rapport/core"
import { Effect, Either, FastCheck as fc, TestClock } from "effect"
import * as Arbitraries from "../internal/arbitraries.js"
import { deal, expectFailure, findAll, freshWorkspace, insertAll, type It, NOW } from "../internal/harness.js"
import * as Reference from "../internal/reference.js"
import * as ReferenceTime from "../internal/referenceTime.js"
import { ACCOUNT, DEAL, LINK } from "../TestCatalog.js"

/** How hard the differential properties push. */
export interface Options {
  /** Runs per property (default 60). */
  readonly numRuns?: number
  /** At most this many rows per collection (default 30, so at most 60 rows). */
  readonly maxRows?: number
  /** A fast-check seed to replay a failure. */
  readonly seed?: number
}

const seedDataset = (data: Reference.Dataset) =>
  Effect.gen(function*() {
    const store = yield* Store.Store
    const ws = freshWorkspace("diff")
    // Random data dangles ("ghost" parents): loaded as a restore would, without reference checks.
    yield* Store.withoutReferenceChecks(store.transaction(
      Effect.gen(function*() {
        for (const row of data[ACCOUNT] ?? []) yield* store.insert(ws, ACCOUNT, row)
        for (const row of data[DEAL] ?? []) yield* store.insert(ws, DEAL, row)
        for (const row of data[LINK] ?? []) yield* store.insert(ws, LINK, row)
      })
    ))
    return ws
  })

const compareAggregates = (
  kinds: ReadonlyMap<string, string>,
  actual: ReadonlyArray<Query.AggregateRow>,
  expected: ReadonlyArray<Query.AggregateRow>
) => {
  const exact = (rows: ReadonlyArray<Query.AggregateRow>) =>
    rows.map((row) => Object.fromEntries(Object.entries(row).filter(([k]) => kinds.get(k) !== "float")))
  expect(exact(actual)).toEqual(exact(expected))
  actual.forEach((row, i) => {
    for (const [alias, kind] of kinds) {
      if (kind !== "float") continue
      const a = row[alias] ?? null
      const e = expected[i]![alias] ?? null
      if (e === null || a === null) expect(a, `${alias} of row ${i}`).toBe(e)
      else {
        expect(typeof a).toBe("number")
        expect(Math.abs((a as number) - (e as number)), `${alias} of row ${i}: ${a} vs ${e}`).toBeLessThanOrEqual(
          Math.abs(e as number) * 1e-9 + 1e-9
        )
      }
    }
  })
}

/**
 * Time zone names as queries carry them: canonical region zones (odd offsets, southern
 * and negative DST), their aliases and other spellings, `Etc/GMT±N` offsets, and names
 * the engines read differently (abbreviations, POSIX-style rule zones, removed names).
 */
const zoneNames = [
  ...["UTC", "Europe/Berlin", "Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Brussels", "Europe/Amsterdam"],
  ...["America/New_York", "America/Los_Angeles", "America/St_Johns", "America/Santiago", "America/Sao_Paulo"],
  ...["America/Argentina/Buenos_Aires", "America/Nuuk", "Asia/Kolkata", "Asia/Kathmandu", "Asia/Tokyo", "Asia/Tehran"],
  ...["Asia/Ho_Chi_Minh", "Australia/Lord_Howe", "Australia/Adelaide", "Pacific/Chatham", "Pacific/Kiritimati"],
  ...["Pacific/Pago_Pago", "Pacific/Auckland", "Africa/Casablanca", "Antarctica/Troll", "Europe/Kyiv"],
  // aliases and spellings
  ...["US/Pacific", "US/Eastern", "Asia/Calcutta", "Asia/Saigon", "Asia/Katmandu", "Europe/Kiev", "America/Godthab"],
  ...["America/Buenos_Aires", "Canada/Newfoundland", "Brazil/East", "Australia/ACT", "Arctic/Longyearbyen", "Pacific/Truk"],
  ...["Etc/UTC", "Etc/GMT", "Etc/Universal", "Etc/Zulu", "utc", "europe/berlin", "AMERICA/NEW_YORK"],
  // fixed offsets (POSIX sign: Etc/GMT+5 is five hours behind UTC)
  ...["Etc/GMT+5", "Etc/GMT-5", "Etc/GMT-14", "Etc/GMT+12", "Etc/GMT0", "Etc/GMT-0", "Etc/GMT+0"],
  // abbreviations, rule zones and bare backward names
  ...["CET", "WET", "EET", "MET", "EST", "MST", "HST", "EST5EDT", "CST6CDT", "MST7MDT", "PST8PDT", "GMT", "UCT"],
  ...["Zulu", "Universal", "Greenwich", "Japan", "NZ", "GB", "Eire", "Navajo", "PRC", "ROK", "W-SU", "Singapore"],
  // not zones, or not to every engine
  ...["US/Pacific-New", "SystemV/EST5", "SystemV/AST4ADT", "Mars/Olympus_Mons", "UTC+5", "GMT+5", "+05:00", "Z"],
  ...["localtime", "posixrules", "Factory", "EST5", "Europe/Berlin ", "Etc/GMT+15", "Etc/Unknown", "", "<+05>-5"]
]

/** Noon UTC on days with DST switches somewhere, year and month ends, a leap day. */
const zoneBases = [
  "2024-02-29", "2024-03-10", "2024-03-31", "2024-04-07", "2024-07-01", "2024-09-08", "2024-09-29", "2024-10-06",
  "2024-10-27", "2024-11-03", "2024-12-31", "2025-01-01", "2025-02-23", "2025-04-06"
].map((day) => Date.parse(`${day}T12:00:00Z`))

/** Instants within 28 hours of a base, on quarter hours (where local midnights fall) and 1 ms off them. */
const zoneInstant = fc.tuple(fc.constantFrom(...zoneBases), fc.integer({ min: -112, max: 112 }), fc.constantFrom(-1, 0, 0, 1))
  .map(([base, quarters, ms]) => base + quarters * 15 * 60_000 + ms)

/** Offsets from a local midnight that tell zones an hour or half an hour apart. */
const midnightDeltas = [-3_600_000, -1_800_000, -1, 0, 1, 1_800_000, 3_599_999, 3_600_000]

const midnightCache = new Map<string, ReadonlyArray<number>>()

/** The instants within 30 hours of `base` where the zone's local date changes, as Intl sees it. */
const midnightsNear = (zone: string, base: number): ReadonlyArray<number> => {
  const key = `${zone}@${base}`
  const cached = midnightCache.get(key)
  if (cached !== undefined) return cached
  const out: Array<number> = []
  try {
    const day = (t: number) => ReferenceTime.bucket(t, "day", zone, TimeBucket.ISO)
    const step = 15 * 60_000
    for (let t = base - 30 * 3_600_000; t < base + 30 * 3_600_000; t += step) {
      if (day(t) === day(t + step)) continue
      let [lo, hi] = [t, t + step] // day(lo) is the old date, day(hi) the new one
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2)
        if (day(mid) === day(lo)) lo = mid
        else hi = mid
      }
      out.push(hi)
    }
  } catch {
    // A name Intl does not know has no midnights; the planner refuses it anyway.
  }
  midnightCache.set(key, out)
  return out
}

/**
 * Buckets `instants` by every unit (weeks from Monday and Sunday, quarters and years
 * from January and April) in `zone` on the store: the answer is
 * Intl's reading of the name as given (so an alias buckets like its zone), or, when the
 * planner refuses the name, an `InvalidQuery` on the time zone.
 */
const checkZone = (zone: string, instants: ReadonlyArray<number>) =>
  Effect.gen(function*() {
    const store = yield* Store.Store
    const catalog = yield* Catalog.Catalog
    const ws = freshWorkspace("tz")
    const ids = instants.map((_, i) => `t${String(i).padStart(3, "0")}`)
    yield* store.transaction(
      Effect.forEach(instants, (closedAt, i) => store.insert(ws, DEAL, deal(ids[i]!, { closedAt })), { discard: true })
    )
    // Every unit, and weeks from Sunday and fiscal quarters and years from April.
    const buckets = [
      ...(["hour", "day", "week", "month", "quarter", "year"] as const).map((unit) => ({ as: unit, unit, calendar: TimeBucket.ISO })),
      { as: "sundayWeek", unit: "week", calendar: { weekStart: 7, fiscalYearStartMonth: 1 } },
      { as: "fiscalQuarter", unit: "quarter", calendar: { weekStart: 1, fiscalYearStartMonth: 4 } },
      { as: "fiscalYear", unit: "year", calendar: { weekStart: 1, fiscalYearStartMonth: 4 } }
    ] as const
    const query = Query.aggregate(DEAL, {
      groupBy: [
        { _tag: "Field", as: "id", field: "id" },
        ...buckets.map(({ as, calendar, unit }) =>
          ({ _tag: "Bucket", as, field: "closedAt", unit, timeZone: zone, ...calendar }) as const
        )
      ],
      measures: []
    })
    if (Either.isLeft(Plan.aggregate(catalog, ws, query, NOW))) {
      const error = yield* expectFailure("InvalidQuery")(store.aggregate(ws, query))
      expect(error.path, JSON.stringify(zone)).toBe("groupBy.1.timeZone")
      return
    }
    const expected = instants.map((t, i) => ({
      id: ids[i]!,
      ...Object.fromEntries(buckets.map(({ as, calendar, unit }) => [as, ReferenceTime.bucket(t, unit, zone, calendar)]))
    }))
    const actual = yield* store.aggregate(ws, query)
    expect(actual, JSON.stringify(zone)).toEqual(expected)
  })

export const differentialSuite = (it: It, options: Options = {}) => {
  const numRuns = options.numRuns ?? 60
  const maxRows = options.maxRows ?? 30
  const fastCheck = { numRuns, ...(options.seed === undefined ? {} : { seed: options.seed }) }

  it.effect.prop(
    "differential: find (every page, in order) equals the reference",
    { data: Arbitraries.dataset(maxRows), queries: fc.array(Arbitraries.find, { minLength: 1, maxLength: 4 }) },
    ({ data, queries }) =>
      Effect.gen(function*() {
        yield* TestClock.setTime(NOW)
        const catalog = yield* Catalog.Catalog
        const dataset: Reference.Dataset = { [ACCOUNT]: data.accounts, [DEAL]: data.deals, [LINK]: data.links }
        const ws = yield* seedDataset(dataset)
        for (const query of queries) {
          const expected = Reference.find(catalog, ws, dataset, query, NOW)
          const actual = yield* findAll(ws, query)
          expect(actual.map((r) => r.id), JSON.stringify(query)).toEqual(expected.map((r) => r.id))
          expect(actual as ReadonlyArray<Collection.Row>).toEqual(expected)
        }
      }),
    { timeout: 120_000, fastCheck }
  )

  it.effect.prop(
    "differential: aggregate equals the reference",
    { data: Arbitraries.dataset(maxRows), queries: fc.array(Arbitraries.aggregate, { minLength: 1, maxLength: 4 }) },
    ({ data, queries }) =>
      Effect.gen(function*() {
        yield* TestClock.setTime(NOW)
        const store = yield* Store.Store
        const catalog = yield* Catalog.Catalog
        const dataset: Reference.Dataset = { [ACCOUNT]: data.accounts, [DEAL]: data.deals, [LINK]: data.links }
        const ws = yield* seedDataset(dataset)
        for (const query of queries) {
          const expected = Reference.aggregate(catalog, ws, dataset, query, NOW)
          const actual = yield* store.aggregate(ws, query)
          compareAggregates(Reference.outputKinds(catalog, ws, query), actual, expected)
        }
      }),
    { timeout: 120_000, fastCheck }
  )

  it.effect.prop(
    "differential: aggregatePage, page after page, gives the reference's rows in order, each once",
    {
      data: Arbitraries.dataset(maxRows),
      query: Arbitraries.aggregate,
      limit: fc.integer({ min: 1, max: 3 })
    },
    ({ data, limit, query }) =>
      Effect.gen(function*() {
        yield* TestClock.setTime(NOW)
        const store = yield* Store.Store
        const catalog = yield* Catalog.Catalog
        const dataset: Reference.Dataset = { [ACCOUNT]: data.accounts, [DEAL]: data.deals }
        const ws = yield* seedDataset(dataset)
        // A gap-filled answer is one page: page the unfilled query.
        const unfilled = (query.groupBy ?? []).map((g) => {
          if (g._tag !== "Bucket" || g.fill === undefined) return g
          const { fill: _dropped, ...rest } = g
          return rest
        })
        query = { ...query, groupBy: unfilled }
        const all = { ...query, limit: undefined } as Query.Aggregate
        const expected = Reference.aggregate(catalog, ws, dataset, all, NOW)
        const rows: Array<Query.AggregateRow> = []
        let cursor: string | undefined
        // One page more than the rows can fill: a cursor that never ends fails here.
        for (let i = 0; i <= expected.length / limit + 1; i++) {
          const page = yield* store.aggregatePage(ws, { ...query, limit, ...(cursor === undefined ? {} : { cursor }) })
          expect(page.rows.length).toBeLessThanOrEqual(limit)
          rows.push(...page.rows)
          if (page.nextCursor === null) break
          cursor = page.nextCursor
        }
        compareAggregates(Reference.outputKinds(catalog, ws, query), rows, expected)
        expect(rows.length).toBe(expected.length)
      }),
    { timeout: 120_000, fastCheck }
  )

  it.effect.prop(
    "differential: time buckets under any zone name are Intl's buckets of that name, or every store refuses the name",
    {
      zone: fc.constantFrom(...zoneNames),
      near: fc.array(fc.tuple(fc.constantFrom(...zoneBases), fc.nat(), fc.constantFrom(...midnightDeltas)), { maxLength: 16 }),
      anywhere: fc.array(zoneInstant, { maxLength: 8 })
    },
    ({ anywhere, near, zone }) =>
      Effect.gen(function*() {
        const instants = [
          ...near.flatMap(([base, k, delta]) => {
            const midnights = midnightsNear(zone, base)
            return midnights.length === 0 ? [base + delta] : [midnights[k % midnights.length]! + delta]
          }),
          ...anywhere
        ]
        yield* checkZone(zone, instants.length === 0 ? [zoneBases[0]!] : instants)
      }),
    { timeout: 120_000, fastCheck: { ...fastCheck, numRuns: Math.max(numRuns, 100) } }
  )

  it.effect("differential: every listed zone name, around its local midnights, buckets like Intl or is refused by every store", () =>
    Effect.forEach(zoneNames, (zone) => {
      const bases = [zoneBases[2]!, zoneBases[4]!, zoneBases[9]!, zoneBases[10]!]
      const midnights = bases.flatMap((base) => midnightsNear(zone, base))
      const instants = (midnights.length === 0 ? bases : midnights).flatMap((m) => [-30 * 60_000, -1, 0, 30 * 60_000].map((d) => m + d))
      return checkZone(zone, instants)
    }, { discard: true }), 120_000)

  it.effect("time zone aliases and spellings are accepted and bucket like their canonical zone", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace("tz")
      // 22:30Z on 1 July: already 2 July in Brussels, Berlin and Kolkata, still 1 July in Los Angeles.
      const t = Date.parse("2024-07-01T22:30:00Z")
      yield* insertAll(ws, DEAL, [deal("x", { closedAt: t })])
      const dayIn = (timeZone: string) =>
        Effect.map(
          store.aggregate(ws, Query.aggregate(DEAL, {
            groupBy: [{ _tag: "Bucket", as: "b", field: "closedAt", unit: "day", timeZone }],
            measures: []
          })),
          (rows) => rows.map((r) => r.b)
        )
      for (
        const [zone, day] of [
          ["US/Pacific", "2024-07-01"],
          ["America/Los_Angeles", "2024-07-01"],
          ["Asia/Calcutta", "2024-07-02"],
          ["Asia/Kolkata", "2024-07-02"],
          ["europe/berlin", "2024-07-02"],
          ["Europe/Brussels", "2024-07-02"],
          ["Etc/UTC", "2024-07-01"],
          ["Etc/GMT-2", "2024-07-02"],
          ["Etc/GMT+5", "2024-07-01"]
        ] as const
      ) {
        expect(yield* dayIn(zone), zone).toEqual([day])
      }
    }))

  it.effect.prop(
    "differential: every random find and aggregate is accepted (generators produce valid queries)",
    { find: Arbitraries.find, aggregate: Arbitraries.aggregate },
    ({ aggregate, find }) =>
      Effect.gen(function*() {
        const store = yield* Store.Store
        const ws = freshWorkspace()
        yield* store.find(ws, find)
        yield* store.aggregate(ws, aggregate)
      }),
    { fastCheck: { numRuns: 100 } }
  )
}
