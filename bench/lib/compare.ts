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
  /**
   * For slow cases (a second a run): the fewest runs of each side a round, and its
   * warm-up runs before the first round. Without it, tinybench's defaults (16 warm-up
   * runs and 250 ms) and 4 runs a round.
   */
  readonly iterations?: number
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

const median = (xs: ReadonlyArray<number>) => {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/**
 * Times each case's two sides in alternating rounds (Rapport first, then the baseline
 * first, …) and reports medians over the rounds: a database that drifts during a run
 * (autovacuum, checkpoints, caches warming) then weighs on both sides alike, instead of
 * on whichever side happened to run second.
 */
export const compare = async (
  cases: ReadonlyArray<Case>,
  options: { readonly time?: number; readonly rounds?: number } = {}
): Promise<Array<Row>> => {
  const rows: Array<Row> = []
  const rounds = options.rounds ?? 6
  for (const c of cases) {
    const rapport: Array<number> = []
    const baseline: Array<number> = []
    for (let round = 0; round < rounds; round++) {
      // A time budget per round, and few iterations at least: slow aggregates stay cheap to time.
      const bench = new Bench({
        time: (options.time ?? 500) / rounds,
        iterations: c.iterations ?? 4,
        warmup: round === 0,
        ...(c.iterations === undefined ? {} : { warmupIterations: c.iterations, warmupTime: 0 })
      })
      const sides = [["rapport", c.rapport, rapport], ["baseline", c.baseline, baseline]] as const
      for (const [name, fn] of round % 2 === 0 ? sides : [...sides].reverse()) bench.add(name, fn)
      await bench.run()
      for (const t of bench.tasks) {
        if (t.result.state !== "completed") throw new Error(`${c.name} (${t.name}) did not complete: ${t.result.state}`)
        ;(t.name === "rapport" ? rapport : baseline).push(t.result.latency.mean)
      }
    }
    rows.push({
      case: c.name,
      rapportOpsPerSec: 1000 / median(rapport),
      baselineOpsPerSec: 1000 / median(baseline),
      ratio: median(rapport.map((r, i) => r / baseline[i]!))
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
