// runModule's time limit counts the time this process could watch a run, so a block that
// exits while the event loop is held (as the type-check of the blocks holds it) passes,
// and one that never exits is still reported. These run real child processes with tsx.
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, it } from "vitest"
import { type BlockModule, runModule } from "./DocBlocks.js"

const packageDir = fileURLToPath(new URL("..", import.meta.url))
const dir = Path.join(packageDir, ".blocks", `runModule-${process.pid}-${Date.now().toString(36)}`)
Fs.mkdirSync(dir, { recursive: true })
afterAll(() => Fs.rmSync(dir, { recursive: true, force: true }))

const moduleOf = (name: string, code: string): BlockModule => {
  const path = Path.join(dir, `${name}.ts`)
  Fs.writeFileSync(path, code)
  return {
    block: { file: `${name}.md`, line: 1, code, indent: 0, directives: new Set(), note: undefined },
    path,
    header: 0,
    lines: code.split("\n").length - 1,
    noRun: undefined
  }
}

/** Holds this thread (and so its event loop) without spinning, as a long synchronous call would. */
const hold = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)

describe("runModule", () => {
  it("passes a block that exited while this process's event loop was held past the limit", async () => {
    const marker = Path.join(dir, "exited")
    const module = moduleOf("quick", `import * as Fs from "node:fs"\nconsole.log("done")\nprocess.on("exit", () => Fs.writeFileSync(${JSON.stringify(marker)}, ""))\n`)
    const limitMs = 5_000
    const started = Date.now()
    const run = runModule(module, [module], packageDir, limitMs)
    // Hold the loop until the child has finished (however long it takes to start on a
    // loaded machine) and the limit has passed in wall time.
    while (!Fs.existsSync(marker) || Date.now() - started < limitMs + 1_000) {
      if (Date.now() - started > 120_000) throw new Error("the child never ran")
      hold(50)
    }
    const result = await run
    expect(result.output).toContain("done")
    expect(result.ok).toBe(true)
  }, 180_000)

  it("reports a block that does not exit", async () => {
    const module = moduleOf("hangs", `console.log("started")\nsetInterval(() => {}, 1_000)\n`)
    const result = await runModule(module, [module], packageDir, 2_000)
    expect(result.ok).toBe(false)
    // Whatever it printed follows (nothing if it was killed before it got that far).
    expect(result.output).toMatch(/^did not exit within 2 s \(a server, a timer or an open handle\?\)\n/)
  }, 180_000)
})
