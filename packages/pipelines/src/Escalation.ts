/**
 * Escalation rules: on an SLA breach, or when a condition holds, raise a ticket's
 * priority, reassign it to a team (or a user) and notify people. Rules are data; `plan`
 * is pure and says what a rule does to a ticket. The `Tickets` service applies the plan
 * and records it as a `TicketEscalated` event, which the workflow engine consumes (the
 * notifications are sent there, not here).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as SlaPolicy from "./SlaPolicy.js"
import * as Ticket from "./Ticket.js"

/**
 * When a rule fires: on a breach of the listed metrics (any metric when none are
 * listed), or when a ticket matches a condition (all listed parts must hold;
 * `idleMinutes` is the time since the last update).
 *
 * @since 0.1.0
 * @category models
 */
export const When = Schema.Union(
  Schema.TaggedStruct("Breach", { metrics: Schema.optional(Schema.Array(SlaPolicy.Metric)) }),
  Schema.TaggedStruct("Condition", {
    priority: Schema.optional(Schema.Array(Ticket.Priority)),
    category: Schema.optional(Schema.Array(Ticket.Category)),
    tags: Schema.optional(Schema.Array(Schema.String)),
    segments: Schema.optional(Schema.Array(Schema.String)),
    unassigned: Schema.optional(Schema.Boolean),
    idleMinutes: Schema.optional(Schema.Number.pipe(Schema.positive()))
  })
)

/**
 * @since 0.1.0
 * @category models
 */
export type When = typeof When.Type

/**
 * What a rule does: `raisePriority` is `"step"` (one level up) or a priority to raise
 * to (never lowers); `teamId`/`assigneeId` reassign; `notify` lists recipients
 * (`"assignee"`, `"team"`, a user id, an address: the workflow engine interprets them).
 *
 * @since 0.1.0
 * @category models
 */
export const Then = Schema.Struct({
  raisePriority: Schema.optional(Schema.Union(Schema.Literal("step"), Ticket.Priority)),
  teamId: Schema.optional(Schema.String),
  assigneeId: Schema.optional(Schema.NullOr(Schema.String)),
  notify: Schema.optional(Schema.Array(Schema.String))
})

/**
 * @since 0.1.0
 * @category models
 */
export type Then = typeof Then.Type

/**
 * An escalation rule. A rule fires once per ticket (once per breached target for
 * breach rules).
 *
 * @example
 * ```ts
 * import { Escalation } from "@rapport/pipelines"
 *
 * const rule: Escalation.Rule = {
 *   id: "frt-breach",
 *   when: { _tag: "Breach", metrics: ["first_reply"] },
 *   then: { raisePriority: "step", teamId: "team_tier2", notify: ["team"] }
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export const Rule = Schema.Struct({
  id: Schema.String.pipe(Schema.minLength(1)),
  when: When,
  then: Then
})

/**
 * @since 0.1.0
 * @category models
 */
export type Rule = typeof Rule.Type

/**
 * What triggered a check: a breach of one target, or a periodic check of conditions.
 *
 * @since 0.1.0
 * @category models
 */
export type Trigger =
  | { readonly _tag: "Breach"; readonly key: string; readonly metric: SlaPolicy.Metric }
  | { readonly _tag: "Check" }

/**
 * The part of a ticket rules read.
 *
 * @since 0.1.0
 * @category models
 */
export interface Subject {
  readonly priority: Ticket.Priority
  readonly category: Ticket.Category
  readonly tags: ReadonlyArray<string>
  readonly segments: ReadonlyArray<string>
  readonly assigneeId: string | null
  readonly teamId: string | null
  readonly updatedAt: number
  /** Rule keys that already fired on this ticket. */
  readonly escalations: ReadonlyArray<string>
}

/**
 * What a rule does to a ticket: the changes and whom to notify, under the `key` that
 * keeps it from firing twice.
 *
 * @since 0.1.0
 * @category models
 */
export interface Plan {
  readonly key: string
  readonly ruleId: string
  readonly reason: string
  readonly priority: { readonly from: Ticket.Priority; readonly to: Ticket.Priority } | null
  readonly teamId: { readonly from: string | null; readonly to: string } | null
  readonly assigneeId: { readonly from: string | null; readonly to: string | null } | null
  readonly notify: ReadonlyArray<string>
}

const anyOf = (wanted: ReadonlyArray<string> | undefined, have: ReadonlyArray<string>) =>
  wanted === undefined || wanted.length === 0 || wanted.some((w) => have.includes(w))

/**
 * The rule's plan for a ticket, or `null` when it does not fire (or already fired).
 * Pure.
 *
 * @example
 * ```ts
 * import { Escalation } from "@rapport/pipelines"
 *
 * const plan = Escalation.plan(
 *   { id: "r", when: { _tag: "Breach" }, then: { raisePriority: "step", notify: ["team"] } },
 *   { priority: "normal", category: "open", tags: [], segments: [], assigneeId: null, teamId: null, updatedAt: 0, escalations: [] },
 *   { _tag: "Breach", key: "first_reply#0", metric: "first_reply" },
 *   1_000
 * )
 * plan?.priority // { from: "normal", to: "high" }
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const plan = (rule: Rule, ticket: Subject, trigger: Trigger, now: number): Plan | null => {
  let key: string
  let reason: string
  if (rule.when._tag === "Breach") {
    if (trigger._tag !== "Breach") return null
    if (!anyOf(rule.when.metrics, [trigger.metric])) return null
    key = `${rule.id}:${trigger.key}`
    reason = `breach of ${trigger.key}`
  } else {
    if (trigger._tag !== "Check") return null
    const w = rule.when
    if (Ticket.isDone(ticket.category) && w.category === undefined) return null
    const holds = anyOf(w.priority, [ticket.priority]) && anyOf(w.category, [ticket.category]) &&
      anyOf(w.tags, ticket.tags) && anyOf(w.segments, ticket.segments) &&
      (w.unassigned === undefined || w.unassigned === (ticket.assigneeId === null)) &&
      (w.idleMinutes === undefined || now - ticket.updatedAt >= w.idleMinutes * 60_000)
    if (!holds) return null
    key = rule.id
    reason = "condition"
  }
  if (ticket.escalations.includes(key)) return null
  const t = rule.then
  let priority: Plan["priority"] = null
  if (t.raisePriority !== undefined) {
    const rank = Ticket.priorities.indexOf(ticket.priority)
    const wanted = t.raisePriority === "step"
      ? Math.min(rank + 1, Ticket.priorities.length - 1)
      : Math.max(rank, Ticket.priorities.indexOf(t.raisePriority))
    if (wanted !== rank) priority = { from: ticket.priority, to: Ticket.priorities[wanted]! }
  }
  const teamId = t.teamId !== undefined && t.teamId !== ticket.teamId ? { from: ticket.teamId, to: t.teamId } : null
  const assigneeId = t.assigneeId !== undefined && t.assigneeId !== ticket.assigneeId
    ? { from: ticket.assigneeId, to: t.assigneeId }
    : null
  return { key, ruleId: rule.id, reason, priority, teamId, assigneeId, notify: t.notify ?? [] }
}
