// Custom values are typed by the declaration: the services' `typed` views.
import { describe, expectTypeOf, it } from "@effect/vitest"
import type { Effect } from "effect"
import { Contacts, CustomField, Orders } from "../src/index.js"

const fields = CustomField.declare({
  contact: { plan: CustomField.select(["free", "pro"]), seats: CustomField.number() },
  order: { giftWrap: CustomField.boolean() }
})

type Success<T> = T extends Effect.Effect<infer A, any, any> ? A : never

describe("typed custom fields", () => {
  it("narrow inputs and results of the contacts service", () => {
    type Service = Success<ReturnType<typeof Contacts.typed<typeof fields.contact>>>
    type Created = Success<ReturnType<Service["create"]>>
    expectTypeOf<Created["custom"]>().toEqualTypeOf<{ readonly plan?: "free" | "pro"; readonly seats?: number }>()
    type Input = Parameters<Service["create"]>[0]
    expectTypeOf<{ firstName: "A"; custom: { plan: "pro" } }>().toMatchTypeOf<Input>()
    expectTypeOf<{ firstName: "A"; custom: { plan: "gold" } }>().not.toMatchTypeOf<Input>()
    type Found = Success<ReturnType<Service["find"]>>
    expectTypeOf<Found["items"][number]["custom"]["seats"]>().toEqualTypeOf<number | undefined>()
  })

  it("narrow orders the same way", () => {
    type Service = Success<ReturnType<typeof Orders.typed<typeof fields.order>>>
    type Paid = Success<ReturnType<Service["pay"]>>
    expectTypeOf<Paid["custom"]["giftWrap"]>().toEqualTypeOf<boolean | undefined>()
  })
})
