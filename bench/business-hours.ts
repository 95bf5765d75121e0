/**
 * Business-hours arithmetic: `BusinessCalendar.addBusinessMinutes` and
 * `businessMinutesBetween` against `moment-business-time` and `dayjs-business-time`,
 * configured the same, on the same 100k random inputs.
 *
 * The shared schedule is Mon–Fri 09:00–17:00 in UTC with the same holidays: the three
 * libraries can all express it. (dayjs-business-time cannot follow a time zone — the
 * dayjs `timezone` plugin loses the zone on the setters it relies on — and neither peer
 * takes holiday ranges, so the range is expanded into days for them.) Inputs are on
 * whole minutes because both peers count in whole minutes.
 *
 * First the answers are compared on all inputs (agreement % and the kinds of
 * disagreement), then each operation is timed against each peer.
 *
 * Where the answers differ, ours is the intended one:
 *
 * - `n = 0` while closed (the only disagreement this benchmark finds, about 11 in 100k
 *   additions, both peers). Adding zero business minutes is the identity: ours returns `t`,
 *   the peers move to the next opening. For every `n ≥ 0` we return the first instant `x` with
 *   `businessMinutesBetween(t, x) === n`, and for `n = 0` that is `t` itself. The peers
 *   follow the same first-instant rule for `n > 0` (16:00 + 60 minutes ends at the 17:00
 *   close, not at the next day's 09:00 opening), so their `n = 0` is an exception to their
 *   own rule. Ours keeps `add(t, 0) === t`, `businessMinutesBetween(t, add(t, n)) === n` and
 *   `add(add(t, a), b) === add(t, a + b)` (a, b ≥ 0) without exceptions.
 * - A skipped opening time (not measured here: this schedule is in UTC; see
 *   docs/sla.md). With moment-timezone in Europe/Berlin, a Sunday shift from 02:30 on
 *   29 March 2026 (clocks jump 02:00 → 03:00) opens at 03:30 for moment-business-time, which
 *   drops the shift's first half hour. Ours opens at 03:00, the first instant whose wall
 *   clock reads 02:30 or later, as `BusinessCalendar.test.ts` checks. Both count real
 *   elapsed minutes across the change.
 *
 * Any other disagreement is printed with its inputs (`other (...)`): it would be a bug on
 * one side, to investigate rather than to classify away.
 *
 * Run with `npx pnpm@10 bench` (or `npx tsx bench/business-hours.ts`).
 */
import * as BusinessCalendar from "@rapport/pipelines/BusinessCalendar"
import dayjs from "dayjs"
import dayjsBusinessTime from "dayjs-business-time"
import dayjsUtc from "dayjs/plugin/utc.js"
import moment from "moment-timezone"
import "moment-business-time"
import { compare, once, printTable, type Row, writeResults } from "./lib/compare.js"

const MINUTE = 60_000
const DAY = 86_400_000
const INPUTS = 100_000

const holidays = ["2026-05-01", { from: "2026-12-24", to: "2026-12-31" }, "2027-01-01"] as const
const holidayDays = [
  "2026-05-01",
  ...Array.from({ length: 8 }, (_, i) => new Date(Date.UTC(2026, 11, 24 + i)).toISOString().slice(0, 10)),
  "2027-01-01"
]
const nineToFive = [["09:00", "17:00"]] as const

const rapportCalendar = () =>
  BusinessCalendar.unsafeMake({
    timeZone: "UTC",
    week: { mon: nineToFive, tue: nineToFive, wed: nineToFive, thu: nineToFive, fri: nineToFive },
    holidays
  })

const configurePeers = () => {
  moment.updateLocale("en", {
    workinghours: {
      0: null,
      1: ["09:00:00", "17:00:00"],
      2: ["09:00:00", "17:00:00"],
      3: ["09:00:00", "17:00:00"],
      4: ["09:00:00", "17:00:00"],
      5: ["09:00:00", "17:00:00"],
      6: null
    },
    holidays: holidayDays
  } as moment.LocaleSpecification)
  dayjs.extend(dayjsUtc)
  dayjs.extend(dayjsBusinessTime)
  const day = [{ start: "09:00:00", end: "17:00:00" }]
  dayjs.setBusinessTime({ sunday: null, monday: day, tuesday: day, wednesday: day, thursday: day, friday: day, saturday: null })
  dayjs.setHolidays(holidayDays)
}

// moment-business-time adds its methods to moment's prototype without types.
interface WorkingMoment extends moment.Moment {
  addWorkingTime(n: number, unit: "minutes"): WorkingMoment
  workingDiff(other: moment.Moment, unit: "minutes"): number
}
const momentOf = (t: number) => moment.utc(t) as WorkingMoment

/** A small seeded generator, so every run times the same inputs. */
const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let x = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
  return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296
}

interface Inputs {
  readonly t: Float64Array
  readonly n: Float64Array
  readonly a: Float64Array
  readonly b: Float64Array
}

const makeInputs = (): Inputs => {
  const next = random(2026)
  const start = Date.UTC(2026, 0, 1)
  const minutes = (365 * DAY) / MINUTE
  const inputs = { t: new Float64Array(INPUTS), n: new Float64Array(INPUTS), a: new Float64Array(INPUTS), b: new Float64Array(INPUTS) }
  for (let i = 0; i < INPUTS; i++) {
    inputs.t[i] = start + Math.floor(next() * minutes) * MINUTE
    inputs.n[i] = Math.floor(next() * 5_000) // up to about two and a half weeks of business time
    inputs.a[i] = start + Math.floor(next() * minutes) * MINUTE
    inputs.b[i] = inputs.a[i]! + Math.floor((next() * 2 - 1) * 20 * 24 * 60) * MINUTE // ±20 days
  }
  return inputs
}

interface Agreement {
  readonly agree: number
  readonly total: number
  readonly kinds: Record<string, number>
  readonly example: Record<string, string>
}

const agreement = (
  label: string,
  ours: (i: number) => number,
  theirs: (i: number) => number,
  classify: (i: number, ours: number, theirs: number) => string
): Agreement => {
  const kinds: Record<string, number> = {}
  const example: Record<string, string> = {}
  let agree = 0
  for (let i = 0; i < INPUTS; i++) {
    const x = ours(i)
    const y = theirs(i)
    if (x === y) {
      agree++
      continue
    }
    const kind = classify(i, x, y)
    kinds[kind] = (kinds[kind] ?? 0) + 1
    example[kind] ??= `${label} #${i}: ours ${x} theirs ${y}`
  }
  return { agree, total: INPUTS, kinds, example }
}

const iso = (t: number) => new Date(t).toISOString().slice(0, 16).replace("T", " ")

export const run = async () => {
  configurePeers()
  const inputs = makeInputs()
  const { t, n, a, b } = inputs

  // Resolving every day once (the only Intl work) over 100k adds and 100k differences.
  let calendar = rapportCalendar()
  const coldMs = await once(() => {
    for (let i = 0; i < INPUTS; i++) {
      BusinessCalendar.addBusinessMinutes(calendar, t[i]!, n[i]!)
      BusinessCalendar.businessMinutesBetween(calendar, a[i]!, b[i]!)
    }
  })
  calendar = rapportCalendar()

  const ourAdd = (i: number) => BusinessCalendar.addBusinessMinutes(calendar, t[i]!, n[i]!)
  const ourBetween = (i: number) => BusinessCalendar.businessMinutesBetween(calendar, a[i]!, b[i]!)
  const momentAdd = (i: number) => momentOf(t[i]!).addWorkingTime(n[i]!, "minutes").valueOf()
  const momentBetween = (i: number) => momentOf(b[i]!).workingDiff(momentOf(a[i]!), "minutes")
  const dayjsAdd = (i: number) => dayjs.utc(t[i]!).addBusinessMinutes(n[i]!).valueOf()
  const dayjsBetween = (i: number) => dayjs.utc(a[i]!).businessMinutesDiff(dayjs.utc(b[i]!))

  // Where the answers differ, say why.
  const addKind = (i: number, ours: number, theirs: number) =>
    n[i] === 0 && !BusinessCalendar.isOpen(calendar, t[i]!) && theirs === BusinessCalendar.nextOpen(calendar, t[i]!)
      ? "n = 0 while closed: peer moves to the next opening, ours stays at t"
      : `other (t ${iso(t[i]!)}, n ${n[i]}, ours ${iso(ours)}, theirs ${iso(theirs)})`
  // No known kind of disagreement: both peers agree with us on every input (see the header).
  const betweenKind = (i: number, ours: number, theirs: number) =>
    `other (a ${iso(a[i]!)}, b ${iso(b[i]!)}, ours ${ours}, theirs ${theirs})`
  const checks = {
    "add vs moment-business-time": agreement("add/moment", ourAdd, momentAdd, addKind),
    "add vs dayjs-business-time": agreement("add/dayjs", ourAdd, dayjsAdd, addKind),
    "between vs moment-business-time": agreement("between/moment", ourBetween, momentBetween, betweenKind),
    "between vs dayjs-business-time": agreement("between/dayjs", ourBetween, dayjsBetween, betweenKind)
  }
  console.log(`\nbusiness hours: agreement on ${INPUTS.toLocaleString("en-US")} random inputs (Mon–Fri 09:00–17:00 UTC, holidays)`)
  for (const [name, check] of Object.entries(checks)) {
    console.log(`  ${name}: ${((100 * check.agree) / check.total).toFixed(2)}% agree`)
    for (const [kind, count] of Object.entries(check.kinds)) console.log(`    ${count.toLocaleString("en-US")} × ${kind}`)
  }

  let i = 0
  const next = () => (i = (i + 1) % INPUTS)
  const addRows = await compare([
    { name: "addBusinessMinutes", rapport: () => ourAdd(next()), baseline: () => momentAdd(next()) },
    { name: "businessMinutesBetween", rapport: () => ourBetween(next()), baseline: () => momentBetween(next()) }
  ])
  const dayjsRows = await compare([
    { name: "addBusinessMinutes", rapport: () => ourAdd(next()), baseline: () => dayjsAdd(next()) },
    { name: "businessMinutesBetween", rapport: () => ourBetween(next()), baseline: () => dayjsBetween(next()) }
  ])
  printTable("business hours: Rapport vs moment-business-time (100k random inputs, UTC)", addRows, "moment-business-time")
  printTable("business hours: Rapport vs dayjs-business-time (100k random inputs, UTC)", dayjsRows, "dayjs-business-time")
  const coldOps = (2 * INPUTS) / (coldMs / 1000)
  console.log(`\ncold start (each day resolved through Intl on first use): 200k Rapport calls in ${coldMs.toFixed(0)} ms, ${Math.round(coldOps).toLocaleString("en-US")} ops/s`)
  for (const [peer, rows] of [["moment-business-time", addRows], ["dayjs-business-time", dayjsRows]] as const) {
    console.log(`Rapport vs ${peer}: ${rows.map((r) => `${r.case} ${(1 / r.ratio).toFixed(0)}× faster`).join(", ")}`)
  }
  const slower = [...addRows, ...dayjsRows].filter((r: Row) => r.ratio >= 1)
  if (slower.length > 0) console.log(`\nWARNING: Rapport not faster on: ${slower.map((r) => r.case).join(", ")}`)
  writeResults("business-hours", {
    inputs: INPUTS,
    schedule: "Mon–Fri 09:00–17:00 UTC, holidays 2026-05-01, 2026-12-24..2027-01-01",
    agreement: Object.fromEntries(
      Object.entries(checks).map(([name, c]) => [name, { percent: (100 * c.agree) / c.total, disagreements: c.kinds, examples: c.example }])
    ),
    coldStartOpsPerSec: coldOps,
    rows: { "moment-business-time": addRows, "dayjs-business-time": dayjsRows }
  })
}

if (import.meta.url === `file://${process.argv[1]}`) await run()
