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
 * An amount of money: `amountMinor` counts the smallest unit (cents for EUR, yen for JPY).
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
 * `1999 EUR` → `"19.99 EUR"`, exact (no float arithmetic on the amount).
 *
 * @since 0.1.0
 * @category combinators
 */
export const format = (money: { readonly amountMinor: number; readonly currency: string }): string => {
  const digits = minorDigits(money.currency)
  const negative = money.amountMinor < 0
  // BigInt prints every integer in full; Number#toString switches to exponents at 1e21.
  const text = BigInt(Math.trunc(Math.abs(money.amountMinor))).toString().padStart(digits + 1, "0")
  const whole = digits === 0 ? text : text.slice(0, text.length - digits)
  const fraction = digits === 0 ? "" : `.${text.slice(text.length - digits)}`
  return `${negative ? "-" : ""}${whole}${fraction} ${money.currency}`
}
