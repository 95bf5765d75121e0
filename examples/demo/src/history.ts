/**
 * Replays a workspace's history in time order: each scheduled action runs with the
 * clock standing at its moment, so records, events and the timeline carry the dates
 * they would have had if the shop had used Rapport all year.
 */
import { Clock, Effect } from "effect"

/** A clock that stands still at `t`. */
export const clockAt = (t: number): Clock.Clock => ({
  [Clock.ClockTypeId]: Clock.ClockTypeId,
  unsafeCurrentTimeMillis: () => t,
  currentTimeMillis: Effect.succeed(t),
  unsafeCurrentTimeNanos: () => BigInt(t) * 1_000_000n,
  currentTimeNanos: Effect.succeed(BigInt(t) * 1_000_000n),
  sleep: () => Effect.void
})

export interface History<R> {
  /** Schedules an action at time `at`; actions at the same time keep their order. */
  readonly at: (at: number, action: Effect.Effect<unknown, unknown, R>) => void
  /** Runs every scheduled action in time order (actions may schedule later ones). */
  readonly replay: Effect.Effect<void, unknown, R>
}

export const make = <R>(): History<R> => {
  const queue: Array<{ readonly at: number; readonly seq: number; readonly action: Effect.Effect<unknown, unknown, R> }> = []
  let seq = 0
  return {
    at: (at, action) => void queue.push({ at, seq: seq++, action }),
    replay: Effect.gen(function*() {
      while (queue.length > 0) {
        queue.sort((a, b) => a.at - b.at || a.seq - b.seq)
        const next = queue.shift()!
        yield* Effect.withClock(next.action, clockAt(next.at))
      }
    })
  }
}
