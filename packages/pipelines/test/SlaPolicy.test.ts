import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, FastCheck as fc } from "effect"
import * as BusinessCalendar from "../src/BusinessCalendar.js"
import * as SlaPolicy from "../src/SlaPolicy.js"
import type * as Ticket from "../src/Ticket.js"

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const T0 = Date.UTC(2026, 0, 5, 9, 0) // Monday 09:00 UTC

const office = BusinessCalendar.unsafeMake({
  timeZone: "UTC",
  week: {
    mon: [["09:00", "17:00"]],
    tue: [["09:00", "17:00"]],
    wed: [["09:00", "17:00"]],
    thu: [["09:00", "17:00"]],
    fri: [["09:00", "17:00"]]
  }
})

const status = (at: number, category: Ticket.Category, name: string = category): Ticket.Entry => ({
  _tag: "Status",
  at,
  status: name,
  category
})
const reply = (at: number, author: Ticket.AuthorKind, visibility: Ticket.Visibility = "public"): Ticket.Entry => ({
  _tag: "Reply",
  at,
  author,
  visibility
})

const policy = (targets: ReadonlyArray<typeof SlaPolicy.Target.Encoded>, extra: Partial<typeof SlaPolicy.SlaPolicy.Encoded> = {}) =>
  SlaPolicy.unsafeMake({ id: "p", name: "P", position: 0, targets, ...extra })

const byKey = (statuses: ReadonlyArray<SlaPolicy.TargetStatus>, key: string) => {
  const found = statuses.find((s) => s.key === key)
  if (found === undefined) throw new Error(`no ${key} in ${statuses.map((s) => s.key).join(", ")}`)
  return found
}

describe("SlaPolicy.make / select", () => {
  it("validates a policy and names the field", () => {
    const bad = Either.flip(SlaPolicy.decodeEither({ id: "x", name: "X", position: 0, targets: [{ metric: "first_reply", minutes: -5 }] }))
    expect(Either.isRight(bad)).toBe(true)
    if (Either.isRight(bad)) expect(bad.right.issues[0]!.path).toBe("targets.0.minutes")
    const warning = Either.flip(SlaPolicy.decodeEither({ id: "x", name: "X", position: 0, targets: [], warningAt: 1.5 }))
    expect(Either.isRight(warning) && warning.right.issues[0]!.path).toBe("warningAt")
    expect(Effect.runSync(Effect.either(SlaPolicy.make({ id: "x", name: "X", position: 0, targets: [{ metric: "nope" as "first_reply", minutes: 1 }] })))._tag).toBe("Left")
  })

  it("applies defaults: calendar hours, pause in pending and on hold, warning at 80%", () => {
    const p = policy([{ metric: "first_reply", minutes: 10 }])
    expect(p.targets[0]!.hours).toBe("calendar")
    expect(p.pauseIn).toEqual(["pending", "on_hold"])
    expect(p.warningAt).toBe(0.8)
  })

  it("selects the first matching policy by position, on priority, channel, tags and segments", () => {
    const policies = [
      SlaPolicy.unsafeMake({ id: "default", name: "Default", position: 100, targets: [] }),
      SlaPolicy.unsafeMake({ id: "vip", name: "VIP", position: 1, conditions: { segments: ["vip"] }, targets: [] }),
      SlaPolicy.unsafeMake({ id: "urgent-chat", name: "Urgent chat", position: 2, conditions: { priority: ["urgent", "high"], channel: ["chat"] }, targets: [] }),
      SlaPolicy.unsafeMake({ id: "billing", name: "Billing", position: 2, conditions: { tags: ["billing"] }, targets: [] })
    ]
    const facts = { priority: "normal", channel: "email", tags: [], segments: [] } as const
    expect(SlaPolicy.select(policies, facts)?.id).toBe("default")
    expect(SlaPolicy.select(policies, { ...facts, segments: ["vip"], priority: "urgent", channel: "chat" })?.id).toBe("vip")
    expect(SlaPolicy.select(policies, { ...facts, priority: "urgent", channel: "chat", tags: ["billing"] })?.id).toBe("urgent-chat")
    expect(SlaPolicy.select(policies, { ...facts, priority: "urgent", channel: "email", tags: ["billing"] })?.id).toBe("billing")
    expect(SlaPolicy.select(policies.slice(1), facts)).toBeUndefined()
  })
})

describe("SlaPolicy.evaluate", () => {
  it("first reply: due, warning, breach; a reply in time meets it; bots and internal notes do not count", () => {
    const p = policy([{ metric: "first_reply", minutes: 60 }])
    const created = [status(T0, "new")]
    const at = (now: number, timeline = created) => byKey(SlaPolicy.evaluate(p, { timeline, now }), "first_reply#0")
    expect(at(T0 + 10 * MINUTE)).toMatchObject({ state: "ok", dueAt: T0 + HOUR, running: true, elapsedMillis: 10 * MINUTE })
    expect(at(T0 + 48 * MINUTE)).toMatchObject({ state: "warning", warnedAt: T0 + 48 * MINUTE })
    expect(at(T0 + 61 * MINUTE)).toMatchObject({ state: "breached", breachedAt: T0 + HOUR })
    const noisy = [...created, reply(T0 + 5 * MINUTE, "bot"), reply(T0 + 6 * MINUTE, "agent", "internal")]
    expect(at(T0 + 61 * MINUTE, noisy)).toMatchObject({ state: "breached", completedAt: null })
    const answered = [...noisy, reply(T0 + 30 * MINUTE, "agent")]
    expect(at(T0 + 5 * HOUR, answered)).toMatchObject({ state: "ok", completedAt: T0 + 30 * MINUTE, dueAt: null, running: false })
    // Exactly at the due instant still meets the target.
    expect(at(T0 + 5 * HOUR, [...created, reply(T0 + HOUR, "agent")]).state).toBe("ok")
    expect(at(T0 + 5 * HOUR, [...created, reply(T0 + HOUR + 1, "agent")])).toMatchObject({ state: "breached", breachedAt: T0 + HOUR })
  })

  it("business hours: the clock runs only while open", () => {
    const p = policy([{ metric: "first_reply", minutes: 60, hours: "business" }])
    const created = T0 + 7 * HOUR + 30 * MINUTE // Monday 16:30
    const s = byKey(SlaPolicy.evaluate(p, { timeline: [status(created, "new")], now: created + 2 * HOUR, calendar: office }), "first_reply#0")
    expect(s.dueAt).toBe(Date.UTC(2026, 0, 6, 9, 30))
    expect(s.elapsedMillis).toBe(30 * MINUTE)
    expect(s.state).toBe("ok") // 30 of 60 minutes: below the 80% warning
    expect(s.warnAt).toBe(Date.UTC(2026, 0, 6, 9, 18))
  })

  it("pauses in pending and on hold; resumes after", () => {
    const p = policy([{ metric: "resolution", minutes: 120 }])
    const timeline = [status(T0, "new"), status(T0 + 30 * MINUTE, "pending"), status(T0 + 90 * MINUTE, "open")]
    const paused = byKey(SlaPolicy.evaluate(p, { timeline: timeline.slice(0, 2), now: T0 + 60 * MINUTE }), "resolution#0")
    expect(paused).toMatchObject({ running: false, dueAt: null, pausedMillis: 30 * MINUTE, elapsedMillis: 30 * MINUTE })
    const resumed = byKey(SlaPolicy.evaluate(p, { timeline, now: T0 + 100 * MINUTE }), "resolution#0")
    expect(resumed).toMatchObject({ running: true, dueAt: T0 + 180 * MINUTE, pausedMillis: 60 * MINUTE, elapsedMillis: 40 * MINUTE })
    // A policy that does not pause in pending keeps counting.
    const strict = policy([{ metric: "resolution", minutes: 120 }], { pauseIn: ["on_hold"] })
    expect(byKey(SlaPolicy.evaluate(strict, { timeline, now: T0 + 100 * MINUTE }), "resolution#0").dueAt).toBe(T0 + 120 * MINUTE)
    // On hold pauses by default too.
    const held = [status(T0, "new"), status(T0 + 30 * MINUTE, "on_hold", "waiting_vendor")]
    expect(byKey(SlaPolicy.evaluate(p, { timeline: held, now: T0 + 5 * HOUR }), "resolution#0").state).toBe("ok")
  })

  it("resolution stops at solve and resumes on reopen; requester wait never runs in pending", () => {
    const p = policy([{ metric: "resolution", minutes: 60 }, { metric: "requester_wait", minutes: 60 }], { pauseIn: [] })
    const timeline = [
      status(T0, "new"),
      status(T0 + 20 * MINUTE, "pending"),
      status(T0 + 40 * MINUTE, "solved"),
      status(T0 + 5 * HOUR, "open")
    ]
    const before = SlaPolicy.evaluate(p, { timeline: timeline.slice(0, 3), now: T0 + 4 * HOUR })
    expect(byKey(before, "resolution#0")).toMatchObject({ state: "ok", completedAt: T0 + 40 * MINUTE, elapsedMillis: 40 * MINUTE })
    expect(byKey(before, "requester_wait#0")).toMatchObject({ state: "ok", elapsedMillis: 20 * MINUTE })
    const after = SlaPolicy.evaluate(p, { timeline, now: T0 + 5 * HOUR + 30 * MINUTE })
    expect(byKey(after, "resolution#0")).toMatchObject({ state: "breached", breachedAt: T0 + 5 * HOUR + 20 * MINUTE, completedAt: null })
    expect(byKey(after, "requester_wait#0")).toMatchObject({ state: "warning", elapsedMillis: 50 * MINUTE })
  })

  it("next reply: one cycle per unanswered customer message after the first answer", () => {
    const p = policy([{ metric: "next_reply", minutes: 30 }])
    const timeline = [
      status(T0, "new"),
      reply(T0, "customer"),
      reply(T0 + 10 * MINUTE, "agent"),
      reply(T0 + 20 * MINUTE, "customer"),
      reply(T0 + 25 * MINUTE, "customer"),
      reply(T0 + 40 * MINUTE, "agent"),
      reply(T0 + 60 * MINUTE, "customer"),
      reply(T0 + 70 * MINUTE, "bot")
    ]
    const statuses = SlaPolicy.evaluate(p, { timeline, now: T0 + 100 * MINUTE })
    expect(statuses.map((s) => [s.key, s.startedAt - T0, s.completedAt === null ? null : s.completedAt - T0, s.state])).toEqual([
      ["next_reply#0", 20 * MINUTE, 40 * MINUTE, "ok"],
      ["next_reply#1", 60 * MINUTE, null, "breached"]
    ])
  })

  it("periodic update: between public agent replies, until solved", () => {
    const p = policy([{ metric: "periodic_update", minutes: 60 }])
    const timeline = [
      status(T0, "new"),
      reply(T0 + 10 * MINUTE, "agent"),
      reply(T0 + 50 * MINUTE, "agent"),
      reply(T0 + 2 * HOUR, "agent", "internal"),
      status(T0 + 3 * HOUR, "solved")
    ]
    const statuses = SlaPolicy.evaluate(p, { timeline, now: T0 + 4 * HOUR })
    expect(statuses.map((s) => [s.key, s.state, s.breachedAt === null ? null : s.breachedAt - T0])).toEqual([
      ["periodic_update#0", "ok", null],
      ["periodic_update#1", "breached", 110 * MINUTE]
    ])
  })

  it("a policy applied at T judges no cycle completed before T and dates nothing before T", () => {
    const strict = policy([{ metric: "first_reply", minutes: 10 }, { metric: "resolution", minutes: 30 }])
    const timeline = [status(T0, "new"), reply(T0 + 20 * MINUTE, "agent")]
    const appliedAt = T0 + 60 * MINUTE
    const statuses = SlaPolicy.evaluate(strict, { timeline, now: T0 + 2 * HOUR, appliedAt })
    expect(byKey(statuses, "first_reply#0").state).toBe("ok") // completed before the change
    expect(byKey(statuses, "resolution#0")).toMatchObject({ state: "breached", breachedAt: appliedAt })
    // A breach recorded before stays, whatever the new policy says.
    const lenient = policy([{ metric: "first_reply", minutes: 600 }])
    expect(byKey(SlaPolicy.evaluate(lenient, { timeline, now: T0 + 2 * HOUR, appliedAt, recorded: { "first_reply#0": T0 + 10 * MINUTE } }), "first_reply#0"))
      .toMatchObject({ state: "breached", breachedAt: T0 + 10 * MINUTE })
  })

  it("nextDue is the earliest pending warning or breach of a running target", () => {
    const p = policy([{ metric: "first_reply", minutes: 60 }, { metric: "resolution", minutes: 600 }])
    const statuses = SlaPolicy.evaluate(p, { timeline: [status(T0, "new")], now: T0 })
    expect(SlaPolicy.nextDue(statuses)).toBe(T0 + 48 * MINUTE)
    const warned = SlaPolicy.evaluate(p, { timeline: [status(T0, "new")], now: T0 + 50 * MINUTE })
    expect(SlaPolicy.nextDue(warned)).toBe(T0 + HOUR)
    expect(SlaPolicy.nextDue(SlaPolicy.evaluate(p, { timeline: [status(T0, "pending")], now: T0 }))).toBeNull()
  })
})

// --- Properties ----------------------------------------------------------------------

const categories: ReadonlyArray<Ticket.Category> = ["new", "open", "pending", "on_hold", "solved", "closed"]

/** A random ticket history: status changes and replies at increasing instants. */
const history = fc
  .array(
    fc.tuple(
      fc.integer({ min: 0, max: 6 * 60 }),
      fc.oneof(
        fc.constantFrom(...categories).map((c) => ({ kind: "status" as const, c })),
        fc.record({
          kind: fc.constant("reply" as const),
          author: fc.constantFrom<Ticket.AuthorKind>("customer", "agent", "bot"),
          visibility: fc.constantFrom<Ticket.Visibility>("public", "internal")
        })
      )
    ),
    { maxLength: 12 }
  )
  .map((steps) => {
    let t = T0 + 13 * HOUR + 7 * MINUTE
    const out: Array<Ticket.Entry> = [status(t, "new")]
    for (const [gap, step] of steps) {
      t += gap * MINUTE
      out.push(step.kind === "status" ? status(t, step.c) : reply(t, step.author, step.visibility))
    }
    return out
  })

const metrics = fc.constantFrom<SlaPolicy.Metric>("first_reply", "next_reply", "periodic_update", "requester_wait", "resolution")
const targetsArb = fc.array(fc.record({ metric: metrics, minutes: fc.integer({ min: 1, max: 24 * 60 }) }), { minLength: 1, maxLength: 5 })

describe("SlaPolicy.evaluate properties", () => {
  it("pausing never makes a due time earlier", () => {
    fc.assert(
      fc.property(history, targetsArb, fc.boolean(), (timeline, targets, business) => {
        const hours = business ? "business" as const : "calendar" as const
        const pausing = policy(targets.map((t) => ({ ...t, hours })))
        const never = policy(targets.map((t) => ({ ...t, hours })), { pauseIn: [] })
        const now = timeline[timeline.length - 1]!.at + 30 * MINUTE
        const a = SlaPolicy.evaluate(never, { timeline, now, calendar: office })
        const b = SlaPolicy.evaluate(pausing, { timeline, now, calendar: office })
        expect(a.map((s) => s.key)).toEqual(b.map((s) => s.key))
        a.forEach((x, i) => {
          const y = b[i]!
          if (x.dueAt !== null && y.dueAt !== null) expect(y.dueAt).toBeGreaterThanOrEqual(x.dueAt)
          if (x.dueAt === null && x.completedAt === null) expect(y.dueAt).toBeNull()
          expect(y.elapsedMillis).toBeLessThanOrEqual(x.elapsedMillis)
          if (y.state === "breached") expect(x.state).toBe("breached")
        })
      }),
      { numRuns: 300 }
    )
  })

  it("business-hours elapsed never exceeds calendar elapsed, and due times are never earlier", () => {
    fc.assert(
      fc.property(history, targetsArb, (timeline, targets) => {
        const now = timeline[timeline.length - 1]!.at + 90 * MINUTE
        const cal = SlaPolicy.evaluate(policy(targets.map((t) => ({ ...t, hours: "calendar" as const }))), { timeline, now, calendar: office })
        const biz = SlaPolicy.evaluate(policy(targets.map((t) => ({ ...t, hours: "business" as const }))), { timeline, now, calendar: office })
        cal.forEach((c, i) => {
          const b = biz[i]!
          expect(b.elapsedMillis).toBeLessThanOrEqual(c.elapsedMillis)
          if (c.dueAt !== null && b.dueAt !== null) expect(b.dueAt).toBeGreaterThanOrEqual(c.dueAt)
        })
      }),
      { numRuns: 300 }
    )
  })

  it("elapsed time never decreases as time goes on, and a breach stays a breach", () => {
    fc.assert(
      fc.property(history, targetsArb, fc.integer({ min: 0, max: 48 * 60 }), (timeline, targets, later) => {
        const p = policy(targets.map((t) => ({ ...t, hours: "business" as const })))
        const now = timeline[timeline.length - 1]!.at
        const a = SlaPolicy.evaluate(p, { timeline, now, calendar: office })
        const b = SlaPolicy.evaluate(p, { timeline, now: now + later * MINUTE, calendar: office })
        a.forEach((x, i) => {
          expect(b[i]!.elapsedMillis).toBeGreaterThanOrEqual(x.elapsedMillis)
          if (x.state === "breached") expect(b[i]!).toMatchObject({ state: "breached", breachedAt: x.breachedAt })
        })
      }),
      { numRuns: 300 }
    )
  })

  it("a policy change at T never changes the breach status of targets breached before T, and never back-dates", () => {
    fc.assert(
      fc.property(history, targetsArb, targetsArb, fc.integer({ min: 0, max: 12 * 60 }), (timeline, before, after, wait) => {
        const changeAt = timeline[timeline.length - 1]!.at + wait * MINUTE
        const old = SlaPolicy.evaluate(policy(before), { timeline, now: changeAt })
        const recorded: Record<string, number> = {}
        for (const s of old) if (s.breachedAt !== null) recorded[s.key] = s.breachedAt
        const now = changeAt + 10 * HOUR
        const next = SlaPolicy.evaluate(policy(after), { timeline, now, appliedAt: changeAt, recorded })
        for (const s of next) {
          if (s.key in recorded) expect(s).toMatchObject({ state: "breached", breachedAt: recorded[s.key] })
          else if (s.breachedAt !== null) expect(s.breachedAt).toBeGreaterThanOrEqual(changeAt)
          if (s.warnedAt !== null) expect(s.warnedAt).toBeGreaterThanOrEqual(changeAt)
        }
      }),
      { numRuns: 300 }
    )
  })

  it("calendar due time minus start equals target plus paused time, for a single running cycle", () => {
    fc.assert(
      fc.property(history, fc.integer({ min: 1, max: 24 * 60 }), (timeline, minutes) => {
        const p = policy([{ metric: "resolution", minutes }])
        const last = timeline[timeline.length - 1]!
        const now = last.at
        const [s] = SlaPolicy.evaluate(p, { timeline, now })
        if (s === undefined || !s.running || s.dueAt === null || s.dueAt <= now) return
        expect(s.dueAt - s.startedAt).toBe(minutes * MINUTE + s.pausedMillis)
      }),
      { numRuns: 300 }
    )
  })
})
