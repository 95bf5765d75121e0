/**
 * The event types `@rapport/pipelines` writes (deals, leads, tickets and their SLA
 * clocks), each with the `Schema` of its payload (core's `DomainEvent.define`), and
 * `all`, their union. A consumer decodes a stored event with the definition of its type
 * instead of casting the payload.
 *
 * Events written through core's `Records` keep its shapes: `{ record }` when a record
 * is created, `{ changes }` (each changed field's `{ from, to }`) plus the command's own
 * fields when one changes. Ticket commands append their events with the ticket's new
 * state and carry only their own fields.
 *
 * @example
 * ```ts
 * import type { DomainEvent } from "@rapport/core"
 * import { PipelinesEvents } from "@rapport/pipelines"
 * import { Effect } from "effect"
 *
 * // How long won deals sat in their last stage, read from a page of the log.
 * const lastStageTimes = (events: ReadonlyArray<DomainEvent.StoredEvent>) =>
 *   Effect.forEach(events.filter((e) => e.type === PipelinesEvents.DealWon.type), (event) =>
 *     Effect.map(PipelinesEvents.DealWon.decode(event), (won) => `${won.payload.from}: ${won.payload.timeInStageMs} ms`))
 * ```
 *
 * @since 0.1.0
 */
import { Company, Contact, DomainEvent, Team, Timestamp, User } from "@rapport/core"
import { Schema } from "effect"
import * as Deal from "./Deal.js"
import * as Lead from "./Lead.js"
import * as Machine from "./Machine.js"
import * as SlaPolicy from "./SlaPolicy.js"
import * as Ticket from "./Ticket.js"

const changes = DomainEvent.changesPayload()

// Deals

/**
 * `Deals.create`: `{ record }`, the deal in its first stage.
 *
 * @since 0.1.0
 * @category events
 */
export const DealCreated = DomainEvent.define("DealCreated", DomainEvent.recordPayload(Deal.Deal))

/**
 * What a stage move carries besides its `changes`: the pipeline, the stages left and
 * entered, and how long the deal was in the stage it left.
 *
 * @since 0.1.0
 * @category schemas
 */
export const stageMove = {
  pipelineId: Schema.String,
  from: Schema.String,
  to: Schema.String,
  timeInStageMs: Schema.NonNegativeInt
}

/**
 * `moveToStage` between open stages.
 *
 * @since 0.1.0
 * @category events
 */
export const DealStageChanged = DomainEvent.define("DealStageChanged", DomainEvent.changesPayload(stageMove))

/**
 * A move to the won stage (`win`, or `moveToStage` there).
 *
 * @since 0.1.0
 * @category events
 */
export const DealWon = DomainEvent.define("DealWon", DomainEvent.changesPayload(stageMove))

/**
 * A move to the lost stage, with the `reason` given to `lose`.
 *
 * @since 0.1.0
 * @category events
 */
export const DealLost = DomainEvent.define(
  "DealLost",
  DomainEvent.changesPayload({ ...stageMove, reason: Schema.NullOr(Schema.String) })
)

/**
 * `reopen`: a won or lost deal back in an open stage.
 *
 * @since 0.1.0
 * @category events
 */
export const DealReopened = DomainEvent.define("DealReopened", DomainEvent.changesPayload(stageMove))

/**
 * `Deals.changeAmount`: `{ changes }` of `amount` (and `lastActivityAt`).
 *
 * @since 0.1.0
 * @category events
 */
export const DealAmountChanged = DomainEvent.define("DealAmountChanged", changes)

/**
 * `Deals.changeCloseDate`: `{ changes }` of `closeDate` (and `lastActivityAt`).
 *
 * @since 0.1.0
 * @category events
 */
export const DealCloseDateChanged = DomainEvent.define("DealCloseDateChanged", changes)

/**
 * `Deals.update`: `{ changes }`.
 *
 * @since 0.1.0
 * @category events
 */
export const DealUpdated = DomainEvent.define("DealUpdated", changes)

/**
 * `Deals.setForecastCategory`: `{ changes }` of `forecastCategory` and `forecastOverride`.
 *
 * @since 0.1.0
 * @category events
 */
export const DealForecastChanged = DomainEvent.define("DealForecastChanged", changes)

/**
 * `Deals.checkRotting`: the deal has been idle in `stage` for longer than its
 * `rotAfterDays` (once per stage entry).
 *
 * @since 0.1.0
 * @category events
 */
export const DealRotting = DomainEvent.define(
  "DealRotting",
  DomainEvent.changesPayload({
    pipelineId: Schema.String,
    stage: Schema.String,
    rotAfterDays: Schema.Number,
    idleMs: Schema.Int
  })
)

/**
 * The events a deal's stage history (`Deals.history`) is read from.
 *
 * @since 0.1.0
 * @category events
 */
export const StageMoves = DomainEvent.union(DealStageChanged, DealWon, DealLost, DealReopened)

// Leads

/**
 * `Leads.capture`: `{ record }`.
 *
 * @since 0.1.0
 * @category events
 */
export const LeadCaptured = DomainEvent.define("LeadCaptured", DomainEvent.recordPayload(Lead.Lead))

/**
 * `Leads.qualify`: `{ changes }`.
 *
 * @since 0.1.0
 * @category events
 */
export const LeadQualified = DomainEvent.define("LeadQualified", changes)

/**
 * `Leads.disqualify`, with its `reason`.
 *
 * @since 0.1.0
 * @category events
 */
export const LeadDisqualified = DomainEvent.define("LeadDisqualified", DomainEvent.changesPayload({ reason: Schema.String }))

/**
 * `Leads.convert`: the contact, company and deal the lead became.
 *
 * @since 0.1.0
 * @category events
 */
export const LeadConverted = DomainEvent.define(
  "LeadConverted",
  DomainEvent.changesPayload({
    contactId: Contact.ContactId,
    companyId: Schema.NullOr(Company.CompanyId),
    dealId: Deal.DealId
  })
)

// Tickets

/**
 * `Tickets.create`: `{ record }`, the ticket in the lifecycle's initial state.
 *
 * @since 0.1.0
 * @category events
 */
export const TicketCreated = DomainEvent.define("TicketCreated", DomainEvent.recordPayload(Ticket.Ticket))

/**
 * An SLA policy applies to a ticket from `appliedAt` on (`from` the previous policy's
 * id, `to` the new one's; `null` for none): on `create`, `changePriority`, `applyPolicy`.
 *
 * @since 0.1.0
 * @category events
 */
export const SlaPolicyApplied = DomainEvent.define(
  "SlaPolicyApplied",
  Schema.Struct({ from: Schema.NullOr(Schema.String), to: Schema.NullOr(Schema.String), appliedAt: Timestamp.Timestamp })
)

/**
 * A lifecycle move: the states and categories left and entered, the lifecycle event
 * that caused it, and the machine's effects to run.
 *
 * @since 0.1.0
 * @category events
 */
export const TicketStatusChanged = DomainEvent.define(
  "TicketStatusChanged",
  Schema.Struct({
    from: Schema.String,
    to: Schema.String,
    fromCategory: Ticket.Category,
    toCategory: Ticket.Category,
    event: Schema.String,
    effects: Schema.Array(Machine.SideEffect)
  })
)

/**
 * A solved ticket moved back to an open category (after its `TicketStatusChanged`).
 *
 * @since 0.1.0
 * @category events
 */
export const TicketReopened = DomainEvent.define("TicketReopened", Schema.Struct({ from: Schema.String, to: Schema.String }))

/**
 * `Tickets.reply`: `{ record }`, the reply.
 *
 * @since 0.1.0
 * @category events
 */
export const TicketReplyAdded = DomainEvent.define("TicketReplyAdded", DomainEvent.recordPayload(Ticket.Reply))

/**
 * The first public agent reply: when, and how long after the ticket was created.
 *
 * @since 0.1.0
 * @category events
 */
export const TicketFirstReply = DomainEvent.define(
  "TicketFirstReply",
  Schema.Struct({ at: Timestamp.Timestamp, firstReplyMillis: Schema.Int })
)

/**
 * `Tickets.assign`: `{ changes }` of the assignee and/or the team.
 *
 * @since 0.1.0
 * @category events
 */
export const TicketAssigned = DomainEvent.define(
  "TicketAssigned",
  Schema.Struct({
    changes: Schema.Struct({
      assigneeId: Schema.optionalWith(
        Schema.Struct({ from: Schema.NullOr(User.UserId), to: Schema.NullOr(User.UserId) }),
        { exact: true }
      ),
      teamId: Schema.optionalWith(
        Schema.Struct({ from: Schema.NullOr(Team.TeamId), to: Schema.NullOr(Team.TeamId) }),
        { exact: true }
      )
    })
  })
)

/**
 * `Tickets.changePriority`.
 *
 * @since 0.1.0
 * @category events
 */
export const TicketPriorityChanged = DomainEvent.define(
  "TicketPriorityChanged",
  Schema.Struct({ from: Ticket.Priority, to: Ticket.Priority })
)

/**
 * `Tickets.merge`, on the target: the ticket merged into it.
 *
 * @since 0.1.0
 * @category events
 */
export const TicketMergeReceived = DomainEvent.define("TicketMergeReceived", Schema.Struct({ sourceId: Ticket.TicketId }))

/**
 * `Tickets.merge`, on the source (after its `TicketStatusChanged`): the ticket it was merged into.
 *
 * @since 0.1.0
 * @category events
 */
export const TicketMerged = DomainEvent.define("TicketMerged", Schema.Struct({ targetId: Ticket.TicketId }))

/**
 * One SLA target of a ticket as `SlaWarning` and `SlaBreached` record it (see
 * `SlaPolicy.TargetStatus`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const SlaTarget = Schema.Struct({
  policyId: Schema.NullOr(Schema.String),
  key: Schema.String,
  metric: SlaPolicy.Metric,
  cycle: Schema.Int,
  hours: SlaPolicy.Hours,
  targetMinutes: Schema.Number,
  startedAt: Timestamp.Timestamp,
  dueAt: Schema.NullOr(Timestamp.Timestamp),
  warnedAt: Schema.NullOr(Timestamp.Timestamp),
  breachedAt: Schema.NullOr(Timestamp.Timestamp)
})

/**
 * An SLA target reached its warning threshold (once per target).
 *
 * @since 0.1.0
 * @category events
 */
export const SlaWarning = DomainEvent.define("SlaWarning", SlaTarget)

/**
 * An SLA target was breached (once per target).
 *
 * @since 0.1.0
 * @category events
 */
export const SlaBreached = DomainEvent.define("SlaBreached", SlaTarget)

/**
 * An escalation rule fired: what it changed (`null` for what it left alone) and whom
 * to notify (the workflow engine interprets `notify`).
 *
 * @since 0.1.0
 * @category events
 */
export const TicketEscalated = DomainEvent.define(
  "TicketEscalated",
  Schema.Struct({
    ruleId: Schema.String,
    key: Schema.String,
    reason: Schema.String,
    priority: Schema.NullOr(Schema.Struct({ from: Ticket.Priority, to: Ticket.Priority })),
    teamId: Schema.NullOr(Schema.Struct({ from: Schema.NullOr(Schema.String), to: Schema.String })),
    assigneeId: Schema.NullOr(Schema.Struct({ from: Schema.NullOr(Schema.String), to: Schema.NullOr(Schema.String) })),
    notify: Schema.Array(Schema.String)
  })
)

/**
 * Every event type this package writes: decodes any of them, and `all.types` lists them.
 *
 * @since 0.1.0
 * @category events
 */
export const all = DomainEvent.union(
  DealCreated,
  DealStageChanged,
  DealWon,
  DealLost,
  DealReopened,
  DealAmountChanged,
  DealCloseDateChanged,
  DealUpdated,
  DealForecastChanged,
  DealRotting,
  LeadCaptured,
  LeadQualified,
  LeadDisqualified,
  LeadConverted,
  TicketCreated,
  SlaPolicyApplied,
  TicketStatusChanged,
  TicketReopened,
  TicketReplyAdded,
  TicketFirstReply,
  TicketAssigned,
  TicketPriorityChanged,
  TicketMergeReceived,
  TicketMerged,
  SlaWarning,
  SlaBreached,
  TicketEscalated
)

/**
 * Any event this package writes, decoded.
 *
 * @since 0.1.0
 * @category models
 */
export type Any = DomainEvent.EventOf<typeof all>
