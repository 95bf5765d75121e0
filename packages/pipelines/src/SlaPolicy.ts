/**
 * SLA policies and the pure SLA math. A policy's conditions (priority, channel, tags,
 * customer segments) select it for a ticket; the first matching policy by position
 * applies. Its targets give, per metric (first reply, next reply, periodic update,
 * requester wait, resolution), a number of minutes in calendar or business hours.
 * `evaluate` turns a policy, a calendar and a ticket's timeline into each target's due
 * time, paused time, elapsed time and state (`ok`, `warning`, `breached`): no database,
 * no clock, the same answer for the same input.
 *
 * @since 0.1.0
 */
import { Errors } from "@rapport/core"
import { Effect, Either, Schema } from "effect"
import * as BusinessCalendar from "./BusinessCalendar.js"
import * as Ticket from "./Ticket.js"

/**
 * The SLA metrics:
 * - `first_reply`: from creation to the first public agent reply.
 * - `next_reply`: from a customer reply (after the first agent reply) to the next public
 *   agent reply; one cycle per unanswered customer message.
 * - `periodic_update`: from a public agent reply to the next one, while the ticket is not
 *   solved.
 * - `requester_wait`: time the customer waits (new, open, on hold) until solved; never
 *   runs in pending, whatever the policy pauses.
 * - `resolution`: from creation to the last solve; a reopen resumes it.
 *
 * @since 0.1.0
 * @category models
 */
export const Metric = Schema.Literal("first_reply", "next_reply", "periodic_update", "requester_wait", "resolution")

/**
 * @since 0.1.0
 * @category models
 */
export type Metric = typeof Metric.Type

/**
 * Whether a target counts every minute (`calendar`) or only business hours (`business`).
 *
 * @since 0.1.0
 * @category models
 */
export const Hours = Schema.Literal("calendar", "business")

/**
 * @since 0.1.0
 * @category models
 */
export type Hours = typeof Hours.Type

/**
 * One target of a policy: a metric must complete within `minutes`.
 *
 * @since 0.1.0
 * @category models
 */
export const Target = Schema.Struct({
  metric: Metric,
  minutes: Schema.Number.pipe(Schema.positive({ message: () => "a positive number of minutes" })),
  hours: Schema.optionalWith(Hours, { exact: true, default: () => "calendar" as const })
})

/**
 * @since 0.1.0
 * @category models
 */
export type Target = typeof Target.Type

/**
 * Which tickets a policy covers. Each listed condition must hold (any value of a list
 * matches); an empty condition set matches every ticket.
 *
 * @since 0.1.0
 * @category models
 */
export const Conditions = Schema.Struct({
  priority: Schema.optional(Schema.Array(Ticket.Priority)),
  channel: Schema.optional(Schema.Array(Ticket.Channel)),
  tags: Schema.optional(Schema.Array(Schema.String)),
  segments: Schema.optional(Schema.Array(Schema.String))
})

/**
 * @since 0.1.0
 * @category models
 */
export type Conditions = typeof Conditions.Type

/**
 * An SLA policy. `pauseIn` lists the categories where its clocks stop (default pending
 * and on hold; `requester_wait` pauses in pending only, by definition); `warningAt` is
 * the fraction of a target after which the target is `warning` (default 0.8).
 *
 * @since 0.1.0
 * @category models
 */
export class SlaPolicy extends Schema.Class<SlaPolicy>("@rapport/pipelines/SlaPolicy")({
  id: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(100)),
  name: Schema.String,
  position: Schema.Int,
  conditions: Schema.optionalWith(Conditions, { exact: true, default: () => ({}) }),
  targets: Schema.Array(Target),
  pauseIn: Schema.optionalWith(Schema.Array(Ticket.Category), {
    exact: true,
    default: () => ["pending", "on_hold"] as const
  }),
  warningAt: Schema.optionalWith(
    Schema.Number.pipe(Schema.greaterThan(0), Schema.lessThan(1, { message: () => "a fraction between 0 and 1" })),
    { exact: true, default: () => 0.8 }
  )
}) {}

/**
 * Validates a policy: a `ValidationError` names each bad field.
 *
 * @example
 * ```ts
 * import { SlaPolicy } from "@rapport/pipelines"
 * import { Effect } from "effect"
 *
 * const vip = Effect.runSync(SlaPolicy.make({
 *   id: "vip", name: "VIP", position: 0,
 *   conditions: { segments: ["vip"] },
 *   targets: [{ metric: "first_reply", minutes: 30, hours: "business" }]
 * }))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (input: typeof SlaPolicy.Encoded): Effect.Effect<SlaPolicy, Errors.ValidationError> =>
  Either.match(decodeEither(input), { onLeft: Effect.fail, onRight: Effect.succeed })

/**
 * `make` for constants: throws on a bad policy.
 *
 * @example
 * ```ts
 * import { SlaPolicy } from "@rapport/pipelines"
 *
 * const standard = SlaPolicy.unsafeMake({
 *   id: "standard", name: "Standard", position: 10,
 *   targets: [{ metric: "resolution", minutes: 3 * 24 * 60 }]
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const unsafeMake = (input: typeof SlaPolicy.Encoded): SlaPolicy =>
  Either.getOrThrowWith(decodeEither(input), (e) => e)

/**
 * Decodes a stored or JSON policy.
 *
 * @since 0.1.0
 * @category constructors
 */
export const decodeEither = (input: unknown): Either.Either<SlaPolicy, Errors.ValidationError> =>
  Schema.decodeUnknownEither(SlaPolicy, { errors: "all" })(input).pipe(
    Either.mapLeft((e) => Errors.ValidationError.fromParseError("SlaPolicy.make", e))
  )

/**
 * The facts a policy's conditions read.
 *
 * @since 0.1.0
 * @category models
 */
export interface Facts {
  readonly priority: Ticket.Priority
  readonly channel: Ticket.Channel
  readonly tags: ReadonlyArray<string>
  readonly segments: ReadonlyArray<string>
}

const anyOf = (wanted: ReadonlyArray<string> | undefined, have: ReadonlyArray<string>) =>
  wanted === undefined || wanted.length === 0 || wanted.some((w) => have.includes(w))

/**
 * Whether a policy's conditions hold for a ticket.
 *
 * @since 0.1.0
 * @category predicates
 */
export const matches = (policy: SlaPolicy, facts: Facts): boolean => {
  const c = policy.conditions
  return anyOf(c.priority, [facts.priority]) && anyOf(c.channel, [facts.channel]) && anyOf(c.tags, facts.tags) &&
    anyOf(c.segments, facts.segments)
}

/**
 * The first matching policy by `position` (ties keep list order), or `undefined`.
 *
 * @example
 * ```ts
 * import { SlaPolicy } from "@rapport/pipelines"
 *
 * const policies = [
 *   SlaPolicy.unsafeMake({ id: "all", name: "All", position: 9, targets: [{ metric: "first_reply", minutes: 480 }] }),
 *   SlaPolicy.unsafeMake({ id: "urgent", name: "Urgent", position: 1, conditions: { priority: ["urgent"] }, targets: [{ metric: "first_reply", minutes: 30 }] })
 * ]
 * SlaPolicy.select(policies, { priority: "urgent", channel: "email", tags: [], segments: [] })?.id // "urgent"
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const select = (policies: ReadonlyArray<SlaPolicy>, facts: Facts): SlaPolicy | undefined =>
  policies
    .map((policy, index) => ({ policy, index }))
    .sort((a, b) => a.policy.position - b.policy.position || a.index - b.index)
    .find(({ policy }) => matches(policy, facts))?.policy

// ---------------------------------------------------------------------------
// The math
// ---------------------------------------------------------------------------

/**
 * A target's clock state: `warning` once `warningAt` of the target has elapsed on an
 * open cycle, `breached` once all of it elapsed before the cycle completed.
 *
 * @since 0.1.0
 * @category models
 */
export type State = "ok" | "warning" | "breached"

/**
 * One target's status for one cycle (`first_reply` has one cycle, `next_reply` one per
 * unanswered customer reply). `key` (`next_reply#2`) identifies it across evaluations:
 * events are sent once per key. Instants are epoch milliseconds; `elapsedMillis` is in
 * the target's hours; `pausedMillis` is calendar time the clock stood still.
 *
 * @since 0.1.0
 * @category models
 */
export interface TargetStatus {
  readonly key: string
  readonly metric: Metric
  readonly cycle: number
  readonly hours: Hours
  readonly targetMinutes: number
  readonly startedAt: number
  /** When the cycle ended (the reply came, the ticket was solved), or `null`. */
  readonly completedAt: number | null
  /** When the target is (or was) due; `null` while paused or when completed in time. */
  readonly dueAt: number | null
  /** When the warning threshold is (or was) reached, projected like `dueAt`. */
  readonly warnAt: number | null
  readonly warnedAt: number | null
  readonly breachedAt: number | null
  readonly elapsedMillis: number
  readonly pausedMillis: number
  /** Whether the clock is running now. */
  readonly running: boolean
  readonly state: State
}

/**
 * What `evaluate` reads. `appliedAt` is when the policy was applied to the ticket:
 * cycles completed before it are not judged by this policy, and no breach or warning
 * is dated before it (a policy change never back-dates). `recorded` lists breaches
 * already recorded (target key → instant), which stay breached whatever the policy.
 *
 * @since 0.1.0
 * @category models
 */
export interface Input {
  readonly timeline: ReadonlyArray<Ticket.Entry>
  readonly now: number
  readonly calendar?: BusinessCalendar.BusinessCalendar | undefined
  readonly appliedAt?: number | undefined
  readonly recorded?: Readonly<Record<string, number>> | undefined
}

interface Period {
  readonly from: number
  readonly to: number
  readonly category: Ticket.Category
}

interface Cycle {
  readonly start: number
  readonly end: number | null
}

/** Status periods from the timeline, the last one open-ended (to Infinity). */
const periodsOf = (entries: ReadonlyArray<Ticket.Entry>): ReadonlyArray<Period> => {
  const changes = entries.filter((e): e is Extract<Ticket.Entry, { _tag: "Status" }> => e._tag === "Status")
  const out: Array<Period> = []
  for (let i = 0; i < changes.length; i++) {
    const from = changes[i]!.at
    const to = i + 1 < changes.length ? changes[i + 1]!.at : Infinity
    if (to > from || to === Infinity) out.push({ from, to, category: changes[i]!.category })
  }
  return out
}

/** The timeline up to `now`, in time order (stable for equal instants). */
const sorted = (timeline: ReadonlyArray<Ticket.Entry>, now: number) =>
  timeline
    .map((entry, index) => ({ entry, index }))
    .filter(({ entry }) => entry.at <= now)
    .sort((a, b) => a.entry.at - b.entry.at || a.index - b.index)
    .map(({ entry }) => entry)

/** The cycles of a metric, in order. */
const cyclesOf = (metric: Metric, entries: ReadonlyArray<Ticket.Entry>): ReadonlyArray<Cycle> => {
  const first = entries[0]
  if (first === undefined) return []
  const created = first.at
  let done = false
  let lastDone: number | null = null
  let firstAnswer: number | null = null
  const out: Array<Cycle> = []
  let open: number | null = null
  const close = (at: number) => {
    if (open !== null) out.push({ start: open, end: at })
    open = null
  }
  for (const entry of entries) {
    if (entry._tag === "Status") {
      const nowDone = Ticket.isDone(entry.category)
      if (nowDone && !done) {
        lastDone = entry.at
        if (metric === "next_reply" || metric === "periodic_update") close(entry.at)
        if (metric === "first_reply" && firstAnswer === null) firstAnswer = entry.at
      }
      done = nowDone
      continue
    }
    const answer = Ticket.isAgentAnswer(entry)
    if (metric === "next_reply") {
      if (entry.author === "customer" && firstAnswer !== null && open === null && !done) open = entry.at
      else if (answer) close(entry.at)
    } else if (metric === "periodic_update" && answer) {
      close(entry.at)
      if (!done) open = entry.at
    }
    if (answer && firstAnswer === null) firstAnswer = entry.at
  }
  switch (metric) {
    case "first_reply":
      return [{ start: created, end: firstAnswer }]
    case "requester_wait":
    case "resolution":
      return [{ start: created, end: done ? lastDone : null }]
    default:
      if (open !== null) out.push({ start: open, end: null })
      return out
  }
}

const runs = (metric: Metric, policy: SlaPolicy, category: Ticket.Category): boolean => {
  if (Ticket.isDone(category)) return false
  if (metric === "requester_wait") return category !== "pending"
  return !policy.pauseIn.includes(category)
}

const measure = (hours: Hours, calendar: BusinessCalendar.BusinessCalendar | undefined, a: number, b: number) => {
  if (b <= a) return 0
  if (b === Infinity) return Infinity
  return hours === "business" && calendar !== undefined ? BusinessCalendar.businessMillisBetween(calendar, a, b) : b - a
}

const advance = (hours: Hours, calendar: BusinessCalendar.BusinessCalendar | undefined, a: number, millis: number) =>
  hours === "business" && calendar !== undefined ? BusinessCalendar.addBusinessMillis(calendar, a, millis) : a + millis

/**
 * The first instant the running spans accumulate `amount`, or `null` when they never do
 * (the cycle completed or the clock is paused first).
 */
const reach = (
  spans: ReadonlyArray<readonly [number, number]>,
  hours: Hours,
  calendar: BusinessCalendar.BusinessCalendar | undefined,
  amount: number
): number | null => {
  let acc = 0
  for (const [a, b] of spans) {
    const len = measure(hours, calendar, a, b)
    if (acc + len >= amount && len > 0) return Math.min(b, advance(hours, calendar, a, amount - acc))
    acc += len
  }
  return null
}

const evaluateTarget = (policy: SlaPolicy, target: Target, input: Input, entries: ReadonlyArray<Ticket.Entry>) => {
  const periods = periodsOf(entries)
  const { calendar, now } = input
  const appliedAt = input.appliedAt ?? -Infinity
  const amount = Math.round(target.minutes * 60_000)
  return cyclesOf(target.metric, entries).map((cycle, index): TargetStatus => {
    const key = `${target.metric}#${index}`
    const end = cycle.end ?? Infinity
    // Running spans of the cycle, projected beyond `now` as if nothing changes.
    const spans: Array<readonly [number, number]> = []
    let pausedMillis = 0
    let elapsedMillis = 0
    let running = false
    for (const p of periods) {
      const a = Math.max(p.from, cycle.start)
      const b = Math.min(p.to, end)
      if (b <= a) continue
      const upToNow = Math.min(b, now)
      if (runs(target.metric, policy, p.category)) {
        spans.push([a, b])
        elapsedMillis += measure(target.hours, calendar, a, Math.max(a, upToNow))
        if (cycle.end === null && p.to === Infinity) running = true
      } else {
        pausedMillis += Math.max(0, upToNow - a)
      }
    }
    const due = reach(spans, target.hours, calendar, amount)
    const warn = reach(spans, target.hours, calendar, Math.round(amount * policy.warningAt))
    // A reply exactly at the due instant meets the target.
    const happened = (t: number | null) => t !== null && t <= now && (cycle.end === null || t < cycle.end)
    const judged = cycle.end === null || cycle.end > appliedAt
    const clamp = (t: number | null) => (t === null ? null : Math.max(t, appliedAt))
    const recorded = input.recorded?.[key]
    const breachedAt = recorded ?? (judged && happened(due) ? clamp(due) : null)
    const warnedAt = judged && happened(warn) ? clamp(warn) : null
    const dueAt = cycle.end !== null && !happened(due) ? null : clamp(due)
    const state: State = breachedAt !== null
      ? "breached"
      : warnedAt !== null && cycle.end === null
      ? "warning"
      : "ok"
    return {
      key,
      metric: target.metric,
      cycle: index,
      hours: target.hours,
      targetMinutes: target.minutes,
      startedAt: cycle.start,
      completedAt: cycle.end,
      dueAt,
      warnAt: cycle.end !== null && !happened(warn) ? null : clamp(warn),
      warnedAt,
      breachedAt,
      elapsedMillis,
      pausedMillis,
      running,
      state
    }
  })
}

/**
 * Every target's status for every cycle at `now`. Pure: the same policy, calendar and
 * timeline give the same answer. Business-hours targets without a calendar count every
 * hour.
 *
 * @example
 * ```ts
 * import { BusinessCalendar, SlaPolicy } from "@rapport/pipelines"
 *
 * const policy = SlaPolicy.unsafeMake({
 *   id: "std", name: "Standard", position: 0,
 *   targets: [{ metric: "first_reply", minutes: 60, hours: "business" }]
 * })
 * const calendar = BusinessCalendar.unsafeMake({ timeZone: "UTC", week: { mon: [["09:00", "17:00"]] } })
 * const created = Date.UTC(2026, 0, 5, 16, 30) // Monday 16:30
 * const [frt] = SlaPolicy.evaluate(policy, {
 *   timeline: [{ _tag: "Status", at: created, status: "new", category: "new" }],
 *   now: Date.UTC(2026, 0, 5, 18, 0),
 *   calendar
 * })
 * frt?.dueAt   // Date.UTC(2026, 0, 12, 9, 30): 30 minutes on Monday, 30 the next Monday
 * frt?.state   // "ok"
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const evaluate = (policy: SlaPolicy, input: Input): ReadonlyArray<TargetStatus> => {
  const entries = sorted(input.timeline, input.now)
  return policy.targets.flatMap((target) => evaluateTarget(policy, target, input, entries))
}

/**
 * The earliest instant a running target that is not breached yet will warn or breach:
 * when the next SLA event can happen. `null` when no clock runs.
 *
 * @since 0.1.0
 * @category combinators
 */
export const nextDue = (statuses: ReadonlyArray<TargetStatus>): number | null => {
  let out: number | null = null
  for (const s of statuses) {
    if (!s.running || s.state === "breached" || s.dueAt === null) continue
    const at = s.state === "ok" && s.warnAt !== null ? s.warnAt : s.dueAt
    if (out === null || at < out) out = at
  }
  return out
}
