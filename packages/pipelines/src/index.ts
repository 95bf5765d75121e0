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
