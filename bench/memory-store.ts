/**
 * The memory store against hand-written JavaScript over the same rows (a Map by id,
 * arrays scanned with loops): what you would write without Rapport. 100k contacts and
 * 300k orders.
 *
 * Run with `npx pnpm@10 bench` (or `npx tsx bench/memory-store.ts`).
 */
import { Catalog, Crm, Query, Store } from "@rapport/core"
import { MemoryStore } from "@rapport/memory"
import { Effect } from "effect"
import { compare, once, printTable, writeResults } from "./lib/compare.js"
import * as Dataset from "./lib/dataset.js"

const WS = "bench"
const DAY = 86_400_000

export const run = async () => {
  const data = Dataset.make({ contacts: 100_000, ordersPerContact: 3, now: Date.now() })
  const catalog = Catalog.make({ collections: Crm.collections })
  const store: Store.Service = Effect.runSync(MemoryStore.make.pipe(Effect.provideService(Catalog.Catalog, catalog)))
  const sync = <A, E>(effect: Effect.Effect<A, E>): A => Effect.runSync(effect)

  // Bulk insert: 1 000 rows a transaction, as an import would do.
  const insertMs = await once(() => {
    for (const [collection, rows] of [["contact", data.contacts], ["order", data.orders]] as const) {
      for (let i = 0; i < rows.length; i += 1000) {
        sync(store.transaction(Effect.forEach(rows.slice(i, i + 1000), (row) => store.insert(WS, collection, row), { discard: true })))
      }
    }
  })
  const byId = new Map<string, Collection>()
  type Collection = (typeof data.contacts)[number]
  const ordersByContact = new Map<string, Array<Collection>>()
  const baselineInsertMs = await once(() => {
    for (const c of data.contacts) byId.set(c.id, c)
    for (const o of data.orders) {
      const list = ordersByContact.get(o.contactId as string)
      if (list === undefined) ordersByContact.set(o.contactId as string, [o])
      else list.push(o)
    }
  })

  let probe = 0
  const nextId = () => data.contacts[(probe = (probe + 7919) % data.contacts.length)]!.id

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

  const byLastName = (a: Collection, b: Collection) =>
    a.lastName === b.lastName ? (a.id < b.id ? -1 : 1) : (a.lastName as string) < (b.lastName as string) ? -1 : 1

  // Same answers first: a benchmark of different results measures nothing.
  const check = (name: string, a: unknown, b: unknown) => {
    if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`${name}: Rapport and baseline disagree`)
  }
  const baselinePage = () => data.contacts.filter((c) => c.lifecycleStage === "customer").sort(byLastName).slice(0, 50)
  const baselineRepeat = () => {
    const since = Date.now() - 90 * DAY
    let count = 0
    for (const c of data.contacts) {
      let n = 0
      for (const o of ordersByContact.get(c.id) ?? []) if ((o.placedAt as number) >= since) n++
      if (n >= 3) count++
    }
    return count
  }
  const baselineByStage = () => {
    const counts = new Map<string, number>()
    for (const c of data.contacts) counts.set(c.lifecycleStage as string, (counts.get(c.lifecycleStage as string) ?? 0) + 1)
    return [...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([stage, contacts]) => ({ stage, contacts }))
  }
  check("page", sync(store.find(WS, customersPage)).rows.map((r) => r.id), baselinePage().map((r) => r.id))
  check("repeat buyers", sync(store.aggregate(WS, repeatBuyers))[0]?.contacts, baselineRepeat())
  check("by stage", sync(store.aggregate(WS, byStage)), baselineByStage())

  const rows = await compare([
    { name: "get by id", rapport: () => sync(store.get(WS, "contact", nextId())), baseline: () => byId.get(nextId()) },
    { name: "filter + sort + page (50)", rapport: () => sync(store.find(WS, customersPage)), baseline: baselinePage },
    { name: "3+ orders in 90 days", rapport: () => sync(store.aggregate(WS, repeatBuyers)), baseline: baselineRepeat },
    { name: "count by lifecycle stage", rapport: () => sync(store.aggregate(WS, byStage)), baseline: baselineByStage }
  ])
  const all = [
    {
      case: "bulk insert 100k + 300k",
      rapportOpsPerSec: 1000 / insertMs,
      baselineOpsPerSec: 1000 / baselineInsertMs,
      ratio: insertMs / baselineInsertMs
    },
    ...rows
  ]
  printTable("memory store: 100k contacts, 300k orders (Rapport vs hand-written JS)", all, "hand-written")
  console.log(`\nbulk insert: Rapport ${insertMs.toFixed(0)} ms (${Math.round(400_000 / (insertMs / 1000)).toLocaleString("en-US")} rows/s), baseline ${baselineInsertMs.toFixed(0)} ms`)
  writeResults("memory-store", { dataset: { contacts: data.contacts.length, orders: data.orders.length }, rows: all })
}

if (import.meta.url === `file://${process.argv[1]}`) await run()
