/**
 * Money as integer minor units plus an ISO 4217 currency code: never a float, so
 * totals are exact in every engine.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * A three-letter ISO 4217 code in upper case (`EUR`, `USD`, `JPY`).
 *
 * @since 0.1.0
 * @category models
 */
export const CurrencyCode = Schema.String.pipe(
  Schema.pattern(/^[A-Z]{3}$/, { message: () => "a three-letter ISO 4217 currency code such as EUR" }),
  Schema.brand("@rapport/core/CurrencyCode")
)

/**
 * @since 0.1.0
 * @category models
 */
export type CurrencyCode = typeof CurrencyCode.Type

/**
 * An amount of money: `amountMinor` counts the smallest unit (cents for EUR, yen for JPY),
 * a safe integer of either sign. Most amounts cannot be negative (a price, a total, a
 * deal's value): fields hold those as `NonNegative` (`Field.money()`); a balance or an
 * adjustment that may go below zero is `Field.signedMoney()`.
 *
 * @example
 * ```ts
 * import { Money } from "@rapport/core"
 * const price = Money.make(1999, "EUR") // 19.99 EUR
 * console.log(Money.format(price)) // "19.99 EUR"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export class Money extends Schema.Class<Money>("@rapport/core/Money")({
  amountMinor: Schema.Int.annotations({ message: () => "an integer number of minor units (cents)" }),
  currency: CurrencyCode
}) {}

/**
 * Money whose amount cannot be negative (prices, totals, deal values, refunds): a
 * negative `amountMinor` is refused with the issue on `amountMinor`. Zero is allowed
 * (a free item). Discounts and refunds are their own positive amounts that a command
 * subtracts (`LineItem.discount`, `Orders.refund`), never a negative price.
 *
 * @example
 * ```ts
 * import { Money } from "@rapport/core"
 * import { Schema } from "effect"
 * const decode = Schema.decodeUnknownEither(Money.NonNegative)
 * console.log(decode({ amountMinor: 450, currency: "EUR" })._tag) // "Right"
 * console.log(decode({ amountMinor: -450, currency: "EUR" })._tag) // "Left"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export const NonNegative = Money.pipe(
  Schema.filter((m) => m.amountMinor >= 0 || { path: ["amountMinor"], message: "cannot be negative" })
)

/**
 * The largest amount of minor units a `Money` holds exactly (`Number.MAX_SAFE_INTEGER`,
 * 9007199254740991). Sums past it come back from the stores as a `bigint`.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxAmountMinor: number = Number.MAX_SAFE_INTEGER

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (amountMinor: number, currency: string): Money =>
  new Money({ amountMinor, currency: CurrencyCode.make(currency) })

/**
 * Digits after the decimal point per currency; the platform's `Intl` knows them.
 *
 * @since 0.1.0
 * @category combinators
 */
export const minorDigits = (currency: string): number =>
  new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2

/**
 * `1999 EUR` → `"19.99 EUR"`, exact (no float arithmetic on the amount). Takes a
 * `bigint` amount too: an aggregate sum past `maxAmountMinor` is one.
 *
 * @example
 * ```ts
 * import { Money } from "@rapport/core"
 * console.log(Money.format({ amountMinor: 9007199254740993n, currency: "EUR" })) // "90071992547409.93 EUR"
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const format = (money: { readonly amountMinor: number | bigint; readonly currency: string }): string => {
  const digits = minorDigits(money.currency)
  const amount = typeof money.amountMinor === "bigint" ? money.amountMinor : BigInt(Math.trunc(money.amountMinor))
  const negative = amount < 0n
  // BigInt prints every integer in full; Number#toString switches to exponents at 1e21.
  const text = (negative ? -amount : amount).toString().padStart(digits + 1, "0")
  const whole = digits === 0 ? text : text.slice(0, text.length - digits)
  const fraction = digits === 0 ? "" : `.${text.slice(text.length - digits)}`
  return `${negative ? "-" : ""}${whole}${fraction} ${money.currency}`
}
