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
  // Kept in (at, seq) order as actions are scheduled, so the replay takes them from the
  // front: re-sorting the whole queue before every step made replaying quadratic.
  type Scheduled = { readonly at: number; readonly action: Effect.Effect<unknown, unknown, R> }
  const queue: Array<Scheduled> = []
  let head = 0
  return {
    at: (at, action) => {
      let lo = head
      let hi = queue.length
      while (lo < hi) {
        const mid = (lo + hi) >>> 1
        if (queue[mid]!.at <= at) lo = mid + 1
        else hi = mid
      }
      // After every action already at `at`: actions at the same time keep their order.
      queue.splice(lo, 0, { at, action })
    },
    replay: Effect.gen(function*() {
      while (head < queue.length) {
        const next = queue[head++]!
        yield* Effect.withClock(next.action, clockAt(next.at))
      }
      queue.length = 0
      head = 0
    })
  }
}
