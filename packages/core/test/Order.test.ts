import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck as fc, Schema } from "effect"
import { Order } from "../src/index.js"

const MAX = Number.MAX_SAFE_INTEGER
const lines = Schema.decodeUnknownSync(Schema.Array(Order.LineItem))
const line = (quantity: number, amountMinor: number, discount?: number, currency = "EUR") => ({
  sku: "SKU-1",
  name: "Item",
  quantity,
  unitPrice: { amountMinor, currency },
  ...(discount === undefined ? {} : { discount: { amountMinor: discount, currency } })
})
const issues = (result: Either.Either<number, ReadonlyArray<{ readonly path: string; readonly message: string }>>) =>
  Either.isLeft(result) ? result.left.map((i) => i.path) : result.right

describe("Order.totalOf: exact order totals", () => {
  it("adds quantity × unit price less each line's discount", () => {
    expect(Order.totalOf(lines([line(3, 450), line(1, 1299)]))).toEqual(Either.right(2649))
    expect(Order.totalOf(lines([line(3, 500, 200)]))).toEqual(Either.right(1300))
    expect(Order.totalOf(lines([line(2, 500, 1000)]))).toEqual(Either.right(0))
    expect(Order.totalOf(lines([line(1, MAX)]))).toEqual(Either.right(MAX))
    expect(Order.totalOf(lines([line(1, MAX - 1), line(1, 1)]))).toEqual(Either.right(MAX))
  })

  it("refuses a line whose quantity × unit price leaves the safe range, naming both operands (float arithmetic stored 1048576)", () => {
    // Before: 1e6 × 9007199254740991 rounded, and a negative line brought the double back into range.
    const result = Order.totalOf(lines([line(1_000_000, MAX), line(1, 1)]))
    expect(issues(result)).toEqual(["lineItems.0.quantity", "lineItems.0.unitPrice.amountMinor"])
    expect(Either.isLeft(result) && result.left[0]!.message).toBe(
      "1000000 × 9007199254740991 = 9007199254740991000000 minor units, past the largest exact amount (9007199254740991)"
    )
    // 3 × 3002399751580331 = 9007199254740993, one past the limit (the double reads 9007199254740992).
    expect(issues(Order.totalOf(lines([line(3, 3002399751580331)])))).toEqual([
      "lineItems.0.quantity",
      "lineItems.0.unitPrice.amountMinor"
    ])
  })

  it("refuses lines that add up past the safe range, and a discount larger than its line", () => {
    const sum = Order.totalOf(lines([line(1, MAX), line(1, 1)]))
    expect(issues(sum)).toEqual(["lineItems"])
    expect(Either.isLeft(sum) && sum.left[0]!.message).toContain("9007199254740992 minor units")
    expect(issues(Order.totalOf(lines([line(2, 500, 1001)])))).toEqual(["lineItems.0.discount.amountMinor"])
    expect(issues(Order.totalOf(lines([line(1, 500), line(1, 500, 1, "USD")])))).toEqual([
      "lineItems.1.unitPrice.currency",
      "lineItems.1.discount.currency"
    ])
  })

  it("the line schema refuses a negative price or discount and a quantity that is not a positive whole number", () => {
    const decode = Schema.decodeUnknownEither(Order.LineItem, { errors: "all" })
    for (const bad of [line(3, -500), line(1, 500, -1), line(0, 500), line(-1, 500), line(1.5, 500), line(1_000_001, 1)]) {
      expect(Either.isLeft(decode(bad)), JSON.stringify(bad)).toBe(true)
    }
    expect(Either.isRight(decode(line(1, 0)))).toBe(true)
  })

  it.prop(
    "equals the exact bigint total whenever every line and the total are safe, and refuses otherwise",
    {
      items: fc.array(
        fc.record({
          quantity: fc.oneof(fc.constant(1), fc.constant(1_000_000), fc.integer({ min: 1, max: 1_000_000 })),
          price: fc.oneof(
            fc.integer({ min: MAX - 3, max: MAX }),
            fc.integer({ min: 0, max: 10_000 }),
            fc.integer({ min: 0, max: MAX }),
            fc.integer({ min: 0, max: Math.floor(MAX / 1_000_000) + 2 })
          ),
          discountShare: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined })
        }),
        { minLength: 1, maxLength: 6 }
      )
    },
    ({ items }) => {
      const input = items.map(({ discountShare, price, quantity }) => {
        const gross = BigInt(quantity) * BigInt(price)
        // A discount within the line (and a safe integer).
        const discount = discountShare === undefined || gross > BigInt(MAX) ? undefined : Math.floor(Number(gross) * discountShare)
        return line(quantity, price, discount)
      })
      const grosses = items.map(({ price, quantity }) => BigInt(quantity) * BigInt(price))
      const exact = grosses.reduce((s, g, i) => s + g - BigInt(input[i]!.discount?.amountMinor ?? 0), 0n)
      const result = Order.totalOf(lines(input))
      if (grosses.every((g) => g <= BigInt(MAX)) && exact <= BigInt(MAX)) {
        expect(result).toEqual(Either.right(Number(exact)))
      } else {
        expect(Either.isLeft(result)).toBe(true)
      }
    },
    { fastCheck: { numRuns: 500 } }
  )
})
