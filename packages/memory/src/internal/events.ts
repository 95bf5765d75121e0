/**
 * The event log: one store-wide position counter, so positions grow in commit order
 * (a reader resuming after the last position it saw can never skip a late commit, in a
 * workspace or across all of them), kept store-wide and per workspace, each with an
 * index by type (filtered reads skip other types), and per workspace by subject so a
 * record's timeline is not a scan of the whole log.
 */
import { DomainEvent } from "@rapport/core"

type StoredEvent = DomainEvent.StoredEvent

/** An appended event waiting for its transaction to commit: checked, copied, no position. */
export type PendingEvent = Omit<DomainEvent.StoredEvent, "position">

/** Events in position order, and the same by type. */
interface Sequence {
  readonly events: Array<StoredEvent>
  readonly byType: Map<string, Array<StoredEvent>>
}

interface WorkspaceLog extends Sequence {
  readonly bySubject: Map<string, Array<StoredEvent>>
}

const push = (sequence: Sequence, event: StoredEvent): void => {
  sequence.events.push(event)
  let list = sequence.byType.get(event.type)
  if (list === undefined) sequence.byType.set(event.type, list = [])
  list.push(event)
}

/** The events after `after`, at most `limit`, of `types` when given: a merge of the per-type lists. */
const readFrom = (
  sequence: Sequence,
  after: number,
  limit: number,
  types: ReadonlyArray<string> | undefined
): ReadonlyArray<StoredEvent> => {
  if (limit <= 0) return []
  if (types === undefined) {
    const start = firstAfter(sequence.events, after)
    return sequence.events.slice(start, start + limit)
  }
  const out: Array<StoredEvent> = []
  for (const type of new Set(types)) {
    const list = sequence.byType.get(type)
    if (list === undefined) continue
    const start = firstAfter(list, after)
    for (let i = start; i < list.length && i < start + limit; i++) out.push(list[i]!)
  }
  out.sort((a, b) => a.position - b.position)
  return out.length > limit ? out.slice(0, limit) : out
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
  private readonly all: Sequence = { events: [], byType: new Map() }

  /** Stores events in order, giving each the next position, and returns them. Call only while committing. */
  append(events: ReadonlyArray<PendingEvent>): ReadonlyArray<StoredEvent> {
    const stored: Array<StoredEvent> = []
    for (const pending of events) {
      // Checked when it was appended, so the constructor need not check it again.
      const event = new DomainEvent.StoredEvent({ ...pending, position: this.next++ }, true)
      let log = this.workspaces.get(event.workspaceId)
      if (log === undefined) {
        this.workspaces.set(event.workspaceId, log = { events: [], byType: new Map(), bySubject: new Map() })
      }
      push(log, event)
      push(this.all, event)
      stored.push(event)
      for (const subject of new Set(event.subjects)) {
        let list = log.bySubject.get(subject)
        if (list === undefined) log.bySubject.set(subject, list = [])
        list.push(event)
      }
    }
    return stored
  }

  /** A workspace's events with a position greater than `after`, oldest first. */
  read(workspaceId: string, after: number, limit: number, types?: ReadonlyArray<string>): ReadonlyArray<StoredEvent> {
    const log = this.workspaces.get(workspaceId)
    return log === undefined ? [] : readFrom(log, after, limit, types)
  }

  /** Every workspace's events with a position greater than `after`, oldest first. */
  feed(after: number, limit: number, types?: ReadonlyArray<string>): ReadonlyArray<StoredEvent> {
    return readFrom(this.all, after, limit, types)
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
