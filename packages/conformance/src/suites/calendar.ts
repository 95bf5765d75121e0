/**
 * Relative and calendar windows, and calendar buckets, against the reference evaluator's
 * own calendar (`referenceTime.ts`): random zones east and west of UTC, random moments
 * on days some zone switches DST, and rows placed on the instants local days begin
 * (where a window's edge falls), one millisecond either side.
 */
import { expect } from "@effect/vitest"
import { Catalog, Query, Store } from "@rapport/core"
import { Effect, FastCheck as fc, TestClock } from "effect"
import * as Arbitraries from "../internal/arbitraries.js"
import { account, deal, findIds, freshWorkspace, HOUR, insertAll, type It } from "../internal/harness.js"
import * as Reference from "../internal/reference.js"
import * as ReferenceTime from "../internal/referenceTime.js"
import { ACCOUNT, DEAL } from "../TestCatalog.js"

/** Noon UTC on days with DST switches east and west, and at month, quarter and year ends. */
const bases = [
  "2024-03-10", "2024-03-31", "2024-04-07", "2024-06-30", "2024-09-29", "2024-10-06", "2024-10-27", "2024-11-03",
  "2024-12-31", "2025-01-01", "2025-03-30", "2025-09-28"
].map((day) => Date.parse(`${day}T12:00:00Z`))

/** A moment within 28 hours of a base, on a quarter hour or a millisecond off it. */
const moment = fc.tuple(fc.constantFrom(...bases), fc.integer({ min: -112, max: 112 }), fc.constantFrom(-1, 0, 0, 1))
  .map(([base, quarters, ms]) => base + quarters * 15 * 60_000 + ms)

/** Local days near now: mostly first days of months (where months, quarters and years begin), any day else. */
const dayOffset = fc.oneof(
  fc.integer({ min: -40, max: 10 }),
  fc.integer({ min: -15, max: 3 }).map((months) => ({ months }))
)

const firstOfMonth = (date: string, months: number): string => {
  const d = new Date(`${date.slice(0, 7)}-01T00:00:00Z`)
  d.setUTCMonth(d.getUTCMonth() + months)
  return d.toISOString().slice(0, 10)
}

export const calendarSuite = (it: It, options: { readonly numRuns?: number } = {}) => {
  const numRuns = options.numRuns ?? 60

  it.effect.prop(
    "differential: calendar, relative and date windows at any moment in any zone select what the reference selects",
    {
      zone: fc.constantFrom(...Arbitraries.windowZones),
      now: moment,
      days: fc.array(fc.tuple(dayOffset, fc.constantFrom(-1, 0, 0, 1, HOUR)), { minLength: 1, maxLength: 24 }),
      windows: fc.array(fc.tuple(Arbitraries.calendarWindow("closedAt"), Arbitraries.calendarWindow("since")), {
        minLength: 1,
        maxLength: 3
      }),
      relative: fc.array(
        fc.tuple(
          fc.constantFrom("within", "next", "older"),
          fc.integer({ min: 0, max: 40 }),
          fc.constantFrom<Query.DurationUnit>("day", "week")
        ),
        { maxLength: 2 }
      )
    },
    ({ days, now, relative, windows, zone }) =>
      Effect.gen(function*() {
        yield* TestClock.setTime(now)
        const catalog = yield* Catalog.Catalog
        const store = yield* Store.Store
        const ws = freshWorkspace("cal")
        const dates = days.map(([offset]) =>
          typeof offset === "number"
            ? ReferenceTime.localDateNear(now, zone, offset)
            : firstOfMonth(ReferenceTime.localDateNear(now, zone, 0), offset.months)
        )
        const deals = days.map(([, delta], i) => deal(`d${i}`, { closedAt: ReferenceTime.firstInstantOf(dates[i]!, zone) + delta }))
        const accounts = dates.map((since, i) => account(`a${i}`, { since }))
        yield* store.transaction(Effect.all([insertAll(ws, DEAL, deals), insertAll(ws, ACCOUNT, accounts)]))
        const data: Reference.Dataset = { [DEAL]: deals, [ACCOUNT]: accounts }
        const check = (query: Query.Find) =>
          Effect.gen(function*() {
            const expected = Reference.find(catalog, ws, data, query, now).map((r) => r.id)
            expect(yield* findIds(ws, query), JSON.stringify({ query, now: new Date(now).toISOString() })).toEqual(expected)
          })
        for (const [onTimestamps, onDates] of windows) {
          yield* check(Query.find(DEAL, { where: onTimestamps }))
          yield* check(Query.find(ACCOUNT, { where: onDates }))
        }
        for (const [kind, amount, unit] of relative) {
          const where = kind === "within"
            ? Query.withinLast("since", amount, unit, { timeZone: zone })
            : kind === "next"
            ? Query.withinNext("since", amount, unit, { timeZone: zone })
            : Query.olderThan("since", amount, unit, { timeZone: zone })
          yield* check(Query.find(ACCOUNT, { where }))
        }
      }),
    { timeout: 180_000, fastCheck: { numRuns } }
  )

  it.effect("today on a 23-hour DST day in Berlin holds 23 hours, and yesterday 24", () =>
    Effect.gen(function*() {
      // 30 March 2025: Berlin's clocks jump from 02:00 to 03:00; the day starts 29 March 23:00Z.
      yield* TestClock.setTime(Date.parse("2025-03-30T12:00:00Z"))
      const ws = freshWorkspace("cal")
      const start = Date.parse("2025-03-29T23:00:00Z")
      const hours = Array.from({ length: 50 }, (_, i) => start - 25 * HOUR + i * HOUR)
      yield* insertAll(ws, DEAL, hours.map((closedAt, i) => deal(`h${String(i).padStart(2, "0")}`, { closedAt })))
      const today = yield* findIds(ws, Query.find(DEAL, { where: Query.thisPeriod("closedAt", "day", "Europe/Berlin") }))
      const yesterday = yield* findIds(ws, Query.find(DEAL, { where: Query.lastPeriods("closedAt", 1, "day", "Europe/Berlin") }))
      expect(today.length).toBe(23)
      expect(yesterday.length).toBe(24)
    }))

  it.effect("weeks start on the configured weekday; fiscal quarters and years on the configured month", () =>
    Effect.gen(function*() {
      // Sunday 15 June 2025, noon UTC.
      yield* TestClock.setTime(Date.UTC(2025, 5, 15, 12))
      const ws = freshWorkspace("cal")
      const on = (date: string) => Date.parse(`${date}T12:00:00Z`)
      const rows = ["2025-03-31", "2025-04-01", "2025-06-08", "2025-06-09", "2025-06-14", "2025-06-15", "2025-06-16"]
      yield* insertAll(ws, DEAL, rows.map((d) => deal(d, { closedAt: on(d) })))
      yield* insertAll(ws, ACCOUNT, rows.map((d) => account(`a${d}`, { since: d })))
      const ids = (where: Query.Expr) => findIds(ws, Query.find(DEAL, { where, orderBy: [{ field: "id", direction: "asc" }] }))
      expect(yield* ids(Query.thisPeriod("closedAt", "week", "UTC"))).toEqual(["2025-06-09", "2025-06-14", "2025-06-15"])
      expect(yield* ids(Query.thisPeriod("closedAt", "week", "UTC", { weekStart: 7 }))).toEqual(["2025-06-15", "2025-06-16"])
      // With the fiscal year from April, June is in the first quarter (April to June).
      expect(yield* ids(Query.thisPeriod("closedAt", "quarter", "UTC", { fiscalYearStartMonth: 4 }))).toEqual([
        "2025-04-01", "2025-06-08", "2025-06-09", "2025-06-14", "2025-06-15", "2025-06-16"
      ])
      expect(yield* ids(Query.lastPeriods("closedAt", 1, "quarter", "UTC", { fiscalYearStartMonth: 4 }))).toEqual(["2025-03-31"])
      const accounts = (where: Query.Expr) =>
        findIds(ws, Query.find(ACCOUNT, { where, orderBy: [{ field: "id", direction: "asc" }] }))
      expect(yield* accounts(Query.lastPeriods("since", 1, "week", "UTC"))).toEqual(["a2025-06-08"])
      expect(yield* accounts(Query.olderThan("since", 1, "week"))).toEqual(["a2025-03-31", "a2025-04-01"])
      expect(yield* accounts(Query.withinLast("since", 1, "day"))).toEqual(["a2025-06-14", "a2025-06-15"])
      // At 23:30 UTC on 15 June it is already 16 June in Berlin.
      yield* TestClock.setTime(Date.UTC(2025, 5, 15, 23, 30))
      expect(yield* accounts(Query.withinLast("since", 0, "day", { timeZone: "Europe/Berlin" }))).toEqual(["a2025-06-16"])
    }))

  it.effect("hour buckets keep the two hours a DST change repeats apart; date fields bucket without a zone", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace("cal")
      // 27 October 2024: Berlin's clocks go back from 03:00 CEST to 02:00 CET at 01:00Z.
      const instants = [Date.parse("2024-10-27T00:30:00Z"), Date.parse("2024-10-27T01:30:00Z"), Date.parse("2024-10-27T02:30:00Z")]
      yield* insertAll(ws, DEAL, instants.map((closedAt, i) => deal(`t${i}`, { closedAt })))
      const hours = yield* store.aggregate(ws, Query.aggregate(DEAL, {
        groupBy: [{ _tag: "Bucket", as: "hour", field: "closedAt", unit: "hour", timeZone: "Europe/Berlin" }],
        measures: [{ _tag: "Count", as: "n" }]
      }))
      expect(hours).toEqual([
        { hour: "2024-10-27T02:00+01:00", n: 1 },
        { hour: "2024-10-27T02:00+02:00", n: 1 },
        { hour: "2024-10-27T03:00+01:00", n: 1 }
      ])
      yield* insertAll(ws, ACCOUNT, ["2025-03-31", "2025-04-01", "2025-06-15", null].map((since, i) => account(`a${i}`, { since })))
      const quarters = yield* store.aggregate(ws, Query.aggregate(ACCOUNT, {
        groupBy: [{ _tag: "Bucket", as: "q", field: "since", unit: "quarter", fiscalYearStartMonth: 2 }],
        measures: [{ _tag: "Count", as: "n" }]
      }))
      // Quarters from February: February to April, May to July.
      expect(quarters).toEqual([{ q: "2025-02-01", n: 2 }, { q: "2025-05-01", n: 1 }, { q: null, n: 1 }])
    }))

  it.effect("gap filling: every bucket of the range appears, empty ones with 0 counts and sums and null averages", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      yield* TestClock.setTime(Date.UTC(2025, 5, 15, 12))
      const ws = freshWorkspace("fill")
      yield* insertAll(ws, DEAL, [
        deal("a", { stage: "won", amount: 2, closedAt: Date.UTC(2025, 3, 10) }),
        deal("b", { stage: "lost", amount: 4, closedAt: Date.UTC(2025, 5, 1) }),
        deal("c", { stage: "won", amount: 6, closedAt: null })
      ])
      const perMonth = (extra: ReadonlyArray<Query.GroupKey>, limit?: number) =>
        store.aggregate(ws, Query.aggregate(DEAL, {
          groupBy: [
            { _tag: "Bucket", as: "month", field: "closedAt", unit: "month", timeZone: "UTC", fill: { from: -3, to: 0 } },
            ...extra
          ],
          measures: [{ _tag: "Count", as: "n" }, { _tag: "Sum", as: "s", field: "amount" }, { _tag: "Avg", as: "avg", field: "amount" }],
          ...(limit === undefined ? {} : { limit })
        }))
      expect(yield* perMonth([])).toEqual([
        { month: "2025-03-01", n: 0, s: 0, avg: null },
        { month: "2025-04-01", n: 1, s: 2, avg: 2 },
        { month: "2025-05-01", n: 0, s: 0, avg: null },
        { month: "2025-06-01", n: 1, s: 4, avg: 4 },
        { month: null, n: 1, s: 6, avg: 6 }
      ])
      expect((yield* perMonth([], 2)).map((r) => r.month)).toEqual(["2025-03-01", "2025-04-01"])
      // Each stage present in the answer gets every month.
      const byStage = yield* perMonth([{ _tag: "Field", as: "stage", field: "stage" }])
      expect(byStage.filter((r) => r.stage === "lost").map((r) => [r.month, r.n])).toEqual([
        ["2025-03-01", 0], ["2025-04-01", 0], ["2025-05-01", 0], ["2025-06-01", 1]
      ])
      expect(byStage.filter((r) => r.stage === "won").map((r) => [r.month, r.n])).toEqual([
        ["2025-03-01", 0], ["2025-04-01", 1], ["2025-05-01", 0], ["2025-06-01", 0], [null, 1]
      ])
    }))
}
