/**
 * Plain-text rendering for the demo: aligned tables and a short timeline.
 */
import { Money, Timestamp } from "@rapport/core"

export const table = (headers: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)))
  const line = (cells: ReadonlyArray<string>) =>
    cells.map((c, i) => (/^-?[\d.,]+( [A-Z]{3})?$/.test(c) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd()
  return [line(headers), widths.map((w) => "─".repeat(w)).join("  "), ...rows.map(line)].map((l) => `  ${l}`).join("\n")
}

export const heading = (text: string): string => `\n${text}\n${"═".repeat(text.length)}`

export const money = (amountMinor: number, currency: string): string => Money.format({ amountMinor, currency })

export const date = (t: number | null): string => (t === null ? "—" : Timestamp.toIso(Timestamp.make(t)).slice(0, 10))

export const when = (t: number): string => Timestamp.toIso(Timestamp.make(t)).slice(0, 16).replace("T", " ")
