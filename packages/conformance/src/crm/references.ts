/**
 * References under concurrency, end to end: `Orders.place` for a contact (and
 * `Contacts.create` naming it in a custom reference field) run at the same time as
 * `Contacts.remove` of that contact. Whatever the interleaving, no order or contact is
 * left pointing at a contact that is gone; each loser fails with `Conflict` (the race
 * was lost; a retry gets the answer a serial run gives) or with the `ValidationError` a
 * serial run gives.
 */
import type { Vitest } from "@effect/vitest"
import { expect } from "@effect/vitest"
import { Contacts, Orders, Store, Workspace } from "@rapport/core"
import { Effect, Either, FastCheck as fc } from "effect"
import { deadline } from "../internal/harness.js"
import * as Harness from "./harness.js"

type It = Vitest.MethodsNonLive<Harness.Services>

/** Every order or contact of the current workspace that points at a contact that is gone. */
export const dangling = Effect.gen(function*() {
  const store = yield* Store.Store
  const ws = yield* Workspace.CurrentWorkspace
  const all = (collection: string) =>
    Effect.gen(function*() {
      const rows: Array<Store.Page["rows"][number]> = []
      let cursor: string | null = null
      do {
        const page: Store.Page = yield* store.find(ws, { collection, limit: 500, ...(cursor === null ? {} : { cursor }) })
        rows.push(...page.rows)
        cursor = page.nextCursor
      } while (cursor !== null)
      return rows
    })
  const contacts = yield* all("contact")
  const ids = new Set(contacts.map((c) => c.id))
  const out: Array<string> = []
  for (const order of yield* all("order")) {
    if (typeof order.contactId === "string" && !ids.has(order.contactId)) out.push(`order ${order.id} → ${order.contactId}`)
  }
  for (const contact of contacts) {
    const referrer = (contact.custom as Record<string, unknown> | null)?.referrer
    if (typeof referrer === "string" && !ids.has(referrer)) out.push(`contact ${contact.id} (custom.referrer) → ${referrer}`)
  }
  return out
})

const tea = [{ sku: "TEA-1", name: "Green tea", quantity: 1, unitPrice: { amountMinor: 450, currency: "EUR" } }] as const

/** One pair: the command referring to the contact, and after how many yields each side starts. */
const pair = fc.record({
  kind: fc.constantFrom("place" as const, "refer" as const),
  referDelay: fc.nat(3),
  removeDelay: fc.nat(3)
})

const outcomeTag = (e: Either.Either<unknown, unknown>) =>
  Either.isRight(e) ? "ok" : (e.left as { readonly _tag?: string })._tag ?? "?"

const issuesOf = (error: unknown) =>
  (error as { readonly issues: ReadonlyArray<{ readonly path: string; readonly message: string }> }).issues

export const referencesSuite = (it: It) => {
  it.effect("a custom reference to a missing contact is refused naming custom.referrer, on create and update; nothing is written", () =>
    Harness.inFreshWorkspace(Effect.gen(function*() {
      const contacts = yield* Contacts.Contacts
      const ada = yield* contacts.create({ firstName: "Ada" })
      const before = yield* Harness.snapshot
      const created = yield* Effect.flip(contacts.create({ firstName: "Bob", custom: { referrer: "con_missing" } }))
      expect(created._tag).toBe("ValidationError")
      expect(issuesOf(created)).toEqual([{ path: "custom.referrer", message: "no contact con_missing in this workspace" }])
      const updated = yield* Effect.flip(contacts.update(ada, { custom: { referrer: "con_missing" } }))
      expect(updated._tag).toBe("ValidationError")
      expect(issuesOf(updated).map((i) => i.path)).toEqual(["custom.referrer"])
      expect(yield* Harness.snapshot).toEqual(before)
      // A contact may name itself.
      const self = yield* contacts.update(ada, { custom: { referrer: ada.id } })
      expect(self.custom).toEqual({ referrer: ada.id })
      yield* contacts.remove(self)
    })))

  it.effect("a contact named in another's custom reference is not removed: the refusal names the referrer", () =>
    Harness.inFreshWorkspace(Effect.gen(function*() {
      const contacts = yield* Contacts.Contacts
      const ada = yield* contacts.create({ firstName: "Ada" })
      const bob = yield* contacts.create({ firstName: "Bob", custom: { referrer: ada.id } })
      const before = yield* Harness.snapshot
      const refused = yield* Effect.flip(contacts.remove(ada))
      expect(refused._tag).toBe("ValidationError")
      expect(issuesOf(refused)[0]!.path).toBe("id")
      expect(issuesOf(refused)[0]!.message).toContain(bob.id)
      expect(issuesOf(refused)[0]!.message).toContain("custom.referrer")
      expect(yield* Harness.snapshot).toEqual(before)
      // Once Bob no longer names her, Ada can go.
      yield* contacts.update(bob, { custom: { referrer: null } })
      yield* contacts.remove(ada)
      expect(yield* dangling).toEqual([])
    })))

  it.effect.prop(
    "Orders.place (or a custom reference) and Contacts.remove of the contact, concurrently: never a dangling reference",
    {
      pairs: fc.array(pair, { minLength: 1, maxLength: 6 }),
      // How often fibers yield to each other (small values interleave the two commands finely; below
      // about 10 Effect 3 spins in its own yield).
      opsBeforeYield: fc.integer({ min: 24, max: 200 })
    },
    ({ opsBeforeYield, pairs }) =>
      Harness.inFreshWorkspace(Effect.gen(function*() {
        const contacts = yield* Contacts.Contacts
        const orders = yield* Orders.Orders
        const targets = yield* Effect.forEach(pairs, (_, i) => contacts.create({ firstName: `Target ${i}` }))
        const yields = (n: number) => Effect.forEach(Array.from({ length: n }), () => Effect.yieldNow(), { discard: true })
        const outcomes = yield* Effect.forEach(pairs, (p, i) => {
          const target = targets[i]!
          const refer: Effect.Effect<unknown, unknown, Workspace.CurrentWorkspace> = p.kind === "place"
            ? orders.place({ contactId: target.id, lineItems: tea })
            : contacts.create({ firstName: `Referred by ${i}`, custom: { referrer: target.id } })
          return Effect.all([
            Effect.either(Effect.zipRight(yields(p.referDelay), refer)),
            Effect.either(Effect.zipRight(yields(p.removeDelay), contacts.remove(target)))
          ], { concurrency: "unbounded" })
        }, { concurrency: "unbounded" }).pipe(
          Effect.withMaxOpsBeforeYield(opsBeforeYield),
          // On the live clock: a SQLite writer waiting for the lock backs off with sleeps.
          deadline(60, "concurrent place and remove commands")
        )

        expect(yield* dangling).toEqual([])
        for (const [i, [referred, removed]] of outcomes.entries()) {
          const seen = `pair ${i} (${pairs[i]!.kind}): refer ${outcomeTag(referred)}, remove ${outcomeTag(removed)}`
          expect(Either.isRight(referred) && Either.isRight(removed), `${seen}: both cannot commit`).toBe(false)
          for (const [outcome, other] of [[referred, removed], [removed, referred]] as const) {
            if (Either.isRight(outcome)) continue
            const tag = outcomeTag(outcome)
            expect(["Conflict", "ValidationError"], seen).toContain(tag)
            // A ValidationError is what a serial run gives, so the other command must have come first.
            if (tag === "ValidationError") expect(Either.isRight(other), `${seen}: a ValidationError without its cause`).toBe(true)
          }
        }
        expect(outcomes.some(([a, b]) => Either.isRight(a) || Either.isRight(b)), "some command commits").toBe(true)
      })),
    { timeout: 180_000, fastCheck: { numRuns: 15 } }
  )
}
