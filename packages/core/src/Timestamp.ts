/**
 * Instants as integer milliseconds since the Unix epoch (UTC). One representation in
 * every engine, so comparisons, windows and buckets agree everywhere.
 *
 * @since 0.1.0
 */
import { Clock, Effect, Schema } from "effect"

/**
 * Epoch milliseconds, an integer.
 *
 * @example
 * ```ts
 * import { Timestamp } from "@rapport/core"
 * const t = Timestamp.make(Date.UTC(2026, 0, 1))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export const Timestamp = Schema.Int.pipe(Schema.brand("@rapport/core/Timestamp"))

/**
 * @since 0.1.0
 * @category models
 */
export type Timestamp = typeof Timestamp.Type

/**
 * Brands a number of epoch milliseconds (truncated to an integer).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (millis: number): Timestamp => Timestamp.make(Math.trunc(millis))

/**
 * The current time from Effect's `Clock`, so `TestClock` drives it in tests.
 *
 * @since 0.1.0
 * @category constructors
 */
export const now: Effect.Effect<Timestamp> = Effect.map(Clock.currentTimeMillis, make)

/**
 * Milliseconds in a day; relative date windows count whole days of 24 hours.
 *
 * @since 0.1.0
 * @category constants
 */
export const DAY = 86_400_000

/**
 * ISO-8601 text of a timestamp, for display.
 *
 * @since 0.1.0
 * @category combinators
 */
export const toIso = (t: Timestamp): string => new Date(t).toISOString()
