/**
 * The write path of ticket commands. Inserts, decoding and reads go through core's
 * shared command pipeline (core's `Records`); updates use `update`
 * below, because a ticket command may append several events (a transition and the SLA
 * events it settles, an escalation and its breach) with the new state in one
 * transaction, which `patchRow` (one event per write) cannot.
 */
import type { Collection, DomainEvent } from "@rapport/core"
import { Actor, Errors, Input, Workspace } from "@rapport/core"
import { Records } from "@rapport/core"
import { Effect, Either, Option, ParseResult, Schema } from "effect"
import * as Ticket from "../Ticket.js"

type Json = Collection.Json

/** A ticket's subjects: itself, then the contact, order and conversation it links. */
export const subjectsOf = (row: Collection.Row): ReadonlyArray<DomainEvent.Subject> => {
  const out: Array<DomainEvent.Subject> = [`ticket:${row.id}`]
  if (typeof row.contactId === "string") out.push(`contact:${row.contactId}`)
  if (typeof row.orderId === "string") out.push(`order:${row.orderId}`)
  if (typeof row.conversationId === "string") out.push(`conversation:${row.conversationId}`)
  return out
}

export interface Change {
  readonly set: Record<string, Json>
  /** Built with the definitions of `PipelinesEvents`, so that each payload is checked against its schema. */
  readonly events: ReadonlyArray<DomainEvent.Pending>
}

const refFields = Object.entries(Ticket.collection.spec.fields).filter(([, f]) => f.ref !== undefined)
const decodeTicket = Schema.decodeUnknownEither(Ticket.Ticket)

export const make = (deps: Effect.Effect.Success<typeof Records.dependencies>) => {
  const { store } = deps
  const tickets = Records.make(deps, { collection: Ticket.collection, model: "Ticket", prefix: "tkt", subjects: (row) => subjectsOf(row).slice(1) })
  const replies = Records.make(deps, {
    collection: Ticket.replyCollection,
    model: "TicketReply",
    prefix: "rep",
    subjects: (row) => [`ticket:${row.ticketId}`, ...(typeof row.contactId === "string" ? [`contact:${row.contactId}` as const] : [])]
  })

  const current = (workspaceId: string, given: Records.Versioned, command = "get") =>
    Effect.flatMap(Input.decodeRef(`Tickets.${command}`, given), (ref) =>
      Effect.flatMap(tickets.getRow(workspaceId, ref.id, command), (row) =>
      row.version === ref.version
        ? Effect.succeed(row)
        : Effect.fail(
          new Errors.Conflict({
            collection: "ticket",
            id: ref.id,
            reason: "stale-version",
            expectedVersion: ref.version,
            actualVersion: row.version
          })
        )))

  const checkRefs = (command: string, workspaceId: string, next: Collection.Row, before: Collection.Row) =>
    Effect.gen(function*() {
      for (const [field, spec] of refFields) {
        const value = next[field]
        if (typeof value !== "string" || before[field] === value) continue
        const target = yield* store.get(workspaceId, spec.ref!, value)
        if (Option.isNone(target)) {
          return yield* Effect.fail(
            Errors.ValidationError.single(`Tickets.${command}`, field, `no ${spec.ref} ${value} in this workspace`)
          )
        }
      }
    })

  /**
   * Loads the ticket at the caller's version, lets `f` decide the change, writes the
   * new row and appends its events in one transaction. `f` returning `null` writes
   * nothing. Any failure (a refused transition, bad input) writes nothing.
   */
  const update = <E, R>(
    command: string,
    ref: Records.Versioned,
    f: (row: Collection.Row, ticket: Ticket.Ticket, now: number) => Effect.Effect<Change | null, E, R>
  ) =>
    Effect.gen(function*() {
      const workspaceId = yield* Workspace.CurrentWorkspace
      const actor = yield* Actor.current
      return yield* store.transaction(
        Effect.gen(function*() {
          const before = yield* current(workspaceId, ref, command)
          const ticket = yield* tickets.fromStore(before)
          const now = yield* Effect.clockWith((clock) => clock.currentTimeMillis)
          const change = yield* f(before, ticket, now)
          if (change === null) return ticket
          const next: Collection.Row = {
            ...before,
            ...change.set,
            version: before.version + 1,
            updatedAt: Math.max(now, before.updatedAt)
          }
          const model = yield* Either.match(decodeTicket(next), {
            onLeft: (e) =>
              Effect.fail(
                new Errors.ValidationError({
                  operation: `Tickets.${command}`,
                  issues: [new Errors.FieldIssue({ path: "", message: ParseResult.TreeFormatter.formatErrorSync(e) })]
                })
              ),
            onRight: Effect.succeed
          })
          // The last check before the store: nothing it cannot hold faithfully (see Input.checkStorable).
          yield* Input.checkStorable(`Tickets.${command}`, change.set)
          for (const e of change.events) yield* Input.checkStorable(`Tickets.${command}`, { payload: e.payload })
          yield* checkRefs(command, workspaceId, next, before)
          yield* store.update(workspaceId, "ticket", next, before.version)
          if (change.events.length > 0) {
            const subjects = subjectsOf(next)
            yield* store.append(
              workspaceId,
              change.events.map((e): DomainEvent.NewEvent => ({
                type: e.type,
                collection: "ticket",
                recordId: next.id,
                version: next.version,
                occurredAt: now,
                actor,
                subjects,
                payload: e.payload
              }))
            )
          }
          return model
        })
      )
    })

  return { tickets, replies, update, current }
}

export const dependencies = Records.dependencies
