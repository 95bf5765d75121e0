/**
 * SQLite: Rapport's `SqliteStore` against hand-written SQL on `better-sqlite3`, same
 * data, same process, each on its own database file. The baseline mirrors the indexes
 * Rapport's catalog declares, so the ratio measures Rapport's overhead, not index design.
 *
 * Run with `npx pnpm@10 bench` (or `npx tsx bench/store-sqlite.ts`).
 */
import { Catalog, Crm, TimeBucket } from "@rapport/core"
import { Layout } from "@rapport/sql"
import { SqliteStore } from "@rapport/sqlite"
import { Effect } from "effect"
import Database from "better-sqlite3"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Baseline, ContactRow } from "./lib/storeBench.js"
import { steps } from "./lib/compare.js"
import * as StoreBench from "./lib/storeBench.js"

const WS = "bench"

/** A contact as better-sqlite3 returns it: JSON columns as text. */
interface RawContact {
  readonly id: string
  readonly emails: string
  readonly phones: string
  readonly tags: string
  readonly custom: string
  readonly [column: string]: unknown
}

/** Parses the JSON columns, as an application reading them must. */
const contactRow = (row: RawContact): ContactRow => ({
  ...row,
  emails: JSON.parse(row.emails),
  phones: JSON.parse(row.phones),
  tags: JSON.parse(row.tags),
  custom: JSON.parse(row.custom)
})

const baseline = (filename: string): Baseline => {
  const db = new Database(filename)
  db.pragma("journal_mode = WAL")
  db.pragma("synchronous = NORMAL")
  let stmts: ReturnType<typeof prepare> | undefined
  const prepare = () => ({
    company: db.prepare(`insert into companies values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    event: db.prepare(`insert into events values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    subject: db.prepare(`insert into event_subjects values (?, ?, ?)`),
    contact: db.prepare(`insert into contacts values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    order: db.prepare(`insert into orders values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    get: db.prepare(`select * from contacts where workspace_id = ? and id = ?`),
    page: db.prepare(`select * from contacts where workspace_id = ? and lifecycle_stage = 'customer' order by last_name, id limit 51`),
    repeat: db.prepare(`select count(*) as n from contacts where workspace_id = ? and id in (
      select contact_id from orders where workspace_id = ? and placed_at between ? and ? group by contact_id having count(*) >= 3)`),
    byStage: db.prepare(`select lifecycle_stage as stage, count(*) as contacts from contacts where workspace_id = ? group by lifecycle_stage order by lifecycle_stage`),
    companyPage: db.prepare(`select c.* from contacts c join companies co on co.workspace_id = c.workspace_id and co.id = c.company_id
      where c.workspace_id = ? and co.industry = ? and co.employees > ? order by c.last_name, c.id limit 51`),
    buyersByStatus: db.prepare(`select status, count(distinct contact_id) as buyers from orders where workspace_id = ? and placed_at between ? and ?
      group by status order by status`),
    eventsByType: db.prepare(`select type, count(*) as events from events where workspace_id = ? and occurred_at between ? and ? group by type order by type`),
    percentiles: db.prepare(`select status, percentile_cont(total_amount_minor, 0.5) as median, percentile_cont(total_amount_minor, 0.9) as p90
      from orders where workspace_id = ? and placed_at between ? and ? and total_currency = 'EUR' group by status order by status`),
    largeOrders: db.prepare(`select count(*) as orders, coalesce(sum(json_extract(payload, '$.amountMinor')), 0) as amount from events
      where workspace_id = ? and type = 'OrderPlaced' and occurred_at between ? and ? and json_extract(payload, '$.amountMinor') >= ?`),
    perWeek: db.prepare(`select local_week(placed_at, ?) as week, count(*) as orders from orders
      where workspace_id = ? and placed_at >= ? and placed_at < ? group by 1 order by 1`)
  })
  // SQLite has no time zones: a program buckets local weeks with a function of its own.
  db.function("local_week", { deterministic: true }, (ms: unknown, zone: unknown) =>
    TimeBucket.bucketOf(Number(ms), "week", String(zone)))
  return {
    name: "better-sqlite3",
    setup: async () => {
      db.exec(`
        create table companies (workspace_id text not null, id text not null, version integer not null, created_at integer not null,
          updated_at integer not null, name text not null, domain text, industry text, employees integer,
          annual_revenue_amount_minor integer, annual_revenue_currency text, owner_id text, tags text not null, custom text not null,
          primary key (workspace_id, id));
        create index companies_name on companies (workspace_id, name);
        create unique index companies_domain on companies (workspace_id, domain);
        create index companies_owner on companies (workspace_id, owner_id);
        create table contacts (workspace_id text not null, id text not null, version integer not null, created_at integer not null,
          updated_at integer not null, first_name text not null, last_name text, emails text not null, phones text not null,
          lifecycle_stage text not null, owner_id text, company_id text, tags text not null, consent_status text not null,
          consent_source text, consent_at integer, source text, campaign text, custom text not null, primary key (workspace_id, id));
        create index contacts_stage on contacts (workspace_id, lifecycle_stage);
        create index contacts_name on contacts (workspace_id, last_name, first_name);
        create index contacts_updated on contacts (workspace_id, updated_at);
        create index contacts_owner on contacts (workspace_id, owner_id);
        create index contacts_company on contacts (workspace_id, company_id);
        create table orders (workspace_id text not null, id text not null, version integer not null, created_at integer not null,
          updated_at integer not null, number text not null, contact_id text not null, company_id text, status text not null,
          line_items text not null, total_amount_minor integer not null, total_currency text not null,
          refunded_amount_minor integer not null, refunded_currency text not null, placed_at integer not null, paid_at integer,
          fulfilled_at integer, cancelled_at integer, custom text not null, primary key (workspace_id, id));
        create unique index orders_number on orders (workspace_id, number);
        create index orders_contact on orders (workspace_id, contact_id, placed_at);
        create index orders_company on orders (workspace_id, company_id, placed_at);
        create index orders_placed on orders (workspace_id, placed_at);
        create index orders_status on orders (workspace_id, status);
        create table events (position integer primary key, workspace_id text not null, type text not null, collection text not null,
          record_id text not null, version integer not null, occurred_at integer not null, actor text not null, subjects text not null,
          payload text);
        create index events_workspace on events (workspace_id, position);
        create index events_type on events (type, position);
        create index events_workspace_type on events (workspace_id, type, position);
        create index events_record on events (workspace_id, record_id);
        create table event_subjects (workspace_id text not null, subject text not null, position integer not null,
          primary key (workspace_id, subject, position)) without rowid;
      `)
      stmts = prepare()
    },
    bulkInsert: async (data) => {
      const s = stmts!
      const companies = db.transaction((rows: typeof data.companies) => {
        for (const r of rows) {
          const revenue = r.annualRevenue as { amountMinor: number; currency: string } | null
          s.company.run(WS, r.id, r.version, r.createdAt, r.updatedAt, r.name, r.domain, r.industry, r.employees,
            revenue?.amountMinor ?? null, revenue?.currency ?? null, r.ownerId, JSON.stringify(r.tags), JSON.stringify(r.custom))
        }
      })
      const contacts = db.transaction((rows: typeof data.contacts) => {
        for (const r of rows) {
          s.contact.run(WS, r.id, r.version, r.createdAt, r.updatedAt, r.firstName, r.lastName, JSON.stringify(r.emails),
            JSON.stringify(r.phones), r.lifecycleStage, r.ownerId, r.companyId, JSON.stringify(r.tags), r.consentStatus,
            r.consentSource, r.consentAt, r.source, r.campaign, JSON.stringify(r.custom))
        }
      })
      const orders = db.transaction((rows: typeof data.orders) => {
        for (const r of rows) {
          const total = r.total as { amountMinor: number; currency: string }
          const refunded = r.refunded as { amountMinor: number; currency: string }
          s.order.run(WS, r.id, r.version, r.createdAt, r.updatedAt, r.number, r.contactId, r.companyId, r.status,
            JSON.stringify(r.lineItems), total.amountMinor, total.currency, refunded.amountMinor, refunded.currency,
            r.placedAt, r.paidAt, r.fulfilledAt, r.cancelledAt, JSON.stringify(r.custom))
        }
      })
      for (let i = 0; i < data.companies.length; i += 5000) companies(data.companies.slice(i, i + 5000))
      for (let i = 0; i < data.contacts.length; i += 5000) contacts(data.contacts.slice(i, i + 5000))
      for (let i = 0; i < data.orders.length; i += 5000) orders(data.orders.slice(i, i + 5000))
    },
    bulkEvents: async (events) => {
      const s = stmts!
      const append = db.transaction((list: typeof events, first: number) => {
        list.forEach((e, i) => {
          const position = first + i
          s.event.run(position, WS, e.type, e.collection, e.recordId, e.version, e.occurredAt,
            JSON.stringify({ kind: e.actor.kind, id: e.actor.id }), JSON.stringify(e.subjects), JSON.stringify(e.payload))
          for (const subject of new Set(e.subjects)) s.subject.run(WS, subject, position)
        })
      })
      for (let i = 0; i < events.length; i += 2000) append(events.slice(i, i + 2000), i + 1)
    },
    getById: async (id) => {
      const row = stmts!.get.get(WS, id) as RawContact | undefined
      return row === undefined ? undefined : contactRow(row)
    },
    customersPage: async () => (stmts!.page.all(WS) as Array<RawContact>).slice(0, 50).map(contactRow),
    repeatBuyers: async (since) => (stmts!.repeat.get(WS, WS, since, Date.now()) as { n: number }).n,
    byStage: async () => stmts!.byStage.all(WS) as Array<{ stage: string; contacts: number }>,
    companyPage: async (industry, employees) =>
      (stmts!.companyPage.all(WS, industry, employees) as Array<RawContact>).slice(0, 50).map(contactRow),
    buyersByStatus: async (since, until) => stmts!.buyersByStatus.all(WS, since, until) as Array<{ status: string; buyers: number }>,
    eventsByType: async (since, until) => stmts!.eventsByType.all(WS, since, until) as Array<{ type: string; events: number }>,
    totalPercentiles: async (since, until) =>
      stmts!.percentiles.all(WS, since, until) as Array<{ status: string; median: number; p90: number }>,
    ordersPerWeek: async (zone, start, end) => stmts!.perWeek.all(zone, WS, start, end) as Array<{ week: string; orders: number }>,
    largeOrdersPlaced: async (since, until, min) =>
      stmts!.largeOrders.all(WS, since, until, min) as Array<{ orders: number; amount: number }>,
    close: async () => void db.close()
  }
}

/**
 * Where the time of Rapport's get by id goes on SQLite: the same statement on a second
 * better-sqlite3 connection to Rapport's file (the driver's share), that plus turning the
 * row into a record (parsing its JSON columns), and entering the Effect runtime. What the
 * full call costs beyond their sum is the store's own pipeline (operation lookup, the
 * transaction check, error mapping).
 */
const profileGet = (filename: string) => async ({ store, run, nextId }: StoreBench.ProfileContext) => {
  const db = new Database(filename, { readonly: true })
  const columns = Layout.make(Catalog.make({ collections: Crm.collections }).collections.get("contact")!).columns
  const byId = db.prepare(`SELECT ${columns.map((c) => `"${c.name}"`).join(", ")} FROM "contact" WHERE "workspace_id" = ? AND "id" = ?`)
  byId.raw(true)
  // The record as a hand-written application would build it from the row.
  const at = Object.fromEntries(columns.map((c, i) => [c.name, i])) as Record<string, number>
  const list = (v: unknown) => JSON.parse(v as string)
  const toRecord = (v: ReadonlyArray<unknown>) => ({
    id: v[at.id!], version: v[at.version!], createdAt: v[at.createdAt!], updatedAt: v[at.updatedAt!],
    firstName: v[at.firstName!], lastName: v[at.lastName!], emails: list(v[at.emails!]), phones: list(v[at.phones!]),
    lifecycleStage: v[at.lifecycleStage!], ownerId: v[at.ownerId!], companyId: v[at.companyId!], tags: list(v[at.tags!]),
    consentStatus: v[at.consentStatus!], consentSource: v[at.consentSource!], consentAt: v[at.consentAt!],
    source: v[at.source!], campaign: v[at.campaign!], custom: list(v[at.custom!])
  })
  const measured = await steps([
    { name: "Rapport store.get (whole call)", run: () => run(store.get(WS, "contact", nextId())) },
    { name: "driver: the same SELECT, raw row", run: () => byId.get(WS, nextId()) },
    { name: "driver + row to record (JSON parsed)", run: () => toRecord(byId.get(WS, nextId()) as Array<unknown>) },
    { name: "entering the Effect runtime (runPromise)", run: () => run(Effect.void) }
  ])
  db.close()
  const [whole, driver, decoded, runtime] = measured.map((m) => m.micros) as [number, number, number, number]
  const parts = [
    { part: "driver (SELECT by primary key)", micros: driver },
    { part: "row to record", micros: decoded - driver },
    { part: "Effect runtime entry", micros: runtime },
    { part: "store pipeline (the rest)", micros: whole - decoded - runtime }
  ]
  console.log(`\nstore-sqlite: where get by id's ${whole.toFixed(1)} µs go`)
  for (const p of parts) console.log(`  ${p.part.padEnd(34)} ${p.micros.toFixed(1).padStart(6)} µs  ${((100 * p.micros) / whole).toFixed(0).padStart(3)}%`)
  return { getById: { wholeMicros: whole, parts } }
}

export const run = async () => {
  const dir = mkdtempSync(join(tmpdir(), "rapport-bench-"))
  try {
    await StoreBench.run({
      name: "store-sqlite",
      store: SqliteStore.layer({ filename: join(dir, "rapport.db") }),
      baseline: baseline(join(dir, "baseline.db")),
      profile: profileGet(join(dir, "rapport.db"))
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run()
