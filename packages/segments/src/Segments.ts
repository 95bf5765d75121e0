/**
 * The `Segments` service: saved segments with stored membership. A dynamic segment is
 * re-evaluated by `refresh`, which writes the records that entered and left, and one
 * `SegmentEntered` / `SegmentLeft` event for each, in one transaction; a static segment
 * changes by hand (`add`, `remove`). Members are paged and counted from the stored rows.
 *
 * Refreshes of one segment may run at the same time (two workers, a schedule and a
 * write): each is one transaction that bumps the segment's version, so one of two
 * overlapping refreshes loses with a `Conflict` and is run again on what the other
 * wrote. Every actual change gets exactly one event.
 *
 * @since 0.1.0
 */
import type { Store as StoreModule } from "@rapport/core"
import type { Query } from "@rapport/core"
import { Catalog, Collection, Errors, EventCollection, IdGenerator, Plan, Store, Workspace } from "@rapport/core"
import { Chunk, Clock, Context, Duration, Effect, Either, Layer, Option, Random, Schedule, Schema, Stream } from "effect"
import * as Dependencies from "./internal/dependencies.js"
import * as Membership from "./Membership.js"
import * as MemberExport from "./MemberExport.js"
import * as Segment from "./Segment.js"
import * as SegmentJson from "./SegmentJson.js"
import type { AnyObject } from "./SegmentObject.js"
import * as SegmentsEvents from "./SegmentsEvents.js"

type Failure = Errors.ValidationError | Errors.NotFound | Errors.Conflict | Errors.InvalidQuery | Errors.StoreError

/**
 * What a refresh, an `add` or a `remove` changed: the ids of the records that entered and
 * left, and how many members the segment has now.
 *
 * @since 0.1.0
 * @category models
 */
export interface Changes {
  readonly entered: ReadonlyArray<string>
  readonly left: ReadonlyArray<string>
  readonly members: number
  /**
   * How a refresh evaluated: `incremental` re-evaluated only the records the events since
   * the last refresh can affect, `full` every record (`add` and `remove` say `manual`).
   */
  readonly mode: "full" | "incremental" | "manual"
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Saves a segment (dynamic unless `kind: "static"`), checked against the catalog first. */
  readonly create: (input: {
    readonly name: string
    readonly segment: Segment.Segment
    readonly kind?: Membership.Kind
  }) => Effect.Effect<Membership.SavedSegment, Failure, Workspace.CurrentWorkspace>
  readonly get: (id: string) => Effect.Effect<Membership.SavedSegment, Errors.NotFound | Errors.StoreError, Workspace.CurrentWorkspace>
  /** The saved segment's definition as a segment (on the objects the layer was given). */
  readonly segmentOf: (saved: Membership.SavedSegment) => Effect.Effect<Segment.Segment, Errors.ValidationError>
  /**
   * Re-evaluates a dynamic segment: stores who entered and left, with an event each.
   * Incremental when it can be (see the module doc): only the records the events since
   * the last refresh can affect; in full on the first refresh, for conditions on the
   * passing of time, for conditions it cannot trace back, after a long backlog, or with
   * `{ full: true }`.
   */
  readonly refresh: (id: string, options?: { readonly full?: boolean }) => Effect.Effect<Changes, Failure, Workspace.CurrentWorkspace>
  /** Adds records to a static segment (those already in it are left as they are). */
  readonly add: (id: string, recordIds: ReadonlyArray<string>) => Effect.Effect<Changes, Failure, Workspace.CurrentWorkspace>
  /** Removes records from a static segment (those not in it are ignored). */
  readonly remove: (id: string, recordIds: ReadonlyArray<string>) => Effect.Effect<Changes, Failure, Workspace.CurrentWorkspace>
  /**
   * Refreshes the workspace's dynamic segments that are due: every one whose condition can
   * be traced from events (incremental, cheap when nothing changed), and the others (on
   * the passing of time, or not traceable) once `every` has passed since their last refresh.
   */
  readonly refreshDue: (options: {
    readonly every: Duration.DurationInput
  }) => Effect.Effect<ReadonlyArray<{ readonly id: string; readonly changes: Changes }>, Failure, Workspace.CurrentWorkspace>
  /**
   * Keeps the workspace's dynamic segments current until interrupted (fork it): `refreshDue`
   * whenever events are committed (woken by the store's feed, not polling where the store
   * pushes) and at least every `every`, which the `Clock` drives (so `TestClock` moves it).
   */
  readonly run: (options: {
    readonly every: Duration.DurationInput
    /** How often to look for commits of other processes where the store cannot push them (`Store.awaitFeed`). */
    readonly pollInterval?: Duration.DurationInput
  }) => Effect.Effect<never, Failure, Workspace.CurrentWorkspace>
  /** A page of member ids, in id order, with the cursor of the next page. */
  readonly members: (
    id: string,
    options?: { readonly limit?: number; readonly cursor?: string }
  ) => Effect.Effect<{ readonly recordIds: ReadonlyArray<string>; readonly nextCursor: string | null }, Failure, Workspace.CurrentWorkspace>
  /**
   * `size` member ids picked uniformly at random (all of them when fewer), in id order.
   * The pick uses Effect's `Random`, so a seeded `Random` gives the same sample again.
   */
  readonly sample: (id: string, size: number) => Effect.Effect<ReadonlyArray<string>, Failure, Workspace.CurrentWorkspace>
  /**
   * The member records as a file, written a page at a time: CSV (a header line, then a
   * line per record) or a JSON array of objects, one key per column. `columns` are field
   * paths of the segment's object (`id`, `firstName`, `total.amountMinor`, `custom.plan`);
   * `id` alone by default.
   */
  readonly export: (
    id: string,
    options: { readonly format: MemberExport.Format; readonly columns?: ReadonlyArray<string> }
  ) => Stream.Stream<string, Failure, Workspace.CurrentWorkspace>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Segments extends Context.Tag("@rapport/segments/Segments")<Segments, Service>() {}

const SEGMENT = Membership.segments.name
const MEMBER = Membership.members.name
/** Rows a refresh reads per page (members, matching records, events). */
const PAGE = 1_000
/** Past this many events since the last refresh, a full refresh is cheaper than tracing each. */
const MAX_BACKLOG = 50_000
/** Ids per `in` list when re-evaluating candidates. */
const CHUNK = 500

const chunks = <A>(items: ReadonlyArray<A>): Array<ReadonlyArray<A>> =>
  Array.from({ length: Math.ceil(items.length / CHUNK) }, (_, i) => items.slice(i * CHUNK, (i + 1) * CHUNK))

/**
 * The values a key field (`contactId`, `custom.referrer`) has in an event's payload: in the
 * record it carries (`{ record }` of a create or delete) and on both sides of a change
 * (`{ changes: { contactId: { from, to } } }`).
 */
const keysIn = (payload: Collection.Json, key: string): Array<string> => {
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) return []
  const doc = payload as Record<string, Collection.Json>
  const out: Array<string> = []
  const record = doc.record
  if (record !== null && typeof record === "object" && !Array.isArray(record)) {
    const v = Collection.valueAt(record as Collection.Row, key)
    if (typeof v === "string") out.push(v)
  }
  const changes = doc.changes
  if (changes !== null && typeof changes === "object" && !Array.isArray(changes)) {
    const dot = key.indexOf(".")
    const head = dot < 0 ? key : key.slice(0, dot)
    const change = (changes as Record<string, Collection.Json>)[head]
    if (change !== null && typeof change === "object" && !Array.isArray(change)) {
      for (const side of ["from", "to"] as const) {
        const value = (change as Record<string, Collection.Json>)[side] ?? null
        const v = dot < 0 ? value : value !== null && typeof value === "object" && !Array.isArray(value)
          ? Collection.valueAt({ ...(value as object) } as Collection.Row, key.slice(dot + 1))
          : null
        if (typeof v === "string") out.push(v)
      }
    }
  }
  return out
}

const decodeSaved = Schema.decodeUnknown(Membership.SavedSegment)
const encodeSaved = Schema.encodeSync(Membership.SavedSegment)

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: { readonly objects?: ReadonlyArray<AnyObject> } = {}) =>
  Effect.gen(function*() {
    const store = yield* Store.Store
    const catalog = yield* Catalog.Catalog
    const ids = yield* IdGenerator.IdGenerator
    const operation = (command: string) => `Segments.${command}`

    const load = (workspace: string, id: string) =>
      Effect.flatMap(store.get(workspace, SEGMENT, id), (row) =>
        row._tag === "None"
          ? Effect.fail(new Errors.NotFound({ collection: SEGMENT, id }))
          : Effect.orDie(decodeSaved(row.value)))

    const segmentOf = (saved: Membership.SavedSegment) =>
      Either.match(SegmentJson.decode(saved.definition, options.objects === undefined ? {} : { objects: options.objects }), {
        onLeft: (error) => Effect.fail(Errors.ValidationError.single(operation("segmentOf"), "definition", error.message)),
        onRight: ({ segment }) => Effect.succeed(segment)
      })

    /** Every row of a find, page by page. */
    const allRows = (workspace: string, query: Parameters<StoreModule.Service["find"]>[1]) =>
      Effect.gen(function*() {
        const out: Array<Collection.Row> = []
        let cursor: string | undefined
        do {
          const page = yield* store.find(workspace, { ...query, limit: PAGE, ...(cursor === undefined ? {} : { cursor }) })
          out.push(...page.rows)
          cursor = page.nextCursor ?? undefined
        } while (cursor !== undefined)
        return out
      })

    /** Every id a find gives. */
    const allIds = (workspace: string, query: Parameters<StoreModule.Service["find"]>[1]) =>
      Effect.map(allRows(workspace, query), (rows) => rows.map((row) => row.id))

    /** The member rows of a segment, by record id. */
    const memberRows = (workspace: string, segmentId: string) =>
      Effect.gen(function*() {
        const out = new Map<string, { readonly id: string; readonly version: number }>()
        let cursor: string | undefined
        do {
          const page = yield* store.find(workspace, {
            collection: MEMBER,
            where: { _tag: "Compare", field: "segmentId", op: "eq", value: segmentId },
            orderBy: [{ field: "recordId", direction: "asc" }],
            limit: PAGE,
            ...(cursor === undefined ? {} : { cursor })
          })
          for (const row of page.rows) out.set(row.recordId as string, { id: row.id, version: row.version })
          cursor = page.nextCursor ?? undefined
        } while (cursor !== undefined)
        return out
      })

    /**
     * Writes a change of membership: the rows of those entering and leaving, the segment's
     * new count and version, and an event per record, in the caller's transaction.
     */
    const apply = (
      workspace: string,
      saved: Membership.SavedSegment,
      entered: ReadonlyArray<string>,
      left: ReadonlyArray<{ readonly recordId: string; readonly row: { readonly id: string; readonly version: number } }>,
      members: number,
      reason: Membership.Reason,
      refreshed: { readonly mode: "full" | "incremental"; readonly checkpoint: number } | null
    ) =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const firstFill = refreshed !== null && saved.refreshedAt === null
        yield* store.insertMany(
          workspace,
          MEMBER,
          entered.map((recordId) => ({
            id: Membership.memberId(saved.id, recordId),
            version: 1,
            createdAt: now,
            updatedAt: now,
            segmentId: saved.id,
            recordId,
            enteredAt: now,
            reason
          }))
        )
        for (const { row } of left) yield* store.remove(workspace, MEMBER, row.id, row.version)
        const version = saved.version + 1
        yield* store.update(
          workspace,
          SEGMENT,
          {
            ...(encodeSaved(saved) as unknown as Collection.Row),
            version,
            updatedAt: now,
            members,
            refreshedAt: refreshed === null ? saved.refreshedAt : now,
            checkpoint: refreshed === null ? saved.checkpoint : refreshed.checkpoint
          },
          saved.version
        )
        const event = (definition: typeof SegmentsEvents.SegmentEntered | typeof SegmentsEvents.SegmentLeft, recordId: string) => ({
          ...definition.make({ segmentId: saved.id, collection: saved.object, recordId, reason, firstFill }),
          collection: SEGMENT,
          recordId: saved.id,
          version,
          occurredAt: now,
          actor: { kind: "system" as const, id: null },
          subjects: [`segment:${saved.id}` as const, `${saved.object}:${recordId}` as const]
        })
        yield* store.append(workspace, [
          ...entered.map((id) => event(SegmentsEvents.SegmentEntered, id)),
          ...left.map(({ recordId }) => event(SegmentsEvents.SegmentLeft, recordId))
        ])
        return { entered, left: left.map((l) => l.recordId), members, mode: refreshed?.mode ?? "manual" } satisfies Changes
      })

    /** The position of the newest committed event of the workspace (0 when none). */
    const headPosition = (workspace: string) =>
      Effect.map(
        store.aggregate(workspace, {
          collection: EventCollection.name,
          measures: [{ _tag: "Max", as: "position", field: "position" }]
        }),
        (rows) => Number(rows[0]?.position ?? 0)
      )

    /**
     * The records of the segment's object that the events since its checkpoint can have
     * changed the membership of, and the position read up to; `undefined` when the backlog
     * is longer than a full refresh would take to re-read.
     */
    const candidatesSince = (workspace: string, saved: Membership.SavedSegment, deps: Dependencies.Dependencies) =>
      Effect.gen(function*() {
        const ids = new Set<string>()
        const relatedKeys: Array<{ readonly collection: string; readonly foreignKey: string; readonly ids: Set<string>; readonly keys: Set<string> }> =
          deps.related.map((r) => ({ ...r, ids: new Set(), keys: new Set() }))
        const pathTargets = deps.paths.map((p) => ({ ...p, ids: new Set<string>() }))
        let checkpoint = saved.checkpoint ?? 0
        let read = 0
        for (;;) {
          const events = yield* store.readEvents(workspace, { after: checkpoint, limit: PAGE })
          for (const event of events) {
            if (event.collection === saved.object) ids.add(event.recordId)
            for (const r of relatedKeys) {
              // A condition on the events naming a record: each new event names its records.
              if (Plan.isSubjectKey(r)) {
                const prefix = `${saved.object}:`
                for (const subject of event.subjects) if (subject.startsWith(prefix)) ids.add(subject.slice(prefix.length))
                continue
              }
              if (event.collection !== r.collection) continue
              r.ids.add(event.recordId)
              for (const key of keysIn(event.payload, r.foreignKey)) r.keys.add(key)
            }
            for (const p of pathTargets) if (event.collection === p.collection) p.ids.add(event.recordId)
          }
          read += events.length
          if (events.length > 0) checkpoint = events[events.length - 1]!.position
          if (read > MAX_BACKLOG) return undefined
          if (events.length < PAGE) break
        }
        // A related record affects the records its key points at now, and those it pointed
        // at before (the old key is in the event: `changes.<key>.from`, or the deleted `record`).
        for (const r of relatedKeys) {
          if (Plan.isSubjectKey(r)) continue
          for (const chunk of chunks([...r.ids])) {
            for (const row of yield* store.getMany(workspace, r.collection, chunk)) {
              const key = Collection.valueAt(row, r.foreignKey)
              if (typeof key === "string") r.keys.add(key)
            }
          }
          for (const key of r.keys) ids.add(key)
        }
        // A record a path reaches affects the object's records that refer to it.
        for (const p of pathTargets) {
          for (const chunk of chunks([...p.ids])) {
            const referring = yield* allIds(workspace, {
              collection: saved.object,
              where: { _tag: "In", field: p.ref, values: chunk },
              orderBy: [{ field: "id", direction: "asc" }]
            })
            for (const id of referring) ids.add(id)
          }
        }
        return { ids: [...ids], checkpoint }
      })

    /** Re-evaluates the given records only, and writes what changed for them. */
    const refreshSome = (
      workspace: string,
      saved: Membership.SavedSegment,
      segment: Segment.Segment,
      candidates: ReadonlyArray<string>,
      checkpoint: number
    ) =>
      Effect.gen(function*() {
        const matching = new Set<string>()
        const members = new Map<string, { readonly id: string; readonly version: number }>()
        for (const chunk of chunks([...candidates].sort())) {
          const where: Query.Expr = { _tag: "And", exprs: [segment.expr, { _tag: "In", field: "id", values: chunk }] }
          for (const id of yield* allIds(workspace, { collection: saved.object, where, orderBy: [{ field: "id", direction: "asc" }] })) {
            matching.add(id)
          }
          const page = yield* store.find(workspace, {
            collection: MEMBER,
            where: {
              _tag: "And",
              exprs: [
                { _tag: "Compare", field: "segmentId", op: "eq", value: saved.id },
                { _tag: "In", field: "recordId", values: chunk }
              ]
            }
          })
          for (const row of page.rows) members.set(row.recordId as string, { id: row.id, version: row.version })
        }
        const entered = [...candidates].sort().filter((id) => matching.has(id) && !members.has(id))
        const left = [...members].filter(([id]) => !matching.has(id)).map(([recordId, row]) => ({ recordId, row }))
        const count = saved.members + entered.length - left.length
        return yield* apply(workspace, saved, entered, left, count, "refresh", { mode: "incremental", checkpoint })
      })

    /** Runs a change in a transaction, again on a `Conflict` (a concurrent change won the race). */
    const retried = <A, R>(effect: Effect.Effect<A, Failure, R>) =>
      store.transaction(effect).pipe(
        Effect.retry({ while: (e) => e._tag === "Conflict", schedule: Schedule.recurs(8) })
      )

    const kindOf = (saved: Membership.SavedSegment, kind: Membership.Kind, command: string) =>
      saved.kind === kind
        ? Effect.void
        : Effect.fail(Errors.ValidationError.single(
          operation(command),
          "kind",
          kind === "dynamic"
            ? `segment ${saved.id} is static: change it with add and remove`
            : `segment ${saved.id} is dynamic: its members are what refresh finds`
        ))

    const service: Omit<Service, "sample" | "export" | "refreshDue" | "run"> = {
      create: (input) =>
        Effect.gen(function*() {
          const workspace = yield* Workspace.CurrentWorkspace
          const name = typeof input.name === "string" ? input.name.trim() : ""
          if (name === "" || name.length > 200) {
            return yield* Errors.ValidationError.single(operation("create"), "name", "a name of 1 to 200 characters")
          }
          const kind = input.kind ?? "dynamic"
          if (!Schema.is(Membership.Kind)(kind)) {
            return yield* Errors.ValidationError.single(operation("create"), "kind", `"static" or "dynamic", not ${JSON.stringify(kind)}`)
          }
          yield* Segment.check(catalog, workspace, input.segment)
          const now = yield* Clock.currentTimeMillis
          const row = {
            id: yield* ids.next("seg"),
            version: 1,
            createdAt: now,
            updatedAt: now,
            name,
            object: input.segment.object.name,
            kind,
            definition: SegmentJson.encode(input.segment, { name }) as unknown as Collection.Json,
            members: 0,
            refreshedAt: null,
            checkpoint: null
          }
          const saved = yield* Effect.orDie(decodeSaved(row))
          yield* store.transaction(Effect.gen(function*() {
            yield* store.insert(workspace, SEGMENT, row)
            yield* store.append(workspace, [{
              ...SegmentsEvents.SegmentCreated.make({ record: encodeSaved(saved) }),
              collection: SEGMENT,
              recordId: row.id,
              version: 1,
              occurredAt: now,
              actor: { kind: "system", id: null },
              subjects: [`segment:${row.id}`]
            }])
          }))
          return saved
        }),

      get: (id) => Effect.flatMap(Workspace.CurrentWorkspace, (workspace) => load(workspace, id)),
      segmentOf,

      refresh: (id, refreshOptions = {}) =>
        Effect.gen(function*() {
          const workspace = yield* Workspace.CurrentWorkspace
          // The log is read before the transaction: its queries see committed events only,
          // on a connection of their own, which a transaction holding one must not wait for.
          const before = yield* load(workspace, id)
          yield* kindOf(before, "dynamic", "refresh")
          const segment = yield* segmentOf(before)
          const deps = Dependencies.of(catalog, workspace, segment.find(), yield* Clock.currentTimeMillis)
          const traced = refreshOptions.full !== true && before.checkpoint !== null && deps !== undefined &&
              deps.traceable && !deps.timeDependent
            ? yield* candidatesSince(workspace, before, deps)
            : undefined
          // A full refresh takes its checkpoint first, so a change committed while it
          // evaluates is seen again next time (re-evaluating a record is harmless), never missed.
          const head = traced === undefined ? yield* headPosition(workspace) : traced.checkpoint
          return yield* retried(Effect.gen(function*() {
            const saved = yield* load(workspace, id)
            const checkpoint = Math.max(head, saved.checkpoint ?? 0)
            if (traced !== undefined) return yield* refreshSome(workspace, saved, segment, traced.ids, checkpoint)
            const current = yield* memberRows(workspace, saved.id)
            const matching = yield* allIds(workspace, segment.find({ orderBy: [{ field: "id", direction: "asc" }] }))
            const now = new Set(matching)
            const entered = matching.filter((recordId) => !current.has(recordId))
            const left = [...current].filter(([recordId]) => !now.has(recordId)).map(([recordId, row]) => ({ recordId, row }))
            return yield* apply(workspace, saved, entered, left, matching.length, "refresh", { mode: "full", checkpoint })
          }))
        }),

      add: (id, recordIds) =>
        retried(Effect.gen(function*() {
          const workspace = yield* Workspace.CurrentWorkspace
          const saved = yield* load(workspace, id)
          yield* kindOf(saved, "static", "add")
          const wanted = [...new Set(recordIds)]
          const found = new Set((yield* store.getMany(workspace, saved.object, wanted)).map((r) => r.id))
          const missing = wanted.findIndex((recordId) => !found.has(recordId))
          if (missing >= 0) {
            return yield* Errors.ValidationError.single(
              operation("add"),
              `recordIds.${recordIds.indexOf(wanted[missing]!)}`,
              `no ${saved.object} ${wanted[missing]} in this workspace`
            )
          }
          const current = yield* memberRows(workspace, saved.id)
          const entered = wanted.filter((recordId) => !current.has(recordId))
          return yield* apply(workspace, saved, entered, [], current.size + entered.length, "manual", null)
        })),

      remove: (id, recordIds) =>
        retried(Effect.gen(function*() {
          const workspace = yield* Workspace.CurrentWorkspace
          const saved = yield* load(workspace, id)
          yield* kindOf(saved, "static", "remove")
          const current = yield* memberRows(workspace, saved.id)
          const left = [...new Set(recordIds)].flatMap((recordId) => {
            const row = current.get(recordId)
            return row === undefined ? [] : [{ recordId, row }]
          })
          return yield* apply(workspace, saved, [], left, current.size - left.length, "manual", null)
        })),

      members: (id, page = {}) =>
        Effect.gen(function*() {
          const workspace = yield* Workspace.CurrentWorkspace
          const saved = yield* load(workspace, id)
          const found = yield* store.find(workspace, {
            collection: MEMBER,
            where: { _tag: "Compare", field: "segmentId", op: "eq", value: saved.id },
            orderBy: [{ field: "recordId", direction: "asc" }],
            limit: page.limit ?? 100,
            ...(page.cursor === undefined ? {} : { cursor: page.cursor })
          })
          return { recordIds: found.rows.map((r) => r.recordId as string), nextCursor: found.nextCursor }
        })
    }
    /** Every page of member ids, as a stream (the cursor of the page before drives the next). */
    const memberPages = (workspace: string, segmentId: string) =>
      Stream.paginateChunkEffect(undefined as string | undefined, (cursor) =>
        Effect.map(
          store.find(workspace, {
            collection: MEMBER,
            where: { _tag: "Compare", field: "segmentId", op: "eq", value: segmentId },
            orderBy: [{ field: "recordId", direction: "asc" }],
            limit: PAGE,
            ...(cursor === undefined ? {} : { cursor })
          }),
          (page) => [
            Chunk.of(page.rows.map((r) => r.recordId as string)),
            page.nextCursor === null ? Option.none() : Option.some(page.nextCursor)
          ] as const
        ))

    const sample: Service["sample"] = (id, size) =>
      Effect.gen(function*() {
        if (!Number.isSafeInteger(size) || size < 0) {
          return yield* Errors.ValidationError.single(operation("sample"), "size", "a whole number ≥ 0")
        }
        const workspace = yield* Workspace.CurrentWorkspace
        const saved = yield* load(workspace, id)
        // Reservoir sampling (Algorithm R): one pass, `size` ids held.
        const picked: Array<string> = []
        let seen = 0
        yield* Stream.runForEach(memberPages(workspace, saved.id), (ids) =>
          Effect.forEach(ids, (recordId) =>
            Effect.gen(function*() {
              if (picked.length < size) picked.push(recordId)
              else {
                const j = yield* Random.nextIntBetween(0, seen + 1)
                if (j < size) picked[j] = recordId
              }
              seen++
            }), { discard: true }))
        return picked.sort()
      })

    const exportMembers: Service["export"] = (id, options) =>
      Stream.unwrap(Effect.gen(function*() {
        const workspace = yield* Workspace.CurrentWorkspace
        const saved = yield* load(workspace, id)
        const columns = options.columns ?? ["id"]
        if (columns.length === 0) return yield* Errors.ValidationError.single(operation("export"), "columns", "at least one column")
        // Each column is a field of the records (lists and documents too) or a part of one.
        const spec = catalog.spec(workspace, saved.object)
        const bad = columns.findIndex((c) =>
          spec === undefined || !(Object.hasOwn(spec.fields, c) || Collection.fieldAt(spec, c) !== undefined)
        )
        if (bad >= 0) {
          return yield* Errors.ValidationError.single(operation("export"), `columns.${bad}`, `unknown field "${columns[bad]}" on ${saved.object}`)
        }
        const rows = Stream.mapEffect(memberPages(workspace, saved.id), (ids) => store.getMany(workspace, saved.object, ids))
        if (options.format === "csv") {
          return Stream.concat(Stream.make(MemberExport.csvHeader(columns)), Stream.map(rows, (page) => MemberExport.csvRows(page, columns)))
        }
        // A JSON array, a record per line; the count so far says whether a comma goes first.
        const body = Stream.mapAccum(rows, 0, (written, page) => [
          written + page.length,
          page.map((row, i) => `${written + i === 0 ? "" : ","}\n${JSON.stringify(MemberExport.jsonObject(row, columns))}`).join("")
        ])
        return Stream.concat(Stream.concat(Stream.make("["), body), Stream.make("\n]"))
      }))

    const refreshDue: Service["refreshDue"] = ({ every }) =>
      Effect.gen(function*() {
        const workspace = yield* Workspace.CurrentWorkspace
        const now = yield* Clock.currentTimeMillis
        const period = Duration.toMillis(Duration.decode(every))
        const dynamic = yield* allRows(workspace, {
          collection: SEGMENT,
          where: { _tag: "Compare", field: "kind", op: "eq", value: "dynamic" },
          orderBy: [{ field: "id", direction: "asc" }]
        })
        const out: Array<{ readonly id: string; readonly changes: Changes }> = []
        for (const row of dynamic) {
          const saved = yield* Effect.orDie(decodeSaved(row))
          const segment = yield* segmentOf(saved)
          const deps = Dependencies.of(catalog, workspace, segment.find(), now)
          const traced = deps !== undefined && deps.traceable && !deps.timeDependent && saved.checkpoint !== null
          const due = saved.refreshedAt === null || now - saved.refreshedAt >= period
          if (traced || due) out.push({ id: saved.id, changes: yield* service.refresh(saved.id) })
        }
        return out
      })

    /** The position of the newest event of the whole log (what the feed is awaited after). */
    const feedHead = Effect.gen(function*() {
      let after = 0
      for (;;) {
        const events = yield* store.readFeed({ after, limit: PAGE })
        if (events.length > 0) after = events[events.length - 1]!.position
        if (events.length < PAGE) return after
      }
    })

    const run: Service["run"] = (options) =>
      Effect.gen(function*() {
        let after = yield* feedHead
        for (;;) {
          yield* refreshDue({ every: options.every })
          // Refreshing appended membership events: wait for what comes after them.
          after = Math.max(after, yield* feedHead)
          yield* store.awaitFeed({
            after,
            timeout: options.every,
            ...(options.pollInterval === undefined ? {} : { pollInterval: options.pollInterval })
          })
          after = Math.max(after, yield* feedHead)
        }
      })

    return { ...service, sample, export: exportMembers, refreshDue, run }
  })

/**
 * The service over the store, catalog, id generator and workspace of the context.
 * `objects` are those saved segments may be over (core's and the pipelines' by default).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: { readonly objects?: ReadonlyArray<AnyObject> } = {}) =>
  Layer.effect(Segments, make(options))
