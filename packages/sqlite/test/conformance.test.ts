import { CrmConformance, PipelinesConformance, StoreConformance } from "@rapport/conformance"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { SqliteStore } from "../src/index.js"

const file = join(mkdtempSync(join(tmpdir(), "rapport-sqlite-test-")), "conformance.db")

StoreConformance.run({ name: "sqlite file", layer: SqliteStore.layer({ filename: file }) })
StoreConformance.run({ name: "sqlite :memory:", layer: SqliteStore.layer({ filename: ":memory:" }), numRuns: 20 })
CrmConformance.run({ name: "sqlite file", layer: SqliteStore.layer({ filename: file }) })
CrmConformance.run({ name: "sqlite :memory:", layer: SqliteStore.layer({ filename: ":memory:" }) })
PipelinesConformance.run({ name: "sqlite file", layer: SqliteStore.layer({ filename: file }) })
PipelinesConformance.run({ name: "sqlite :memory:", layer: SqliteStore.layer({ filename: ":memory:" }) })
