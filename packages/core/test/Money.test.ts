import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck as fc, ParseResult, Schema } from "effect"
import { Money } from "../src/index.js"

describe("Money.format", () => {
  it("formats EUR with two digits", () => {
    expect(Money.format(Money.make(1999, "EUR"))).toBe("19.99 EUR")
    expect(Money.format(Money.make(5, "EUR"))).toBe("0.05 EUR")
    expect(Money.format(Money.make(50, "EUR"))).toBe("0.50 EUR")
    expect(Money.format(Money.make(100, "EUR"))).toBe("1.00 EUR")
    expect(Money.format(Money.make(0, "EUR"))).toBe("0.00 EUR")
  })

  it("formats JPY with no fraction", () => {
    expect(Money.minorDigits("JPY")).toBe(0)
    expect(Money.format(Money.make(1999, "JPY"))).toBe("1999 JPY")
    expect(Money.format(Money.make(0, "JPY"))).toBe("0 JPY")
    expect(Money.format(Money.make(-7, "JPY"))).toBe("-7 JPY")
  })

  it("formats KWD and BHD with three digits", () => {
    expect(Money.minorDigits("KWD")).toBe(3)
    expect(Money.minorDigits("BHD")).toBe(3)
    expect(Money.format(Money.make(1234567, "KWD"))).toBe("1234.567 KWD")
    expect(Money.format(Money.make(5, "BHD"))).toBe("0.005 BHD")
    expect(Money.format(Money.make(1000, "BHD"))).toBe("1.000 BHD")
    expect(Money.format(Money.make(-1, "KWD"))).toBe("-0.001 KWD")
  })

  it("formats negatives with a leading minus", () => {
    expect(Money.format(Money.make(-1999, "EUR"))).toBe("-19.99 EUR")
    expect(Money.format(Money.make(-5, "EUR"))).toBe("-0.05 EUR")
    expect(Money.format({ amountMinor: -0, currency: "EUR" })).toBe("0.00 EUR")
  })

  it("is exact for the largest safe amounts", () => {
    expect(Money.format(Money.make(Number.MAX_SAFE_INTEGER, "EUR"))).toBe("90071992547409.91 EUR")
    expect(Money.format(Money.make(-Number.MAX_SAFE_INTEGER, "EUR"))).toBe("-90071992547409.91 EUR")
    expect(Money.format(Money.make(Number.MAX_SAFE_INTEGER, "JPY"))).toBe("9007199254740991 JPY")
    expect(Money.format(Money.make(Number.MAX_SAFE_INTEGER, "KWD"))).toBe("9007199254740.991 KWD")
    // 0.1 + 0.2 style float errors would show here.
    expect(Money.format(Money.make(30, "EUR"))).toBe("0.30 EUR")
    expect(Money.format(Money.make(123456789012345, "USD"))).toBe("1234567890123.45 USD")
  })

  it.prop(
    "the formatted text reads back as exactly the amount",
    {
      amount: fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
      currency: fc.constantFrom("EUR", "USD", "JPY", "KWD", "BHD", "CLP", "TND")
    },
    ({ amount, currency }) => {
      const text = Money.format(Money.make(amount, currency))
      const digits = Money.minorDigits(currency)
      const match = /^(-?)(\d+)(?:\.(\d+))? ([A-Z]{3})$/.exec(text)
      expect(match).not.toBeNull()
      const [, minus, whole, fraction, code] = match!
      expect(code).toBe(currency)
      expect((fraction ?? "").length).toBe(digits)
      expect(whole!.length === 1 || !whole!.startsWith("0")).toBe(true)
      const read = BigInt(`${whole}${fraction ?? ""}`) * (minus === "-" ? -1n : 1n)
      expect(read).toBe(BigInt(amount))
    },
    { fastCheck: { numRuns: 500 } }
  )
})

describe("CurrencyCode and Money schema", () => {
  it("refuses codes that are not three upper-case letters", () => {
    for (const bad of ["eur", "Eur", "EU", "EURO", "E1R", " EUR", "EUR ", "", "€€€"]) {
      const result = Schema.decodeUnknownEither(Money.CurrencyCode)(bad)
      expect(Either.isLeft(result)).toBe(true)
      if (Either.isLeft(result)) {
        expect(ParseResult.TreeFormatter.formatErrorSync(result.left)).toContain(
          "a three-letter ISO 4217 currency code such as EUR"
        )
      }
    }
    expect(Either.isLeft(Schema.decodeUnknownEither(Money.CurrencyCode)(978))).toBe(true)
    expect(Schema.decodeUnknownSync(Money.CurrencyCode)("EUR")).toBe("EUR")
  })

  it("make refuses a bad currency", () => {
    expect(() => Money.make(100, "eur")).toThrow()
    expect(() => Money.make(1.5, "EUR")).toThrow()
  })

  it("the Money schema refuses fractional or unsafe minor units", () => {
    const decode = Schema.decodeUnknownEither(Money.Money)
    expect(Either.isRight(decode({ amountMinor: 1999, currency: "EUR" }))).toBe(true)
    for (const amountMinor of [19.99, Number.NaN, Infinity, 2 ** 53, "1999"]) {
      expect(Either.isLeft(decode({ amountMinor, currency: "EUR" }))).toBe(true)
    }
    expect(Either.isLeft(decode({ amountMinor: 1, currency: "eur" }))).toBe(true)
    expect(Either.isLeft(decode({ amountMinor: 1 }))).toBe(true)
  })
})

describe("Money.NonNegative and bigint amounts", () => {
  it("refuses a negative amount on amountMinor, accepts zero", () => {
    const decode = Schema.decodeUnknownEither(Money.NonNegative, { errors: "all" })
    expect(Either.isRight(decode({ amountMinor: 0, currency: "EUR" }))).toBe(true)
    expect(Either.isRight(decode({ amountMinor: Number.MAX_SAFE_INTEGER, currency: "EUR" }))).toBe(true)
    const negative = decode({ amountMinor: -5, currency: "EUR" })
    expect(Either.isLeft(negative)).toBe(true)
    if (Either.isLeft(negative)) {
      expect(ParseResult.ArrayFormatter.formatErrorSync(negative.left)).toEqual([
        { _tag: "Type", path: ["amountMinor"], message: "cannot be negative" }
      ])
    }
    // A signed Money still holds a negative amount (a balance).
    expect(Either.isRight(Schema.decodeUnknownEither(Money.Money)({ amountMinor: -5, currency: "EUR" }))).toBe(true)
  })

  it("formats a bigint amount (an aggregate sum past the safe range) exactly", () => {
    expect(Money.format({ amountMinor: 2n * BigInt(Number.MAX_SAFE_INTEGER) + 1n, currency: "EUR" })).toBe("180143985094819.83 EUR")
    expect(Money.format({ amountMinor: -(2n ** 70n), currency: "JPY" })).toBe("-1180591620717411303424 JPY")
    expect(Money.format({ amountMinor: 5n, currency: "KWD" })).toBe("0.005 KWD")
  })
})
