/**
 * Runs each case as a pair (Rapport and its baseline) on the same data in the same
 * process, prints ops/s and the ratio of their mean times, and writes the figures to
 * `bench/results/<name>.json`. Absolute times vary between machines; the ratio is the
 * figure that counts.
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { Bench } from "tinybench"

export interface Case {
  readonly name: string
  readonly rapport: () => unknown
  readonly baseline: () => unknown
}

export interface Row {
  readonly case: string
  readonly rapportOpsPerSec: number
  readonly baselineOpsPerSec: number
  /** Rapport's mean time divided by the baseline's: 1.0 is parity, lower is better. */
  readonly ratio: number
}

const format = (n: number) => (n >= 100 ? Math.round(n).toLocaleString("en-US") : n.toFixed(2))

/** Times a one-shot operation (bulk loads) that cannot be repeated on the same data. */
export const once = async (run: () => unknown): Promise<number> => {
  const started = performance.now()
  await run()
  return performance.now() - started
}

export const printTable = (title: string, rows: ReadonlyArray<Row>, baselineName: string) => {
  const header = ["case", "rapport ops/s", `${baselineName} ops/s`, "ratio (time)"]
  const body = rows.map((r) => [r.case, format(r.rapportOpsPerSec), format(r.baselineOpsPerSec), `${r.ratio.toFixed(2)}x`])
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)))
  const line = (cells: ReadonlyArray<string>) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")
  console.log(`\n${title}`)
  console.log(line(header))
  console.log(widths.map((w) => "-".repeat(w)).join("  "))
  for (const b of body) console.log(line(b))
}

export const compare = async (cases: ReadonlyArray<Case>, options: { readonly time?: number } = {}): Promise<Array<Row>> => {
  const rows: Array<Row> = []
  for (const c of cases) {
    const bench = new Bench({ time: options.time ?? 500, warmup: true })
    bench.add("rapport", c.rapport).add("baseline", c.baseline)
    await bench.run()
    const [rapport, baseline] = bench.tasks.map((t) => {
      const result = t.result
      if (result.state !== "completed") throw new Error(`${c.name} (${t.name}) did not complete: ${result.state}`)
      return result.latency.mean
    })
    rows.push({
      case: c.name,
      rapportOpsPerSec: 1000 / rapport!,
      baselineOpsPerSec: 1000 / baseline!,
      ratio: rapport! / baseline!
    })
  }
  return rows
}

export const writeResults = (name: string, payload: unknown) => {
  const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "results")
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(payload, null, 2)}\n`)
}

/** Mean time of each step in microseconds, timed one after the other (a breakdown, not a race). */
export const steps = async (
  list: ReadonlyArray<{ readonly name: string; readonly run: () => unknown }>,
  options: { readonly time?: number } = {}
): Promise<Array<{ readonly step: string; readonly micros: number }>> => {
  const bench = new Bench({ time: options.time ?? 500, warmup: true })
  for (const s of list) bench.add(s.name, s.run)
  await bench.run()
  return bench.tasks.map((t) => {
    if (t.result.state !== "completed") throw new Error(`${t.name} did not complete: ${t.result.state}`)
    return { step: t.name, micros: t.result.latency.mean * 1000 }
  })
}
