/**
 * Generators for the differential properties: rows of `account`, `deal` and `link`
 * (nulls, duplicates, unicode, negatives, equal sort keys, dangling keys, links naming
 * the wrong collection) and random finds and aggregates over them.
 */
import type { Collection } from "@rapport/core"
import { Query } from "@rapport/core"
import { FastCheck as fc } from "effect"
import { ACCOUNT, DEAL, LINK } from "../TestCatalog.js"
import { account, deal, HOUR, link, NOW } from "./harness.js"

const alphabet = ["a", "A", "b", "é", "É", "ß", "z", " ", "😀", "\uFFFD", "\uE000", "%"]
const text = fc.array(fc.constantFrom(...alphabet), { maxLength: 3 }).map((cs) => cs.join(""))
const nullable = <A>(arb: fc.Arbitrary<A>): fc.Arbitrary<A | null> => fc.option(arb, { nil: null, freq: 4 })
const quarter = fc.integer({ min: -40, max: 40 }).map((n) => n / 4)
const small = fc.integer({ min: -5, max: 5 })
/**
 * Integers where engines' integer arithmetic parts ways: past 2^53 doubles round, past
 * 2^63 PostgreSQL's bigint raises and SQLite turns to floats (3037000500² > 2^63); 94906267²
 * is odd and past 2^53, exact in SQLite's integers only.
 */
const bigInteger = fc.constantFrom(2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 52 + 1, 3_037_000_500, -3_037_000_500, 94_906_267, 2 ** 31)
const seatsValue = fc.oneof({ arbitrary: small, weight: 6 }, { arbitrary: bigInteger, weight: 1 })
/** Doubles at and past the arithmetic range (2^64); positive only, so sums keep no rounding residue. */
const scoreValue = fc.oneof({ arbitrary: quarter, weight: 8 }, { arbitrary: fc.constantFrom(2 ** 64, 3e19), weight: 1 })
/** Dates at year and month ends, a leap day, and around NOW (2025-06-15), where relative and calendar windows end. */
const dates = [
  "2023-12-31", "2024-01-01", "2024-02-29", "2024-03-01", "2025-03-31", "2025-04-01", "2025-05-31", "2025-06-01",
  "2025-06-08", "2025-06-09", "2025-06-14", "2025-06-15", "2025-06-16", "2025-06-30", "2025-07-01"
]
const date = fc.constantFrom(...dates)
/** Instants around NOW and around the DST switches, with off-by-one-millisecond neighbours. */
const bases = [
  NOW,
  Date.parse("2025-03-30T01:00:00Z"),
  Date.parse("2025-10-26T01:00:00Z"),
  Date.parse("2025-03-09T07:00:00Z"),
  Date.parse("2025-11-02T06:00:00Z"),
  Date.parse("2025-12-31T23:00:00Z")
]
const instant = fc.tuple(fc.constantFrom(...bases), fc.integer({ min: -6, max: 6 }), fc.constantFrom(-1, 0, 0, 1)).map(
  ([base, halfDays, ms]) => base + halfDays * 12 * HOUR + ms
)
const currency = fc.constantFrom("EUR", "USD", "JPY")
const money = fc.record({ amountMinor: fc.integer({ min: -1000, max: 100_000 }), currency })
const tagList = fc.array(fc.constantFrom("vip", "VIP", "eu", "b2b", "é"), { maxLength: 3 })
const tiers = ["free", "pro", "enterprise"]
const interests = ["tea", "coffee", "cocoa"]

const custom = fc.record(
  {
    tier: fc.constantFrom(...tiers),
    quota: quarter,
    vip: fc.boolean(),
    renewsOn: date,
    mrr: money,
    interests: fc.subarray(interests),
    note: text
  },
  { requiredKeys: [] }
)

const accountFields = fc.record({
  name: text,
  nickname: nullable(text),
  score: nullable(scoreValue),
  seats: nullable(seatsValue),
  active: nullable(fc.boolean()),
  lastSeenAt: nullable(instant),
  since: nullable(date),
  revenue: nullable(money),
  tags: tagList,
  custom
})

const skus = ["TEA-1", "tea-1", "CUP", "é"]

/** A line of a deal: every declared key optional, plus one nobody declared. */
const line = fc.record(
  {
    sku: fc.constantFrom(...skus),
    qty: small,
    price: money,
    gift: fc.boolean(),
    note: nullable(text),
    extra: fc.constant("x")
  },
  { requiredKeys: ["sku"] }
)

const dealFields = (parentIds: ReadonlyArray<string>) =>
  fc.record({
    accountId: nullable(fc.constantFrom(...parentIds, "ghost")),
    stage: fc.constantFrom("open", "won", "lost", "Won"),
    amount: nullable(quarter),
    qty: nullable(small),
    won: nullable(fc.boolean()),
    closedAt: nullable(instant),
    createdAt: instant,
    value: nullable(money),
    lines: nullable(fc.array(line, { maxLength: 3 }))
  })

const labels = ["", "partner", "buyer", "Buyer"]

/**
 * Links between accounts and deals, either way; some name a collection their id is not
 * of (`deal` for an account's id), or dangle, or name a third collection.
 */
const linkFields = (accountIds: ReadonlyArray<string>, dealIds: ReadonlyArray<string>) => {
  const end = fc.oneof(
    { arbitrary: fc.tuple(fc.constant(ACCOUNT), fc.constantFrom(...accountIds, "ghost")), weight: 4 },
    { arbitrary: fc.tuple(fc.constant(DEAL), fc.constantFrom(...dealIds, "ghost")), weight: 3 },
    { arbitrary: fc.tuple(fc.constantFrom(ACCOUNT, DEAL, "other"), fc.constantFrom(...accountIds, ...dealIds)), weight: 1 }
  )
  return fc.record({ from: end, to: end, label: fc.constantFrom(...labels) }).map(({ from, label, to }) => ({
    fromCollection: from[0],
    fromId: from[1],
    toCollection: to[0],
    toId: to[1],
    label
  }))
}

/** A dataset of up to `max` parents, `max` children and `max` links. */
export const dataset = (max: number): fc.Arbitrary<{
  readonly accounts: ReadonlyArray<Collection.Row>
  readonly deals: ReadonlyArray<Collection.Row>
  readonly links: ReadonlyArray<Collection.Row>
}> =>
  fc.array(accountFields, { maxLength: max, size: "medium" }).chain((parents) => {
    // Ids of mixed case and length so id order (the tie-break) is exercised too.
    const ids = parents.map((_, i) => (i % 3 === 0 ? `P${i}` : `p${String(i).padStart(2, "0")}`))
    const parentIds = ids.length === 0 ? ["nobody"] : ids
    return fc.array(dealFields(parentIds), { maxLength: max, size: "medium" }).chain((children) =>
      fc.tuple(
        fc.constant(children),
        fc.array(linkFields(parentIds, ["d0", ...children.map((_, i) => `d${i}`)]), { maxLength: max, size: "medium" })
      )
    ).map(([children, linkRows]) => ({
      links: linkRows.map((fields, i) => link(`l${i}`, fields)),
      accounts: parents.map((fields, i) => {
        // Every third account has a referrer: another account, itself, or one that does not exist.
        const referrer = i % 3 !== 1 ? undefined : i % 2 === 0 ? "ghost" : ids[(i * 7 + 2) % ids.length]!
        const withReferrer = referrer === undefined ? fields : { ...fields, custom: { ...fields.custom, referrer } }
        return account(ids[i]!, withReferrer as unknown as Record<string, Collection.Json>)
      }),
      deals: children.map((fields, i) => deal(`d${i}`, fields as unknown as Record<string, Collection.Json>))
    }))
  })

type Kind = "string" | "number" | "integer" | "boolean" | "timestamp" | "date" | "strings" | "money"

interface FieldGen {
  readonly path: string
  readonly kind: Kind
  readonly value: fc.Arbitrary<Query.Scalar>
}

const accountPaths: ReadonlyArray<FieldGen> = [
  { path: "id", kind: "string", value: fc.constantFrom("P0", "p01", "p02", "P3", "p1", "zz") },
  { path: "name", kind: "string", value: text },
  { path: "nickname", kind: "string", value: text },
  { path: "score", kind: "number", value: quarter },
  { path: "seats", kind: "integer", value: small },
  { path: "active", kind: "boolean", value: fc.boolean() },
  { path: "lastSeenAt", kind: "timestamp", value: instant },
  { path: "since", kind: "date", value: date },
  { path: "revenue", kind: "money", value: fc.constant(0) },
  { path: "revenue.amountMinor", kind: "integer", value: fc.integer({ min: -1000, max: 100_000 }) },
  { path: "revenue.currency", kind: "string", value: currency },
  { path: "tags", kind: "strings", value: fc.constantFrom("vip", "VIP", "eu", "b2b", "é", "x") },
  { path: "custom.tier", kind: "string", value: fc.constantFrom(...tiers) },
  { path: "custom.quota", kind: "number", value: quarter },
  { path: "custom.vip", kind: "boolean", value: fc.boolean() },
  { path: "custom.renewsOn", kind: "date", value: date },
  { path: "custom.mrr.amountMinor", kind: "integer", value: fc.integer({ min: -1000, max: 100_000 }) },
  { path: "custom.mrr.currency", kind: "string", value: currency },
  { path: "custom.interests", kind: "strings", value: fc.constantFrom(...interests) },
  { path: "custom.note", kind: "string", value: text },
  // A path through the account's own custom reference (a self reference; some dangle).
  { path: "custom.referrer.name", kind: "string", value: text },
  { path: "custom.referrer.score", kind: "number", value: quarter }
]

const dealPaths: ReadonlyArray<FieldGen> = [
  { path: "id", kind: "string", value: fc.constantFrom("d0", "d1", "d10", "d5") },
  { path: "accountId", kind: "string", value: fc.constantFrom("P0", "p01", "p02", "ghost") },
  { path: "stage", kind: "string", value: fc.constantFrom("open", "won", "lost", "Won", "o") },
  { path: "amount", kind: "number", value: quarter },
  { path: "qty", kind: "integer", value: small },
  { path: "won", kind: "boolean", value: fc.boolean() },
  { path: "closedAt", kind: "timestamp", value: instant },
  { path: "createdAt", kind: "timestamp", value: instant },
  { path: "value.amountMinor", kind: "integer", value: fc.integer({ min: -1000, max: 100_000 }) },
  { path: "value.currency", kind: "string", value: currency },
  // Paths across references: one hop to the account, and two through its custom referrer.
  { path: "accountId.name", kind: "string", value: text },
  { path: "accountId.score", kind: "number", value: quarter },
  { path: "accountId.seats", kind: "integer", value: small },
  { path: "accountId.active", kind: "boolean", value: fc.boolean() },
  { path: "accountId.lastSeenAt", kind: "timestamp", value: instant },
  { path: "accountId.since", kind: "date", value: date },
  { path: "accountId.tags", kind: "strings", value: fc.constantFrom("vip", "VIP", "eu", "x") },
  { path: "accountId.custom.tier", kind: "string", value: fc.constantFrom(...tiers) },
  { path: "accountId.custom.referrer.name", kind: "string", value: text },
  { path: "accountId.custom.referrer.seats", kind: "integer", value: small }
]

/** Whether a generated path follows a reference (`accountId.name`, `custom.referrer.name`). */
const acrossReferences = (path: string) => path.startsWith("accountId.") || path.startsWith("custom.referrer.")

const linePaths: ReadonlyArray<FieldGen> = [
  { path: "sku", kind: "string", value: fc.constantFrom(...skus, "T") },
  { path: "qty", kind: "integer", value: small },
  { path: "price.amountMinor", kind: "integer", value: fc.integer({ min: -1000, max: 100_000 }) },
  { path: "price.currency", kind: "string", value: currency },
  { path: "gift", kind: "boolean", value: fc.boolean() },
  { path: "note", kind: "string", value: text }
]

/** `any` over a deal's lines: one or two conditions on the same element. */
const anyLine = (): fc.Arbitrary<Query.Expr> => fc.tuple(
  fc.array(fc.oneof(...linePaths.map(leaf)), { minLength: 1, maxLength: 2 }),
  fc.constantFrom<"And" | "Or" | "Not">("And", "Or", "Not")
).map(([parts, tag]): Query.Expr => ({
  _tag: "Any",
  field: "lines",
  where: parts.length === 1 ? parts[0]! : tag === "Not" ? { _tag: "Not", expr: parts[0]! } : { _tag: tag, exprs: parts }
}))

const linkPaths: ReadonlyArray<FieldGen> = [
  { path: "label", kind: "string", value: fc.constantFrom(...labels, "b") }
]

const pathsOf = (collection: string) => (collection === ACCOUNT ? accountPaths : collection === DEAL ? dealPaths : linkPaths)

const compareOp = fc.constantFrom<Query.CompareOp>("eq", "neq", "lt", "lte", "gt", "gte")

const leaf = (f: FieldGen): fc.Arbitrary<Query.Expr> => {
  const isNull: fc.Arbitrary<Query.Expr> = fc.constant({ _tag: "IsNull", field: f.path })
  const lists = fc.array(f.value, { maxLength: 3 })
  switch (f.kind) {
    case "money":
      return isNull
    case "strings":
      return fc.oneof(
        fc.record({ _tag: fc.constant("Has" as const), field: fc.constant(f.path), value: f.value as fc.Arbitrary<string> }),
        fc.record({
          _tag: fc.constant("HasAny" as const),
          field: fc.constant(f.path),
          values: fc.array(f.value as fc.Arbitrary<string>, { maxLength: 3 })
        }),
        isNull
      )
    case "boolean":
      return fc.oneof(
        fc.record({
          _tag: fc.constant("Compare" as const),
          field: fc.constant(f.path),
          op: fc.constantFrom<Query.CompareOp>("eq", "neq"),
          value: f.value
        }),
        fc.record({ _tag: fc.constantFrom("In" as const, "NotIn" as const), field: fc.constant(f.path), values: lists }),
        isNull
      )
    default: {
      const common: Array<fc.Arbitrary<Query.Expr>> = [
        fc.record({ _tag: fc.constant("Compare" as const), field: fc.constant(f.path), op: compareOp, value: f.value }),
        fc.record({ _tag: fc.constant("Between" as const), field: fc.constant(f.path), low: f.value, high: f.value }),
        fc.record({ _tag: fc.constantFrom("In" as const, "NotIn" as const), field: fc.constant(f.path), values: lists }),
        isNull
      ]
      if (f.kind === "string") {
        common.push(fc.record({
          _tag: fc.constant("Text" as const),
          field: fc.constant(f.path),
          op: fc.constantFrom<Query.TextOp>("contains", "startsWith", "endsWith", "equals"),
          value: f.value as fc.Arbitrary<string>,
          caseInsensitive: fc.boolean()
        }))
      }
      if (f.kind === "timestamp" || f.kind === "date") common.push(...timeWindows(f.path, f.kind))
      return fc.oneof(...common)
    }
  }
}

/** Zones east and west of UTC, with and without DST (southern too), and odd offsets. */
export const windowZones = [
  "UTC", "Europe/Berlin", "America/New_York", "America/Sao_Paulo", "Australia/Sydney", "Asia/Kolkata",
  "Pacific/Chatham", "America/St_Johns", "Pacific/Kiritimati", "Australia/Lord_Howe", "America/Santiago"
]

const calendarOptions = fc.record(
  { weekStart: fc.integer({ min: 1, max: 7 }), fiscalYearStartMonth: fc.integer({ min: 1, max: 12 }) },
  { requiredKeys: [] }
)

/** A calendar window on `field`: a few units either side of now's, in a zone. */
export const calendarWindow = (field: string): fc.Arbitrary<Query.Expr> =>
  fc.tuple(
    fc.constantFrom<Query.CalendarUnit>("day", "week", "month", "quarter", "year"),
    fc.integer({ min: -3, max: 1 }),
    fc.integer({ min: 0, max: 2 }),
    fc.constantFrom(...windowZones),
    calendarOptions
  ).map(([unit, from, length, timeZone, options]) => Query.calendar(field, unit, { from, to: from + length, timeZone, ...options }))

/** Relative (`within`, `olderThan`) and calendar windows; dates count days and weeks from today in a zone. */
const timeWindows = (field: string, kind: "timestamp" | "date"): ReadonlyArray<fc.Arbitrary<Query.Expr>> => {
  const unit = kind === "date" ? fc.constantFrom<Query.DurationUnit>("day", "week") : fc.constantFrom<Query.DurationUnit>("hour", "day", "week")
  const zone = kind === "date" ? fc.option(fc.constantFrom(...windowZones), { nil: undefined }) : fc.constant(undefined)
  const options = (timeZone: string | undefined) => (timeZone === undefined ? undefined : { timeZone })
  return [
    fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 10 }), unit, zone).map(([past, amount, u, timeZone]) =>
      (past ? Query.withinLast : Query.withinNext)(field, amount, u, options(timeZone))
    ),
    fc.tuple(fc.integer({ min: 0, max: 10 }), unit, zone).map(([amount, u, timeZone]) =>
      Query.olderThan(field, amount, u, options(timeZone))
    ),
    calendarWindow(field)
  ]
}

/**
 * Measures of related rows. Of accounts, sums and averages take the money amount only:
 * `score` holds 2^64 beside quarters and `seats` integers past 2^53, whose double sums
 * depend on the order of their terms, which engines do not share.
 */
const relatedMeasure = (collection: string): fc.Arbitrary<Query.RelatedMeasure> =>
  fc.oneof(
    fc.constant({ _tag: "Count" as const }),
    collection === DEAL
      ? fc.record({
        _tag: fc.constantFrom("Sum" as const, "Avg" as const, "Min" as const, "Max" as const),
        field: fc.constantFrom("amount", "qty", "value.amountMinor")
      })
      : fc.oneof(
        fc.record({ _tag: fc.constantFrom("Sum" as const, "Avg" as const), field: fc.constant("revenue.amountMinor") }),
        fc.record({
          _tag: fc.constantFrom("Min" as const, "Max" as const),
          field: fc.constantFrom("score", "seats", "revenue.amountMinor")
        })
      )
  )

/** How a `related` or `exists` of one collection reaches rows of another. */
interface Route {
  readonly collection: string
  readonly foreignKey: string
  readonly via?: { readonly from: string; readonly to: string }
}

const forward = { from: "fromId", to: "toId" }
const backward = { from: "toId", to: "fromId" }

/**
 * Every route the catalog allows from a collection: a foreign key back (`accountId`, the
 * custom reference `custom.referrer`), and links either way to the related rows' `id` or
 * to the account their `accountId` names.
 */
const routes = (collection: string): ReadonlyArray<Route> =>
  collection === ACCOUNT
    ? [
      { collection: DEAL, foreignKey: "accountId" },
      { collection: ACCOUNT, foreignKey: "custom.referrer" },
      { collection: ACCOUNT, foreignKey: "id", via: forward },
      { collection: ACCOUNT, foreignKey: "id", via: backward },
      { collection: DEAL, foreignKey: "id", via: forward },
      { collection: DEAL, foreignKey: "accountId", via: backward }
    ]
    : collection === DEAL
    ? [
      { collection: ACCOUNT, foreignKey: "id", via: forward },
      { collection: DEAL, foreignKey: "id", via: backward },
      { collection: DEAL, foreignKey: "accountId", via: forward }
    ]
    : []

const viaOf = (route: Route): fc.Arbitrary<Query.Via | undefined> =>
  route.via === undefined ? fc.constant(undefined) : fc.record({
    collection: fc.constant(LINK),
    from: fc.constant(route.via.from),
    to: fc.constant(route.via.to),
    where: fc.option(leaf(linkPaths[0]!), { nil: null })
  })

/** `related` and `exists` along one route, their `where` nesting further conditions (and routes). */
const relatedAlong = (route: Route, depth: number): ReadonlyArray<fc.WeightedArbitrary<Query.Expr>> => {
  const where = fc.option(expr(route.collection, depth - 1), { nil: null })
  const withVia = <E extends Query.Expr>(e: E, via: Query.Via | undefined): E => (via === undefined ? e : { ...e, via })
  const money = route.collection === ACCOUNT ? "revenue" : "value"
  return [{
    arbitrary: fc.tuple(
      fc.record({
        _tag: fc.constant("Related" as const),
        collection: fc.constant(route.collection),
        foreignKey: fc.constant(route.foreignKey),
        where,
        measure: relatedMeasure(route.collection),
        op: compareOp,
        value: fc.oneof(fc.integer({ min: -2, max: 3 }), quarter)
      }),
      viaOf(route),
      currency,
      fc.boolean()
    ).map(([related, via, c, asIn]): Query.Expr => {
      const m = related.measure
      const pinned = (m._tag === "Sum" || m._tag === "Avg") && m.field === `${money}.amountMinor`
      return withVia(pinned ? { ...related, where: pinCurrency(related.where, money, c, asIn) } : related, via)
    }),
    weight: 2
  }, {
    arbitrary: fc.tuple(
      fc.record({
        _tag: fc.constant("Exists" as const),
        collection: fc.constant(route.collection),
        foreignKey: fc.constant(route.foreignKey),
        where
      }),
      viaOf(route)
    ).map(([exists, via]) => withVia(exists, via)),
    weight: 1
  }]
}

/**
 * Money amounts add up only within one currency (the planner refuses other sums), so
 * a generated money sum keeps one currency: `eq`, or `in` of one value, and-ed to `where`.
 */
const pinCurrency = (
  where: Query.Expr | null | undefined,
  money: string,
  currency: string,
  asIn: boolean
): Query.Expr => {
  const pin: Query.Expr = asIn
    ? { _tag: "In", field: `${money}.currency`, values: [currency] }
    : { _tag: "Compare", field: `${money}.currency`, op: "eq", value: currency }
  return where === null || where === undefined ? pin : { _tag: "And", exprs: [where, pin] }
}

const moneyOf = (field: string): string | undefined =>
  field === "revenue.amountMinor" || field === "value.amountMinor" || field === "custom.mrr.amountMinor"
    ? field.slice(0, -".amountMinor".length)
    : undefined

/** Arithmetic literals: 0 (division by zero), the range's ends, powers near 2^53, a day in ms. */
const arithLiteral = fc.constantFrom(0, 1, -1, 2, 3, 0.25, -2.5, 7, 2 ** 64, -(2 ** 64), 2 ** -64, 2 ** 53, 86_400_000)

/** Paths of one comparison kind on a collection (money amounts apart: they follow the money rules). */
const pathsOfKind = (collection: string, kinds: ReadonlyArray<Kind>) =>
  pathsOf(collection).filter((f) => kinds.includes(f.kind) && moneyOf(f.path) === undefined).map((f) => f.path)

const fieldRef = (paths: ReadonlyArray<string>): fc.Arbitrary<Query.Term> =>
  fc.constantFrom(...paths).map((field) => ({ _tag: "FieldRef" as const, field }))

const arithOp = fc.constantFrom<Query.ArithOp>("add", "subtract", "multiply", "divide")

/** Plain numeric terms: number, integer and timestamp fields, literals and arithmetic on them. */
const numericTerm = (collection: string, depth: number): fc.Arbitrary<Query.Term> => {
  const leaf = fc.oneof(
    { arbitrary: fieldRef(pathsOfKind(collection, ["number", "integer", "timestamp"])), weight: 3 },
    { arbitrary: arithLiteral.map((value) => ({ _tag: "Literal" as const, value })), weight: 1 }
  )
  if (depth <= 0) return leaf
  const sub = numericTerm(collection, depth - 1)
  return fc.oneof(
    { arbitrary: leaf, weight: 1 },
    { arbitrary: fc.record({ _tag: fc.constant("Arith" as const), op: arithOp, left: sub, right: sub }), weight: 2 }
  )
}

const hasField = (t: Query.Term): boolean => t._tag === "FieldRef" || (t._tag === "Arith" && (hasField(t.left) || hasField(t.right)))

/** A money amount term: the amount, scaled by literals, or less itself. */
const moneyTerm = (amount: string): fc.Arbitrary<Query.Term> => {
  const ref: Query.Term = { _tag: "FieldRef", field: amount }
  return fc.oneof(
    fc.constant(ref),
    fc.tuple(arithOp, arithLiteral, fc.boolean()).map(([op, value, literalFirst]): Query.Term => {
      const lit: Query.Term = { _tag: "Literal", value }
      // A literal over money is refused; money over a literal stays money.
      return literalFirst && op !== "divide"
        ? { _tag: "Arith", op, left: lit, right: ref }
        : { _tag: "Arith", op, left: ref, right: lit }
    }),
    fc.constant<Query.Term>({ _tag: "Arith", op: "subtract", left: ref, right: ref })
  )
}

/** Field references and arithmetic (`compare`): every kind against its own kind. */
const compareTerms = (collection: string): fc.Arbitrary<Query.Expr> => {
  const sameKind = (kinds: ReadonlyArray<Kind>, ops: fc.Arbitrary<Query.CompareOp>) => {
    const paths = pathsOfKind(collection, kinds)
    return fc.record({ _tag: fc.constant("CompareTerms" as const), left: fieldRef(paths), op: ops, right: fieldRef(paths) })
  }
  const numeric = fc.record({
    _tag: fc.constant("CompareTerms" as const),
    left: numericTerm(collection, 2),
    op: compareOp,
    right: numericTerm(collection, 1)
  }).map((e): Query.Expr =>
    // A comparison must name a field somewhere.
    hasField(e.left) || hasField(e.right) ? e : { ...e, left: { _tag: "FieldRef", field: pathsOfKind(collection, ["integer"])[0]! } }
  )
  const amount = collection === ACCOUNT ? "revenue.amountMinor" : "value.amountMinor"
  const money = fc.record({
    _tag: fc.constant("CompareTerms" as const),
    left: moneyTerm(amount),
    op: compareOp,
    right: fc.oneof(moneyTerm(amount), arithLiteral.map((value): Query.Term => ({ _tag: "Literal", value })))
  })
  const options: Array<fc.WeightedArbitrary<Query.Expr>> = [
    { arbitrary: numeric, weight: 4 },
    { arbitrary: money, weight: 1 },
    { arbitrary: sameKind(["string"], compareOp), weight: 1 },
    { arbitrary: sameKind(["boolean"], fc.constantFrom<Query.CompareOp>("eq", "neq")), weight: 1 }
  ]
  if (pathsOfKind(collection, ["date"]).length > 0) options.push({ arbitrary: sameKind(["date"], compareOp), weight: 1 })
  return fc.oneof(...options)
}

/** A random condition on a collection, up to `depth` levels of and/or/not/related. */
export const expr = (collection: string, depth: number): fc.Arbitrary<Query.Expr> => {
  // Routes fan out (an account's `where` nests conditions on six routes): built once per level.
  const key = `${collection}:${depth}`
  const known = exprs.get(key)
  if (known !== undefined) return known
  const built = buildExpr(collection, depth)
  exprs.set(key, built)
  return built
}

const exprs = new Map<string, fc.Arbitrary<Query.Expr>>()

const buildExpr = (collection: string, depth: number): fc.Arbitrary<Query.Expr> => {
  const leaves = fc.oneof(
    ...pathsOf(collection).map((f) => ({ arbitrary: leaf(f), weight: 1 })),
    { arbitrary: compareTerms(collection), weight: 4 },
    ...(collection === DEAL ? [{ arbitrary: anyLine(), weight: 3 }] : [])
  )
  if (depth <= 0) return leaves
  const sub = expr(collection, depth - 1)
  const options: Array<fc.WeightedArbitrary<Query.Expr>> = [
    { arbitrary: leaves, weight: 4 },
    { arbitrary: fc.record({ _tag: fc.constant("And" as const), exprs: fc.array(sub, { maxLength: 3 }) }), weight: 1 },
    { arbitrary: fc.record({ _tag: fc.constant("Or" as const), exprs: fc.array(sub, { maxLength: 3 }) }), weight: 1 },
    { arbitrary: fc.record({ _tag: fc.constant("Not" as const), expr: sub }), weight: 1 }
  ]
  // Spread over the routes: one route weighs what the one route of old weighed.
  const along = routes(collection).flatMap((route) => relatedAlong(route, depth))
  if (along.length > 0) {
    options.push({ arbitrary: fc.oneof(...along.map((a) => ({ ...a, weight: a.weight * 3 }))), weight: 3 })
  }
  return fc.oneof(...options)
}

const sortable = (collection: string) => pathsOf(collection).filter((f) => f.kind !== "strings" && f.kind !== "money")

const orderBy = (collection: string): fc.Arbitrary<ReadonlyArray<Query.Order>> =>
  fc.uniqueArray(
    fc.record({
      field: fc.constantFrom(...sortable(collection).map((f) => f.path)),
      direction: fc.constantFrom("asc" as const, "desc" as const)
    }),
    { maxLength: 3, selector: (o) => o.field }
  )

/** A random find on either collection. */
export const find: fc.Arbitrary<Query.Find> = fc.constantFrom(ACCOUNT, ACCOUNT, DEAL).chain((collection) =>
  fc.record(
    {
      collection: fc.constant(collection),
      where: expr(collection, 3),
      orderBy: orderBy(collection),
      limit: fc.integer({ min: 1, max: 7 })
    },
    { requiredKeys: ["collection"] }
  )
)

const zones = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "America/St_Johns"]

/** Gap filling: a few units around now's, or a range of dates (a day to a few months). */
const relativeFill = fc.tuple(fc.integer({ min: -3, max: 0 }), fc.integer({ min: 0, max: 3 })).map(([from, length]) => ({
  from,
  to: from + length
}))
const nearNow = dates.filter((d) => d >= "2025-05-31")
const dateFill = fc.tuple(fc.constantFrom(...nearNow), fc.constantFrom(...nearNow)).map(([a, b]) => ({
  from: a < b ? a : b,
  to: a < b ? b : a
}))
const fillOption = <A>(arb: fc.Arbitrary<A>) => fc.option(arb, { nil: undefined, freq: 3 })
const withFill = (fill: Query.BucketFill | undefined) => (fill === undefined ? {} : { fill })

const ref = (field: string): Query.Term => ({ _tag: "FieldRef", field })
const lit = (value: number): Query.Term => ({ _tag: "Literal", value })
const arithOf = (op: Query.ArithOp, left: Query.Term, right: Query.Term): Query.Term => ({ _tag: "Arith", op, left, right })

/**
 * Terms a group key or a measure computes. Sums and averages add in whatever order an
 * engine reads the rows, so `summable` ones stay exact in doubles (quarters, small
 * integers, millisecond differences) or nearly so; percentiles, mins, maxes and group keys
 * do not add, so they take any term, big integers, divisions by zero and money included.
 */
const measureTerms = (collection: string, summable: boolean): ReadonlyArray<Query.Term> => {
  if (collection === ACCOUNT) {
    const safe = [
      arithOf("multiply", ref("custom.quota"), lit(2)),
      arithOf("divide", ref("revenue.amountMinor"), lit(100)),
      arithOf("subtract", ref("custom.quota"), lit(0.5))
    ]
    return summable ? safe : [
      ...safe,
      arithOf("subtract", ref("seats"), lit(1)),
      arithOf("divide", ref("score"), ref("seats")),
      arithOf("multiply", ref("seats"), ref("custom.referrer.score"))
    ]
  }
  const safe = [
    arithOf("subtract", ref("closedAt"), ref("createdAt")),
    arithOf("multiply", ref("amount"), ref("qty")),
    arithOf("multiply", ref("value.amountMinor"), ref("amount")),
    arithOf("add", ref("qty"), lit(2)),
    arithOf("divide", arithOf("subtract", ref("closedAt"), ref("createdAt")), lit(86_400_000))
  ]
  return summable ? safe : [
    ...safe,
    arithOf("divide", ref("amount"), ref("qty")),
    arithOf("multiply", ref("accountId.seats"), lit(0.5)),
    arithOf("subtract", ref("value.amountMinor"), ref("value.amountMinor"))
  ]
}

/** The money a generated term is an amount of, if any (its sum needs one currency). */
const moneyOfTerm = (t: Query.Term): string | undefined =>
  t._tag === "FieldRef" ? moneyOf(t.field) : t._tag === "Arith" ? moneyOfTerm(t.left) ?? moneyOfTerm(t.right) : undefined

const groupKey = (collection: string): fc.Arbitrary<Omit<Query.GroupKey, "as">> => {
  const timestamps = collection === ACCOUNT ? ["lastSeenAt"] : ["closedAt", "accountId.lastSeenAt"]
  const dateFields = collection === ACCOUNT ? ["since", "custom.renewsOn"] : ["accountId.since"]
  return fc.oneof(
    fc.record({
      _tag: fc.constant("Field" as const),
      field: fc.constantFrom(...sortable(collection).filter((f) => f.path !== "id").map((f) => f.path))
    }),
    fc.record({ _tag: fc.constant("Term" as const), term: fc.constantFrom(...measureTerms(collection, false)) }),
    fc.tuple(
      fc.constantFrom(...timestamps),
      fc.constantFrom<Query.BucketUnit>("hour", "day", "week", "month", "quarter", "year"),
      fc.constantFrom(...zones),
      calendarOptions,
      fillOption(fc.oneof(relativeFill, dateFill))
    ).map(([field, unit, timeZone, options, fill]) => ({
      _tag: "Bucket" as const,
      field,
      unit,
      timeZone,
      ...options,
      // Hours of a range of dates are many: fill hours only a few around now.
      ...withFill(unit === "hour" && fill !== undefined && typeof fill.from === "string" ? undefined : fill)
    })),
    fc.tuple(
      fc.constantFrom(...dateFields),
      fc.constantFrom<Exclude<Query.BucketUnit, "hour">>("day", "week", "month", "quarter", "year"),
      calendarOptions,
      fillOption(dateFill)
    ).map(([field, unit, options, fill]) => ({ _tag: "Bucket" as const, field, unit, ...options, ...withFill(fill) }))
  )
}

const measure = (collection: string): fc.Arbitrary<Omit<Query.Measure, "as">> => {
  const paths = pathsOf(collection)
  // A double sum depends on the order of its terms once values are far apart (score holds
  // 2^64 and 3e19 besides quarters); stores and the reference add a path's values (one
  // account's score once per deal) in different orders, so paths sum integers only.
  const numeric = paths.filter((f) => f.kind === "integer" || (f.kind === "number" && !acrossReferences(f.path))).map((f) =>
    f.path
  )
  const ordered = paths.filter((f) => ["string", "number", "integer", "timestamp", "date"].includes(f.kind)).map((f) =>
    f.path
  )
  // Percentiles sort, never add: any number or integer field, across references too.
  const ranked = paths.filter((f) => f.kind === "integer" || f.kind === "number").map((f) => f.path)
  const p = fc.constantFrom(0, 0.1, 0.25, 0.5, 0.9, 1, 1 / 3)
  const measured: fc.Arbitrary<Omit<Query.Measure, "as">> = fc.oneof(
    fc.constant({ _tag: "Count" as const }),
    fc.record({ _tag: fc.constantFrom("Sum" as const, "Avg" as const), field: fc.constantFrom(...numeric) }),
    fc.record({ _tag: fc.constantFrom("Min" as const, "Max" as const), field: fc.constantFrom(...ordered) }),
    fc.record({ _tag: fc.constant("CountDistinct" as const), field: fc.constantFrom(...sortable(collection).map((f) => f.path)) }),
    fc.record({ _tag: fc.constant("Percentile" as const), field: fc.constantFrom(...ranked), p }),
    fc.record({ _tag: fc.constantFrom("Sum" as const, "Avg" as const), term: fc.constantFrom(...measureTerms(collection, true)) }),
    fc.record({ _tag: fc.constantFrom("Min" as const, "Max" as const), term: fc.constantFrom(...measureTerms(collection, false)) }),
    fc.record({ _tag: fc.constant("Percentile" as const), term: fc.constantFrom(...measureTerms(collection, false)), p })
  )
  // Some measures count or measure only the rows of their own filter.
  return fc.tuple(measured, fc.option(expr(collection, 1), { nil: undefined, freq: 3 })).map(([m, filter]) =>
    filter === undefined ? m : { ...m, filter }
  )
}

/** Whether a generated measure's value is a number (so `having` compares it with numbers). */
const numericMeasure = (m: Query.Measure): boolean => (m._tag !== "Min" && m._tag !== "Max") || "term" in m

/** A random `having` over the numeric measures' aliases (and null tests on any alias). */
const having = (numeric: ReadonlyArray<string>, all: ReadonlyArray<string>, depth: number): fc.Arbitrary<Query.Having> => {
  const compare = numeric.length === 0 ? [] : [fc.record({
    _tag: fc.constant("Compare" as const),
    alias: fc.constantFrom(...numeric),
    op: compareOp,
    value: fc.constantFrom(-1, 0, 1, 2, 2.5, 3, 100, 2 ** 53)
  })]
  const leaf = fc.oneof(...compare, fc.record({ _tag: fc.constant("IsNull" as const), alias: fc.constantFrom(...all) }))
  if (depth <= 0) return leaf
  const sub = having(numeric, all, depth - 1)
  return fc.oneof(
    { arbitrary: leaf, weight: 3 },
    { arbitrary: fc.record({ _tag: fc.constantFrom("And" as const, "Or" as const), conditions: fc.array(sub, { maxLength: 3 }) }), weight: 1 },
    { arbitrary: fc.record({ _tag: fc.constant("Not" as const), condition: sub }), weight: 1 }
  )
}

/** A random aggregate on either collection. */
export const aggregate: fc.Arbitrary<Query.Aggregate> = fc.constantFrom(ACCOUNT, DEAL).chain((collection) =>
  fc.tuple(
    fc.oneof(
      { arbitrary: fc.constant([]), weight: 1 },
      { arbitrary: fc.array(groupKey(collection), { minLength: 1, maxLength: 2 }), weight: 3 }
    ),
    fc.array(measure(collection), { minLength: 1, maxLength: 3 }),
    fc.option(expr(collection, 2), { nil: undefined }),
    fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined, freq: 3 }),
    fc.constantFrom("group", "eq", "in"),
    currency
  ).chain(([keys, measures, generatedWhere, limit, pin, c]) => {
    // One bucket key at most fills gaps.
    const firstFill = keys.findIndex((k) => k._tag === "Bucket" && "fill" in k)
    const groupBy = keys.map((k, i) => {
      const key = { ...k, as: `g${i}` } as Query.GroupKey
      if (key._tag !== "Bucket" || i === firstFill || key.fill === undefined) return key
      const { fill: _dropped, ...rest } = key
      return rest
    })
    const ms = measures.map((m, i) => ({ ...m, as: `m${i}` }) as Query.Measure)
    let where = generatedWhere
    for (const m of ms) {
      const summed = m._tag === "Sum" || m._tag === "Avg" || m._tag === "Percentile"
      const money = !summed ? undefined : "term" in m ? moneyOfTerm(m.term) : moneyOf(m.field)
      if (money === undefined || groupBy.some((g) => g._tag === "Field" && g.field === `${money}.currency`)) continue
      if (pin === "group") groupBy.push({ _tag: "Field", as: `g${groupBy.length}`, field: `${money}.currency` })
      else where = pinCurrency(where, money, c, pin === "in")
    }
    const aliases = [...groupBy.map((g) => g.as), ...ms.map((m) => m.as)]
    const numeric = ms.filter(numericMeasure).map((m) => m.as)
    return fc.tuple(
      fc.uniqueArray(
        fc.record({ field: fc.constantFrom(...aliases), direction: fc.constantFrom("asc" as const, "desc" as const) }),
        { maxLength: 2, selector: (o) => o.field }
      ),
      fc.option(having(numeric, aliases, 2), { nil: undefined, freq: 2 })
    ).map(([order, condition]): Query.Aggregate => ({
      collection,
      groupBy,
      measures: ms,
      ...(where === undefined ? {} : { where }),
      // Gap filling refuses having (filled buckets would escape it).
      ...(condition === undefined || firstFill >= 0 ? {} : { having: condition }),
      ...(order.length === 0 ? {} : { orderBy: order }),
      ...(limit === undefined ? {} : { limit })
    }))
  })
)

