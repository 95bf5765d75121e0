import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import pg from "pg"
import { PgHarness } from "../src/index.js"

describe("PgHarness", () => {
  let db: { readonly url: string; readonly drop: () => Promise<void> }
  beforeAll(async () => {
    db = await PgHarness.freshDatabase(inject("rapportPgUrl"), "harness")
  })
  afterAll(async () => {
    await db.drop()
  })

  it("gives each test file a database of its own that starts empty", async () => {
    const client = new pg.Client({ connectionString: db.url })
    await client.connect()
    try {
      const tables = await client.query("select count(*)::int as n from information_schema.tables where table_schema = 'public'")
      expect(tables.rows[0].n).toBe(0)
      await client.query("create table probe (id int primary key)")
      await client.query("insert into probe values (1), (2)")
      const rows = await client.query("select count(*)::int as n from probe")
      expect(rows.rows[0].n).toBe(2)
      const version = await client.query("show server_version_num")
      expect(Number(version.rows[0].server_version_num)).toBeGreaterThanOrEqual(150000)
    } finally {
      await client.end()
    }
  })
})
