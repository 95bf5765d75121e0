/**
 * The SQL store benchmark, shared by SQLite and PostgreSQL: Rapport's `Store` against
 * hand-written SQL on the raw driver, on the same data (100k contacts, 500k orders) in
 * the same process. The baseline uses its own hand-designed tables and indexes: what
 * an application would write without Rapport.
 */
import { Catalog, Crm, Query, Store } from "@rapport/core"
import { Effect, Layer, ManagedRuntime, Option } from "effect"
import { compare, once, printTable, type Row, writeResults } from "./compare.js"
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

/** The hand-written side: the same five operations, in plain SQL on the raw driver. */
export interface Baseline {
  readonly name: string
  readonly setup: () => Promise<void>
  readonly bulkInsert: (data: Dataset.Dataset) => Promise<void>
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

export const run = async (options: {
  readonly name: string
  readonly store: Layer.Layer<Store.Store, unknown, Catalog.Catalog>
  readonly baseline: Baseline
  /** Untimed, after the load, on Rapport's database: the same step as `Baseline.afterLoad`. */
  readonly afterLoad?: () => Promise<void>
  readonly contacts?: number
  readonly ordersPerContact?: number
  /** Runs after the table, on the loaded store (e.g. a breakdown of one operation). */
  readonly profile?: (context: ProfileContext) => Promise<unknown>
}) => {
  const contacts = options.contacts ?? 100_000
  const ordersPerContact = options.ordersPerContact ?? 5
  const data = Dataset.make({ contacts, ordersPerContact, now: Date.now() })
  const runtime = ManagedRuntime.make(
    options.store.pipe(Layer.provide(Catalog.layer({ collections: Crm.collections })))
  )
  const store = await runtime.runPromise(Store.Store)
  const run = <A, E>(effect: Effect.Effect<A, E>) => runtime.runPromise(effect)
  await options.baseline.setup()

  const chunk = 5_000
  const insertMs = await once(async () => {
    for (const [collection, rows] of [["contact", data.contacts], ["order", data.orders]] as const) {
      for (let i = 0; i < rows.length; i += chunk) await run(store.insertMany(WS, collection, rows.slice(i, i + chunk)))
    }
  })
  const baselineInsertMs = await once(() => options.baseline.bulkInsert(data))
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

  const rows: Array<Row> = [
    {
      case: `bulk insert ${contacts / 1000}k + ${(contacts * ordersPerContact) / 1000}k`,
      rapportOpsPerSec: 1000 / insertMs,
      baselineOpsPerSec: 1000 / baselineInsertMs,
      ratio: insertMs / baselineInsertMs
    },
    ...(await compare([
      { name: "get by id", rapport: () => run(store.get(WS, "contact", nextId())), baseline: () => options.baseline.getById(nextId()) },
      { name: "filter + sort + page (50)", rapport: () => run(store.find(WS, customersPage)), baseline: () => options.baseline.customersPage() },
      { name: "3+ orders in 90 days", rapport: () => run(store.aggregate(WS, repeatBuyers)), baseline: () => options.baseline.repeatBuyers(since()) },
      { name: "count by lifecycle stage", rapport: () => run(store.aggregate(WS, byStage)), baseline: () => options.baseline.byStage() }
    ], { time: 1000 }))
  ]
  printTable(`${options.name}: ${contacts / 1000}k contacts, ${(contacts * ordersPerContact) / 1000}k orders (Rapport vs ${options.baseline.name})`, rows, options.baseline.name)
  const profile = await options.profile?.({ store, run, nextId })
  writeResults(options.name, { dataset: { contacts, orders: contacts * ordersPerContact }, rows, ...(profile === undefined ? {} : { profile }) })
  await options.baseline.close()
  await runtime.dispose()
  return rows
}
