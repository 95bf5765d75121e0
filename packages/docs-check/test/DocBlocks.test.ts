// The extractor and the module writer, on small Markdown texts (no compiler, no child process).
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import { extractBlocks, markdownLine, writeModules } from "./DocBlocks.js"

const md = (...lines: ReadonlyArray<string>) => lines.join("\n")

describe("extractBlocks", () => {
  it("finds ```ts and ```typescript blocks with the line of their fence, and only those", () => {
    const { blocks, problems } = extractBlocks(
      "x.md",
      md(
        "# Title",
        "```sh",
        "```ts", // inside a sh block: not a fence opening a ts block
        "```",
        "",
        "```ts",
        "const a = 1",
        "```",
        "~~~typescript title=\"b\"",
        "const b = 2",
        "~~~",
        "   ```ts",
        "   const c = 3",
        "     .toString()",
        "   ```"
      )
    )
    expect(problems).toEqual([])
    expect(blocks.map((b) => [b.line, b.code, b.indent])).toEqual([
      [6, "const a = 1\n", 0],
      [9, "const b = 2\n", 0],
      [12, "const c = 3\n  .toString()\n", 3]
    ])
  })

  it("reads markers on the line before the fence, blank lines allowed, with a reason in parentheses", () => {
    const { blocks, problems } = extractBlocks(
      "x.md",
      md(
        "<!-- docs-check: skip (a template) -->",
        "```ts",
        "```",
        "<!-- docs-check: continue, no-run -->",
        "",
        "```ts",
        "```",
        "```ts",
        "```"
      )
    )
    expect(problems).toEqual([])
    expect(blocks.map((b) => [[...b.directives], b.note])).toEqual([
      [["skip"], "a template"],
      [["continue", "no-run"], undefined],
      [[], undefined]
    ])
  })

  it("reports unknown directives and markers that are not followed by a ```ts block", () => {
    const { problems } = extractBlocks(
      "x.md",
      md(
        "<!-- docs-check: skipp -->",
        "```ts",
        "```",
        "<!-- docs-check: skip -->",
        "Some text.",
        "<!-- docs-check: no-run -->",
        "```sh",
        "```",
        "<!-- docs-check: skip -->"
      )
    )
    expect(problems).toEqual([
      "x.md:1: unknown docs-check directive \"skipp\" (known: skip, no-run, continue)",
      "x.md:4: docs-check marker is not followed by a ```ts block",
      "x.md:6: docs-check marker is not followed by a ```ts block",
      "x.md:9: docs-check marker is not followed by a ```ts block"
    ])
  })
})

describe("writeModules", () => {
  const dirs: Array<string> = []
  afterEach(() => {
    for (const dir of dirs.splice(0)) Fs.rmSync(dir, { recursive: true, force: true })
  })
  const write = (text: string) => {
    const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "docs-check-"))
    dirs.push(dir)
    const workspace = writeModules(dir, extractBlocks("docs/x.md", text).blocks)
    return { ...workspace, source: (i: number) => Fs.readFileSync(workspace.modules[i]!.path, "utf8") }
  }

  it("exports every top-level name, and a continue block imports those it does not bind itself", () => {
    const ws = write(md(
      "```ts",
      "import { Effect } from \"effect\"",
      "import type { Layer } from \"effect\"",
      "interface Deal { readonly amount: number }",
      "const { a, b: [c] } = { a: 1, b: [2] }",
      "export function f(_: Layer.Layer<never>) {}",
      "```",
      "<!-- docs-check: continue -->",
      "```ts",
      "import { Effect } from \"effect\"",
      "const d: Deal = { amount: a + c }",
      "```"
    ))
    expect(ws.problems).toEqual([])
    expect(ws.source(0)).toContain("\nexport { Effect, a, c }\nexport type { Layer, Deal }\n")
    expect(ws.source(1).split("\n")[0]).toBe("import { a, c, f, type Layer, type Deal } from \"./docs__x.L1.js\"")
    expect(ws.source(1)).toContain("\nexport { Effect, a, c, f, d }\nexport type { Layer, Deal }\n")
    const second = ws.modules[1]!
    expect([0, 1, 2, 3].map((line) => markdownLine(second, line))).toEqual([9, 10, 11, 9])
  })

  it("runs blocks on PostgreSQL too, but not a no-run block or one that continues it", () => {
    const ws = write(md(
      "```ts",
      "import { PgStore } from \"@rapport/pg\"",
      "```",
      "<!-- docs-check: no-run (opens a port) -->",
      "```ts",
      "```",
      "<!-- docs-check: continue -->",
      "```ts",
      "```",
      "```ts",
      "```"
    ))
    expect(ws.modules.map((m) => m.noRun)).toEqual([
      undefined,
      "docs-check: no-run: opens a port",
      "continues docs/x.md:5 (docs-check: no-run: opens a port)",
      undefined
    ])
  })

  it("reports a continue block with nothing to continue, and skip combined with other directives", () => {
    const ws = write(md(
      "<!-- docs-check: continue -->",
      "```ts",
      "```",
      "<!-- docs-check: skip, no-run -->",
      "```ts",
      "```"
    ))
    expect(ws.problems).toEqual([
      "docs/x.md:2: \"continue\" but no earlier checked ```ts block in this file",
      "docs/x.md:5: \"skip\" cannot be combined with other directives"
    ])
  })
})
