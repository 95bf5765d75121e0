/**
 * Aggregates: count/sum/avg/min/max with and without groups, nulls, ordering and limit,
 * exact money sums, and calendar buckets in IANA zones across DST switches.
 */
import { expect } from "@effect/vitest"
import type { Collection } from "@rapport/core"
import { Query, Store } from "@rapport/core"
import { Effect, TestClock } from "effect"
import * as Fixtures from "../internal/fixtures.js"
import { deal, freshWorkspace, insertAccounts, insertDeals, type It, money, NOW } from "../internal/harness.js"
import { ACCOUNT, DEAL } from "../TestCatalog.js"

const closeTo = (actual: unknown, expected: number) => {
  expect(typeof actual).toBe("number")
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(Math.abs(expected) * 1e-9 + 1e-12)
}

/** [instant, { zone: [day, week, month, year] }], worked out by hand. */
const instants: ReadonlyArray<readonly [string, Readonly<Record<string, readonly [string, string, string, string]>>]> = [
  // Europe/Berlin: CET (+1) until 2025-03-30T01:00Z, CEST (+2) until 2025-10-26T01:00Z.
  ["2025-03-29T22:59:59.999Z", { "Europe/Berlin": ["2025-03-29", "2025-03-24", "2025-03-01", "2025-01-01"] }],
  ["2025-03-29T23:00:00.000Z", { "Europe/Berlin": ["2025-03-30", "2025-03-24", "2025-03-01", "2025-01-01"] }],
  ["2025-03-30T00:59:59.999Z", { "Europe/Berlin": ["2025-03-30", "2025-03-24", "2025-03-01", "2025-01-01"] }],
  ["2025-03-30T01:00:00.000Z", { "Europe/Berlin": ["2025-03-30", "2025-03-24", "2025-03-01", "2025-01-01"] }],
  ["2025-03-30T21:59:59.999Z", { "Europe/Berlin": ["2025-03-30", "2025-03-24", "2025-03-01", "2025-01-01"] }],
  ["2025-03-30T22:00:00.000Z", { "Europe/Berlin": ["2025-03-31", "2025-03-31", "2025-03-01", "2025-01-01"] }],
  ["2025-10-25T21:59:59.999Z", { "Europe/Berlin": ["2025-10-25", "2025-10-20", "2025-10-01", "2025-01-01"] }],
  ["2025-10-25T22:00:00.000Z", { "Europe/Berlin": ["2025-10-26", "2025-10-20", "2025-10-01", "2025-01-01"] }],
  ["2025-10-26T22:59:59.999Z", { "Europe/Berlin": ["2025-10-26", "2025-10-20", "2025-10-01", "2025-01-01"] }],
  ["2025-10-26T23:00:00.000Z", { "Europe/Berlin": ["2025-10-27", "2025-10-27", "2025-10-01", "2025-01-01"] }],
  ["2025-10-31T22:59:59.999Z", { "Europe/Berlin": ["2025-10-31", "2025-10-27", "2025-10-01", "2025-01-01"] }],
  ["2025-10-31T23:00:00.000Z", { "Europe/Berlin": ["2025-11-01", "2025-10-27", "2025-11-01", "2025-01-01"] }],
  ["2025-12-31T22:59:59.999Z", { "Europe/Berlin": ["2025-12-31", "2025-12-29", "2025-12-01", "2025-01-01"] }],
  ["2025-12-31T23:00:00.000Z", { "Europe/Berlin": ["2026-01-01", "2025-12-29", "2026-01-01", "2026-01-01"] }],
  // America/New_York: EST (-5) until 2025-03-09T07:00Z, EDT (-4) until 2025-11-02T06:00Z.
  ["2025-03-09T04:59:59.999Z", { "America/New_York": ["2025-03-08", "2025-03-03", "2025-03-01", "2025-01-01"] }],
  ["2025-03-09T05:00:00.000Z", { "America/New_York": ["2025-03-09", "2025-03-03", "2025-03-01", "2025-01-01"] }],
  ["2025-03-09T07:30:00.000Z", { "America/New_York": ["2025-03-09", "2025-03-03", "2025-03-01", "2025-01-01"] }],
  ["2025-03-10T03:59:59.999Z", { "America/New_York": ["2025-03-09", "2025-03-03", "2025-03-01", "2025-01-01"] }],
  ["2025-03-10T04:00:00.000Z", { "America/New_York": ["2025-03-10", "2025-03-10", "2025-03-01", "2025-01-01"] }],
  ["2025-11-01T03:59:59.999Z", { "America/New_York": ["2025-10-31", "2025-10-27", "2025-10-01", "2025-01-01"] }],
  ["2025-11-01T04:00:00.000Z", { "America/New_York": ["2025-11-01", "2025-10-27", "2025-11-01", "2025-01-01"] }],
  ["2025-11-02T05:30:00.000Z", { "America/New_York": ["2025-11-02", "2025-10-27", "2025-11-01", "2025-01-01"] }],
  ["2025-11-02T06:30:00.000Z", { "America/New_York": ["2025-11-02", "2025-10-27", "2025-11-01", "2025-01-01"] }],
  ["2025-11-03T04:59:59.999Z", { "America/New_York": ["2025-11-02", "2025-10-27", "2025-11-01", "2025-01-01"] }],
  ["2025-11-03T05:00:00.000Z", { "America/New_York": ["2025-11-03", "2025-11-03", "2025-11-01", "2025-01-01"] }],
  ["2026-01-01T04:59:59.999Z", { "America/New_York": ["2025-12-31", "2025-12-29", "2025-12-01", "2025-01-01"] }],
  // Asia/Kolkata: +5:30, no DST; UTC.
  ["2025-01-01T18:29:59.999Z", { "Asia/Kolkata": ["2025-01-01", "2024-12-30", "2025-01-01", "2025-01-01"] }],
  ["2025-01-01T18:30:00.000Z", { "Asia/Kolkata": ["2025-01-02", "2024-12-30", "2025-01-01", "2025-01-01"] }],
  ["2024-12-31T23:59:59.999Z", { UTC: ["2024-12-31", "2024-12-30", "2024-12-01", "2024-01-01"] }],
  ["2025-01-05T23:59:59.999Z", { UTC: ["2025-01-05", "2024-12-30", "2025-01-01", "2025-01-01"] }],
  ["2025-01-06T00:00:00.000Z", { UTC: ["2025-01-06", "2025-01-06", "2025-01-01", "2025-01-01"] }],
  ["2024-02-29T12:00:00.000Z", { UTC: ["2024-02-29", "2024-02-26", "2024-02-01", "2024-01-01"] }]
]

const units = ["day", "week", "month", "year"] as const

export const aggregatesSuite = (it: It) => {
  let seeded: string | undefined
  const dataset = Effect.suspend(() => {
    if (seeded !== undefined) return Effect.succeed(seeded)
    const ws = freshWorkspace("agg")
    return Effect.as(Effect.zipRight(insertAccounts(ws, Fixtures.accounts), insertDeals(ws, Fixtures.deals)), ws).pipe(
      Effect.tap((ws) => Effect.sync(() => (seeded = ws)))
    )
  })
  const run = (query: Query.Aggregate) =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      return yield* store.aggregate(yield* dataset, query)
    })

  it.effect("countDistinct counts each non-null value once, of every kind, per group and over no rows", () =>
    Effect.gen(function*() {
      const distinct = (field: string, as: string) => ({ _tag: "CountDistinct", as, field }) as const
      expect(
        yield* run(Query.aggregate(ACCOUNT, {
          measures: [
            distinct("seats", "seats"),
            distinct("score", "score"),
            distinct("nickname", "nickname"),
            distinct("custom.tier", "tier"),
            distinct("active", "active"),
            distinct("since", "since"),
            distinct("revenue.currency", "currency"),
            { _tag: "Count", as: "n" }
          ]
        }))
      ).toEqual([{ seats: 4, score: 4, nickname: 4, tier: 3, active: 2, since: 4, currency: 3, n: 6 }])
      expect(
        yield* run(Query.aggregate(DEAL, {
          groupBy: [{ _tag: "Field", as: "stage", field: "stage" }],
          measures: [distinct("accountId", "accounts")],
          orderBy: [{ field: "accounts", direction: "desc" }]
        }))
      ).toEqual([{ stage: "open", accounts: 3 }, { stage: "won", accounts: 2 }, { stage: "lost", accounts: 1 }])
      expect(
        yield* run(Query.aggregate(DEAL, { where: Query.eq("stage", "nobody"), measures: [distinct("accountId", "accounts")] }))
      ).toEqual([{ accounts: 0 }])
    }))

  it.effect("without groupBy: exactly one row of every measure", () =>
    Effect.gen(function*() {
      const [row, ...rest] = yield* run(Query.aggregate(ACCOUNT, {
        measures: [
          { _tag: "Count", as: "n" },
          { _tag: "Sum", as: "seats", field: "seats" },
          { _tag: "Avg", as: "avgSeats", field: "seats" },
          { _tag: "Min", as: "minSeats", field: "seats" },
          { _tag: "Max", as: "maxSeats", field: "seats" },
          { _tag: "Sum", as: "score", field: "score" },
          { _tag: "Avg", as: "avgScore", field: "score" },
          { _tag: "Min", as: "minName", field: "name" },
          { _tag: "Max", as: "maxName", field: "name" },
          { _tag: "Min", as: "firstSince", field: "since" },
          { _tag: "Max", as: "lastSeen", field: "lastSeenAt" },
          { _tag: "Sum", as: "quota", field: "custom.quota" },
          { _tag: "Avg", as: "avgQuota", field: "custom.quota" },
          { _tag: "Max", as: "maxTier", field: "custom.tier" },
          { _tag: "Min", as: "minRenews", field: "custom.renewsOn" },
          { _tag: "Min", as: "minCurrency", field: "revenue.currency" }
        ]
      }))
      expect(rest).toEqual([])
      const { avgQuota, avgScore, avgSeats, ...exact } = row!
      expect(exact).toEqual({
        n: 6,
        seats: 13,
        minSeats: -5,
        maxSeats: 12,
        score: 119,
        minName: "ADA lovelace",
        maxName: "😀 zoë",
        firstSince: "2022-06-01",
        lastSeen: NOW + 2 * 86_400_000,
        quota: 8.5,
        maxTier: "pro",
        minRenews: "2024-12-31",
        minCurrency: "EUR"
      })
      closeTo(avgSeats, 2.6)
      closeTo(avgScore, 23.8)
      closeTo(avgQuota, 2.125)
    }))

  it.effect("without groupBy over no rows: count 0, sum 0, avg/min/max null", () =>
    Effect.gen(function*() {
      const rows = yield* run(Query.aggregate(ACCOUNT, {
        where: Query.or(),
        measures: [
          { _tag: "Count", as: "n" },
          { _tag: "Sum", as: "s", field: "seats" },
          { _tag: "Avg", as: "a", field: "seats" },
          { _tag: "Min", as: "lo", field: "name" },
          { _tag: "Max", as: "hi", field: "lastSeenAt" }
        ]
      }))
      expect(rows).toEqual([{ n: 0, s: 0, a: null, lo: null, hi: null }])
      const store = yield* Store.Store
      expect(yield* store.aggregate(freshWorkspace(), Query.aggregate(DEAL, { measures: [{ _tag: "Count", as: "n" }] })))
        .toEqual([{ n: 0 }])
    }))

  it.effect("sum of only null values is 0, avg/min/max of only nulls are null", () =>
    Effect.gen(function*() {
      const rows = yield* run(Query.aggregate(ACCOUNT, {
        where: Query.isNull("score"),
        measures: [
          { _tag: "Count", as: "n" },
          { _tag: "Sum", as: "s", field: "score" },
          { _tag: "Avg", as: "a", field: "score" },
          { _tag: "Min", as: "lo", field: "score" },
          { _tag: "Max", as: "hi", field: "nickname" }
        ]
      }))
      expect(rows).toEqual([{ n: 1, s: 0, a: null, lo: null, hi: "Zed" }])
    }))

  it.effect("group by a boolean: groups sorted ascending, the null group last", () =>
    Effect.gen(function*() {
      expect(
        yield* run(Query.aggregate(ACCOUNT, {
          groupBy: [{ _tag: "Field", as: "active", field: "active" }],
          measures: [{ _tag: "Count", as: "n" }]
        }))
      ).toEqual([{ active: false, n: 2 }, { active: true, n: 3 }, { active: null, n: 1 }])
    }))

  it.effect("group by a currency with an exact sum of amounts", () =>
    Effect.gen(function*() {
      expect(
        yield* run(Query.aggregate(ACCOUNT, {
          groupBy: [{ _tag: "Field", as: "currency", field: "revenue.currency" }],
          measures: [{ _tag: "Count", as: "n" }, { _tag: "Sum", as: "total", field: "revenue.amountMinor" }]
        }))
      ).toEqual([
        { currency: "EUR", n: 3, total: 100999 },
        { currency: "JPY", n: 1, total: 1 },
        { currency: "USD", n: 1, total: 250 },
        { currency: null, n: 1, total: 0 }
      ])
    }))

  it.effect("orderBy a measure descending, ties broken by the group key, then limit", () =>
    Effect.gen(function*() {
      const query = Query.aggregate(ACCOUNT, {
        groupBy: [{ _tag: "Field", as: "tier", field: "custom.tier" }],
        measures: [{ _tag: "Count", as: "n" }],
        orderBy: [{ field: "n", direction: "desc" }]
      })
      expect(yield* run(query)).toEqual([
        { tier: "pro", n: 2 },
        { tier: null, n: 2 },
        { tier: "enterprise", n: 1 },
        { tier: "free", n: 1 }
      ])
      expect(yield* run({ ...query, limit: 3 })).toEqual([
        { tier: "pro", n: 2 },
        { tier: null, n: 2 },
        { tier: "enterprise", n: 1 }
      ])
      expect(yield* run({ ...query, orderBy: [{ field: "tier", direction: "desc" }] })).toEqual([
        { tier: "pro", n: 2 },
        { tier: "free", n: 1 },
        { tier: "enterprise", n: 1 },
        { tier: null, n: 2 }
      ])
    }))

  it.effect("group by two keys, with a where and a related condition", () =>
    Effect.gen(function*() {
      expect(
        yield* run(Query.aggregate(ACCOUNT, {
          where: Query.exists(DEAL, "accountId"),
          groupBy: [
            { _tag: "Field", as: "active", field: "active" },
            { _tag: "Field", as: "since", field: "since" }
          ],
          measures: [{ _tag: "Count", as: "n" }, { _tag: "Max", as: "top", field: "score" }]
        }))
      ).toEqual([
        { active: false, since: "2023-12-31", n: 1, top: -2 },
        { active: true, since: "2024-01-15", n: 1, top: 10.5 },
        { active: true, since: "2024-02-29", n: 1, top: 0 }
      ])
    }))

  it.effect("measures of a child collection grouped by a string", () =>
    Effect.gen(function*() {
      const rows = yield* run(Query.aggregate(DEAL, {
        groupBy: [{ _tag: "Field", as: "stage", field: "stage" }],
        measures: [
          { _tag: "Count", as: "n" },
          { _tag: "Sum", as: "amount", field: "amount" },
          { _tag: "Avg", as: "avg", field: "amount" },
          { _tag: "Min", as: "qty", field: "qty" }
        ]
      }))
      expect(rows.map(({ avg: _, ...rest }) => rest)).toEqual([
        { stage: "lost", n: 1, amount: 0, qty: null },
        { stage: "open", n: 3, amount: 37, qty: 2 },
        { stage: "won", n: 3, amount: 1600, qty: 1 }
      ])
      expect(rows[0]!.avg).toBeNull()
      closeTo(rows[1]!.avg, 37 / 3)
      closeTo(rows[2]!.avg, 1600 / 3)
    }))

  it.effect("a group key alone (no measures) lists the distinct values", () =>
    Effect.gen(function*() {
      expect(
        yield* run(Query.aggregate(ACCOUNT, {
          groupBy: [{ _tag: "Field", as: "since", field: "since" }],
          measures: [],
          orderBy: [{ field: "since", direction: "desc" }]
        }))
      ).toEqual([
        { since: "2024-02-29" },
        { since: "2024-01-15" },
        { since: "2023-12-31" },
        { since: "2022-06-01" },
        { since: null }
      ])
    }))

  it.effect("money: sums of amountMinor stay exact integers, grouped by currency", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      const big = 2 ** 52
      const rows: ReadonlyArray<Collection.Row> = [
        deal("m1", { value: money(big, "EUR") }),
        deal("m2", { value: money(1, "EUR") }),
        deal("m3", { value: money(1, "EUR") }),
        deal("m4", { value: money(Number.MAX_SAFE_INTEGER - 10, "USD") }),
        deal("m5", { value: money(10, "USD") }),
        deal("m6", { value: money(-5, "JPY") }),
        deal("m7", { value: money(3, "JPY") }),
        deal("m8", { value: null })
      ]
      yield* insertDeals(ws, rows)
      const result = yield* store.aggregate(ws, Query.aggregate(DEAL, {
        groupBy: [{ _tag: "Field", as: "currency", field: "value.currency" }],
        measures: [
          { _tag: "Sum", as: "total", field: "value.amountMinor" },
          { _tag: "Max", as: "largest", field: "value.amountMinor" }
        ]
      }))
      expect(result).toEqual([
        { currency: "EUR", total: big + 2, largest: big },
        { currency: "JPY", total: -2, largest: 3 },
        { currency: "USD", total: Number.MAX_SAFE_INTEGER, largest: Number.MAX_SAFE_INTEGER - 10 },
        { currency: null, total: 0, largest: null }
      ])
      for (const row of result) expect(Number.isSafeInteger(row.total)).toBe(true)
      const found = yield* store.find(ws, Query.find(DEAL, {
        where: Query.gt("value.amountMinor", big),
        orderBy: [{ field: "value.amountMinor", direction: "desc" }]
      }))
      expect(found.rows.map((r) => r.id)).toEqual(["m4"])
    }))

  for (const zone of ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC"]) {
    it.effect(`time buckets day/week/month/year in ${zone}, across DST switches`, () =>
      Effect.gen(function*() {
        const store = yield* Store.Store
        const ws = freshWorkspace()
        const cases = instants.filter(([, zones]) => zones[zone] !== undefined)
        yield* insertDeals(ws, [
          ...cases.map(([iso], i) => deal(`t${String(i).padStart(2, "0")}`, { closedAt: Date.parse(iso) })),
          deal("tnull", { closedAt: null })
        ])
        for (const [u, unit] of units.entries()) {
          const expected = new Map<string, number>()
          for (const [, zones] of cases) {
            const label = zones[zone]![u]!
            expected.set(label, (expected.get(label) ?? 0) + 1)
          }
          const rows = [...expected.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([bucket, n]) => ({ bucket, n }))
          const result = yield* store.aggregate(ws, Query.aggregate(DEAL, {
            groupBy: [{ _tag: "Bucket", as: "bucket", field: "closedAt", unit, timeZone: zone }],
            measures: [{ _tag: "Count", as: "n" }]
          }))
          expect(result, `${unit} buckets in ${zone}`).toEqual([...rows, { bucket: null, n: 1 }])
        }
      }))
  }

  it.effect("buckets combine with field keys and measures, and sort descending on request", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      yield* insertDeals(ws, [
        deal("b1", { stage: "won", amount: 10, closedAt: Date.parse("2026-03-29T00:30:00Z") }),
        deal("b2", { stage: "won", amount: 5, closedAt: Date.parse("2026-03-28T12:00:00Z") }),
        deal("b3", { stage: "lost", amount: 1, closedAt: Date.parse("2026-03-29T12:00:00Z") })
      ])
      const result = yield* store.aggregate(ws, Query.aggregate(DEAL, {
        groupBy: [
          { _tag: "Bucket", as: "day", field: "closedAt", unit: "day", timeZone: "America/New_York" },
          { _tag: "Field", as: "stage", field: "stage" }
        ],
        measures: [{ _tag: "Sum", as: "amount", field: "amount" }],
        orderBy: [{ field: "day", direction: "desc" }]
      }))
      expect(result).toEqual([
        { day: "2026-03-29", stage: "lost", amount: 1 },
        { day: "2026-03-28", stage: "won", amount: 15 }
      ])
    }))

  it.effect("within in an aggregate's where follows the store's Clock", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(NOW)
      const rows = yield* run(Query.aggregate(ACCOUNT, {
        where: Query.withinLast("lastSeenAt", 7, "day"),
        measures: [{ _tag: "Count", as: "n" }]
      }))
      expect(rows).toEqual([{ n: 3 }])
    }))

  // -- aggregates for reports ------------------------------------------------

  it.effect("percentiles interpolate linearly between the closest ranks; null over no values, nulls skipped", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      // Amounts 1, 2, 4, 10 (and a null) in "open"; nothing but a null in "lost".
      yield* insertDeals(ws, [
        deal("p1", { stage: "open", amount: 10 }),
        deal("p2", { stage: "open", amount: 1 }),
        deal("p3", { stage: "open", amount: 4 }),
        deal("p4", { stage: "open", amount: 2 }),
        deal("p5", { stage: "open", amount: null }),
        deal("p6", { stage: "lost", amount: null }),
        deal("p7", { stage: "won", amount: 7, qty: 3 })
      ])
      const rows = yield* store.aggregate(ws, Query.aggregate(DEAL, {
        groupBy: [{ _tag: "Field", as: "stage", field: "stage" }],
        measures: [
          Query.median("median", "amount"),
          Query.percentile("p0", "amount", 0),
          Query.percentile("p25", "amount", 0.25),
          Query.percentile("p90", "amount", 0.9),
          Query.percentile("p100", "amount", 1),
          Query.percentile("qty", "qty", 0.5)
        ]
      }))
      // h = p·(n−1) over [1, 2, 4, 10]: median h = 1.5 → 2 + (4−2)·0.5 = 3; p25 h = 0.75 → 1.75; p90 h = 2.7 → 4 + 6·0.7.
      expect(rows.map((r) => r.stage)).toEqual(["lost", "open", "won"])
      const [lost, open, won] = rows
      expect(lost).toEqual({ stage: "lost", median: null, p0: null, p25: null, p90: null, p100: null, qty: null })
      closeTo(open!.median, 3)
      closeTo(open!.p0, 1)
      closeTo(open!.p25, 1.75)
      closeTo(open!.p90, 8.2)
      closeTo(open!.p100, 10)
      expect(open!.qty).toBeNull()
      closeTo(won!.median, 7)
      closeTo(won!.qty, 3)
    }))

  it.effect("a measure's filter measures only its rows; a filtered count of no rows is 0, a filtered sum 0, an avg null", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      yield* insertDeals(ws, [
        deal("f1", { stage: "won", amount: 10, qty: 1 }),
        deal("f2", { stage: "won", amount: 30, qty: 2 }),
        deal("f3", { stage: "lost", amount: 5, qty: 3 }),
        deal("f4", { stage: "open", amount: null, qty: 4 })
      ])
      const [row, ...rest] = yield* store.aggregate(ws, Query.aggregate(DEAL, {
        measures: [
          { _tag: "Count", as: "all" },
          { _tag: "Count", as: "won", filter: Query.eq("stage", "won") },
          { _tag: "Count", as: "none", filter: Query.eq("stage", "nobody") },
          { _tag: "Sum", as: "wonQty", field: "qty", filter: Query.eq("stage", "won") },
          { _tag: "Sum", as: "noQty", field: "qty", filter: Query.eq("stage", "nobody") },
          { _tag: "Avg", as: "noAmount", field: "amount", filter: Query.eq("stage", "nobody") },
          { _tag: "Max", as: "lostAmount", field: "amount", filter: Query.not(Query.isIn("stage", ["won", "open"])) },
          { _tag: "CountDistinct", as: "stages", field: "stage", filter: Query.gte("qty", 2) },
          { ...Query.median("wonMedian", "amount"), filter: Query.eq("stage", "won") }
        ]
      }))
      expect(rest).toEqual([])
      expect({ ...row, wonMedian: undefined }).toEqual({
        all: 4, won: 2, none: 0, wonQty: 3, noQty: 0, noAmount: null, lostAmount: 5, stages: 3, wonMedian: undefined
      })
      closeTo(row!.wonMedian, 20)
    }))

  it.effect("measures and group keys of arithmetic: weighted pipeline, resolution time, a computed key", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      const day = 86_400_000
      yield* insertDeals(ws, [
        deal("w1", { stage: "open", amount: 0.5, qty: 2, value: money(1_000, "EUR"), createdAt: 0, closedAt: 2 * day }),
        deal("w2", { stage: "open", amount: 0.25, qty: 0, value: money(4_000, "EUR"), createdAt: day, closedAt: 2 * day }),
        deal("w3", { stage: "won", amount: 1, qty: 2, value: money(500, "EUR"), createdAt: 0, closedAt: null }),
        deal("w4", { stage: "won", amount: 0.5, qty: 4, value: money(9_999, "USD"), createdAt: 0, closedAt: 4 * day })
      ])
      const rows = yield* store.aggregate(ws, Query.aggregate(DEAL, {
        where: Query.eq("value.currency", "EUR"),
        groupBy: [{ _tag: "Field", as: "stage", field: "stage" }],
        measures: [
          { _tag: "Sum", as: "weighted", term: Query.multiply(Query.field("value.amountMinor"), Query.field("amount")) },
          { _tag: "Avg", as: "days", term: Query.divide(Query.subtract(Query.field("closedAt"), Query.field("createdAt")), day) },
          { _tag: "Max", as: "perQty", term: Query.divide(Query.field("amount"), Query.field("qty")) }
        ]
      }))
      expect(rows.map((r) => r.stage)).toEqual(["open", "won"])
      closeTo(rows[0]!.weighted, 1_000 * 0.5 + 4_000 * 0.25)
      closeTo(rows[0]!.days, 1.5)
      // w2 divides by zero: null, skipped.
      closeTo(rows[0]!.perQty, 0.25)
      closeTo(rows[1]!.weighted, 500)
      expect(rows[1]!.days).toBeNull()
      // A key of arithmetic: qty·2 − 4, where 0 and −0 are one group, 0.
      const keyed = yield* store.aggregate(ws, Query.aggregate(DEAL, {
        groupBy: [{ _tag: "Term", as: "k", term: Query.multiply(Query.subtract(Query.field("qty"), 2), Query.field("amount")) }],
        measures: [{ _tag: "Count", as: "n" }]
      }))
      expect(keyed).toEqual([{ k: -0.5, n: 1 }, { k: 0, n: 2 }, { k: 1, n: 1 }])
      expect(Object.is(keyed[1]!.k, 0)).toBe(true)
    }))

  it.effect("having keeps the rows whose measures and keys match, exactly on integer sums past 2^53", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      const big = 2 ** 53 - 1
      yield* insertDeals(ws, [
        deal("h1", { stage: "open", qty: 1 }),
        deal("h2", { stage: "open", qty: 2 }),
        deal("h3", { stage: "won", qty: 3 }),
        deal("h4", { stage: "lost", qty: 1 }),
        deal("h5", { stage: "lost", qty: 1 }),
        deal("h6", { stage: "lost", qty: 1 })
      ])
      const byStage = (having: Query.Having) =>
        Effect.map(
          store.aggregate(ws, Query.aggregate(DEAL, {
            groupBy: [{ _tag: "Field", as: "stage", field: "stage" }],
            measures: [{ _tag: "Count", as: "n" }, { _tag: "Sum", as: "qty", field: "qty" }],
            having
          })),
          (rows) => rows.map((r) => r.stage)
        )
      expect(yield* byStage(Query.havingCompare("n", "gte", 2))).toEqual(["lost", "open"])
      expect(yield* byStage(Query.havingCompare("qty", "gt", 2.5))).toEqual(["lost", "open", "won"])
      expect(yield* byStage(Query.havingCompare("qty", "eq", 3))).toEqual(["lost", "open", "won"])
      expect(yield* byStage(Query.havingCompare("qty", "eq", 2.5))).toEqual([])
      expect(yield* byStage(Query.havingCompare("qty", "lt", 3.5))).toEqual(["lost", "open", "won"])
      expect(yield* byStage(Query.havingAnd(Query.havingCompare("n", "lt", 3), Query.havingCompare("stage", "gt", "open")))).toEqual(["won"])
      expect(yield* byStage(Query.havingOr(Query.havingCompare("n", "eq", 1), Query.havingNot(Query.havingCompare("stage", "neq", "open"))))).toEqual(["open", "won"])
      // An exact sum past 2^53, compared exactly: 2·(2^53 − 1) + 1 = 2^54 − 1, which no double holds.
      const huge = freshWorkspace()
      yield* insertDeals(huge, [deal("x1", { qty: big }), deal("x2", { qty: big }), deal("x3", { qty: 1 })])
      const total = (having: Query.Having) =>
        Effect.map(
          store.aggregate(huge, Query.aggregate(DEAL, { measures: [{ _tag: "Sum", as: "qty", field: "qty" }], having })),
          (rows) => rows.length
        )
      expect(yield* total(Query.havingCompare("qty", "gt", 2 ** 54 - 2))).toBe(1)
      expect(yield* total(Query.havingCompare("qty", "gte", 2 ** 54))).toBe(0)
      expect(yield* total(Query.havingCompare("qty", "lt", 2 ** 54))).toBe(1)
      expect(yield* total(Query.havingCompare("qty", "neq", 2 ** 54))).toBe(1)
      expect(yield* total(Query.havingCompare("qty", "gte", 1e300))).toBe(0)
      expect(yield* total(Query.havingCompare("qty", "gt", -1e300))).toBe(1)
    }))

  it.effect("aggregatePage walks every group exactly once, in the total order, across exact sums and nulls", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      const big = 2 ** 53 - 1
      const rows = Array.from({ length: 23 }, (_, i) =>
        deal(`g${String(i).padStart(2, "0")}`, {
          stage: ["open", "won", "lost", "Won"][i % 4]!,
          qty: i % 5 === 0 ? big : i % 7 === 0 ? null : i,
          accountId: i % 6 === 0 ? null : `a${i % 3}`
        }))
      yield* insertDeals(ws, rows)
      const query = Query.aggregate(DEAL, {
        groupBy: [{ _tag: "Field", as: "stage", field: "stage" }, { _tag: "Field", as: "account", field: "accountId" }],
        measures: [{ _tag: "Sum", as: "qty", field: "qty" }, { _tag: "Count", as: "n" }],
        orderBy: [{ field: "qty", direction: "desc" }],
        limit: 2
      })
      const all = yield* store.aggregate(ws, { ...query, limit: undefined } as Query.Aggregate)
      const pages: Array<Query.AggregateRow> = []
      let cursor: string | undefined
      for (let i = 0; i < 50; i++) {
        const page = yield* store.aggregatePage(ws, cursor === undefined ? query : { ...query, cursor })
        expect(page.rows.length).toBeLessThanOrEqual(2)
        pages.push(...page.rows)
        if (page.nextCursor === null) break
        cursor = page.nextCursor
      }
      expect(pages).toEqual(all)
      expect(new Set(pages.map((r) => `${r.stage}/${r.account}`)).size).toBe(all.length)
      // `aggregate` takes the cursor too, and answers the rows after it.
      const first = yield* store.aggregatePage(ws, query)
      expect(yield* store.aggregate(ws, { ...query, cursor: first.nextCursor! })).toEqual(all.slice(2, 4))
    }))
}
