/**
 * "Nothing was written", checked the same way in every pipelines service test: the
 * Crm harness's snapshot (every row of every collection with all its fields, and every
 * event of the current workspace) is equal before and after a refused command.
 *
 * Usage:
 *   const error = yield* failsWritingNothing(deals.changeAmount(deal, { amountMinor: 1.5, currency: "EUR" }))
 *   expect(issuePaths(error)).toEqual(["amount.amountMinor"])
 */
import { expect } from "@effect/vitest"
import type { Errors } from "@rapport/core"
import { Effect } from "effect"
import { snapshot } from "../crm/harness.js"

export { snapshot }

/** Runs a command that must fail, checks that it wrote nothing, and returns its error. */
export const failsWritingNothing = <A, E, R>(command: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const before = yield* snapshot
    const error = yield* Effect.flip(command)
    expect(yield* snapshot).toEqual(before)
    return error
  })

/** The fields a `ValidationError` names, sorted; any other error gives its tag, so a test shows what came instead. */
export const issuePaths = (error: { readonly _tag: string }): ReadonlyArray<string> | string =>
  error._tag === "ValidationError"
    ? (error as Errors.ValidationError).issues.map((i) => i.path).sort()
    : error._tag
