/**
 * The `Tickets` service: create tickets, move them through the workspace's lifecycle,
 * record replies (a customer reply reopens a solved ticket; the first public agent reply
 * sets the first reply time), assign, change priority, merge, and keep SLA clocks:
 * `checkSla` records `SlaWarning` / `SlaBreached` once per target and runs escalation
 * rules, all as domain events appended with the new state in one transaction.
 *
 * @since 0.1.0
 */
import type { Collection, DomainEvent } from "@rapport/core"
import { Errors, Field, Input, Query, Team, User, Workspace } from "@rapport/core"
import { Context, Effect, Layer, Schedule, Schema } from "effect"
import type * as BusinessCalendar from "./BusinessCalendar.js"
import * as Escalation from "./Escalation.js"
import * as Command from "./internal/ticketCommand.js"
import * as Machine from "./Machine.js"
import * as PipelinesEvents from "./PipelinesEvents.js"
import * as SlaPolicy from "./SlaPolicy.js"
import * as Ticket from "./Ticket.js"
import * as TicketLifecycle from "./TicketLifecycle.js"
import * as TicketMetrics from "./TicketMetrics.js"

type Json = Collection.Json

/**
 * What a workspace's tickets follow: its lifecycle (default `TicketLifecycle.standard`),
 * its SLA policies (first match by position), the business calendar business-hours
 * targets count on, and its escalation rules.
 *
 * @since 0.1.0
 * @category models
 */
export interface Settings {
  readonly lifecycle?: TicketLifecycle.Lifecycle
  readonly policies?: ReadonlyArray<SlaPolicy.SlaPolicy>
  readonly calendar?: BusinessCalendar.BusinessCalendar
  readonly escalations?: ReadonlyArray<Escalation.Rule>
}

/**
 * The settings of every workspace, or a function giving each workspace its own.
 *
 * @since 0.1.0
 * @category models
 */
export type Config = Settings | ((workspaceId: string) => Settings)

/**
 * What `checkSla` did.
 *
 * @since 0.1.0
 * @category models
 */
export interface CheckResult {
  readonly checked: number
  readonly warnings: number
  readonly breaches: number
  readonly escalations: number
}

const fullSchema = Schema.Struct(Field.schemas(Ticket.fields))
const encodePolicy = Schema.encodeSync(SlaPolicy.SlaPolicy)
const decodePolicy = Schema.decodeUnknownSync(SlaPolicy.SlaPolicy)
const openCategories: ReadonlyArray<Ticket.Category> = ["new", "open", "pending", "on_hold"]

// Decoded as a struct so a bad value is reported on `priority`, not on an unnamed "" path.
const PriorityInput = Schema.Struct({ priority: Ticket.Priority })

// An event names its type; other keys are the lifecycle's own (its guards may read them).
const EventInput = Schema.Struct({ type: Schema.String }, Schema.Record({ key: Schema.String, value: Schema.Unknown }))

const AssignInput = Schema.Struct({
  assigneeId: Schema.optionalWith(Schema.NullOr(User.UserId), { exact: true }),
  teamId: Schema.optionalWith(Schema.NullOr(Team.TeamId), { exact: true })
})

const policyOf = (sla: Ticket.SlaState): SlaPolicy.SlaPolicy | null => (sla.policy === null ? null : decodePolicy(sla.policy))

const statusPayload = (policyId: string | null, s: SlaPolicy.TargetStatus): typeof PipelinesEvents.SlaTarget.Encoded => ({
  policyId,
  key: s.key,
  metric: s.metric,
  cycle: s.cycle,
  hours: s.hours,
  targetMinutes: s.targetMinutes,
  startedAt: s.startedAt,
  dueAt: s.dueAt,
  warnedAt: s.warnedAt,
  breachedAt: s.breachedAt
})

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (config: Config = {}) =>
  Effect.gen(function*() {
    const deps = yield* Command.dependencies
    const { replies, tickets, update } = Command.make(deps)

    const settingsFor = (workspaceId: string) => {
      const s = typeof config === "function" ? config(workspaceId) : config
      return {
        lifecycle: s.lifecycle ?? (TicketLifecycle.standard as TicketLifecycle.Lifecycle),
        policies: s.policies ?? [],
        calendar: s.calendar,
        escalations: s.escalations ?? []
      }
    }
    type Resolved = ReturnType<typeof settingsFor>
    const settings = Effect.map(Workspace.CurrentWorkspace, settingsFor)
    const now = Effect.clockWith((clock) => clock.currentTimeMillis)

    const evaluate = (s: Resolved, sla: Ticket.SlaState, timeline: ReadonlyArray<Ticket.Entry>, at: number) => {
      const policy = policyOf(sla)
      return policy === null ? [] : SlaPolicy.evaluate(policy, {
        timeline,
        now: at,
        calendar: s.calendar,
        appliedAt: sla.appliedAt,
        recorded: sla.breached
      })
    }

    /**
     * Settles SLA state and escalations on the ticket as it will be after `set`: new
     * breaches and warnings become events (once per target key), breach rules (and
     * condition rules when `check`) escalate.
     */
    const finish = (
      s: Resolved,
      row: Collection.Row,
      change: Command.Change,
      at: number,
      check: boolean
    ): Command.Change & { readonly counts: { warnings: number; breaches: number; escalations: number } } => {
      const view = { ...row, ...change.set }
      const sla = view.sla as unknown as Ticket.SlaState
      const timeline = view.timeline as unknown as ReadonlyArray<Ticket.Entry>
      const statuses = evaluate(s, sla, timeline, at)
      const policyId = (view.slaPolicyId as string | null) ?? null
      const warned = [...sla.warned]
      const breached: Record<string, number> = { ...sla.breached }
      const events = [...change.events]
      const counts = { warnings: 0, breaches: 0, escalations: 0 }
      const triggers: Array<Escalation.Trigger> = []
      for (const status of statuses) {
        if (status.breachedAt !== null && !(status.key in breached)) {
          breached[status.key] = status.breachedAt
          if (!warned.includes(status.key)) warned.push(status.key)
          events.push(PipelinesEvents.SlaBreached.make(statusPayload(policyId, status)))
          triggers.push({ _tag: "Breach", key: status.key, metric: status.metric })
          counts.breaches++
        } else if (status.state === "warning" && !warned.includes(status.key)) {
          warned.push(status.key)
          events.push(PipelinesEvents.SlaWarning.make(statusPayload(policyId, status)))
          counts.warnings++
        }
      }
      if (check) triggers.push({ _tag: "Check" })
      let priority = view.priority as Ticket.Priority
      let teamId = view.teamId as string | null
      let assigneeId = view.assigneeId as string | null
      const escalations = [...(view.escalations as ReadonlyArray<string>)]
      for (const trigger of triggers) {
        for (const rule of s.escalations) {
          const plan = Escalation.plan(rule, {
            priority,
            category: view.category as Ticket.Category,
            tags: view.tags as ReadonlyArray<string>,
            segments: view.segments as ReadonlyArray<string>,
            assigneeId,
            teamId,
            updatedAt: row.updatedAt,
            escalations
          }, trigger, at)
          if (plan === null) continue
          escalations.push(plan.key)
          if (plan.priority !== null) priority = plan.priority.to
          if (plan.teamId !== null) teamId = plan.teamId.to
          if (plan.assigneeId !== null) assigneeId = plan.assigneeId.to
          events.push(PipelinesEvents.TicketEscalated.make({
            ruleId: plan.ruleId,
            key: plan.key,
            reason: plan.reason,
            priority: plan.priority,
            teamId: plan.teamId,
            assigneeId: plan.assigneeId,
            notify: plan.notify
          }))
          counts.escalations++
        }
      }
      const slaDueAt = SlaPolicy.nextDue(statuses.filter((x) => !(x.key in breached)))
      return {
        set: {
          ...change.set,
          sla: { ...sla, warned, breached } as unknown as Json,
          slaDueAt,
          escalations,
          priority,
          teamId,
          assigneeId
        },
        events,
        counts
      }
    }

    /** The fields a status change sets, and its events. */
    const moveTo = (s: Resolved, ticket: Ticket.Ticket, step: Machine.Transition, at: number, timeline: ReadonlyArray<Ticket.Entry>) => {
      const from = ticket.category
      const to = TicketLifecycle.categoryOf(s.lifecycle, step.to)
      const reopened = from === "solved" && !Ticket.isDone(to)
      const set: Record<string, Json> = {
        status: step.to,
        category: to,
        timeline: [...timeline, { _tag: "Status", at, status: step.to, category: to }] as unknown as Json,
        ...(to === "solved" ? { solvedAt: at } : {}),
        ...(to === "closed" ? { closedAt: at } : {}),
        ...(reopened ? { reopenCount: ticket.reopenCount + 1, solvedAt: null } : {})
      }
      const events: Array<DomainEvent.Pending> = [PipelinesEvents.TicketStatusChanged.make({
        from: step.from,
        to: step.to,
        fromCategory: from,
        toCategory: to,
        event: step.event,
        effects: step.effects
      })]
      if (reopened) events.push(PipelinesEvents.TicketReopened.make({ from: step.from, to: step.to }))
      return { set, events }
    }

    const facts = (t: { priority: Ticket.Priority; channel: Ticket.Channel; tags: ReadonlyArray<string>; segments: ReadonlyArray<string> }) => ({
      priority: t.priority,
      channel: t.channel,
      tags: t.tags,
      segments: t.segments
    })

    /** Re-selects the policy; a different one applies from `at` on, breaches recorded so far stay. */
    const reselect = (s: Resolved, ticket: Ticket.Ticket, f: SlaPolicy.Facts, at: number) => {
      const policy = SlaPolicy.select(s.policies, f) ?? null
      const encoded = policy === null ? null : encodePolicy(policy)
      if (JSON.stringify(encoded) === JSON.stringify(ticket.sla.policy)) return null
      return {
        set: {
          slaPolicyId: policy?.id ?? null,
          sla: { ...ticket.sla, policy: encoded, appliedAt: at } as unknown as Json
        },
        event: PipelinesEvents.SlaPolicyApplied.make({ from: ticket.slaPolicyId, to: policy?.id ?? null, appliedAt: at })
      }
    }

    const transition = (ref: { readonly id: string; readonly version: number }, given: Machine.Event) =>
      Effect.gen(function*() {
        const event = yield* tickets.decodeInput("transition", EventInput, given)
        const s = yield* settings
        return yield* update("transition", ref, (row, ticket, at) =>
          Effect.gen(function*() {
            const step = yield* Machine.transition(s.lifecycle, ticket.status, event, ticket)
            const moved = moveTo(s, ticket, step, at, ticket.timeline)
            return finish(s, row, moved, at, false)
          }))
      })

    const reply = (given: string, input: Ticket.ReplyInput) =>
      Effect.gen(function*() {
        const ticketId = yield* Input.decodeId("Tickets.reply", given, "ticketId")
        const r = yield* tickets.decodeInput("reply", Ticket.ReplyInput, input)
        const s = yield* settings
        const workspaceId = yield* Workspace.CurrentWorkspace
        return yield* deps.store.transaction(Effect.gen(function*() {
          const row = yield* tickets.getRow(workspaceId, ticketId, "reply", "ticketId")
          if (row.category === "closed") {
            return yield* Effect.fail(Errors.ValidationError.single("Tickets.reply", "ticketId", `ticket ${ticketId} is closed`))
          }
          const sentAt = yield* now
          const stored = yield* replies.insertRow("reply", {
            ticketId,
            contactId: row.contactId ?? null,
            authorKind: r.authorKind,
            authorId: r.authorId,
            visibility: r.visibility,
            body: r.body,
            sentAt
          }, { eventType: PipelinesEvents.TicketReplyAdded.type })
          const ticket = yield* update("reply", row, (row, ticket, at) =>
            Effect.gen(function*() {
              const entry: Ticket.Entry = { _tag: "Reply", at, author: r.authorKind, visibility: r.visibility }
              const answer = Ticket.isAgentAnswer(entry)
              let set: Record<string, Json> = {}
              const events: Array<DomainEvent.Pending> = []
              let timeline: ReadonlyArray<Ticket.Entry> = ticket.timeline
              if (r.authorKind === "customer") {
                set.lastCustomerReplyAt = at
                const event = { type: "customer_reply" }
                if (Machine.can(s.lifecycle, ticket.status, event, ticket)) {
                  // The status change goes first, so a reopened ticket's reply starts a next-reply clock.
                  const step = yield* Machine.transition(s.lifecycle, ticket.status, event, ticket)
                  const moved = moveTo(s, ticket, step, at, timeline)
                  set = { ...set, ...moved.set }
                  timeline = moved.set.timeline as unknown as ReadonlyArray<Ticket.Entry>
                  events.push(...moved.events)
                }
              }
              if (answer) {
                set.lastAgentReplyAt = at
                if (ticket.firstReplyAt === null) {
                  set.firstReplyAt = at
                  events.push(PipelinesEvents.TicketFirstReply.make({ at, firstReplyMillis: at - ticket.createdAt }))
                }
              }
              set.timeline = [...timeline, entry] as unknown as Json
              return finish(s, row, { set, events }, at, false)
            }))
          return { ticket, reply: stored }
        })).pipe(Effect.retry({ while: (e) => e._tag === "Conflict", schedule: Schedule.recurs(5) }))
      })

    const checkSla = Effect.gen(function*() {
      const s = yield* settings
      const workspaceId = yield* Workspace.CurrentWorkspace
      const result = { checked: 0, warnings: 0, breaches: 0, escalations: 0 }
      const at = yield* now
      // Without condition rules only tickets with a warning or breach due can change:
      // `slaDueAt` (recomputed on every write) finds them on its index.
      const conditions = s.escalations.some((rule) => rule.when._tag === "Condition")
      const where = conditions
        ? Query.isIn("category", openCategories)
        : Query.and(Query.isIn("category", openCategories), Query.lte("slaDueAt", at))
      let cursor: string | undefined = undefined
      do {
        const page: { readonly rows: ReadonlyArray<Collection.Row>; readonly nextCursor: string | null } = yield* deps.store
          .find(workspaceId, {
            collection: "ticket",
            where,
            orderBy: [{ field: "id", direction: "asc" }],
            limit: 200,
            ...(cursor === undefined ? {} : { cursor })
          }).pipe(Effect.catchTag("InvalidQuery", (e) => Effect.die(e)))
        for (const row of page.rows) {
          result.checked++
          let counts = { warnings: 0, breaches: 0, escalations: 0 }
          yield* update("checkSla", row, (row, _ticket, at) => {
            const change = finish(s, row, { set: {}, events: [] }, at, true)
            if (change.events.length === 0 && change.set.slaDueAt === row.slaDueAt) return Effect.succeed(null)
            counts = change.counts
            return Effect.succeed(change)
          }).pipe(
            Effect.tap(() =>
              Effect.sync(() => {
                result.warnings += counts.warnings
                result.breaches += counts.breaches
                result.escalations += counts.escalations
              })
            ),
            // Another command wrote the ticket meanwhile: it settled the SLA itself, or the next check will.
            Effect.catchTag("Conflict", () => Effect.void)
          )
        }
        cursor = page.nextCursor ?? undefined
      } while (cursor !== undefined)
      return result as CheckResult
    })

    return {
      /** Opens a ticket in the lifecycle's initial state and applies the first matching SLA policy. */
      create: (input: Ticket.CreateInput) =>
        Effect.gen(function*() {
          const decoded = yield* tickets.decodeInput("create", Ticket.CreateInput, input)
          const s = yield* settings
          const at = yield* now
          const status = s.lifecycle.initial as string
          const category = TicketLifecycle.categoryOf(s.lifecycle, status)
          const policy = SlaPolicy.select(s.policies, facts(decoded)) ?? null
          const timeline: ReadonlyArray<Ticket.Entry> = [{ _tag: "Status", at, status, category }]
          const sla: Ticket.SlaState = { policy: policy === null ? null : encodePolicy(policy), appliedAt: at, warned: [], breached: {} }
          const fields = yield* tickets.normalize("create", fullSchema, {
            ...Schema.encodeSync(Ticket.CreateInput)(decoded),
            status,
            category,
            mergedIntoId: null,
            firstReplyAt: null,
            lastCustomerReplyAt: null,
            lastAgentReplyAt: null,
            solvedAt: null,
            closedAt: null,
            reopenCount: 0,
            timeline,
            slaPolicyId: policy?.id ?? null,
            slaDueAt: SlaPolicy.nextDue(evaluate(s, sla, timeline, at)),
            sla,
            escalations: []
          })
          return yield* tickets.insertRow("create", fields, {
            eventType: PipelinesEvents.TicketCreated.type,
            extraEvents: () =>
              policy === null ? [] : [PipelinesEvents.SlaPolicyApplied.make({ from: null, to: policy.id, appliedAt: at })]
          })
        }),

      /** Sends a lifecycle event (`{ type: "solve" }`); a refused move fails with `InvalidTransition` and writes nothing. */
      transition,

      /** Adds a reply; see the module doc for what customer and agent replies do. */
      reply,

      /** Assigns to a user and/or a team (`null` unassigns); unchanged values write nothing. */
      assign: (ref: { readonly id: string; readonly version: number }, input: { readonly assigneeId?: string | null; readonly teamId?: string | null }) =>
        Effect.gen(function*() {
          const decoded = yield* tickets.decodeInput("assign", AssignInput, input)
          const s = yield* settings
          return yield* update("assign", ref, (row, ticket, at) => {
            const set: Record<string, Json> = {}
            const changes: { -readonly [F in "assigneeId" | "teamId"]?: { readonly from: string | null; readonly to: string | null } } = {}
            for (const field of ["assigneeId", "teamId"] as const) {
              const to = decoded[field]
              if (to === undefined || to === ticket[field]) continue
              set[field] = to
              changes[field] = { from: ticket[field], to }
            }
            if (Object.keys(set).length === 0) return Effect.succeed(null)
            return Effect.succeed(finish(s, row, { set, events: [PipelinesEvents.TicketAssigned.make({ changes })] }, at, false))
          })
        }),

      /** Changes the priority; if another SLA policy matches now, it applies from now on (nothing back-dated). */
      changePriority: (ref: { readonly id: string; readonly version: number }, priority: Ticket.Priority) =>
        Effect.gen(function*() {
          const { priority: p } = yield* tickets.decodeInput("changePriority", PriorityInput, { priority })
          const s = yield* settings
          return yield* update("changePriority", ref, (row, ticket, at) => {
            if (p === ticket.priority) return Effect.succeed(null)
            const events: Array<DomainEvent.Pending> = [PipelinesEvents.TicketPriorityChanged.make({ from: ticket.priority, to: p })]
            const policy = reselect(s, ticket, { ...facts(ticket), priority: p }, at)
            if (policy !== null) events.push(policy.event)
            return Effect.succeed(finish(s, row, { set: { priority: p, ...policy?.set }, events }, at, false))
          })
        }),

      /** Re-selects the SLA policy from the workspace's current policies (after they changed); applies from now on. */
      applyPolicy: (ref: { readonly id: string; readonly version: number }) =>
        Effect.gen(function*() {
          const s = yield* settings
          return yield* update("applyPolicy", ref, (row, ticket, at) => {
            const policy = reselect(s, ticket, facts(ticket), at)
            return Effect.succeed(policy === null ? null : finish(s, row, { set: policy.set, events: [policy.event] }, at, false))
          })
        }),

      /** Merges `source` into `target`: the source closes with `mergedIntoId`, both get an event. */
      merge: (source: { readonly id: string; readonly version: number }, target: { readonly id: string; readonly version: number }) =>
        Effect.gen(function*() {
          const s = yield* settings
          // Both references are decoded first, so a bad one is named (`source.id`, `target.version`).
          yield* Effect.all([Input.decodeRef("Tickets.merge", source, "source"), Input.decodeRef("Tickets.merge", target, "target")], {
            mode: "validate"
          }).pipe(Effect.mapError((errors) =>
            new Errors.ValidationError({
              operation: "Tickets.merge",
              issues: errors.flatMap((e) => (e._tag === "Some" ? e.value.issues : []))
            })
          ))
          if (source.id === target.id) {
            return yield* Effect.fail(Errors.ValidationError.single("Tickets.merge", "target", "a ticket cannot be merged into itself"))
          }
          return yield* deps.store.transaction(Effect.gen(function*() {
            const merged = yield* update("merge", target, (row, ticket, at) => {
              if (Ticket.isDone(ticket.category)) {
                return Effect.fail(Errors.ValidationError.single("Tickets.merge", "target", `ticket ${ticket.id} is ${ticket.status}`))
              }
              return Effect.succeed(
                finish(s, row, { set: {}, events: [PipelinesEvents.TicketMergeReceived.make({ sourceId: source.id })] }, at, false)
              )
            })
            const closed = yield* update("merge", source, (row, ticket, at) =>
              Effect.gen(function*() {
                const step = yield* Machine.transition(s.lifecycle, ticket.status, { type: "merge" }, ticket)
                const moved = moveTo(s, ticket, step, at, ticket.timeline)
                return finish(s, row, {
                  set: { ...moved.set, mergedIntoId: target.id },
                  events: [...moved.events, PipelinesEvents.TicketMerged.make({ targetId: target.id })]
                }, at, false)
              }))
            return { source: closed, target: merged }
          }))
        }),

      /**
       * Records due SLA warnings and breaches of every open ticket (once per target)
       * and runs escalation rules. Run it on a schedule (`tick`).
       */
      checkSla,

      /** `checkSla`, under the name schedulers use. */
      tick: checkSla,

      /** The ticket's SLA targets now. */
      sla: (id: string) =>
        Effect.gen(function*() {
          const s = yield* settings
          const ticket = yield* tickets.get(id)
          return evaluate(s, ticket.sla, ticket.timeline, yield* now)
        }),

      /** The ticket's metrics now, in calendar and business time. */
      metrics: (id: string) =>
        Effect.gen(function*() {
          const s = yield* settings
          const ticket = yield* tickets.get(id)
          return TicketMetrics.compute({ timeline: ticket.timeline, now: yield* now, calendar: s.calendar })
        }),

      get: tickets.get,
      find: tickets.find,

      /** A ticket's replies, oldest first. */
      replies: (ticketId: string, options: { readonly limit?: number; readonly cursor?: string } = {}) =>
        Effect.flatMap(Input.decodeId("Tickets.replies", ticketId, "ticketId"), (ticketId) =>
          replies.find({
            where: Query.eq("ticketId", ticketId),
            orderBy: [{ field: "sentAt", direction: "asc" }],
            ...options
          }))
    }
  })

/**
 * @since 0.1.0
 * @category models
 */
export type Service = Effect.Effect.Success<ReturnType<typeof make>>

/**
 * Tickets of the current workspace.
 *
 * @example
 * ```ts
 * import { Tickets } from "@rapport/pipelines"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const tickets = yield* Tickets.Tickets
 *   const ticket = yield* tickets.create({ subject: "Parcel never arrived", channel: "email", priority: "high" })
 *   yield* tickets.reply(ticket.id, { authorKind: "agent", body: "Sorry! We are on it." })
 * })
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class Tickets extends Context.Tag("@rapport/pipelines/Tickets")<Tickets, Service>() {}

/**
 * The service with the given lifecycle, SLA policies, calendar and escalation rules
 * (one set, or one per workspace). Needs core's `Store`, `Catalog` and `IdGenerator`,
 * with `Ticket.collections` in the catalog.
 *
 * @example
 * ```ts
 * import { Crm, IdGenerator } from "@rapport/core"
 * import { MemoryStore } from "@rapport/memory"
 * import { SlaPolicy, Ticket, Tickets } from "@rapport/pipelines"
 * import { Layer } from "effect"
 *
 * const TicketsLive = Tickets.layer({
 *   policies: [SlaPolicy.unsafeMake({ id: "std", name: "Standard", position: 0, targets: [{ metric: "first_reply", minutes: 60 }] })]
 * }).pipe(Layer.provideMerge(Crm.layer({ store: MemoryStore.layer, collections: Ticket.collections, ids: IdGenerator.layerUlid })))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (config: Config = {}) => Layer.effect(Tickets, make(config))
