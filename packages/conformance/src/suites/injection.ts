/**
 * Injection: hostile strings pushed through every string position of a query (values,
 * field and custom-field names, sort keys, aliases (in `having` too), measure filters
 * and terms, time zones, cursors, collection names, subjects) give a typed error or a correct answer, and every table survives.
 * Any store must pass it; for the SQL stores it is the proof that nothing is spliced.
 */
import { expect } from "@effect/vitest"
import { EventCollection, Query, Store } from "@rapport/core"
import { Effect, Exit, Option } from "effect"
import type { It } from "../internal/harness.js"
import * as TestCatalog from "../TestCatalog.js"

const attempts = [
  "'", "\"", "'; DROP TABLE account; --", "\"; DROP TABLE \"account\"; --", "\\", "\\'; --", "$1", "?", "?|", "/* x */",
  "-- x", "%", "_", "ü'😀", "x') OR ('1'='1", "$.tier", "custom.tier'); DROP TABLE deal; --"
]

const injectionProgram = Effect.gen(function*() {
  const store = yield* Store.Store
  const ws = `inj_${Math.random().toString(36).slice(2)}`
  yield* store.insert(ws, TestCatalog.ACCOUNT, {
    id: "a", version: 1, createdAt: 1, updatedAt: 1, handle: "h", name: "'; DROP TABLE account; --", nickname: null,
    score: null, seats: null, active: null, lastSeenAt: null, since: null, revenue: null, tags: ["?"], profile: null, custom: {}
  })
  const ok = new Set(["InvalidQuery"])
  const check = <A, E>(effect: Effect.Effect<A, E>) =>
    Effect.map(Effect.exit(effect), (exit) => {
      if (Exit.isFailure(exit)) {
        const failure = exit.cause._tag === "Fail" ? (exit.cause.error as { _tag?: string })._tag : exit.cause._tag
        expect(ok.has(String(failure)), String(failure)).toBe(true)
      }
    })
  for (const s of attempts) {
    yield* check(store.find(ws, Query.find(TestCatalog.ACCOUNT, { where: Query.eq("name", s) })))
    yield* check(store.find(ws, Query.find(TestCatalog.ACCOUNT, { where: Query.contains("name", s, { caseInsensitive: true }) })))
    yield* check(store.find(ws, Query.find(TestCatalog.ACCOUNT, { where: Query.hasAny("tags", [s, "x"]) })))
    yield* check(store.find(ws, Query.find(TestCatalog.ACCOUNT, { where: Query.isIn("name", [s]) })))
    yield* check(store.find(ws, Query.find(TestCatalog.ACCOUNT, { where: Query.eq(`custom.${s}`, 1) })))
    yield* check(store.find(ws, Query.find(TestCatalog.ACCOUNT, { where: Query.eq(s, 1) })))
    yield* check(store.find(ws, Query.find(TestCatalog.ACCOUNT, { orderBy: [{ field: s, direction: "asc" }] })))
    yield* check(store.find(ws, Query.find(TestCatalog.ACCOUNT, { where: Query.compare(Query.field(s), "eq", Query.field("name")) })))
    yield* check(store.find(ws, Query.find(TestCatalog.ACCOUNT, { where: Query.compare(Query.field("name"), "eq", s) })))
    yield* check(store.find(ws, Query.find(TestCatalog.ACCOUNT, {
      where: Query.compare(Query.multiply(Query.field(`custom.${s}`), 2), "gt", Query.field("score"))
    })))
    // Link rows (via): their collection, both keys, and the related rows' key.
    for (
      const [key, via] of [
        ["id", Query.via(s, "fromId", "toId")],
        ["id", Query.via(TestCatalog.LINK, s, "toId")],
        ["id", Query.via(TestCatalog.LINK, "fromId", s)],
        [s, Query.via(TestCatalog.LINK, "fromId", "toId", Query.eq("label", s))]
      ] as const
    ) {
      yield* check(store.find(ws, Query.find(TestCatalog.ACCOUNT, { where: Query.exists(TestCatalog.ACCOUNT, key, undefined, via) })))
    }
    yield* check(store.find(ws, Query.find(TestCatalog.DEAL, { where: Query.any(s, Query.eq("sku", "x")) })))
    yield* check(store.find(ws, Query.find(TestCatalog.DEAL, { where: Query.any("lines", Query.eq(s, s)) })))
    // The event log: payload paths (only declared identifiers reach SQL) and values.
    yield* check(store.find(ws, Query.find(EventCollection.name, { where: Query.eq(`payload.${s}`, "x") })))
    yield* check(store.find(ws, Query.find(EventCollection.name, { where: Query.eq("payload.to", s) })))
    yield* check(store.find(ws, Query.find(EventCollection.name, { orderBy: [{ field: `payload.nested.${s}`, direction: "asc" }] })))
    yield* check(store.aggregate(ws, Query.aggregate(EventCollection.name, {
      groupBy: [{ _tag: "Field", as: "to", field: "payload.to" }],
      measures: [{ _tag: "Sum", as: "n", field: `payload.${s}` }]
    })))
    yield* check(store.find(ws, Query.find(s)))
    yield* check(store.find(ws, { ...Query.find(TestCatalog.ACCOUNT, { limit: 1 }), cursor: s }))
    yield* check(store.aggregate(ws, Query.aggregate(TestCatalog.ACCOUNT, { measures: [{ _tag: "Count", as: s }] })))
    yield* check(store.aggregate(ws, Query.aggregate(TestCatalog.ACCOUNT, {
      measures: [{ _tag: "CountDistinct", as: "d", field: s }, { _tag: "CountDistinct", as: "e", field: `custom.${s}` }]
    })))
    yield* check(store.aggregate(ws, Query.aggregate(TestCatalog.ACCOUNT, {
      groupBy: [{ _tag: "Bucket", as: "b", field: "lastSeenAt", unit: "day", timeZone: s }],
      measures: [{ _tag: "Count", as: "n" }]
    })))
    // Aggregates for reports: aliases in having, filters, terms, percentiles, cursors.
    yield* check(store.aggregate(ws, Query.aggregate(TestCatalog.ACCOUNT, {
      measures: [{ _tag: "Count", as: "n" }],
      having: Query.havingOr(Query.havingCompare(s, "gt", 1), Query.havingCompare("n", "eq", s), Query.havingNull(s))
    })))
    yield* check(store.aggregate(ws, Query.aggregate(TestCatalog.ACCOUNT, {
      groupBy: [{ _tag: "Field", as: "name", field: "name" }],
      measures: [{ _tag: "Count", as: "n", filter: Query.eq("name", s) }, { _tag: "Count", as: "m", filter: Query.eq(s, 1) }],
      having: Query.havingCompare("name", "neq", s)
    })))
    yield* check(store.aggregate(ws, Query.aggregate(TestCatalog.ACCOUNT, {
      groupBy: [{ _tag: "Term", as: s, term: Query.multiply(Query.field(`custom.${s}`), 2) }],
      measures: [
        { _tag: "Sum", as: "t", term: Query.add(Query.field(s), 1) },
        Query.percentile("p", s, 0.5),
        Query.median("q", Query.divide(Query.field("seats"), Query.field(`custom.${s}`)))
      ]
    })))
    yield* check(store.aggregatePage(ws, { ...Query.aggregate(TestCatalog.ACCOUNT, { measures: [{ _tag: "Count", as: "n" }] }), cursor: s }))
    yield* check(Effect.map(store.get(ws, TestCatalog.ACCOUNT, s), (o) => expect(Option.isNone(o)).toBe(true)))
    yield* check(Effect.asVoid(store.eventsFor(ws, { subject: `account:${s}`, limit: 5 })))
  }
  const found = yield* store.find(ws, Query.find(TestCatalog.ACCOUNT, { where: Query.eq("name", "'; DROP TABLE account; --") }))
  expect(found.rows.map((r) => r.id)).toEqual(["a"])
  const literal = yield* store.find(ws, Query.find(TestCatalog.ACCOUNT, {
    where: Query.compare("'; DROP TABLE account; --", "eq", Query.field("name"))
  }))
  expect(literal.rows.map((r) => r.id)).toEqual(["a"])
  expect((yield* store.find(ws, Query.find(TestCatalog.DEAL))).rows).toEqual([])
})

export const injectionSuite = (it: It) => {
  it.effect("injection attempts in every string position give typed errors or answers; tables survive", () => injectionProgram)
}
