// The packed-package check: what a user gets is the packed tarballs, not the workspace.
// Packs every public package, installs the tarballs (and only the peer a user installs
// by hand, effect@3) into a plain npm project outside the workspace, type-checks every
// ```ts block of the READMEs and docs there with `strict` and `skipLibCheck: false`
// (so the published declarations are checked too), compiles them and runs the runnable
// ones with plain `node` against `dist`.
//
// Run from the repository root after `pnpm build`: `pnpm exec tsx .ci/packed-check.ts`.
// Writes `.ci/results-packed.json` (the counts `.ci/run` adds up) and exits non-zero on
// any failure. `PACKED_CHECK_KEEP=1` keeps the scratch project for a look.
import { execFileSync, spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import ts from "typescript"
import {
  type BlockModule,
  blockName,
  extractBlocks,
  markdownFiles,
  markdownLine,
  pool,
  writeModules
} from "../packages/docs-check/test/DocBlocks.js"
import * as PgHarness from "../packages/testkit/src/PgHarness.js"

const root = Path.resolve(fileURLToPath(new URL("..", import.meta.url)))
const RUN_TIMEOUT_MS = 180_000
const resultsFile = Path.join(root, ".ci", "results-packed.json")

interface Outcome {
  readonly name: string
  readonly ok: boolean
  readonly detail: string
}
const outcomes: Array<Outcome> = []
const record = (name: string, ok: boolean, detail = "") => {
  outcomes.push({ name, ok, detail })
  process.stdout.write(`${ok ? "  ok  " : "  FAIL"} ${name}\n${ok || detail === "" ? "" : indent(detail)}`)
}
const indent = (text: string) => text.split("\n").map((l) => `        ${l}`).join("\n") + "\n"

const run = (command: string, args: ReadonlyArray<string>, cwd: string): string =>
  execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 << 20 })

// ---------------------------------------------------------------------------------------
// 1. Pack every public package.

const publicPackages = Fs.readdirSync(Path.join(root, "packages"))
  .map((dir) => Path.join(root, "packages", dir))
  .filter((dir) => Fs.existsSync(Path.join(dir, "package.json")))
  .map((dir) => ({ dir, manifest: JSON.parse(Fs.readFileSync(Path.join(dir, "package.json"), "utf8")) }))
  .filter(({ manifest }) => manifest.private !== true)

const scratch = Fs.mkdtempSync(Path.join(Os.tmpdir(), "rapport-packed-"))
const tarballs = Path.join(scratch, "tarballs")
const app = Path.join(scratch, "app")
Fs.mkdirSync(tarballs, { recursive: true })
Fs.mkdirSync(app, { recursive: true })

/** A user's strict project on Node: NodeNext modules, and the libraries' declarations checked too. */
const userOptions = (): ts.CompilerOptions => ({
  target: ts.ScriptTarget.ES2022,
  lib: ["lib.es2023.d.ts"],
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  types: ["node"],
  strict: true,
  exactOptionalPropertyTypes: true,
  skipLibCheck: false,
  typeRoots: [Path.join(app, "node_modules", "@types")]
})

/** The repository's own compiler options (tsconfig.base.json), for reading the sources. */
const repoOptions: ts.CompilerOptions = (() => {
  const file = Path.join(root, "tsconfig.base.json")
  const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(file, ts.sys.readFile).config, ts.sys, root, undefined, file)
  return parsed.options
})()

const main = async (): Promise<void> => {
  process.stdout.write(`packing ${publicPackages.length} packages into ${tarballs}\n`)
  const dependencies: Record<string, string> = {}
  for (const { dir, manifest } of publicPackages) {
    if (!Fs.existsSync(Path.join(dir, "dist", "index.js"))) throw new Error(`${manifest.name} is not built (run pnpm build first)`)
    const before = new Set(Fs.readdirSync(tarballs))
    run("npx", ["-y", "pnpm@10", "pack", "--pack-destination", tarballs], dir)
    const made = Fs.readdirSync(tarballs).filter((f) => !before.has(f))
    if (made.length !== 1) throw new Error(`pnpm pack in ${dir} made ${made.length} tarballs`)
    dependencies[manifest.name] = `file:../tarballs/${made[0]}`
  }

  // -------------------------------------------------------------------------------------
  // 2. A plain npm project: the tarballs, effect@3 (the peer a user names), and the tools.
  //    Overrides make a package's dependency on another Rapport package resolve to its
  //    tarball rather than to the registry.
  const rootManifest = JSON.parse(Fs.readFileSync(Path.join(root, "package.json"), "utf8"))
  const overrides = Object.fromEntries(Object.keys(dependencies).map((name) => [name, `$${name}`]))
  Fs.writeFileSync(
    Path.join(app, "package.json"),
    JSON.stringify(
      {
        name: "rapport-packed-check",
        private: true,
        type: "module",
        dependencies: { ...dependencies, effect: "^3.22.0" },
        devDependencies: {
          typescript: rootManifest.devDependencies.typescript,
          "@types/node": rootManifest.devDependencies["@types/node"]
        },
        overrides
      },
      null,
      2
    )
  )
  process.stdout.write(`npm install in ${app}\n`)
  try {
    run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], app)
    record("npm install of the packed packages with effect@3", true)
  } catch (error) {
    record("npm install of the packed packages with effect@3", false, String((error as { stderr?: string }).stderr ?? error))
    return
  }

  // -------------------------------------------------------------------------------------
  // 3. Every documentation block, type-checked as a user's strict project would, with the
  //    published declarations checked too (skipLibCheck off).
  const extracted = markdownFiles(root).map((file) => extractBlocks(file, Fs.readFileSync(Path.join(root, file), "utf8")))
  const workspace = writeModules(Path.join(app, "blocks"), extracted.flatMap((e) => e.blocks))
  const modules = workspace.modules
  const options: ts.CompilerOptions = { ...userOptions(), rootDir: Path.join(app, "blocks"), outDir: Path.join(app, "out") }
  const program = ts.createProgram({ rootNames: modules.map((m) => m.path), options, host: ts.createCompilerHost(options) })
  const byPath = new Map(modules.map((m) => [Path.resolve(m.path), m]))
  const blockErrors = new Map<BlockModule, Array<string>>()
  const libraryErrors: Array<string> = []
  const format = (d: ts.Diagnostic) => `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const module = d.file === undefined ? undefined : byPath.get(Path.resolve(d.file.fileName))
    if (module === undefined || d.file === undefined || d.start === undefined) {
      const where = d.file === undefined
        ? ""
        : `${Path.relative(app, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1} `
      libraryErrors.push(where + format(d))
      continue
    }
    const { line } = d.file.getLineAndCharacterOfPosition(d.start)
    const list = blockErrors.get(module) ?? []
    list.push(`${module.block.file}:${markdownLine(module, line)} ${format(d)}`)
    blockErrors.set(module, list)
  }
  record(
    "published declarations type-check (strict, skipLibCheck off)",
    libraryErrors.length === 0,
    libraryErrors.slice(0, 40).join("\n")
  )
  for (const module of modules) {
    const errors = blockErrors.get(module) ?? []
    record(`${blockName(module.block)} type-checks against the packed packages`, errors.length === 0, errors.join("\n"))
  }
  program.emit()
  compareSurfaces(dependencies)

  // -------------------------------------------------------------------------------------
  // 4. The runnable blocks, with plain node on the compiled JavaScript against `dist`.
  //    Blocks on PostgreSQL read DATABASE_URL, as in docs-check.
  const server = await PgHarness.start()
  const db = await PgHarness.freshDatabase(server.url, "packed")
  try {
    const runnable = modules.filter((m) => m.noRun === undefined && (blockErrors.get(m) ?? []).length === 0)
    const compiled = (m: BlockModule) => Path.join(app, "out", `${Path.basename(m.path, ".ts")}.js`)
    const results = pool(runnable, Math.max(2, Os.availableParallelism()), (m) =>
      runNode(compiled(m), app, { ...process.env, DATABASE_URL: db.url }))
    for (const module of runnable) {
      const result = await results.get(module)!
      record(`${blockName(module.block)} runs with node against dist`, result.ok, result.output)
    }
  } finally {
    await db.drop()
    await server.stop()
  }
}

// ---------------------------------------------------------------------------------------
// The public surface, name by name: every export of every namespace of every package must
// keep its value and type meanings in the published declarations (a bundler once dropped
// `Workspace.WorkspaceId`'s value and `Query.Expr`'s type). Blocks only use a few names;
// this holds all of them.

type Surface = Map<string, string>

const surfaceOf = (checker: ts.TypeChecker, module: ts.Symbol): Surface => {
  const surface: Surface = new Map()
  const meaning = (symbol: ts.Symbol) => {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol
    return [target.flags & ts.SymbolFlags.Value ? "value" : "", target.flags & ts.SymbolFlags.Type ? "type" : ""]
      .filter((m) => m !== "")
      .join("+")
  }
  for (const namespace of checker.getExportsOfModule(module)) {
    surface.set(namespace.name, meaning(namespace))
    const target = namespace.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(namespace) : namespace
    for (const member of checker.getExportsOfModule(target)) surface.set(`${namespace.name}.${member.name}`, meaning(member))
  }
  return surface
}

const compareSurfaces = (dependencies: Record<string, string>): void => {
  const names = Object.keys(dependencies)
  // The workspace's sources, as the repository's own type-check sees them.
  const sourceIndexes = publicPackages.map(({ dir }) => Path.join(dir, "src", "index.ts"))
  const sourceProgram = ts.createProgram({ rootNames: sourceIndexes, options: { ...repoOptions, noEmit: true } })
  const sourceChecker = sourceProgram.getTypeChecker()
  // The packed declarations, as the user's project resolves them.
  const probe = Path.join(app, "surface-probe.ts")
  Fs.writeFileSync(probe, names.map((n, i) => `import * as p${i} from "${n}"\nexport { p${i} }\n`).join(""))
  const packedProgram = ts.createProgram({ rootNames: [probe], options: { ...userOptions(), noEmit: true } })
  const packedChecker = packedProgram.getTypeChecker()
  const probeFile = packedProgram.getSourceFile(probe)!
  const specifiers = probeFile.statements.filter(ts.isImportDeclaration).map((d) => d.moduleSpecifier)
  publicPackages.forEach(({ dir, manifest }) => {
    const sourceFile = sourceProgram.getSourceFile(Path.join(dir, "src", "index.ts"))
    const sourceModule = sourceFile === undefined ? undefined : sourceChecker.getSymbolAtLocation(sourceFile)
    const specifier = specifiers[names.indexOf(manifest.name)]
    const packedModule = specifier === undefined ? undefined : packedChecker.getSymbolAtLocation(specifier)
    if (sourceModule === undefined || packedModule === undefined) {
      record(`${manifest.name}: published exports match the source`, false, "module not found")
      return
    }
    const expected = surfaceOf(sourceChecker, sourceModule)
    const actual = surfaceOf(packedChecker, packedModule)
    const problems = [...expected].flatMap(([name, meaning]) => {
      const got = actual.get(name)
      return got === meaning ? [] : [`${name}: ${meaning} in the source, ${got ?? "missing"} in the published declarations`]
    })
    for (const name of actual.keys()) if (!expected.has(name)) problems.push(`${name}: published but not in the source`)
    record(
      `${manifest.name}: published exports keep every value and type (${expected.size} names)`,
      problems.length === 0,
      problems.slice(0, 40).join("\n")
    )
  })
}

const runNode = (file: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ ok: boolean; output: string }> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, [file], { cwd, env, stdio: ["ignore", "pipe", "pipe"] })
    let output = ""
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()))
    const timer = setTimeout(() => child.kill("SIGKILL"), RUN_TIMEOUT_MS)
    child.on("close", (code, signal) => {
      clearTimeout(timer)
      const tail = output.split("\n").slice(-40).join("\n")
      if (code === 0) resolve({ ok: true, output: "" })
      else if (signal === "SIGKILL") resolve({ ok: false, output: `did not exit within ${RUN_TIMEOUT_MS / 1000} s\n${tail}` })
      else resolve({ ok: false, output: `exited with ${code ?? signal}\n${tail}` })
    })
  })

await main().catch((error) => record("packed-package check ran to the end", false, String(error?.stack ?? error)))
const passed = outcomes.filter((o) => o.ok).length
const failed = outcomes.length - passed
// The shape .ci/run reads from vitest's JSON reports.
Fs.writeFileSync(resultsFile, JSON.stringify({ numPassedTests: passed, numFailedTests: failed, testResults: [] }))
process.stdout.write(`\npacked-package check: ${passed} passed, ${failed} failed\n`)
if (process.env.PACKED_CHECK_KEEP === undefined) Fs.rmSync(scratch, { recursive: true, force: true })
else process.stdout.write(`scratch project kept in ${scratch}\n`)
process.exit(failed === 0 ? 0 : 1)
