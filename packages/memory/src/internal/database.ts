/**
 * The committed state of one store: per workspace, per collection, a `Table`; and the
 * event log. Tables are created on first write, so a workspace costs nothing until used.
 */
import type { Catalog } from "@rapport/core"
import { EventCollection } from "@rapport/core"
import type { PendingEvent } from "./events.js"
import { EventLog } from "./events.js"
import { Table } from "./table.js"

export class Database {
  readonly log = new EventLog()
  /** Grows with every change to the committed rows, so a commit can tell whether any came since a transaction began. */
  generation = 0
  private readonly workspaces = new Map<string, Map<string, Table>>()

  constructor(readonly catalog: Catalog.Service) {}

  table(workspaceId: string, collection: string): Table | undefined {
    return this.workspaces.get(workspaceId)?.get(collection)
  }

  /**
   * Commits events to the log and to the rows of the event collection, which queries on
   * it read (committed events only, as on every store).
   */
  appendEvents(events: ReadonlyArray<PendingEvent>): void {
    for (const event of this.log.append(events)) {
      this.tableFor(event.workspaceId, EventCollection.name).put(EventCollection.idOf(event.position), EventCollection.row(event), true)
    }
  }

  /** The table to write to; the caller has checked that the collection exists. */
  tableFor(workspaceId: string, collection: string): Table {
    let tables = this.workspaces.get(workspaceId)
    if (tables === undefined) this.workspaces.set(workspaceId, tables = new Map())
    let table = tables.get(collection)
    if (table === undefined) {
      // Indexes and unique keys come from the catalog's spec, which is the same for
      // every workspace (custom fields are neither indexed nor unique).
      tables.set(
        collection,
        table = new Table(collection === EventCollection.name ? EventCollection.spec : this.catalog.collections.get(collection)!)
      )
    }
    return table
  }
}
