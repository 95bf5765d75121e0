/**
 * The README demo: seeds a tea shop's CRM into a SQLite database file and prints one
 * customer's 360 and a few figures a person running it would want to see.
 *
 * Run it with `npx pnpm@10 demo` (SQLite, the embedded default) or
 * `npx pnpm@10 demo -- --memory` (the in-memory store).
 */
import { Crm, Customer360, Query, Store, Workspace } from "@rapport/core"
import { MemoryStore } from "@rapport/memory"
import { SqliteStore } from "@rapport/sqlite"
import { Clock, Effect } from "effect"
import { mkdirSync, rmSync } from "node:fs"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import * as Print from "./print.js"
import { seedWorkspace } from "./seed.js"

const workspace = Workspace.WorkspaceId.make("teahouse")
const inMemory = process.argv.includes("--memory")
const dataDir = join(dirname(fileURLToPath(import.meta.url)), "..", ".data")
const filename = join(dataDir, "teahouse.db")

const program = Effect.gen(function*() {
  const now = yield* Clock.currentTimeMillis
  const started = performance.now()
  const seeded = yield* seedWorkspace({ contacts: 300, now })
  const seedMs = performance.now() - started

  const view = yield* Effect.flatMap(Customer360.Customer360, (c) => c.get(seeded.star, { timelineLimit: 10 }))
  const { contact, company } = view
  const lines: Array<string> = []
  lines.push(Print.heading(`Customer 360 · ${contact.displayName}`))
  lines.push(`  ${contact.emails.join(", ")} · ${contact.lifecycleStage} · marketing consent ${contact.consentStatus} (${contact.consentSource ?? "—"})`)
  lines.push(`  ${company === null ? "no company" : `${company.name} (${company.industry ?? "—"}, ${company.employees ?? "?"} people)`} · tags: ${contact.tags.join(", ") || "—"}`)
  for (const t of view.orders.totals) {
    lines.push(`  ${t.orders} orders, ${Print.money(t.totalMinor, t.currency)} lifetime, first ${Print.date(t.firstPlacedAt)}, last ${Print.date(t.lastPlacedAt)}`)
  }
  lines.push("\n  Recent orders")
  lines.push(Print.table(["number", "placed", "status", "total"], view.orders.recent.map((o) => [o.number, Print.date(o.placedAt), o.status, Print.money(o.total.amountMinor, o.total.currency)])))
  lines.push("\n  Conversations")
  lines.push(Print.table(["channel", "subject", "status", "messages"], view.conversations.recent.map((c) => [c.channel, c.subject ?? "—", c.status, String(c.messageCount)])))
  lines.push("\n  Open tasks")
  lines.push(Print.table(["due", "priority", "title"], view.openTasks.map((t) => [Print.date(t.dueAt), t.priority, t.title])))
  lines.push("\n  Timeline (newest first)")
  lines.push(Print.table(["when", "event", "what happened"], view.timeline.entries.map((e) => [Print.when(e.occurredAt), e.type, Print.describe(e)])))

  // Figures: every one is a Query value the store runs.
  const store = yield* Store.Store
  const byStage = yield* store.aggregate(workspace, Query.aggregate("contact", {
    groupBy: [{ _tag: "Field", as: "stage", field: "lifecycleStage" }],
    measures: [{ _tag: "Count", as: "contacts" }],
    orderBy: [{ field: "contacts", direction: "desc" }]
  }))
  lines.push(Print.heading("Contacts by lifecycle stage"))
  lines.push(Print.table(["stage", "contacts"], byStage.map((r) => [String(r.stage), String(r.contacts)])))

  const revenue = yield* store.aggregate(workspace, Query.aggregate("order", {
    // A window longer than six months, so the oldest month shown is whole.
    where: Query.and(Query.neq("status", "cancelled"), Query.withinLast("placedAt", 220, "day")),
    groupBy: [{ _tag: "Bucket", as: "month", field: "placedAt", unit: "month", timeZone: "Europe/Berlin" }, { _tag: "Field", as: "currency", field: "total.currency" }],
    measures: [{ _tag: "Count", as: "orders" }, { _tag: "Sum", as: "revenue", field: "total.amountMinor" }, { _tag: "Avg", as: "average", field: "total.amountMinor" }],
    orderBy: [{ field: "month", direction: "asc" }]
  }))
  const lastSix = new Set([...new Set(revenue.map((r) => String(r.month)))].slice(-6))
  lines.push(Print.heading("Revenue by month (Europe/Berlin), this month and the five before"))
  lines.push(Print.table(["month", "orders", "revenue", "average order"], revenue.filter((r) => lastSix.has(String(r.month))).map((r) => [String(r.month).slice(0, 7), String(r.orders), Print.money(Number(r.revenue), String(r.currency)), Print.money(Math.round(Number(r.average)), String(r.currency))])))

  const [repeat] = yield* store.aggregate(workspace, Query.aggregate("contact", {
    where: Query.related("order", "contactId", { where: Query.withinLast("placedAt", 90, "day"), op: "gte", value: 3 }),
    measures: [{ _tag: "Count", as: "contacts" }]
  }))
  const [vip] = yield* store.aggregate(workspace, Query.aggregate("contact", { where: Query.has("tags", "vip"), measures: [{ _tag: "Count", as: "contacts" }] }))
  const [openThreads] = yield* store.aggregate(workspace, Query.aggregate("conversation", { where: Query.eq("status", "open"), measures: [{ _tag: "Count", as: "n" }] }))
  lines.push(Print.heading("At a glance"))
  const where = inMemory ? "the memory store" : `SQLite (${relative(process.cwd(), filename)})`
  lines.push(`  ${seeded.contacts} contacts at ${seeded.companies} companies, seeded in ${seedMs.toFixed(0)} ms into ${where}`)
  lines.push(`  ${repeat?.contacts} repeat buyers (3+ orders in the last 90 days) · ${vip?.contacts} VIPs · ${openThreads?.n} open conversations`)
  console.log(lines.join("\n"))
})

// Every run starts from a fresh database file, so the story is the same each time.
if (!inMemory) {
  mkdirSync(dataDir, { recursive: true })
  for (const suffix of ["", "-wal", "-shm"]) rmSync(`${filename}${suffix}`, { force: true })
}

program.pipe(
  Effect.provideService(Workspace.CurrentWorkspace, workspace),
  Effect.provide(Crm.layer({ store: inMemory ? MemoryStore.layer : SqliteStore.layer({ filename }) })),
  Effect.runPromise
).catch((error) => {
  console.error(error)
  process.exit(1)
})
