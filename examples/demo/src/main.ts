/**
 * The README demo: seeds a tea shop's CRM into a SQLite database file and prints one
 * customer's 360, her wholesale deal and her support ticket's SLA clocks, and a few
 * figures a person running it would want to see.
 *
 * Run it with `npx pnpm@10 demo` (SQLite, the embedded default) or
 * `npx pnpm@10 demo -- --memory` (the in-memory store).
 */
import { Crm, Workspace } from "@rapport/core"
import { MemoryStore } from "@rapport/memory"
import { Collections, Deals, PipelinesEvents, Tickets } from "@rapport/pipelines"
import { SqliteStore } from "@rapport/sqlite"
import { Clock, Effect, Layer } from "effect"
import { mkdirSync, rmSync } from "node:fs"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import * as Customer from "./customer.js"
import * as Deal from "./deal.js"
import * as Figures from "./figures.js"
import * as Print from "./print.js"
import { seedWorkspace } from "./seed.js"
import * as Teahouse from "./teahouse.js"
import * as Ticket from "./ticket.js"

const workspace = Workspace.WorkspaceId.make("teahouse")
const inMemory = process.argv.includes("--memory")
const dataDir = join(dirname(fileURLToPath(import.meta.url)), "..", ".data")
const filename = join(dataDir, "teahouse.db")
// pnpm runs the script in examples/demo; INIT_CWD is where the user typed the command.
const shownPath = relative(process.env.INIT_CWD ?? process.cwd(), filename)

// Core's services and the pipelines' deals and tickets on one store, whose catalog
// declares the pipelines' collections and events next to core's.
const Live = Layer.mergeAll(
  Deals.layer([Teahouse.wholesale]),
  Tickets.layer({ policies: Teahouse.slaPolicies, calendar: Teahouse.supportHours })
).pipe(Layer.provideMerge(Crm.layer({
  store: inMemory ? MemoryStore.layer : SqliteStore.layer({ filename }),
  collections: Collections.all,
  events: PipelinesEvents.all.definitions
})))

const program = Effect.gen(function*() {
  const now = yield* Clock.currentTimeMillis
  const started = performance.now()
  const seeded = yield* seedWorkspace({ contacts: 300, now })
  const seedMs = performance.now() - started

  const lines = [
    ...yield* Customer.section(seeded.star),
    ...yield* Deal.section(seeded.starDeal),
    ...yield* Ticket.section(seeded.starTicket),
    ...yield* Figures.section(now),
    Print.heading("At a glance"),
    `  ${seeded.contacts} contacts at ${seeded.companies} companies, seeded in ${seedMs.toFixed(0)} ms into ${inMemory ? "the memory store" : `SQLite (${shownPath})`}`,
    `  ${yield* Figures.glance}`,
    `  Printed ${Print.at(now)}.`
  ]
  console.log(lines.join("\n"))
})

// Every run starts from a fresh database file, so the story is the same each time.
if (!inMemory) {
  mkdirSync(dataDir, { recursive: true })
  for (const suffix of ["", "-wal", "-shm"]) rmSync(`${filename}${suffix}`, { force: true })
}

program.pipe(
  Effect.provideService(Workspace.CurrentWorkspace, workspace),
  Effect.provide(Live),
  Effect.runPromise
).catch((error) => {
  console.error(error)
  process.exit(1)
})
