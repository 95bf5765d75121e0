/**
 * Plain-text rendering for the demo: aligned tables, times in the shop's zone (always
 * labelled with it) and one line per timeline event.
 */
import { Money } from "@rapport/core"
import { timeZone } from "./teahouse.js"

export const table = (headers: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)))
  const line = (cells: ReadonlyArray<string>) =>
    cells.map((c, i) => (/^-?[\d.,]+( [A-Z]{3})?$/.test(c) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd()
  return [line(headers), widths.map((w) => "─".repeat(w)).join("  "), ...rows.map(line)].map((l) => `  ${l}`).join("\n")
}

export const heading = (text: string): string => `\n${text}\n${"═".repeat(text.length)}`

export const money = (amountMinor: number | bigint, currency: string): string => Money.format({ amountMinor, currency })

/**
 * A `Sum` measure of money as text: sums are exact, so past 2^53 one is a `bigint`, and
 * `Number()` would round it.
 */
export const moneySum = (sum: unknown, currency: unknown): string =>
  typeof sum === "number" || typeof sum === "bigint" ? money(sum, String(currency)) : "—"

// Local wall-clock parts in the shop's zone, from the platform's Intl (never the machine's TZ).
const wallClock = new Intl.DateTimeFormat("en-CA", {
  timeZone,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23"
})

const local = (t: number): { readonly date: string; readonly time: string } => {
  const part = Object.fromEntries(wallClock.formatToParts(new Date(t)).map((p) => [p.type, p.value]))
  return { date: `${part.year}-${part.month}-${part.day}`, time: `${part.hour}:${part.minute}` }
}

/** The zone label, for table headers: `when (Europe/Berlin)`. */
export const zoned = (header: string): string => `${header} (${timeZone})`

/** A local date in the shop's zone, for a column whose header names the zone. */
export const date = (t: number): string => local(t).date

/** A local date and time in the shop's zone, for a column whose header names the zone. */
export const when = (t: number): string => {
  const { date, time } = local(t)
  return `${date} ${time}`
}

/** `when`, or a dash for a time that is not set. */
export const whenOrDash = (t: number | null): string => (t === null ? "—" : when(t))

/** A local date and time with its zone, for running text: `2026-03-14 09:12 Europe/Berlin`. */
export const at = (t: number): string => `${when(t)} ${timeZone}`

/** A local date with its zone, for running text. */
export const on = (t: number): string => `${date(t)} ${timeZone}`

/** A stage, status or metric name as words: `on_hold` → `on hold`. */
export const words = (name: string): string => name.replaceAll("_", " ")

/** A duration as a person says it: `3 d 4 h`, `1 h 15 min`, `40 min`. */
export const duration = (ms: number): string => {
  const minutes = Math.round(ms / 60_000)
  const d = Math.floor(minutes / 1440)
  return d > 0 ? (minutes % 1440 >= 60 ? `${d} d ${Math.floor((minutes % 1440) / 60)} h` : `${d} d`) : hours(ms)
}

/**
 * A duration in hours and minutes, never in days: `26 h 30 min`. For business time, where
 * 24 hours are three working days, not one.
 */
export const hours = (ms: number): string => {
  const minutes = Math.round(ms / 60_000)
  const h = Math.floor(minutes / 60)
  const m = minutes % 60
  return h > 0 ? (m > 0 ? `${h} h ${m} min` : `${h} h`) : `${m} min`
}

type Json = string | number | boolean | null | ReadonlyArray<Json> | { readonly [k: string]: Json }

const field = (value: Json | undefined, key: string): Json | undefined =>
  value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, Json>)[key] : undefined

/** A changed value in words: money as money, anything else as JSON. */
const value = (v: Json | undefined): string => {
  const amountMinor = field(v, "amountMinor")
  return typeof amountMinor === "number" ? money(amountMinor, String(field(v, "currency"))) : JSON.stringify(v)
}

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
    case "DealCreated":
      return `deal "${field(record, "name")}" opened in ${field(record, "stage")}`
    case "DealStageChanged":
    case "DealWon":
    case "DealLost":
    case "DealReopened":
      return `deal moved ${field(entry.payload, "from")} → ${field(entry.payload, "to")}`
    case "DealUpdated":
      return `deal ${Object.keys((changes ?? {}) as object).filter((k) => k !== "lastActivityAt").map((k) => `${words(k)} → ${value(to(k))}`).join(", ")}`
    case "TicketCreated":
      return `ticket "${field(record, "subject")}" opened by ${words(String(field(record, "channel")))}`
    case "SlaPolicyApplied":
      return `SLA policy ${field(entry.payload, "to")} applies`
    case "TicketReplyAdded":
      return `ticket reply, ${field(record, "authorKind")}: ${clip(String(field(record, "body")), 36)}`
    case "TicketFirstReply":
      // Calendar time: the SLA section shows the business time its targets count.
      return `first reply, ${duration(Number(field(entry.payload, "firstReplyMillis")))} after the ticket opened`
    case "TicketStatusChanged":
      return `ticket ${words(String(field(entry.payload, "from")))} → ${words(String(field(entry.payload, "to")))}`
    case "SlaWarning":
    case "SlaBreached":
      return `SLA ${words(String(field(entry.payload, "metric")))} ${entry.type === "SlaWarning" ? "warning" : "breached"}`
    default:
      return entry.type
  }
}
