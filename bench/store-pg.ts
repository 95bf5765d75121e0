/**
 * PostgreSQL: Rapport's `PgStore` against hand-written SQL on `pg`, same data, same
 * process, each in a database of its own on one server (the one in `RAPPORT_PG_URL`,
 * or a throwaway PostgreSQL 18). The baseline mirrors the indexes Rapport's catalog
 * declares, and sorts text by code point (`COLLATE "C"`) as Rapport does.
 *
 * Run with `npx pnpm@10 bench` (or `npx tsx bench/store-pg.ts`).
 */
import { PgStore } from "@rapport/pg"
import { PgHarness } from "@rapport/testkit"
import pg from "pg"
import type { Baseline } from "./lib/storeBench.js"
import * as StoreBench from "./lib/storeBench.js"

const WS = "bench"

const baseline = (url: string): Baseline => {
  // The raw driver's numbers come back as strings for int8; count(*) is cast to int.
  const pool = new pg.Pool({ connectionString: url, max: 4 })
  const q = (text: string, values: ReadonlyArray<unknown> = []) => pool.query({ text, values: values as Array<unknown> })
  const insertBatch = async (table: string, columns: number, rows: ReadonlyArray<ReadonlyArray<unknown>>) => {
    const values: Array<unknown> = []
    const tuples = rows.map((row, r) => {
      values.push(...row)
      return `(${row.map((_, c) => `$${r * columns + c + 1}`).join(", ")})`
    })
    await q(`insert into ${table} values ${tuples.join(", ")}`, values)
  }
  return {
    name: "pg",
    setup: async () => {
      await q(`
        create table companies (workspace_id text not null, id text not null, version integer not null, created_at bigint not null,
          updated_at bigint not null, name text collate "C" not null, domain text, industry text collate "C", employees bigint,
          annual_revenue_amount_minor bigint, annual_revenue_currency text, owner_id text, tags jsonb not null, custom jsonb not null,
          primary key (workspace_id, id));
        create index companies_name on companies (workspace_id, name);
        create unique index companies_domain on companies (workspace_id, domain);
        create index companies_owner on companies (workspace_id, owner_id);
        create index companies_tags on companies using gin (tags);
        create table contacts (workspace_id text not null, id text not null, version integer not null, created_at bigint not null,
          updated_at bigint not null, first_name text collate "C" not null, last_name text collate "C", emails jsonb not null,
          phones jsonb not null, lifecycle_stage text collate "C" not null, owner_id text, company_id text, tags jsonb not null,
          consent_status text not null, consent_source text, consent_at bigint, source text, campaign text, custom jsonb not null,
          primary key (workspace_id, id));
        create index contacts_stage on contacts (workspace_id, lifecycle_stage);
        create index contacts_name on contacts (workspace_id, last_name, first_name);
        create index contacts_updated on contacts (workspace_id, updated_at);
        create index contacts_owner on contacts (workspace_id, owner_id);
        create index contacts_company on contacts (workspace_id, company_id);
        create index contacts_emails on contacts using gin (emails);
        create index contacts_phones on contacts using gin (phones);
        create index contacts_tags on contacts using gin (tags);
        create table orders (workspace_id text not null, id text not null, version integer not null, created_at bigint not null,
          updated_at bigint not null, number text not null, contact_id text not null, company_id text, status text not null,
          line_items jsonb not null, total_amount_minor bigint not null, total_currency text not null,
          refunded_amount_minor bigint not null, refunded_currency text not null, placed_at bigint not null, paid_at bigint,
          fulfilled_at bigint, cancelled_at bigint, custom jsonb not null, primary key (workspace_id, id));
        create unique index orders_number on orders (workspace_id, number);
        create index orders_contact on orders (workspace_id, contact_id, placed_at);
        create index orders_company on orders (workspace_id, company_id, placed_at);
        create index orders_placed on orders (workspace_id, placed_at);
        create index orders_status on orders (workspace_id, status);
        create table events (workspace_id text collate "C" not null, position bigint not null, type text collate "C" not null,
          collection text collate "C" not null, record_id text collate "C" not null, version bigint not null,
          occurred_at bigint not null, actor jsonb not null, subjects jsonb not null, payload jsonb, primary key (workspace_id, position));
        create index events_position on events (position);
        create index events_type on events (type, position);
        create index events_workspace_type on events (workspace_id, type, position);
        create index events_record on events (workspace_id, record_id);
        create table event_subjects (workspace_id text collate "C" not null, subject text collate "C" not null, position bigint not null,
          primary key (workspace_id, subject, position));
      `)
    },
    bulkInsert: async (data) => {
      for (let i = 0; i < data.companies.length; i += 1000) {
        await insertBatch("companies", 14, data.companies.slice(i, i + 1000).map((r) => {
          const revenue = r.annualRevenue as { amountMinor: number; currency: string } | null
          return [
            WS, r.id, r.version, r.createdAt, r.updatedAt, r.name, r.domain, r.industry, r.employees, revenue?.amountMinor ?? null,
            revenue?.currency ?? null, r.ownerId, JSON.stringify(r.tags), JSON.stringify(r.custom)
          ]
        }))
      }
      for (let i = 0; i < data.contacts.length; i += 1000) {
        await insertBatch("contacts", 19, data.contacts.slice(i, i + 1000).map((r) => [
          WS, r.id, r.version, r.createdAt, r.updatedAt, r.firstName, r.lastName, JSON.stringify(r.emails), JSON.stringify(r.phones),
          r.lifecycleStage, r.ownerId, r.companyId, JSON.stringify(r.tags), r.consentStatus, r.consentSource, r.consentAt, r.source,
          r.campaign, JSON.stringify(r.custom)
        ]))
      }
      for (let i = 0; i < data.orders.length; i += 1000) {
        await insertBatch("orders", 19, data.orders.slice(i, i + 1000).map((r) => {
          const total = r.total as { amountMinor: number; currency: string }
          const refunded = r.refunded as { amountMinor: number; currency: string }
          return [
            WS, r.id, r.version, r.createdAt, r.updatedAt, r.number, r.contactId, r.companyId, r.status, JSON.stringify(r.lineItems),
            total.amountMinor, total.currency, refunded.amountMinor, refunded.currency, r.placedAt, r.paidAt, r.fulfilledAt,
            r.cancelledAt, JSON.stringify(r.custom)
          ]
        }))
      }
    },
    bulkEvents: async (events) => {
      for (let i = 0; i < events.length; i += 2000) {
        const batch = events.slice(i, i + 2000)
        await insertBatch("events", 10, batch.map((e, j) => [
          WS, i + j + 1, e.type, e.collection, e.recordId, e.version, e.occurredAt, JSON.stringify({ kind: e.actor.kind, id: e.actor.id }),
          JSON.stringify(e.subjects), JSON.stringify(e.payload)
        ]))
        await insertBatch("event_subjects", 3, batch.flatMap((e, j) => [...new Set(e.subjects)].map((subject) => [WS, subject, i + j + 1])))
      }
    },
    afterLoad: async () => {
      await q("vacuum analyze")
      await q("checkpoint")
    },
    // pg parses jsonb columns into values by itself.
    getById: async (id) => (await q(`select * from contacts where workspace_id = $1 and id = $2`, [WS, id])).rows[0],
    customersPage: async () =>
      (await q(`select * from contacts where workspace_id = $1 and lifecycle_stage = 'customer' order by last_name, id limit 51`, [WS]))
        .rows.slice(0, 50),
    repeatBuyers: async (since) =>
      (await q(
        `select count(*)::int as n from contacts where workspace_id = $1 and id in (
          select contact_id from orders where workspace_id = $1 and placed_at between $2 and $3 group by contact_id having count(*) >= 3)`,
        [WS, since, Date.now()]
      )).rows[0].n,
    byStage: async () =>
      (await q(
        `select lifecycle_stage as stage, count(*)::int as contacts from contacts where workspace_id = $1
          group by lifecycle_stage order by lifecycle_stage`,
        [WS]
      )).rows,
    companyPage: async (industry, employees) =>
      (await q(
        `select c.* from contacts c join companies co on co.workspace_id = c.workspace_id and co.id = c.company_id
          where c.workspace_id = $1 and co.industry = $2 and co.employees > $3 order by c.last_name, c.id limit 51`,
        [WS, industry, employees]
      )).rows.slice(0, 50),
    buyersByStatus: async (since, until) =>
      (await q(
        `select status, count(distinct contact_id)::int as buyers from orders where workspace_id = $1 and placed_at between $2 and $3
          group by status order by status`,
        [WS, since, until]
      )).rows,
    eventsByType: async (since, until) =>
      (await q(
        `select type, count(*)::int as events from events where workspace_id = $1 and occurred_at between $2 and $3
          group by type order by type`,
        [WS, since, until]
      )).rows,
    totalPercentiles: async (since, until) =>
      (await q(
        `select status, percentile_cont(0.5) within group (order by total_amount_minor) as median,
            percentile_cont(0.9) within group (order by total_amount_minor) as p90
          from orders where workspace_id = $1 and placed_at between $2 and $3 and total_currency = 'EUR'
          group by status order by status`,
        [WS, since, until]
      )).rows,
    ordersPerWeek: async (zone, start, end) =>
      (await q(
        `select to_char(date_trunc('week', to_timestamp(placed_at / 1000.0) at time zone $2), 'YYYY-MM-DD') as week,
            count(*)::int as orders
          from orders where workspace_id = $1 and placed_at >= $3 and placed_at < $4 group by 1 order by 1`,
        [WS, zone, start, end]
      )).rows,
    largeOrdersPlaced: async (since, until, min) =>
      (await q(
        `select count(*)::int as orders, coalesce(sum((payload->>'amountMinor')::bigint), 0)::float8 as amount from events
          where workspace_id = $1 and type = 'OrderPlaced' and occurred_at between $2 and $3 and (payload->>'amountMinor')::bigint >= $4`,
        [WS, since, until, min]
      )).rows,
    close: () => pool.end()
  }
}

export const run = async () => {
  const server = await PgHarness.start()
  const rapportDb = await PgHarness.freshDatabase(server.url, "bench_rapport")
  const baselineDb = await PgHarness.freshDatabase(server.url, "bench_raw")
  try {
    console.log(`PostgreSQL ${server.version}`)
    await StoreBench.run({
      name: "store-pg",
      store: PgStore.layer({ url: rapportDb.url }),
      baseline: baseline(baselineDb.url),
      // Fresh tables have no planner statistics until autovacuum gets to them, and
      // autovacuum then runs in the middle of whichever side is timed first: both sides
      // `vacuum analyze` after the load, untimed, and flush it (`checkpoint`) so that
      // neither side is timed while the server writes out the other's load.
      afterLoad: async () => {
        const client = new pg.Client({ connectionString: rapportDb.url })
        await client.connect()
        try {
          await client.query("vacuum analyze")
          await client.query("checkpoint")
        } finally {
          await client.end()
        }
      }
    })
  } finally {
    await rapportDb.drop()
    await baselineDb.drop()
    await server.stop()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run()
