/**
 * Type-level view of a service whose records carry `custom` values: the same service
 * object, with `custom` typed by a custom-field declaration in its inputs and results.
 * Values are validated at runtime either way; only the types narrow.
 */
import type { Effect } from "effect"
import type * as CustomField from "../CustomField.js"
import type { Page } from "../Records.js"

export type WithCustom<M, F extends CustomField.Fields> = Omit<M, "custom"> & { readonly custom: CustomField.Values<F> }

type RetypeArgs<Args extends ReadonlyArray<unknown>, F extends CustomField.Fields> = {
  [K in keyof Args]: Args[K] extends { readonly custom?: unknown }
    ? Omit<Args[K], "custom"> & { readonly custom?: CustomField.Input<F> }
    : Args[K]
}

type RetypeResult<A, M, F extends CustomField.Fields> = A extends M ? WithCustom<M, F>
  : A extends ReadonlyArray<M> ? ReadonlyArray<WithCustom<M, F>>
  : A extends Page<M> ? Page<WithCustom<M, F>>
  : A extends { readonly conversation: M } ? Omit<A, "conversation"> & { readonly conversation: WithCustom<M, F> }
  : A

type Retype<T, M, F extends CustomField.Fields> = T extends (...args: infer Args) => Effect.Effect<infer A, infer E, infer R>
  ? (...args: RetypeArgs<Args, F>) => Effect.Effect<RetypeResult<A, M, F>, E, R>
  : T

/** `Service` with the custom values of model `M` typed by `F`. */
export type Typed<Service, M, F extends CustomField.Fields> = { readonly [K in keyof Service]: Retype<Service[K], M, F> }
