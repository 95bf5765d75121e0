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

type Json = string | number | boolean | null | ReadonlyArray<Json> | { readonly [k: string]: Json }

const field = (value: Json | undefined, key: string): Json | undefined =>
  value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, Json>)[key] : undefined

const clip = (text: string, n = 48) => (text.length > n ? `${text.slice(0, n - 1)}…` : text)

/** One line saying what a timeline event means to a person. */
export const describe = (entry: { readonly type: string; readonly payload: Json }): string => {
  const record = field(entry.payload, "record")
  const changes = field(entry.payload, "changes")
  const to = (name: string) => field(field(changes, name), "to")
  switch (entry.type) {
    case "ContactCreated":
      return `became a contact (${field(record, "source") ?? "unknown source"})`
    case "ContactUpdated":
      return Object.keys((changes ?? {}) as object).map((k) => `${k} → ${JSON.stringify(to(k))}`).join(", ")
    case "ContactConsentChanged":
      return `marketing consent ${to("consentStatus")} via ${to("consentSource")}`
    case "OrderPlaced":
      return `placed ${field(record, "number")}: ${money(Number(field(field(record, "total"), "amountMinor")), String(field(field(record, "total"), "currency")))}`
    case "OrderPaid":
    case "OrderFulfilled":
    case "OrderCancelled":
    case "OrderRefunded":
      return `order ${String(to("status")).replace("_", " ")}`
    case "ConversationStarted":
      return `opened "${field(record, "subject")}" by ${field(record, "channel")}`
    case "MessageAdded":
      return `${field(record, "authorKind")}: ${clip(String(field(record, "body")))}`
    case "ConversationClosed":
      return "conversation closed"
    case "TaskCreated":
      return `task: ${field(record, "title")}`
    case "NoteCreated":
      return `note: ${clip(String(field(record, "body")))}`
    case "ActivityLogged":
      return `${field(record, "type")}: ${field(record, "subject") ?? ""}`
    case "RecordsLinked":
      return `linked as ${field(record, "label")} at ${field(record, "toCollection")}`
    default:
      return entry.type
  }
}
