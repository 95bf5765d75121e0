import { describe, expect, it } from "@effect/vitest"
import { Collection, Field } from "@rapport/core"
import { Schema } from "effect"
import { Dialect, Layout } from "../src/index.js"

const fields = { ownerId: Field.ref("user", Schema.String), total: Field.money(), custom: Field.json(Schema.Unknown) }
class Thing extends Schema.Class<Thing>("Thing")(Collection.modelFields(Schema.String, fields)) {}
const things = Collection.make({ name: "thing", schema: Thing, fields, unique: [["total"]] })

describe("Layout", () => {
  it("leads the primary key, unique keys and indexes with workspace_id", () => {
    const ddl = Layout.ddl(Dialect.postgres(), Layout.make(things.spec))
    expect(ddl[0]).toContain(`PRIMARY KEY ("workspace_id", "id")`)
    expect(ddl[0]).toContain(`"total_amount_minor" bigint NOT NULL, "total_currency" text COLLATE "C" NOT NULL`)
    expect(ddl[1]).toMatch(/CREATE UNIQUE INDEX IF NOT EXISTS "ux_thing_\w+" ON "thing" \("workspace_id", "total_amount_minor", "total_currency"\)/)
    expect(ddl[2]).toMatch(/ON "thing" \("workspace_id", "ownerId"\)/)
  })
})
