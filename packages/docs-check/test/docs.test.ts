// Every ```ts block of README.md, packages/*/README.md and docs/*.md type-checks against the
// workspace's sources, and the ones that need no server run without throwing.
// Markers (see DocBlocks.ts): <!-- docs-check: skip | no-run | continue -->
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { PgHarness } from "@rapport/testkit"
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import {
  type Block,
  type BlockModule,
  blockName,
  compilerOptions,
  extractBlocks,
  markdownFiles,
  pool,
  runModule,
  type RunResult,
  typeCheck,
  type Workspace,
  writeModules
} from "./DocBlocks.js"

const packageDir = fileURLToPath(new URL("..", import.meta.url))
const root = Path.resolve(packageDir, "../..")
// A block exits in 1–2 s on an idle 2-core machine and in about 4 s with both cores busy.
// The limit counts only time this process could watch the run (see `runModule`), so the
// seconds its own type-check holds the event loop do not count against the blocks.
const RUN_TIMEOUT_MS = 60_000
// A starved machine may not let the watch tick: past this much wall time a run is a hang.
const RUN_WALL_LIMIT_MS = 4 * RUN_TIMEOUT_MS
// The tests wait for the runs; they must outlast a run's own limits, whose message names
// the block and shows its output.
const WAIT_FOR_RUN_MS = RUN_WALL_LIMIT_MS + 30_000

const files = markdownFiles(root)
const extracted = files.map((file) => extractBlocks(file, Fs.readFileSync(Path.join(root, file), "utf8")))
const blocks: ReadonlyArray<Block> = extracted.flatMap((e) => e.blocks)
const markerProblems = extracted.flatMap((e) => e.problems)

// A directory per run: other vitest runs may be checking the docs at the same time.
const workspace: Workspace = writeModules(
  Path.join(packageDir, ".blocks", `run-${process.pid}-${Date.now().toString(36)}`),
  blocks
)
const moduleOf = new Map<Block, BlockModule>(workspace.modules.map((m) => [m.block, m]))

let checked: ReturnType<typeof typeCheck> | undefined
let runs: Map<BlockModule, Promise<RunResult>> | undefined
let dropDatabase: (() => Promise<void>) | undefined

beforeAll(async () => {
  // Blocks on PostgreSQL read `DATABASE_URL`, as a user's program would: a fresh database
  // of the test server (the children inherit this process's environment).
  const db = await PgHarness.freshDatabase(inject("rapportPgUrl"), "docs")
  dropDatabase = db.drop
  process.env.DATABASE_URL = db.url
  // Start the runs first: they proceed in child processes while this process type-checks.
  runs = pool(
    workspace.modules.filter((m) => m.noRun === undefined),
    Math.max(2, Os.availableParallelism()),
    (m) => runModule(m, workspace.modules, packageDir, RUN_TIMEOUT_MS, RUN_WALL_LIMIT_MS)
  )
  checked = typeCheck(workspace.modules, compilerOptions(Path.join(root, "tsconfig.base.json")))
  // The type-check takes about 6 s idle and 15 s with both cores busy.
}, 300_000)

afterAll(async () => {
  if (runs !== undefined) await Promise.allSettled(runs.values())
  await dropDatabase?.()
  if (process.env.DOCS_CHECK_KEEP === undefined) workspace.dispose()
  else console.log(`docs-check: generated modules kept in ${workspace.dir}`)
}, WAIT_FOR_RUN_MS)

describe("docs ```ts blocks", () => {
  it("are found, and their docs-check markers are well-formed", () => {
    expect(blocks.length, `no \`\`\`ts blocks found in ${files.join(", ")}`).toBeGreaterThan(0)
    expect([...markerProblems, ...workspace.problems]).toEqual([])
  })

  it("compiler options are valid", () => {
    expect(checked!.global).toEqual([])
  })

  // A `skip` block (a template, say) gets no test at all: the marker is its record.
  const checkedBlocks = blocks.filter((block) => moduleOf.has(block))
  describe.each(checkedBlocks.map((block) => [blockName(block), block] as const))("%s", (_, block) => {
    const module = moduleOf.get(block)!
    it("type-checks", () => {
      const diagnostics = checked!.byBlock.get(module) ?? []
      if (diagnostics.length > 0) {
        throw new Error(`${blockName(block)} does not type-check:\n${diagnostics.join("\n")}`)
      }
    })
    if (module.noRun !== undefined) return
    it("runs", async () => {
      const result = await runs!.get(module)!
      if (!result.ok) throw new Error(`${blockName(block)} failed when run with tsx:\n${result.output}`)
    }, WAIT_FOR_RUN_MS)
  })
})
