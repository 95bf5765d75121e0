/**
 * The event log: one store-wide position counter, so positions grow in commit order
 * (a reader resuming after the last position it saw can never skip a late commit),
 * kept per workspace with an index by subject so a record's timeline is not a scan of
 * the whole log.
 */
import { DomainEvent } from "@rapport/core"

type StoredEvent = DomainEvent.StoredEvent

/** An appended event waiting for its transaction to commit: checked, copied, no position. */
export type PendingEvent = Omit<DomainEvent.StoredEvent, "position">

interface WorkspaceLog {
  readonly events: Array<StoredEvent>
  readonly bySubject: Map<string, Array<StoredEvent>>
}

/** The index of the first event whose position is greater than `position`. */
const firstAfter = (events: ReadonlyArray<StoredEvent>, position: number): number => {
  let lo = 0
  let hi = events.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (events[mid]!.position <= position) lo = mid + 1
    else hi = mid
  }
  return lo
}

export class EventLog {
  private next = 1
  private readonly workspaces = new Map<string, WorkspaceLog>()

  /** Stores events in order, giving each the next position. Call only while committing. */
  append(events: ReadonlyArray<PendingEvent>): void {
    for (const pending of events) {
      // Checked when it was appended, so the constructor need not check it again.
      const event = new DomainEvent.StoredEvent({ ...pending, position: this.next++ }, true)
      let log = this.workspaces.get(event.workspaceId)
      if (log === undefined) this.workspaces.set(event.workspaceId, log = { events: [], bySubject: new Map() })
      log.events.push(event)
      for (const subject of new Set(event.subjects)) {
        let list = log.bySubject.get(subject)
        if (list === undefined) log.bySubject.set(subject, list = [])
        list.push(event)
      }
    }
  }

  /** Events with a position greater than `after`, oldest first. */
  read(workspaceId: string, after: number, limit: number): ReadonlyArray<StoredEvent> {
    const log = this.workspaces.get(workspaceId)
    if (log === undefined || limit <= 0) return []
    const start = firstAfter(log.events, after)
    return log.events.slice(start, start + limit)
  }

  /** Events naming `subject` with a position below `before`, newest first. */
  about(workspaceId: string, subject: string, before: number | undefined, limit: number): ReadonlyArray<StoredEvent> {
    const list = this.workspaces.get(workspaceId)?.bySubject.get(subject)
    if (list === undefined || limit <= 0) return []
    // `firstAfter(p - 1)` is the first position ≥ p for integer positions; a fractional
    // `before` is rounded up so that `position < before` still holds for all below it.
    let end = before === undefined ? list.length : firstAfter(list, Math.ceil(before) - 1)
    const out: Array<StoredEvent> = []
    while (end > 0 && out.length < limit) out.push(list[--end]!)
    return out
  }
}
