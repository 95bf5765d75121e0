/**
 * The SQL store benchmark, shared by SQLite and PostgreSQL: Rapport's `Store` against
 * hand-written SQL on the raw driver, on the same data (10k companies, 100k contacts,
 * 500k orders and 90 days of the event log of their history) in the same process. The baseline
 * uses its own hand-designed tables and indexes: what an application would write
 * without Rapport.
 */
import type { DomainEvent } from "@rapport/core"
import { Catalog, Crm, EventCollection, Query, Store, TimeBucket } from "@rapport/core"
import { Effect, Layer, ManagedRuntime, Option } from "effect"
import { type Case, compare, once, printTable, type Row, writeResults } from "./compare.js"
import * as Dataset from "./dataset.js"

const WS = "bench"
const DAY = 86_400_000

/**
 * A contact row as an application uses it: every column, list and object columns as
 * values rather than JSON text. `pg` parses `jsonb` itself; on SQLite the baseline parses
 * the JSON text, as any application reading those columns must (Rapport's rows are
 * decoded the same way).
 */
export interface ContactRow {
  readonly id: string
  readonly emails: ReadonlyArray<string>
  readonly tags: ReadonlyArray<string>
  readonly [column: string]: unknown
}

/** The hand-written side: the same operations, in plain SQL on the raw driver. */
export interface Baseline {
  readonly name: string
  readonly setup: () => Promise<void>
  /** Companies, then contacts, then orders. */
  readonly bulkInsert: (data: Dataset.Dataset) => Promise<void>
  /**
   * The event log, oldest first, positions 1, 2, …, with the index of their subjects
   * that Rapport's log keeps (a timeline reads it), in the baseline's own tables.
   */
  readonly bulkEvents: (events: ReadonlyArray<DomainEvent.NewEvent>) => Promise<void>
  /** Untimed, after the load: e.g. refresh planner statistics, as autovacuum would. */
  readonly afterLoad?: () => Promise<void>
  readonly getById: (id: string) => Promise<ContactRow | undefined>
  /**
   * Customers by last name, first 50, as rows. Like Rapport's find, which answers
   * whether a next page exists (`nextCursor`), it reads 51 rows and keeps 50: the same
   * work for the same answer a paginating application needs.
   */
  readonly customersPage: () => Promise<ReadonlyArray<ContactRow>>
  /** Contacts with at least 3 orders placed since `since`. */
  readonly repeatBuyers: (since: number) => Promise<number>
  /** Contacts per lifecycle stage, sorted by stage. */
  readonly byStage: () => Promise<ReadonlyArray<{ readonly stage: string; readonly contacts: number }>>
  /**
   * Contacts whose company is in `industry` and has more than `employees` employees, by
   * last name, first 50 (reading 51, as `customersPage`): a join on the company.
   */
  readonly companyPage: (industry: string, employees: number) => Promise<ReadonlyArray<ContactRow>>
  /** Different buyers (contacts) per order status, of the orders placed from `since` to `until`, sorted by status. */
  readonly buyersByStatus: (
    since: number,
    until: number
  ) => Promise<ReadonlyArray<{ readonly status: string; readonly buyers: number }>>
  /** Events per type that occurred from `since` to `until`, sorted by type. */
  readonly eventsByType: (since: number, until: number) => Promise<ReadonlyArray<{ readonly type: string; readonly events: number }>>
  /** The median and 90th percentile of EUR order totals per status, placed from `since` to `until`, sorted by status. */
  readonly totalPercentiles: (
    since: number,
    until: number
  ) => Promise<ReadonlyArray<{ readonly status: string; readonly median: number; readonly p90: number }>>
  /** Orders per local week (Monday) in `zone`, placed from `start` (inclusive) to `end` (exclusive), sorted by week. */
  readonly ordersPerWeek: (
    zone: string,
    start: number,
    end: number
  ) => Promise<ReadonlyArray<{ readonly week: string; readonly orders: number }>>
  /**
   * `OrderPlaced` events from `since` to `until` whose payload's `amountMinor` is at least
   * `min`: how many, and the sum of those amounts (one row).
   */
  readonly largeOrdersPlaced: (
    since: number,
    until: number,
    min: number
  ) => Promise<ReadonlyArray<{ readonly orders: number; readonly amount: number }>>
  readonly close: () => Promise<void>
}

/** What a profile step gets: the loaded store, a runner, and contact ids to probe. */
export interface ProfileContext {
  readonly store: Store.Store["Type"]
  readonly run: <A, E>(effect: Effect.Effect<A, E>) => Promise<A>
  readonly nextId: () => string
}

/** What both sides' contact rows must agree on. */
const essence = (row: { readonly [column: string]: unknown } | undefined) =>
  row === undefined ? null : [row.id, row.emails, row.tags]

/** What a case is built from: the loaded store, a runner, the baseline and the data. */
interface CaseContext {
  readonly store: Store.Store["Type"]
  readonly run: <A, E>(effect: Effect.Effect<A, E>) => Promise<A>
  readonly baseline: Baseline
  readonly data: Dataset.Dataset
}

/**
 * A timed pair, and how to read each side's answer into one shape: both are compared
 * once before timing (a benchmark of different results measures nothing).
 */
interface StoreCase extends Case {
  readonly rapportAnswer: () => Promise<unknown>
  readonly baselineAnswer: () => Promise<unknown>
}

/**
 * A path across a reference: contacts whose company (`companyId.industry`,
 * `companyId.employees`) is a large software firm, by last name, first 50. The baseline
 * joins the companies table.
 */
const companyPathCase = ({ store, run, baseline }: CaseContext): StoreCase => {
  const [industry, employees] = ["software", 1000] as const
  const query = Query.find("contact", {
    where: Query.and(Query.eq("companyId.industry", industry), Query.gt("companyId.employees", employees)),
    orderBy: [{ field: "lastName", direction: "asc" }],
    limit: 50
  })
  return {
    name: "path: company industry + size, page (50)",
    rapport: () => run(store.find(WS, query)),
    baseline: () => baseline.companyPage(industry, employees),
    rapportAnswer: async () => (await run(store.find(WS, query))).rows.map(essence),
    baselineAnswer: async () => (await baseline.companyPage(industry, employees)).map(essence)
  }
}

/** A `CountDistinct` measure: different buyers per order status, of the last 30 days' orders. */
const countDistinctCase = ({ store, run, baseline }: CaseContext): StoreCase => {
  const query = Query.aggregate("order", {
    where: Query.withinLast("placedAt", 30, "day"),
    groupBy: [{ _tag: "Field", as: "status", field: "status" }],
    measures: [{ _tag: "CountDistinct", as: "buyers", field: "contactId" }]
  })
  const hand = () => {
    const now = Date.now()
    return baseline.buyersByStatus(now - 30 * DAY, now)
  }
  return {
    name: "distinct buyers by status, 30 days",
    rapport: () => run(store.aggregate(WS, query)),
    baseline: hand,
    rapportAnswer: () => run(store.aggregate(WS, query)),
    baselineAnswer: hand,
    iterations: 2
  }
}

/** The event log as a collection: events of the last 30 days per type. */
const eventsByTypeCase = ({ store, run, baseline }: CaseContext): StoreCase => {
  const query = Query.aggregate(EventCollection.name, {
    where: Query.withinLast("occurredAt", 30, "day"),
    groupBy: [{ _tag: "Field", as: "type", field: "type" }],
    measures: [{ _tag: "Count", as: "events" }]
  })
  const hand = () => {
    const now = Date.now()
    return baseline.eventsByType(now - 30 * DAY, now)
  }
  return {
    name: "events of 30 days by type",
    rapport: () => run(store.aggregate(WS, query)),
    baseline: hand,
    rapportAnswer: () => run(store.aggregate(WS, query)),
    baselineAnswer: hand,
    iterations: 2
  }
}

/** Percentile measures: the median and 90th percentile of the last 30 days' order totals per status. */
const percentileCase = ({ store, run, baseline }: CaseContext): StoreCase => {
  const query = Query.aggregate("order", {
    where: Query.and(Query.withinLast("placedAt", 30, "day"), Query.eq("total.currency", "EUR")),
    groupBy: [{ _tag: "Field", as: "status", field: "status" }],
    measures: [Query.median("median", "total.amountMinor"), Query.percentile("p90", "total.amountMinor", 0.9)]
  })
  const hand = () => {
    const now = Date.now()
    return baseline.totalPercentiles(now - 30 * DAY, now)
  }
  return {
    name: "median and p90 of totals by status, 30 days",
    rapport: () => run(store.aggregate(WS, query)),
    baseline: hand,
    rapportAnswer: () => run(store.aggregate(WS, query)),
    baselineAnswer: hand,
    iterations: 2
  }
}

/**
 * A calendar window grouped by calendar buckets: orders of last calendar quarter in Berlin,
 * per Berlin week. The baseline takes the window's bounds from `TimeBucket.windowAt` (a
 * hand-written program needs some calendar code for them too) and buckets in SQL.
 */
const calendarWindowCase = ({ store, run, baseline }: CaseContext): StoreCase => {
  const zone = "Europe/Berlin"
  const query = Query.aggregate("order", {
    where: Query.lastPeriods("placedAt", 1, "quarter", zone),
    groupBy: [{ _tag: "Bucket", as: "week", field: "placedAt", unit: "week", timeZone: zone }],
    measures: [{ _tag: "Count", as: "orders" }]
  })
  const hand = () => {
    const window = TimeBucket.windowAt(Date.now(), { unit: "quarter", from: -1, to: -1, timeZone: zone })
    return baseline.ordersPerWeek(zone, window.start, window.end)
  }
  return {
    name: "orders per Berlin week, last calendar quarter",
    rapport: () => run(store.aggregate(WS, query)),
    baseline: hand,
    rapportAnswer: () => run(store.aggregate(WS, query)),
    baselineAnswer: hand,
    iterations: 2
  }
}

/**
 * Payload fields of the event log: `OrderPlaced` events of the last 30 days with an amount
 * of at least 50.00 in their payload, counted and summed. The baseline reads the JSON as a
 * program would (no type guard); Rapport reads `payload.amountMinor` type-guarded.
 */
const payloadFieldCase = ({ store, run, baseline }: CaseContext): StoreCase => {
  const min = 5_000
  const query = Query.aggregate(EventCollection.name, {
    where: Query.and(
      Query.eq("type", "OrderPlaced"),
      Query.withinLast("occurredAt", 30, "day"),
      Query.gte("payload.amountMinor", min)
    ),
    measures: [{ _tag: "Count", as: "orders" }, { _tag: "Sum", as: "amount", field: "payload.amountMinor" }]
  })
  const hand = () => {
    const now = Date.now()
    return baseline.largeOrdersPlaced(now - 30 * DAY, now, min)
  }
  return {
    name: "large orders placed (payload amount), 30 days",
    rapport: () => run(store.aggregate(WS, query)),
    baseline: hand,
    rapportAnswer: () => run(store.aggregate(WS, query)),
    baselineAnswer: hand,
    iterations: 2
  }
}

export const run = async (options: {
  readonly name: string
  readonly store: Layer.Layer<Store.Store, unknown, Catalog.Catalog>
  readonly baseline: Baseline
  /** Untimed, after the load, on Rapport's database: the same step as `Baseline.afterLoad`. */
  readonly afterLoad?: () => Promise<void>
  readonly companies?: number
  readonly contacts?: number
  readonly ordersPerContact?: number
  /** Runs after the table, on the loaded store (e.g. a breakdown of one operation). */
  readonly profile?: (context: ProfileContext) => Promise<unknown>
}) => {
  const companies = options.companies ?? 10_000
  const contacts = options.contacts ?? 100_000
  const ordersPerContact = options.ordersPerContact ?? 5
  const data = Dataset.make({ companies, contacts, ordersPerContact, now: Date.now() })
  // 90 days of events (about 350k): a year's would be four times the load for the same comparison.
  const events = Dataset.events(data, { retentionDays: 90 })
  const runtime = ManagedRuntime.make(
    options.store.pipe(Layer.provide(Catalog.layer({ collections: Crm.collections, events: Dataset.eventDefinitions })))
  )
  const store = await runtime.runPromise(Store.Store)
  const run = <A, E>(effect: Effect.Effect<A, E>) => runtime.runPromise(effect)
  await options.baseline.setup()

  const chunk = 5_000
  const insertMs = await once(async () => {
    for (const [collection, rows] of [["company", data.companies], ["contact", data.contacts], ["order", data.orders]] as const) {
      for (let i = 0; i < rows.length; i += chunk) await run(store.insertMany(WS, collection, rows.slice(i, i + chunk)))
    }
  })
  const baselineInsertMs = await once(() => options.baseline.bulkInsert(data))
  // Appends of 2 000 events, each its own transaction: a batch well inside PostgreSQL's
  // 65 535 parameters (an event and its subject rows take about 20).
  const appendMs = await once(async () => {
    for (let i = 0; i < events.length; i += 2_000) await run(store.append(WS, events.slice(i, i + 2_000)))
  })
  const baselineEventsMs = await once(() => options.baseline.bulkEvents(events))
  await options.afterLoad?.()
  await options.baseline.afterLoad?.()

  let probe = 0
  const nextId = () => data.contacts[(probe = (probe + 7919) % data.contacts.length)]!.id
  const since = () => Date.now() - 90 * DAY
  const customersPage = Query.find("contact", {
    where: Query.eq("lifecycleStage", "customer"),
    orderBy: [{ field: "lastName", direction: "asc" }],
    limit: 50
  })
  const repeatBuyers = Query.aggregate("contact", {
    where: Query.related("order", "contactId", { where: Query.withinLast("placedAt", 90, "day"), op: "gte", value: 3 }),
    measures: [{ _tag: "Count", as: "contacts" }]
  })
  const byStage = Query.aggregate("contact", {
    groupBy: [{ _tag: "Field", as: "stage", field: "lifecycleStage" }],
    measures: [{ _tag: "Count", as: "contacts" }]
  })
  const context: CaseContext = { store, run, baseline: options.baseline, data }
  const cases = [companyPathCase, countDistinctCase, eventsByTypeCase, percentileCase, calendarWindowCase, payloadFieldCase]
    .map((make) => make(context))
    .filter((c): c is StoreCase => c !== null)

  // Same answers first: a benchmark of different results measures nothing.
  const same = (what: string, a: unknown, b: unknown) => {
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      throw new Error(`${options.name} ${what}: Rapport and baseline disagree\n${JSON.stringify(a)}\n${JSON.stringify(b)}`)
    }
  }
  same("page", (await run(store.find(WS, customersPage))).rows.map(essence), (await options.baseline.customersPage()).map(essence))
  same("repeat buyers", (await run(store.aggregate(WS, repeatBuyers)))[0]?.contacts, await options.baseline.repeatBuyers(since()))
  same("by stage", await run(store.aggregate(WS, byStage)), await options.baseline.byStage())
  const id = nextId()
  same("get", essence(Option.getOrUndefined(await run(store.get(WS, "contact", id)))), essence(await options.baseline.getById(id)))
  for (const c of cases) same(c.name, await c.rapportAnswer(), await c.baselineAnswer())

  const k = (n: number) => (n >= 1_000_000 ? `${(n / 1_000_000).toFixed(2)}M` : `${Math.round(n / 1000)}k`)
  const rows: Array<Row> = [
    {
      case: `bulk insert ${k(companies)} + ${k(contacts)} + ${k(contacts * ordersPerContact)}`,
      rapportOpsPerSec: 1000 / insertMs,
      baselineOpsPerSec: 1000 / baselineInsertMs,
      ratio: insertMs / baselineInsertMs
    },
    {
      case: `append ${k(events.length)} events`,
      rapportOpsPerSec: 1000 / appendMs,
      baselineOpsPerSec: 1000 / baselineEventsMs,
      ratio: appendMs / baselineEventsMs
    },
    ...(await compare([
      { name: "get by id", rapport: () => run(store.get(WS, "contact", nextId())), baseline: () => options.baseline.getById(nextId()) },
      { name: "filter + sort + page (50)", rapport: () => run(store.find(WS, customersPage)), baseline: () => options.baseline.customersPage() },
      { name: "3+ orders in 90 days", rapport: () => run(store.aggregate(WS, repeatBuyers)), baseline: () => options.baseline.repeatBuyers(since()) },
      { name: "count by lifecycle stage", rapport: () => run(store.aggregate(WS, byStage)), baseline: () => options.baseline.byStage() },
      ...cases
    ], { time: 1000 }))
  ]
  const dataset = { companies, contacts, orders: contacts * ordersPerContact, events: events.length }
  printTable(
    `${options.name}: ${k(companies)} companies, ${k(contacts)} contacts, ${k(dataset.orders)} orders, ${k(events.length)} events (Rapport vs ${options.baseline.name})`,
    rows,
    options.baseline.name
  )
  const profile = await options.profile?.({ store, run, nextId })
  writeResults(options.name, { dataset, rows, ...(profile === undefined ? {} : { profile }) })
  await options.baseline.close()
  await runtime.dispose()
  return rows
}
