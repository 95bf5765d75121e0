// Finds the ```ts blocks of the Markdown docs, writes each as a module inside this package (so
// `@rapport/*` and `effect` resolve exactly as in the repo), type-checks them in one program and
// runs the self-contained ones with tsx.
//
// Markers, an HTML comment on the line before the fence (blank lines in between are allowed):
//   <!-- docs-check: skip -->      not checked at all: a fragment that is not a program
//   <!-- docs-check: no-run -->    type-checked, not run (needs a server, a network, ...)
//   <!-- docs-check: continue -->  builds on the previous checked block of the same file: its
//                                  top-level names (imports and declarations) are in scope
// Several can be combined, and a reason can follow in parentheses:
//   <!-- docs-check: continue, no-run (needs the PostgreSQL server started above) -->
import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Path from "node:path"
import ts from "typescript"

/** The Markdown files whose ```ts blocks are checked, relative to the repository root. */
export const markdownFiles = (root: string): ReadonlyArray<string> => {
  const inDir = (dir: string, pick: (name: string) => string | undefined): Array<string> => {
    const abs = Path.join(root, dir)
    if (!Fs.existsSync(abs)) return []
    return Fs.readdirSync(abs, { withFileTypes: true })
      .flatMap((entry) => {
        const file = pick(entry.name)
        return file !== undefined && Fs.existsSync(Path.join(abs, file)) ? [Path.posix.join(dir, file)] : []
      })
      .sort()
  }
  return [
    ...(Fs.existsSync(Path.join(root, "README.md")) ? ["README.md"] : []),
    ...inDir("packages", (name) => Path.posix.join(name, "README.md")),
    ...inDir("docs", (name) => name.endsWith(".md") ? name : undefined)
  ]
}

export type Directive = "skip" | "no-run" | "continue"
const directives: ReadonlySet<string> = new Set<Directive>(["skip", "no-run", "continue"])

export interface Block {
  /** Repository-relative path of the Markdown file. */
  readonly file: string
  /** 1-based line of the opening fence. */
  readonly line: number
  /** The block's source, with the fence's indentation removed. */
  readonly code: string
  /** Columns of indentation removed from each line (for diagnostics). */
  readonly indent: number
  readonly directives: ReadonlySet<Directive>
  /** The reason given in parentheses in the marker, if any. */
  readonly note: string | undefined
}

export const blockName = (block: Pick<Block, "file" | "line">): string => `${block.file}:${block.line}`

const markerRe = /^\s*<!--\s*docs-check:([^(]*?)(?:\((.*)\))?\s*-->\s*$/
const openRe = /^( {0,3})(`{3,}|~{3,})\s*([^\s`]*)(.*)$/

/** Extracts the ```ts blocks of one Markdown text, and the problems with its markers. */
export const extractBlocks = (
  file: string,
  text: string
): { readonly blocks: ReadonlyArray<Block>; readonly problems: ReadonlyArray<string> } => {
  const lines = text.split(/\r?\n/)
  const blocks: Array<Block> = []
  const problems: Array<string> = []
  // The marker waiting for the next fence: its line and directives.
  let pending: { line: number; directives: Set<Directive>; note: string | undefined } | undefined
  const dangling = () => {
    if (pending !== undefined) {
      problems.push(`${file}:${pending.line}: docs-check marker is not followed by a \`\`\`ts block`)
      pending = undefined
    }
  }
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    const marker = markerRe.exec(line)
    if (marker !== null) {
      dangling()
      const words = marker[1]!.split(/[\s,]+/).filter((w) => w !== "")
      const found = new Set<Directive>()
      for (const word of words) {
        if (directives.has(word)) found.add(word as Directive)
        else problems.push(`${file}:${i + 1}: unknown docs-check directive "${word}" (known: ${[...directives].join(", ")})`)
      }
      if (words.length === 0) problems.push(`${file}:${i + 1}: empty docs-check marker`)
      pending = { line: i + 1, directives: found, note: marker[2]?.trim() }
      continue
    }
    const open = openRe.exec(line)
    if (open === null) {
      if (line.trim() !== "") dangling()
      continue
    }
    const indent = open[1]!.length
    const fence = open[2]!
    const lang = open[3]!.toLowerCase()
    // A backtick fence's info string cannot contain backticks: "```ts`" is inline code, not a fence.
    if (fence.startsWith("`") && open[4]!.includes("`")) {
      dangling()
      continue
    }
    const closeRe = new RegExp(`^ {0,3}${fence[0] === "`" ? "`" : "~"}{${fence.length},}\\s*$`)
    const body: Array<string> = []
    let j = i + 1
    while (j < lines.length && !closeRe.test(lines[j]!)) {
      const content = lines[j]!
      // Remove up to `indent` leading spaces, as CommonMark does for indented fences.
      const strip = Math.min(indent, content.length - content.trimStart().length)
      body.push(content.slice(strip))
      j++
    }
    if (lang === "ts" || lang === "typescript") {
      blocks.push({
        file,
        line: i + 1,
        code: body.join("\n") + "\n",
        indent,
        directives: pending?.directives ?? new Set(),
        note: pending?.note
      })
      pending = undefined
    } else {
      dangling()
    }
    i = j // the closing fence (or the end of the file)
  }
  dangling()
  return { blocks, problems }
}

interface Scope {
  /** Top-level names, the value ones (namespaces, consts, functions, classes) and the type ones. */
  readonly values: ReadonlySet<string>
  readonly types: ReadonlySet<string>
}

interface Analysis {
  readonly scope: Scope
  /** Names already exported by the block itself. */
  readonly exported: ReadonlySet<string>
  readonly specifiers: ReadonlyArray<string>
}

const bindingNames = (name: ts.BindingName, into: Set<string>): void => {
  if (ts.isIdentifier(name)) into.add(name.text)
  else {
    for (const element of name.elements) {
      if (!ts.isOmittedExpression(element)) bindingNames(element.name, into)
    }
  }
}

const hasExport = (node: ts.Node): boolean =>
  ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)

/** The names a block binds at its top level, and the modules it imports. */
const analyse = (code: string): Analysis => {
  const source = ts.createSourceFile("block.ts", code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS)
  const values = new Set<string>()
  const types = new Set<string>()
  const exported = new Set<string>()
  const specifiers: Array<string> = []
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      if (ts.isStringLiteral(statement.moduleSpecifier)) specifiers.push(statement.moduleSpecifier.text)
      const clause = statement.importClause
      if (clause === undefined) continue
      const target = clause.isTypeOnly ? types : values
      if (clause.name !== undefined) target.add(clause.name.text)
      const bindings = clause.namedBindings
      if (bindings !== undefined && ts.isNamespaceImport(bindings)) target.add(bindings.name.text)
      if (bindings !== undefined && ts.isNamedImports(bindings)) {
        for (const element of bindings.elements) {
          ;(clause.isTypeOnly || element.isTypeOnly ? types : values).add(element.name.text)
        }
      }
      continue
    }
    if (ts.isExportDeclaration(statement)) {
      if (statement.moduleSpecifier !== undefined && ts.isStringLiteral(statement.moduleSpecifier)) {
        specifiers.push(statement.moduleSpecifier.text)
      }
      continue
    }
    const names = new Set<string>()
    let target = values
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) bindingNames(declaration.name, names)
    } else if (
      (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isEnumDeclaration(statement)) &&
      statement.name !== undefined
    ) {
      names.add(statement.name.text)
    } else if (ts.isModuleDeclaration(statement) && ts.isIdentifier(statement.name)) {
      names.add(statement.name.text)
    } else if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) {
      names.add(statement.name.text)
      target = types
    }
    for (const name of names) {
      target.add(name)
      if (hasExport(statement)) exported.add(name)
    }
  }
  return { scope: { values, types }, exported, specifiers }
}

export interface BlockModule {
  readonly block: Block
  /** Absolute path of the generated module. */
  readonly path: string
  /** Lines added before the block's code (the import of the previous block). */
  readonly header: number
  /** Lines of the block's own code. */
  readonly lines: number
  /** Why the block is type-checked but not run, or undefined when it runs. */
  readonly noRun: string | undefined
}

export interface Workspace {
  readonly dir: string
  readonly modules: ReadonlyArray<BlockModule>
  readonly skipped: ReadonlyArray<Block>
  readonly problems: ReadonlyArray<string>
  readonly dispose: () => void
}

const slug = (file: string): string => file.replace(/\.md$/i, "").replace(/[^A-Za-z0-9_-]+/g, "__")

const importList = (scope: Scope, except: Analysis): string =>
  [
    ...[...scope.values].filter((n) => !except.scope.values.has(n) && !except.scope.types.has(n)),
    ...[...scope.types].filter((n) => !except.scope.values.has(n) && !except.scope.types.has(n)).map((n) =>
      `type ${n}`
    )
  ].join(", ")

/**
 * Writes each checked block as `<dir>/<file>.L<line>.ts`. Every module exports its top-level names,
 * so that a `continue` block can import them from the module of the block it builds on.
 */
export const writeModules = (dir: string, blocks: ReadonlyArray<Block>): Workspace => {
  Fs.mkdirSync(dir, { recursive: true })
  const modules: Array<BlockModule> = []
  const skipped: Array<Block> = []
  const problems: Array<string> = []
  // Per Markdown file: the last checked block's module, scope and reason not to run.
  const previous = new Map<string, { module: BlockModule; scope: Scope; noRun: string | undefined }>()
  for (const block of blocks) {
    if (block.directives.has("skip")) {
      if (block.directives.size > 1) problems.push(`${blockName(block)}: "skip" cannot be combined with other directives`)
      skipped.push(block)
      continue
    }
    const analysis = analyse(block.code)
    const name = `${slug(block.file)}.L${block.line}`
    const path = Path.join(dir, `${name}.ts`)
    let header = ""
    let scope = analysis.scope
    let inherited: string | undefined
    if (block.directives.has("continue")) {
      const prev = previous.get(block.file)
      if (prev === undefined) {
        problems.push(`${blockName(block)}: "continue" but no earlier checked \`\`\`ts block in this file`)
      } else {
        const list = importList(prev.scope, analysis)
        header = `import { ${list} } from "./${Path.basename(prev.module.path, ".ts")}.js"\n`
        scope = {
          values: new Set([...prev.scope.values, ...analysis.scope.values]),
          types: new Set([...[...prev.scope.types].filter((n) => !analysis.scope.values.has(n)), ...analysis.scope.types])
        }
        inherited = prev.noRun === undefined ? undefined : `continues ${blockName(prev.module.block)} (${prev.noRun})`
      }
    }
    const noRun = block.directives.has("no-run")
      ? `docs-check: no-run${block.note === undefined ? "" : `: ${block.note}`}`
      : inherited
    const values = [...scope.values].filter((n) => !analysis.exported.has(n))
    const types = [...scope.types].filter((n) => !analysis.exported.has(n) && !scope.values.has(n))
    // `export {}` also makes a block without imports a module rather than a global script.
    const footer = `\nexport { ${values.join(", ")} }\n` + (types.length > 0 ? `export type { ${types.join(", ")} }\n` : "")
    Fs.writeFileSync(path, header + block.code + footer)
    const module: BlockModule = {
      block,
      path,
      header: header === "" ? 0 : 1,
      lines: block.code.split("\n").length - 1,
      noRun
    }
    modules.push(module)
    previous.set(block.file, { module, scope, noRun })
  }
  return {
    dir,
    modules,
    skipped,
    problems,
    dispose: () => Fs.rmSync(dir, { recursive: true, force: true })
  }
}

/** The Markdown line of a 0-based line of a generated module (header and footer map to the fence). */
export const markdownLine = (module: BlockModule, moduleLine: number): number => {
  const codeLine = moduleLine - module.header
  return codeLine < 0 || codeLine >= module.lines ? module.block.line : module.block.line + 1 + codeLine
}

/** Compiler options of tsconfig.base.json, for the documentation blocks. */
export const compilerOptions = (tsconfigPath: string): ts.CompilerOptions => {
  const read = ts.readConfigFile(tsconfigPath, ts.sys.readFile)
  if (read.error !== undefined) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, "\n"))
  const parsed = ts.parseJsonConfigFileContent(
    read.config,
    ts.sys,
    Path.dirname(tsconfigPath),
    undefined,
    tsconfigPath
  )
  // 18003: "No inputs were found": the base config lists no files, the blocks are the inputs.
  const errors = parsed.errors.filter((d) => d.code !== 18003)
  if (errors.length > 0) {
    throw new Error(errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")).join("\n"))
  }
  return {
    ...parsed.options,
    noEmit: true,
    declaration: false,
    declarationMap: false,
    sourceMap: false,
    // Examples show values the reader may use (`const { contact, deal } = ...`); an unused local is
    // not a broken example, so these two lint-like checks are off for the blocks only.
    noUnusedLocals: false,
    noUnusedParameters: false
  }
}

/** Type-checks all modules in one program; the diagnostics of each block, as "file:line:col TSxxxx message". */
export const typeCheck = (
  modules: ReadonlyArray<BlockModule>,
  options: ts.CompilerOptions
): { readonly global: ReadonlyArray<string>; readonly byBlock: ReadonlyMap<BlockModule, ReadonlyArray<string>> } => {
  const program = ts.createProgram({ rootNames: modules.map((m) => m.path), options })
  const format = (d: ts.Diagnostic) => `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`
  const global = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()].map(format)
  const byBlock = new Map<BlockModule, ReadonlyArray<string>>()
  for (const module of modules) {
    const source = program.getSourceFile(module.path)
    if (source === undefined) {
      byBlock.set(module, [`${blockName(module.block)}: the generated module was not part of the program`])
      continue
    }
    const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]
    byBlock.set(
      module,
      diagnostics.map((d) => {
        if (d.file === undefined || d.start === undefined) return `${blockName(module.block)}: ${format(d)}`
        const { character, line } = d.file.getLineAndCharacterOfPosition(d.start)
        const mdLine = markdownLine(module, line)
        const column = mdLine === module.block.line ? 1 : character + 1 + module.block.indent
        return `${module.block.file}:${mdLine}:${column} ${format(d)}`
      })
    )
  }
  return { global, byBlock }
}

export interface RunResult {
  readonly ok: boolean
  readonly ms: number
  readonly output: string
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/** Rewrites "…/<module>.ts:12:3" in a stack trace to the Markdown "file:line:col". */
const toMarkdownLocations = (text: string, modules: ReadonlyArray<BlockModule>): string =>
  modules.reduce(
    (acc, module) =>
      acc.replace(
        new RegExp(`(?:file://)?${escapeRe(module.path)}:(\\d+)(?::(\\d+))?`, "g"),
        (_, line: string, column: string | undefined) =>
          `${module.block.file}:${markdownLine(module, Number(line) - 1)}${
            column === undefined ? "" : `:${Number(column) + module.block.indent}`
          }`
      ),
    text
  )

/** How often `runModule` looks at the clock. */
const TICK_MS = 250

/**
 * Runs one module with `node --import tsx`; fails when it exits non-zero or does not exit
 * within `timeoutMs` of time this process was able to watch it.
 *
 * Watched time, not wall time: while this process cannot run (the type-check of the
 * blocks holds its event loop for seconds, tens of seconds on a loaded machine), a child
 * that has long exited looks as if it were still running, since its exit is only seen
 * when the loop turns again; and a plain timer, due by then, fires first. So the clock
 * ticks, and a late tick counts as one tick: the exit events waiting behind it are
 * handled before the next one. A real hang still accrues time at the normal rate and is
 * reported; `wallLimitMs` bounds a hang on a machine too starved to tick.
 */
export const runModule = (
  module: BlockModule,
  modules: ReadonlyArray<BlockModule>,
  cwd: string,
  timeoutMs: number,
  wallLimitMs = 4 * timeoutMs
): Promise<RunResult> =>
  new Promise((resolve) => {
    const started = Date.now()
    const child = spawn(process.execPath, ["--import", "tsx", module.path], {
      cwd,
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let output = ""
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()))
    let timedOut: string | undefined
    let settled = false
    let watched = 0
    let last = started
    const ticker = setInterval(() => {
      const now = Date.now()
      watched += Math.min(now - last, 2 * TICK_MS)
      last = now
      if (timedOut === undefined && (watched >= timeoutMs || now - started >= wallLimitMs)) {
        timedOut = `did not exit within ${timeoutMs / 1000} s (a server, a timer or an open handle?)\n`
        child.kill("SIGKILL")
      } else if (timedOut !== undefined && watched >= timeoutMs + 10_000) {
        // Killed, yet its output stays open: a process it started holds it.
        done(false, timedOut.replace("\n", "; its output stayed open after it was killed (a process it started?)\n"))
      }
    }, TICK_MS)
    const done = (ok: boolean, note: string) => {
      if (settled) return
      settled = true
      clearInterval(ticker)
      const tail = output.split("\n").slice(-60).join("\n")
      resolve({ ok, ms: Date.now() - started, output: toMarkdownLocations(note + tail, modules) })
    }
    child.on("error", (error) => done(false, `could not start: ${error.message}\n`))
    child.on("close", (code, signal) => {
      if (timedOut !== undefined) done(false, timedOut)
      else if (code === 0) done(true, "")
      else done(false, `exited with ${code ?? signal}\n`)
    })
  })

/** Runs `tasks` with at most `limit` in flight; each result is available as soon as it settles. */
export const pool = <A, B>(items: ReadonlyArray<A>, limit: number, task: (a: A) => Promise<B>): Map<A, Promise<B>> => {
  const results = new Map<A, Promise<B>>()
  let running = 0
  const queue: Array<() => void> = []
  const next = () => {
    running--
    queue.shift()?.()
  }
  for (const item of items) {
    results.set(
      item,
      new Promise<B>((resolve, reject) => {
        const start = () => {
          running++
          task(item).then(resolve, reject).finally(next)
        }
        if (running < limit) start()
        else queue.push(start)
      })
    )
  }
  return results
}
