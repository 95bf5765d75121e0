/**
 * @rapport/pipelines: deal pipelines and ticket lifecycles as state machines, and the
 * business-hours calendars SLA clocks run on.
 *
 * @since 0.1.0
 */

/**
 * The state-machine kernel: states, events, guards and effects as data; one pure
 * `transition`; validation and Mermaid rendering.
 *
 * @since 0.1.0
 */
export * as Machine from "./Machine.js"

/**
 * Weekly schedules in an IANA time zone with holidays and night shifts, and the
 * arithmetic of business minutes.
 *
 * @since 0.1.0
 */
export * as BusinessCalendar from "./BusinessCalendar.js"

/**
 * Deal pipelines defined in code: ordered stages, win probabilities, allowed moves,
 * required fields per stage, rotting times; `Pipeline.b2b` is the default.
 *
 * @since 0.1.0
 */
export * as Pipeline from "./Pipeline.js"

/**
 * The deal model and its `deal` collection.
 *
 * @since 0.1.0
 */
export * as Deal from "./Deal.js"

/**
 * The `Deals` service: create, move, win, lose, reopen, forecast, history, rotting.
 *
 * @since 0.1.0
 */
export * as Deals from "./Deals.js"

/**
 * The lead model, its lifecycle machine and its `lead` collection.
 *
 * @since 0.1.0
 */
export * as Lead from "./Lead.js"

/**
 * The `Leads` service: capture, qualify, disqualify, convert.
 *
 * @since 0.1.0
 */
export * as Leads from "./Leads.js"

/**
 * Support tickets: the model, its collections and timeline.
 *
 * @since 0.1.0
 */
export * as Ticket from "./Ticket.js"

/**
 * The default ticket lifecycle machine, and custom lifecycles per workspace.
 *
 * @since 0.1.0
 */
export * as TicketLifecycle from "./TicketLifecycle.js"

/**
 * The `Tickets` service: lifecycle, replies, assignment, merge, SLA checks, escalation.
 *
 * @since 0.1.0
 */
export * as Tickets from "./Tickets.js"

/**
 * SLA policies and the pure SLA math.
 *
 * @since 0.1.0
 */
export * as SlaPolicy from "./SlaPolicy.js"

/**
 * Per-ticket metrics: first reply, resolution, reopens, waits, in calendar and business time.
 *
 * @since 0.1.0
 */
export * as TicketMetrics from "./TicketMetrics.js"

/**
 * Escalation rules: on a breach or a condition, raise priority, reassign, notify.
 *
 * @since 0.1.0
 */
export * as Escalation from "./Escalation.js"

/**
 * Every event type this package writes, with the `Schema` of its payload.
 *
 * @since 0.1.0
 */
export * as PipelinesEvents from "./PipelinesEvents.js"

/**
 * Every collection this package stores, to add to the catalog.
 *
 * @since 0.1.0
 */
export * as Collections from "./Collections.js"
