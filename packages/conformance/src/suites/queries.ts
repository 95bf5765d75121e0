/**
 * Every `find` operator on a hand-made dataset whose answers are worked out by hand:
 * two-valued logic on nulls, empty lists, unicode and case, relative windows on the
 * store's clock, related conditions, sorting with nulls last and keyset paging.
 */
import { expect } from "@effect/vitest"
import type { Collection } from "@rapport/core"
import { Plan, Query, Store } from "@rapport/core"
import { Effect, TestClock } from "effect"
import * as Fixtures from "../internal/fixtures.js"
import {
  account,
  deal,
  expectFailure,
  findIds,
  freshWorkspace,
  insertAccounts,
  insertAll,
  insertDeals,
  type It,
  link,
  NOW
} from "../internal/harness.js"
import { ACCOUNT, DEAL, LINK } from "../TestCatalog.js"

const all = ["a01", "a02", "a03", "a04", "a05", "a06"]

/** [label, condition on accounts, expected ids (ascending)] */
export const accountCases: ReadonlyArray<readonly [string, Query.Expr, ReadonlyArray<string>]> = [
  // comparisons
  ["eq on a string", Query.eq("name", "Ada"), ["a01"]],
  ["eq is case-sensitive", Query.eq("nickname", "ada"), ["a01"]],
  ["neq skips nulls", Query.neq("nickname", "ada"), ["a03", "a04", "a05"]],
  ["lt on a number", Query.lt("score", 10.5), ["a02", "a04"]],
  ["lte on a number", Query.lte("score", 10.5), ["a01", "a02", "a04", "a05"]],
  ["gt on a number", Query.gt("score", 10.5), ["a06"]],
  ["gte on a number", Query.gte("score", 0), ["a01", "a04", "a05", "a06"]],
  ["eq on an integer", Query.eq("seats", 3), ["a01", "a05"]],
  ["lt on an integer with negatives", Query.lt("seats", 0), ["a06"]],
  ["eq on id", Query.eq("id", "a04"), ["a04"]],
  ["gt on id (code point order)", Query.gt("id", "a04"), ["a05", "a06"]],
  ["lt on a string uses code points (É after z, \uFFFD before 😀)", Query.lt("name", "😀"), [
    "a01",
    "a02",
    "a04",
    "a05",
    "a06"
  ]],
  ["gt \uFFFD on a string: only the astral character sorts after it", Query.gt("name", "\uFFFD zzz"), ["a03"]],
  ["gt z on a string: accented and other high code points sort after ASCII", Query.gt("name", "z"), [
    "a02",
    "a03",
    "a04"
  ]],
  ["between on an integer is inclusive", Query.between("seats", 0, 3), ["a01", "a02", "a05"]],
  ["between with low above high matches nothing", Query.between("seats", 3, 0), []],
  ["between on a number", Query.between("score", -2, 0), ["a02", "a04"]],
  ["eq on a boolean", Query.eq("active", true), ["a01", "a04", "a06"]],
  ["neq on a boolean skips nulls", Query.neq("active", true), ["a02", "a05"]],
  ["in on a boolean", Query.isIn("active", [false]), ["a02", "a05"]],
  ["eq on a date", Query.eq("since", "2024-01-15"), ["a01", "a05"]],
  ["lt on a date", Query.lt("since", "2024-01-01"), ["a02", "a06"]],
  ["between on dates", Query.between("since", "2024-01-01", "2024-02-29"), ["a01", "a04", "a05"]],
  ["eq on a timestamp", Query.eq("lastSeenAt", NOW), ["a05"]],
  ["gt on a timestamp", Query.gt("lastSeenAt", NOW), ["a02"]],
  // lists
  ["in", Query.isIn("seats", [3, 12]), ["a01", "a04", "a05"]],
  ["in with an empty list matches nothing", Query.isIn("seats", []), []],
  ["in on strings", Query.isIn("name", ["bob", "Ada", "nobody"]), ["a01", "a06"]],
  ["notIn skips nulls", Query.notIn("seats", [3]), ["a02", "a04", "a06"]],
  ["notIn with an empty list matches every non-null value", Query.notIn("seats", []), [
    "a01",
    "a02",
    "a04",
    "a05",
    "a06"
  ]],
  ["not(in) includes nulls", Query.not(Query.isIn("seats", [3])), ["a02", "a03", "a04", "a06"]],
  // nulls
  ["isNull", Query.isNull("score"), ["a03"]],
  ["isNotNull", Query.isNotNull("nickname"), ["a01", "a03", "a04", "a05"]],
  ["not(eq) is true on null", Query.not(Query.eq("score", 10.5)), ["a02", "a03", "a04", "a06"]],
  ["not(neq) is true on null", Query.not(Query.neq("nickname", "ada")), ["a01", "a02", "a06"]],
  ["isNull on a whole money field", Query.isNull("revenue"), ["a03"]],
  ["isNull on a money part", Query.isNull("revenue.amountMinor"), ["a03"]],
  ["isNull on a strings field (an empty list is not null)", Query.isNull("tags"), []],
  // money parts
  ["eq on a currency", Query.eq("revenue.currency", "EUR"), ["a01", "a04", "a06"]],
  ["gt on an amount", Query.gt("revenue.amountMinor", 250), ["a01", "a04"]],
  ["lte on an amount", Query.lte("revenue.amountMinor", 1), ["a05", "a06"]],
  // text
  ["contains is case-sensitive", Query.contains("name", "da"), ["a01"]],
  ["contains caseInsensitive", Query.contains("name", "DA", { caseInsensitive: true }), ["a01", "a05"]],
  ["startsWith an accented capital", Query.startsWith("name", "É"), ["a02"]],
  ["startsWith caseInsensitive lowercases accented letters", Query.startsWith("nickname", "é", {
    caseInsensitive: true
  }), ["a05"]],
  ["startsWith without caseInsensitive keeps accents' case", Query.startsWith("nickname", "é"), []],
  ["startsWith a non-BMP emoji", Query.startsWith("name", "😀"), ["a03"]],
  ["endsWith", Query.endsWith("name", "ë"), ["a03"]],
  ["endsWith caseInsensitive", Query.endsWith("name", "LOVELACE", { caseInsensitive: true }), ["a05"]],
  ["equals is exact", Query.equalsText("name", "ada"), []],
  ["equals caseInsensitive", Query.equalsText("name", "aDA", { caseInsensitive: true }), ["a01"]],
  ["equals the empty string", Query.equalsText("nickname", ""), ["a04"]],
  ["contains the empty string matches every non-null value", Query.contains("nickname", ""), [
    "a01",
    "a03",
    "a04",
    "a05"
  ]],
  ["contains U+FFFD", Query.contains("name", "\uFFFD"), ["a04"]],
  ["contains caseInsensitive with a diaeresis", Query.contains("name", "ZOË", { caseInsensitive: true }), ["a03"]],
  ["contains treats % and _ literally", Query.contains("name", "%"), []],
  ["contains treats _ literally", Query.contains("name", "_"), []],
  ["not(contains) includes nulls", Query.not(Query.contains("nickname", "a")), ["a02", "a03", "a04", "a05", "a06"]],
  // lists of strings
  ["has is exact", Query.has("tags", "vip"), ["a01", "a05"]],
  ["has another case", Query.has("tags", "VIP"), ["a04"]],
  ["hasAny", Query.hasAny("tags", ["b2b", "VIP"]), ["a04", "a06"]],
  ["hasAny with an empty list matches nothing", Query.hasAny("tags", []), []],
  ["not(has)", Query.not(Query.has("tags", "eu")), ["a03", "a04", "a05"]],
  // logic
  ["and() is true", Query.and(), all],
  ["or() is false", Query.or(), []],
  ["not(and()) is false", Query.not(Query.and()), []],
  ["not(or()) is true", Query.not(Query.or()), all],
  ["and", Query.and(Query.eq("active", true), Query.gt("seats", 0)), ["a01", "a04"]],
  ["or", Query.or(Query.isNull("score"), Query.eq("name", "bob")), ["a03", "a06"]],
  ["nested and/or/not", Query.or(
    Query.and(Query.has("tags", "eu"), Query.not(Query.eq("active", true))),
    Query.and(Query.isNull("active"), Query.startsWith("nickname", "Z"))
  ), ["a02", "a03"]],
  // custom fields
  ["eq on a custom select", Query.eq("custom.tier", "pro"), ["a01", "a05"]],
  ["isNull on a custom field that is absent", Query.isNull("custom.tier"), ["a03", "a06"]],
  ["gt on a custom number", Query.gt("custom.quota", 1.5), ["a01", "a06"]],
  ["neq on a custom number skips absent values", Query.neq("custom.quota", 5), ["a02", "a04"]],
  ["eq on a custom boolean", Query.eq("custom.vip", false), ["a04"]],
  ["lt on a custom date", Query.lt("custom.renewsOn", "2025-01-01"), ["a04"]],
  ["has on a custom multi-select", Query.has("custom.interests", "tea"), ["a01", "a02"]],
  ["hasAny on a custom multi-select", Query.hasAny("custom.interests", ["coffee", "cocoa"]), ["a02"]],
  ["contains caseInsensitive on custom text", Query.contains("custom.note", "ÉCOLE", { caseInsensitive: true }), [
    "a05"
  ]],
  ["isNull on a custom money", Query.isNull("custom.mrr"), ["a02", "a03", "a04", "a05", "a06"]],
  ["eq on a custom reference", Query.eq("custom.referrer", "a02"), ["a01"]],
  ["in on a custom select", Query.isIn("custom.tier", ["free", "enterprise"]), ["a02", "a04"]],
  ["notIn on a custom select skips absent values", Query.notIn("custom.tier", ["pro"]), ["a02", "a04"]],
  // field references and arithmetic
  ["a field against another field", Query.compare(Query.field("score"), "gt", Query.field("seats")), ["a01", "a05", "a06"]],
  ["text fields compare by code point", Query.compare(Query.field("name"), "lt", Query.field("nickname")), ["a01", "a05"]],
  ["a date against a custom date", Query.compare(Query.field("since"), "lt", Query.field("custom.renewsOn")), ["a01", "a04"]],
  ["a boolean against a custom boolean", Query.compare(Query.field("active"), "eq", Query.field("custom.vip")), ["a01"]],
  ["neq between fields skips nulls", Query.compare(Query.field("active"), "neq", Query.field("custom.vip")), ["a04"]],
  ["a product of fields", Query.compare(Query.multiply(Query.field("seats"), Query.field("score")), "gt", 30), ["a01", "a05"]],
  ["division by zero is null, so false", Query.compare(Query.divide(Query.field("score"), Query.field("seats")), "gte", 0), [
    "a01",
    "a04",
    "a05"
  ]],
  ["not of a division by zero is true", Query.not(Query.compare(Query.divide(Query.field("score"), Query.field("seats")), "gte", 0)), [
    "a02",
    "a03",
    "a06"
  ]],
  ["a literal minus a timestamp", Query.compare(Query.subtract(NOW, Query.field("lastSeenAt")), "gt", 3 * 86_400_000), [
    "a04",
    "a06"
  ]],
  ["a money amount scaled and shifted against itself", Query.compare(
    Query.multiply(Query.field("revenue.amountMinor"), 2),
    "gt",
    Query.add(Query.field("revenue.amountMinor"), 500)
  ), ["a01", "a04"]],
  ["a custom number against an arithmetic of fields", Query.compare(
    Query.field("custom.quota"),
    "lt",
    Query.add(Query.field("seats"), Query.divide(Query.field("score"), 2))
  ), ["a01", "a04", "a06"]],
  // related
  ["exists", Query.exists(DEAL, "accountId"), ["a01", "a02", "a04"]],
  ["not exists", Query.not(Query.exists(DEAL, "accountId")), ["a03", "a05", "a06"]],
  ["related count gte", Query.related(DEAL, "accountId", { op: "gte", value: 2 }), ["a01"]],
  ["related count eq 0", Query.related(DEAL, "accountId", { op: "eq", value: 0 }), ["a03", "a05", "a06"]],
  ["exists with where", Query.exists(DEAL, "accountId", Query.eq("stage", "won")), ["a01", "a02"]],
  ["notExists", Query.notExists(DEAL, "accountId"), ["a03", "a05", "a06"]],
  ["notExists with where", Query.notExists(DEAL, "accountId", Query.eq("stage", "won")), ["a03", "a04", "a05", "a06"]],
  ["exists inside or", Query.or(Query.exists(DEAL, "accountId", Query.lt("amount", 0)), Query.eq("name", "bob")), ["a04", "a06"]],
  ["related avg", Query.related(DEAL, "accountId", { measure: { _tag: "Avg", field: "amount" }, op: "gt", value: 70 }), [
    "a01",
    "a02"
  ]],
  ["related avg skips null values", Query.related(DEAL, "accountId", {
    measure: { _tag: "Avg", field: "amount" },
    op: "eq",
    value: 75
  }), ["a01"]],
  ["related avg of no values is null, so any comparison is false", Query.related(DEAL, "accountId", {
    measure: { _tag: "Avg", field: "qty" },
    op: "lt",
    value: 1_000_000
  }), ["a01", "a02"]],
  ["not(related avg) includes records without related values", Query.not(Query.related(DEAL, "accountId", {
    measure: { _tag: "Avg", field: "qty" },
    op: "lt",
    value: 1_000_000
  })), ["a03", "a04", "a05", "a06"]],
  ["related count with where", Query.related(DEAL, "accountId", { where: Query.gt("amount", 0), op: "gte", value: 2 }), [
    "a01"
  ]],
  ["related sum skips null values", Query.related(DEAL, "accountId", {
    measure: { _tag: "Sum", field: "amount" },
    op: "eq",
    value: 150
  }), ["a01"]],
  ["related sum gt", Query.related(DEAL, "accountId", {
    measure: { _tag: "Sum", field: "amount" },
    op: "gt",
    value: 100
  }), ["a01", "a02"]],
  ["related sum of no records is 0", Query.related(DEAL, "accountId", {
    measure: { _tag: "Sum", field: "amount" },
    op: "eq",
    value: 0
  }), ["a03", "a05", "a06"]],
  ["related min", Query.related(DEAL, "accountId", { measure: { _tag: "Min", field: "amount" }, op: "lt", value: 60 }), [
    "a01",
    "a04"
  ]],
  ["related max", Query.related(DEAL, "accountId", { measure: { _tag: "Max", field: "amount" }, op: "gte", value: 500 }), [
    "a02"
  ]],
  ["related max of no records is null, so any comparison is false", Query.related(DEAL, "accountId", {
    measure: { _tag: "Max", field: "amount" },
    op: "lt",
    value: 1_000_000
  }), ["a01", "a02", "a04"]],
  ["not(related min) includes records without related rows", Query.not(
    Query.related(DEAL, "accountId", { measure: { _tag: "Min", field: "amount" }, op: "lt", value: 60 })
  ), ["a02", "a03", "a05", "a06"]],
  ["related min on an integer field ignores nulls", Query.related(DEAL, "accountId", {
    measure: { _tag: "Min", field: "qty" },
    op: "eq",
    value: 1
  }), ["a01"]],
  ["related through a custom reference field", Query.exists(ACCOUNT, "custom.referrer"), ["a02"]],
  ["related combined with a field condition", Query.and(
    Query.exists(DEAL, "accountId"),
    Query.eq("active", true)
  ), ["a01", "a04"]]
]

/** [label, orderBy, expected ids] */
export const sortCases: ReadonlyArray<readonly [string, ReadonlyArray<Query.Order>, ReadonlyArray<string>]> = [
  ["no order is id ascending", [], all],
  ["id descending", [{ field: "id", direction: "desc" }], [...all].reverse()],
  ["number ascending, nulls last, ties by id", [{ field: "score", direction: "asc" }], [
    "a02",
    "a04",
    "a01",
    "a05",
    "a06",
    "a03"
  ]],
  ["number descending, nulls still last, ties by id ascending", [{ field: "score", direction: "desc" }], [
    "a06",
    "a01",
    "a05",
    "a04",
    "a02",
    "a03"
  ]],
  ["text by code point ascending", [{ field: "name", direction: "asc" }], ["a05", "a01", "a06", "a02", "a04", "a03"]],
  ["text by code point descending", [{ field: "name", direction: "desc" }], ["a03", "a04", "a02", "a06", "a01", "a05"]],
  ["booleans false first, nulls last", [{ field: "active", direction: "asc" }], ["a02", "a05", "a01", "a04", "a06", "a03"]],
  ["booleans descending", [{ field: "active", direction: "desc" }], ["a01", "a04", "a06", "a02", "a05", "a03"]],
  ["nullable text descending", [{ field: "nickname", direction: "desc" }], ["a05", "a01", "a03", "a04", "a02", "a06"]],
  ["two keys", [{ field: "seats", direction: "desc" }, { field: "name", direction: "asc" }], [
    "a04",
    "a05",
    "a01",
    "a02",
    "a06",
    "a03"
  ]],
  ["custom number", [{ field: "custom.quota", direction: "asc" }], ["a04", "a02", "a01", "a06", "a03", "a05"]],
  ["money amount descending", [{ field: "revenue.amountMinor", direction: "desc" }], [
    "a04",
    "a01",
    "a02",
    "a05",
    "a06",
    "a03"
  ]],
  ["date descending", [{ field: "since", direction: "desc" }], ["a04", "a01", "a05", "a02", "a06", "a03"]],
  ["timestamp ascending", [{ field: "lastSeenAt", direction: "asc" }], ["a04", "a06", "a01", "a05", "a02", "a03"]],
  ["custom select then id descending", [{ field: "custom.tier", direction: "desc" }, {
    field: "id",
    direction: "desc"
  }], ["a05", "a01", "a02", "a04", "a06", "a03"]]
]

export const queriesSuite = (it: It) => {
  // One seeded workspace for the read-only cases (seeded by whichever test runs first).
  let seeded: string | undefined
  const dataset = Effect.suspend(() => {
    if (seeded !== undefined) return Effect.succeed(seeded)
    const ws = freshWorkspace("q")
    return Effect.as(
      Effect.zipRight(insertAccounts(ws, Fixtures.accounts), insertDeals(ws, Fixtures.deals)),
      ws
    ).pipe(Effect.tap((ws) => Effect.sync(() => (seeded = ws))))
  })

  for (const [label, where, expected] of accountCases) {
    it.effect(`find: ${label}`, () =>
      Effect.gen(function*() {
        yield* TestClock.setTime(NOW)
        const ws = yield* dataset
        expect(yield* findIds(ws, Query.find(ACCOUNT, { where })), "one page").toEqual(expected)
        expect(yield* findIds(ws, Query.find(ACCOUNT, { where, limit: 2 })), "pages of 2").toEqual(expected)
      }))
  }

  it.effect("paths across references: filter, sort and group by a referenced record's fields, null at a dangling hop", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace("paths")
      yield* insertAccounts(ws, [
        account("p1", { name: "Root", score: 5 }),
        account("p2", { name: "Kid", score: 1, custom: { referrer: "p1" } }),
        account("p3", { name: "Lost", score: 3, custom: { referrer: "gone" } })
      ])
      yield* Store.withoutReferenceChecks(insertDeals(ws, [
        deal("e1", { accountId: "p2", amount: 10 }),
        deal("e2", { accountId: "p1", amount: 20 }),
        deal("e3", { accountId: "p3", amount: 30 }),
        deal("e4", { accountId: "nowhere", amount: 40 }),
        deal("e5", { amount: 50 })
      ]))
      expect(yield* findIds(ws, Query.find(DEAL, { where: Query.eq("accountId.name", "Kid") }))).toEqual(["e1"])
      expect(yield* findIds(ws, Query.find(DEAL, { where: Query.isNull("accountId.name") }))).toEqual(["e4", "e5"])
      expect(yield* findIds(ws, Query.find(DEAL, { where: Query.eq("accountId.custom.referrer.name", "Root") })))
        .toEqual(["e1"])
      expect(yield* findIds(ws, Query.find(DEAL, { where: Query.not(Query.gte("accountId.score", 3)) })))
        .toEqual(["e1", "e4", "e5"])
      expect(
        yield* findIds(ws, Query.find(DEAL, { where: Query.compare(Query.field("amount"), "gt", Query.multiply(Query.field("accountId.score"), 5)) }))
      ).toEqual(["e1", "e3"])
      expect(yield* findIds(ws, Query.find(DEAL, { orderBy: [{ field: "accountId.score", direction: "desc" }] })))
        .toEqual(["e2", "e3", "e1", "e4", "e5"])
      expect(
        yield* findIds(ws, Query.find(ACCOUNT, { where: Query.exists(DEAL, "accountId", Query.isNull("accountId.custom.referrer")) }))
      ).toEqual(["p1"])
      const rows = yield* store.aggregate(ws, Query.aggregate(DEAL, {
        groupBy: [{ _tag: "Field", as: "referrer", field: "accountId.custom.referrer.name" }],
        measures: [{ _tag: "Count", as: "n" }, { _tag: "Sum", as: "scores", field: "accountId.score" }]
      }))
      expect(rows).toEqual([{ referrer: "Root", n: 1, scores: 1 }, { referrer: null, n: 4, scores: 8 }])
    }))

  it.effect("find: deals by foreign key, including orphans", () =>
    Effect.gen(function*() {
      const ws = yield* dataset
      expect(yield* findIds(ws, Query.find(DEAL, { where: Query.eq("accountId", "a01") }))).toEqual(["d01", "d02", "d03"])
      expect(yield* findIds(ws, Query.find(DEAL, { where: Query.isNull("accountId") }))).toEqual(["d06"])
      expect(yield* findIds(ws, Query.find(DEAL, { where: Query.neq("accountId", "a01") }))).toEqual([
        "d04",
        "d05",
        "d07"
      ])
    }))

  for (const [label, orderBy, expected] of sortCases) {
    it.effect(`sort: ${label}, and keyset paging through every page`, () =>
      Effect.gen(function*() {
        const ws = yield* dataset
        expect(yield* findIds(ws, Query.find(ACCOUNT, { orderBy })), "one page").toEqual(expected)
        for (const limit of [1, 2, 4, 5, 6, 7]) {
          expect(yield* findIds(ws, Query.find(ACCOUNT, { orderBy, limit })), `pages of ${limit}`).toEqual(expected)
        }
      }))
  }

  it.effect("find returns whole rows, as inserted", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = yield* dataset
      const page = yield* store.find(ws, Query.find(ACCOUNT, {}))
      expect(page.rows).toEqual(Fixtures.accounts)
      expect(page.nextCursor).toBeNull()
    }))

  it.effect("limit caps the page and the cursor continues it; filters apply on every page", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = yield* dataset
      const query = Query.find(ACCOUNT, { where: Query.isNotNull("score"), orderBy: [{ field: "score", direction: "desc" }], limit: 2 })
      const first = yield* store.find(ws, query)
      expect(first.rows.map((r) => r.id)).toEqual(["a06", "a01"])
      expect(first.nextCursor).not.toBeNull()
      const second = yield* store.find(ws, { ...query, cursor: first.nextCursor! })
      expect(second.rows.map((r) => r.id)).toEqual(["a05", "a04"])
      const third = yield* store.find(ws, { ...query, cursor: second.nextCursor! })
      expect(third.rows.map((r) => r.id)).toEqual(["a02"])
      expect(third.nextCursor).toBeNull()
    }))

  it.effect("a cursor keeps its place when the rows before it change", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      yield* insertAccounts(ws, ["b", "d", "f", "h"].map((id) => account(id)))
      const query = Query.find(ACCOUNT, { limit: 2 })
      const first = yield* store.find(ws, query)
      expect(first.rows.map((r) => r.id)).toEqual(["b", "d"])
      // Rows inserted before and after the cursor: only those after it show up.
      yield* insertAccounts(ws, [account("a"), account("e")])
      yield* store.remove(ws, ACCOUNT, "b", 1)
      const rest = yield* findIds(ws, { ...query, cursor: first.nextCursor! })
      expect(rest).toEqual(["e", "f", "h"])
    }))

  it.effect("find on an empty workspace is one empty page", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const page = yield* store.find(freshWorkspace(), Query.find(ACCOUNT, { limit: 3 }))
      expect(page).toEqual({ rows: [], nextCursor: null })
    }))

  it.effect("caseInsensitive uses Unicode's default lowercase mapping (İ, ẞ), not ASCII folding", () =>
    Effect.gen(function*() {
      const ws = freshWorkspace()
      yield* insertAccounts(ws, [
        account("n1", { name: "İSTANBUL" }),
        account("n2", { name: "STRASSE" }),
        account("n3", { name: "STRAẞE" }),
        account("n4", { name: "ÀÉÎÕÜ Ÿ" })
      ])
      const ids = (where: Query.Expr) => findIds(ws, Query.find(ACCOUNT, { where }))
      expect(yield* ids(Query.equalsText("name", "straße", { caseInsensitive: true }))).toEqual(["n3"])
      expect(yield* ids(Query.startsWith("name", "i\u0307s", { caseInsensitive: true }))).toEqual(["n1"])
      expect(yield* ids(Query.equalsText("name", "àéîõü ÿ", { caseInsensitive: true }))).toEqual(["n4"])
      expect(yield* ids(Query.contains("name", "SS", { caseInsensitive: true }))).toEqual(["n2"])
    }))

  it.effect("within: windows are inclusive and follow the store's Clock", () =>
    Effect.gen(function*() {
      const ws = yield* dataset
      yield* TestClock.setTime(NOW)
      const ids = (where: Query.Expr) => findIds(ws, Query.find(ACCOUNT, { where }))
      expect(yield* ids(Query.withinLast("lastSeenAt", 7, "day"))).toEqual(["a01", "a05", "a06"])
      expect(yield* ids(Query.withinLast("lastSeenAt", 168, "hour"))).toEqual(["a01", "a05", "a06"])
      expect(yield* ids(Query.withinLast("lastSeenAt", 1, "week"))).toEqual(["a01", "a05", "a06"])
      expect(yield* ids(Query.withinNext("lastSeenAt", 2, "day"))).toEqual(["a02", "a05"])
      expect(yield* ids(Query.withinLast("lastSeenAt", 0, "minute"))).toEqual(["a05"])
      expect(yield* ids(Query.withinNext("lastSeenAt", 60, "minute"))).toEqual(["a05"])
      expect(yield* ids(Query.not(Query.withinLast("lastSeenAt", 7, "day")))).toEqual(["a02", "a03", "a04"])
      // One millisecond later the 7-day boundary row falls out, and "now" is no longer a05.
      yield* TestClock.setTime(NOW + 1)
      expect(yield* ids(Query.withinLast("lastSeenAt", 7, "day"))).toEqual(["a01", "a05"])
      expect(yield* ids(Query.withinLast("lastSeenAt", 0, "minute"))).toEqual([])
      // The clock moves: five days later the last week reaches back two days before NOW.
      yield* TestClock.setTime(NOW + 5 * 86_400_000)
      expect(yield* ids(Query.withinLast("lastSeenAt", 1, "week"))).toEqual(["a01", "a02", "a05"])
      expect(yield* ids(Query.withinNext("lastSeenAt", 1, "week"))).toEqual([])
    }))

  it.effect("compare: arithmetic is double precision on every engine, past 2^53 and past 2^63", () =>
    Effect.gen(function*() {
      const ws = freshWorkspace()
      yield* insertAccounts(ws, [
        account("big", { seats: 2 ** 53 - 1, score: 1 }),
        account("huge", { seats: 3_037_000_500, score: 2 ** 64 }),
        account("odd", { seats: 94_906_267 }),
        account("over", { seats: 1, score: 3e19 })
      ])
      const ids = (where: Query.Expr) => findIds(ws, Query.find(ACCOUNT, { where }))
      const seatsPlus2 = Query.add(Query.field("seats"), 2)
      // (2^53 - 1) + 2 is 2^53 + 1 in integers, 2^53 in doubles (ties to even).
      expect(yield* ids(Query.compare(seatsPlus2, "eq", 2 ** 53))).toEqual(["big"])
      expect(yield* ids(Query.compare(seatsPlus2, "gt", 2 ** 53))).toEqual([])
      // 3037000500² is past 2^63: no bigint overflow, no float switch, the same double.
      const square = Query.multiply(Query.field("seats"), Query.field("seats"))
      expect(yield* ids(Query.compare(square, "eq", 3_037_000_500 * 3_037_000_500))).toEqual(["huge"])
      // 94906267² is odd and past 2^53: exact in 64-bit integers, rounded to even in doubles.
      expect(yield* ids(Query.compare(square, "eq", 94_906_267 * 94_906_267))).toEqual(["odd"])
      expect(yield* ids(Query.and(Query.compare(square, "gt", 2 ** 63), Query.compare(square, "lt", 2 ** 64)))).toEqual(["huge"])
      // 2^64 is the edge of the arithmetic range; 3e19 is past it, so the comparison is false.
      const scaled = Query.compare(Query.multiply(Query.field("score"), 1), "gte", 1)
      expect(yield* ids(scaled)).toEqual(["big", "huge"])
      expect(yield* ids(Query.gte("score", 1))).toEqual(["big", "huge", "over"])
      expect(yield* ids(Query.compare(Query.field("score"), "gt", Query.field("seats")))).toEqual(["huge", "over"])
    }))

  it.effect("within inside a related condition uses the same clock", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(NOW)
      const ws = freshWorkspace()
      const rows: ReadonlyArray<Collection.Row> = [account("p1"), account("p2")]
      yield* insertAccounts(ws, rows)
      yield* insertDeals(ws, [
        deal("x1", { accountId: "p1", closedAt: NOW - 86_400_000 }),
        deal("x2", { accountId: "p1", closedAt: NOW - 3 * 86_400_000 }),
        deal("x3", { accountId: "p2", closedAt: NOW + 8 * 86_400_000 })
      ])
      const recent = Query.exists(DEAL, "accountId", Query.withinLast("closedAt", 2, "day"))
      expect(yield* findIds(ws, Query.find(ACCOUNT, { where: recent }))).toEqual(["p1"])
      yield* TestClock.setTime(NOW + 9 * 86_400_000)
      expect(yield* findIds(ws, Query.find(ACCOUNT, { where: recent }))).toEqual(["p2"])
    }))

  it.effect("related and exists through link rows (via): each record once, links naming other collections ignored", () =>
    Effect.gen(function*() {
      const ws = freshWorkspace()
      yield* insertAccounts(ws, [account("a"), account("b"), account("c"), account("x")])
      yield* insertDeals(ws, [
        deal("d1", { accountId: "a", stage: "open" }),
        deal("d2", { accountId: "b", stage: "open" }),
        deal("d3", { accountId: "c", stage: "won" })
      ])
      yield* insertAll(ws, LINK, [
        // x is a buyer of b twice over (two labels) and of c; a's only "buyer" link names deals.
        link("l1", { fromId: "x", toId: "b", label: "buyer" }),
        link("l2", { fromId: "x", toId: "b", label: "partner" }),
        link("l3", { fromId: "x", toId: "c", label: "buyer" }),
        link("l4", { fromId: "x", toCollection: DEAL, toId: "a", label: "buyer" }),
        link("l5", { fromId: "a", toCollection: DEAL, toId: "d2" })
      ])
      const ids = (where: Query.Expr) => findIds(ws, Query.find(ACCOUNT, { where }))
      const buyers = Query.via(LINK, "toId", "fromId", Query.eq("label", "buyer"))
      // "Accounts with an open deal and no buyer"
      expect(yield* ids(Query.and(Query.exists(DEAL, "accountId", Query.eq("stage", "open")), Query.notExists(ACCOUNT, "id", undefined, buyers))))
        .toEqual(["a"])
      // x reaches b through two links: b counts once.
      const linked = Query.via(LINK, "fromId", "toId")
      expect(yield* ids(Query.related(ACCOUNT, "id", { via: linked, op: "eq", value: 2 }))).toEqual(["x"])
      expect(yield* ids(Query.related(ACCOUNT, "id", { via: Query.via(LINK, "toId", "fromId"), op: "eq", value: 1 })))
        .toEqual(["b", "c"])
      // Links to a deal: a's link reaches d2; through the linked accounts' deals, x reaches d2 and d3.
      expect(yield* ids(Query.exists(DEAL, "id", Query.eq("stage", "open"), linked))).toEqual(["a"])
      expect(yield* ids(Query.related(DEAL, "accountId", { via: linked, op: "eq", value: 2 }))).toEqual(["x"])
      // Nested: accounts linked to one that has an open deal.
      expect(yield* ids(Query.exists(ACCOUNT, "id", Query.exists(DEAL, "accountId", Query.eq("stage", "open")), linked)))
        .toEqual(["x"])
    }))

  it.effect("related and exists nest to their depth limit, each level correlated to its own outer row", () =>
    Effect.gen(function*() {
      const ws = freshWorkspace()
      // a00 → a01 → … → a19, by links; a custom reference points each account back to the one before.
      const n = Plan.MAX_RELATED_DEPTH + 4
      const name = (i: number) => `a${String(i).padStart(2, "0")}`
      yield* insertAccounts(
        ws,
        Array.from({ length: n }, (_, i) => account(name(i), i === 0 ? {} : { custom: { referrer: name(i - 1) } }))
      )
      yield* insertAll(ws, LINK, Array.from({ length: n - 1 }, (_, i) => link(`l${i}`, { fromId: name(i), toId: name(i + 1) })))
      const next = Query.via(LINK, "fromId", "toId")
      // k levels: an account linked onwards to one linked onwards … k times; the innermost
      // level goes back along the custom reference (the account referred by the one reached).
      const nested = (k: number): Query.Expr =>
        k === 1
          ? Query.exists(ACCOUNT, "custom.referrer", Query.isNotNull("id"))
          : Query.related(ACCOUNT, "id", { where: nested(k - 1), via: next, op: "gte", value: 1 })
      // An account passes k levels when k − 1 links follow it and one account refers to the last.
      const expected = (k: number) => Array.from({ length: Math.max(0, n - k) }, (_, i) => name(i))
      for (const k of [1, 2, 5, Plan.MAX_RELATED_DEPTH]) {
        expect(yield* findIds(ws, Query.find(ACCOUNT, { where: nested(k) })), `depth ${k}`).toEqual(expected(k))
      }
      const store = yield* Store.Store
      const refused = yield* expectFailure("InvalidQuery")(
        store.find(ws, Query.find(ACCOUNT, { where: nested(Plan.MAX_RELATED_DEPTH + 1) }))
      )
      expect(refused.path).toBe(`where${".where".repeat(Plan.MAX_RELATED_DEPTH)}`)
    }))

  it.effect("any: some element of a list of objects matches, also nested in exists; empty, null and odd lists match nothing", () =>
    Effect.gen(function*() {
      const ws = freshWorkspace()
      yield* insertAccounts(ws, [account("a"), account("b"), account("c")])
      const line = (sku: string, qty: number, amountMinor = 500) => ({ sku, qty, price: { amountMinor, currency: "EUR" } })
      yield* insertDeals(ws, [
        deal("d1", { accountId: "a", lines: [line("TEA-1", 1), line("CUP", 3, 1299)] }),
        deal("d2", { accountId: "b", lines: [line("TEA-1", 4)] }),
        deal("d3", { accountId: "c", lines: [] }),
        deal("d4", { accountId: "c", lines: null }),
        // Not a list of objects: a list of text, and an object.
        deal("d5", { accountId: "c", lines: ["TEA-1"] }),
        deal("d6", { accountId: "c", lines: { sku: "TEA-1" } })
      ])
      const deals = (where: Query.Expr) => findIds(ws, Query.find(DEAL, { where }))
      expect(yield* deals(Query.any("lines", Query.eq("sku", "TEA-1")))).toEqual(["d1", "d2"])
      // Both conditions on one element: d1 has TEA-1 and a line of 3, not one line with both.
      expect(yield* deals(Query.any("lines", Query.and(Query.eq("sku", "TEA-1"), Query.gte("qty", 3))))).toEqual(["d2"])
      expect(yield* deals(Query.any("lines", Query.gt("price.amountMinor", 1000)))).toEqual(["d1"])
      expect(yield* deals(Query.not(Query.any("lines", Query.eq("sku", "TEA-1"))))).toEqual(["d3", "d4", "d5", "d6"])
      // Accounts with a deal holding a line of CUP
      expect(yield* findIds(ws, Query.find(ACCOUNT, { where: Query.exists(DEAL, "accountId", Query.any("lines", Query.eq("sku", "CUP"))) })))
        .toEqual(["a"])
      const store = yield* Store.Store
      const refused = (where: Query.Expr) => expectFailure("InvalidQuery")(store.find(ws, Query.find(DEAL, { where })))
      expect((yield* refused(Query.any("stage", Query.eq("sku", "x")))).path).toBe("where")
      expect((yield* refused(Query.any("lines", Query.eq("nope", "x")))).path).toBe("where.where")
      expect((yield* refused(Query.any("lines", Query.eq("qty", "x")))).path).toBe("where.where")
      expect((yield* refused(Query.any("lines", Query.eq("price.currency", "E\u0000")))).path).toBe("where.where")
      expect((yield* refused(Query.any("lines", Query.exists(DEAL, "accountId")))).path).toBe("where.where")
    }))

  it.effect("custom money parts and custom dates filter, sort, group and sum like built-in ones", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const ws = freshWorkspace()
      const mrr = (amountMinor: number, currency: string) => ({ amountMinor, currency })
      yield* insertAccounts(ws, [
        account("a", { custom: { mrr: mrr(2 ** 53 - 1, "EUR"), renewsOn: "2024-02-29" } }),
        account("b", { custom: { mrr: mrr(10, "EUR"), renewsOn: "2024-01-01" } }),
        account("c", { custom: { mrr: mrr(500, "USD"), renewsOn: "2024-02-29" } }),
        account("d")
      ])
      const ids = (where: Query.Expr, orderBy: ReadonlyArray<Query.Order> = []) => findIds(ws, Query.find(ACCOUNT, { where, orderBy }))
      expect(yield* ids(Query.gt("custom.mrr.amountMinor", 100))).toEqual(["a", "c"])
      expect(yield* ids(Query.eq("custom.mrr.currency", "EUR"), [{ field: "custom.mrr.amountMinor", direction: "asc" }]))
        .toEqual(["b", "a"])
      expect(yield* ids(Query.between("custom.renewsOn", "2024-02-01", "2024-03-01"))).toEqual(["a", "c"])
      expect(yield* ids(Query.isNotNull("id"), [{ field: "custom.renewsOn", direction: "desc" }])).toEqual(["a", "c", "b", "d"])
      // The sum is exact past 2^53, within one currency.
      expect(yield* store.aggregate(ws, Query.aggregate(ACCOUNT, {
        groupBy: [{ _tag: "Field", as: "currency", field: "custom.mrr.currency" }],
        measures: [{ _tag: "Sum", as: "mrr", field: "custom.mrr.amountMinor" }, { _tag: "Count", as: "n" }]
      }))).toEqual([
        { currency: "EUR", mrr: 2n ** 53n + 9n, n: 2 },
        { currency: "USD", mrr: 500, n: 1 },
        { currency: null, mrr: 0, n: 1 }
      ])
      expect(yield* store.aggregate(ws, Query.aggregate(ACCOUNT, {
        groupBy: [{ _tag: "Field", as: "renews", field: "custom.renewsOn" }],
        measures: [{ _tag: "Count", as: "n" }]
      }))).toEqual([{ renews: "2024-01-01", n: 1 }, { renews: "2024-02-29", n: 2 }, { renews: null, n: 1 }])
    }))
}
