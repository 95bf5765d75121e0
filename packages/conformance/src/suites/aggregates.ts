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
}
