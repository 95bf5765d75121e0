import { describe, expect, it } from "@effect/vitest"
import { Effect, TestClock } from "effect"
import { IdGenerator } from "../src/index.js"

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/

const decodeTime = (ulid: string) => [...ulid.slice(0, 10)].reduce((t, c) => t * 32 + CROCKFORD.indexOf(c), 0)

const expectStrictlyIncreasing = (ids: ReadonlyArray<string>) => {
  for (let i = 1; i < ids.length; i++) {
    if (!(ids[i - 1]! < ids[i]!)) throw new Error(`ids not increasing at ${i}: ${ids[i - 1]} then ${ids[i]}`)
  }
}

const T0 = Date.UTC(2026, 4, 1, 12)

describe("IdGenerator.makeUlid", () => {
  it.effect("keeps the prefix and 26 Crockford characters whose time part is the clock", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const gen = IdGenerator.makeUlid()
      for (const prefix of ["con", "ord", "x"]) {
        const id = yield* gen.next(prefix)
        expect(id.startsWith(`${prefix}_`)).toBe(true)
        const ulid = id.slice(prefix.length + 1)
        expect(ulid).toHaveLength(26)
        expect(ulid).toMatch(ULID)
        expect(decodeTime(ulid)).toBe(T0)
      }
    }))

  it.effect("is strictly increasing within one millisecond", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const gen = IdGenerator.makeUlid()
      const ids = yield* Effect.forEach(Array.from({ length: 2000 }), () => gen.next("con"))
      expectStrictlyIncreasing(ids.map((id) => id.slice(4)))
      expect(new Set(ids).size).toBe(ids.length)
      expect(ids.every((id) => decodeTime(id.slice(4)) === T0)).toBe(true)
    }))

  it.effect("is strictly increasing across time, also when the clock steps back", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const gen = IdGenerator.makeUlid()
      const ids: Array<string> = []
      for (const step of [0, 1, 0, 0, 1000, 1, 86_400_000, 0, 1]) {
        yield* TestClock.adjust(step)
        ids.push(yield* gen.next("ord"))
        ids.push(yield* gen.next("ord"))
      }
      expectStrictlyIncreasing(ids)
      const last = T0 + 1 + 1000 + 1 + 86_400_000 + 1
      expect(decodeTime(ids.at(-1)!.slice(4))).toBe(last)
      // A clock that moves backwards does not make ids go backwards.
      yield* TestClock.setTime(T0)
      const after = yield* gen.next("ord")
      expect(after > ids.at(-1)!).toBe(true)
      expect(decodeTime(after.slice(4))).toBe(last)
    }))

  it.effect("keeps increasing when the prefix changes between ids", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const gen = IdGenerator.makeUlid()
      const ids: Array<string> = []
      for (let i = 0; i < 50; i++) ids.push((yield* gen.next(i % 2 === 0 ? "con" : "ord")).slice(4))
      expectStrictlyIncreasing(ids)
    }))

  it.effect("two generators do not collide in the same millisecond", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const a = IdGenerator.makeUlid()
      const b = IdGenerator.makeUlid()
      const ids = new Set<string>()
      for (let i = 0; i < 100; i++) {
        ids.add(yield* a.next("con"))
        ids.add(yield* b.next("con"))
      }
      expect(ids.size).toBe(200)
    }))

  it.effect("layerUlid provides the service", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const ids = yield* IdGenerator.IdGenerator
      const x = yield* ids.next("tsk")
      const y = yield* ids.next("tsk")
      expect(x).toMatch(/^tsk_[0-9A-HJKMNP-TV-Z]{26}$/)
      expect(x < y).toBe(true)
    }).pipe(Effect.provide(IdGenerator.layerUlid)))
})

describe("IdGenerator.makeSequential", () => {
  it.effect("counts once across prefixes, zero-padded to six digits", () =>
    Effect.gen(function*() {
      const gen = IdGenerator.makeSequential()
      expect(yield* gen.next("con")).toBe("con_000001")
      expect(yield* gen.next("ord")).toBe("ord_000002")
      expect(yield* gen.next("con")).toBe("con_000003")
      const fresh = IdGenerator.makeSequential()
      expect(yield* fresh.next("con")).toBe("con_000001")
    }))

  it.effect("is lazy: the counter moves when the effect runs, not when it is built", () =>
    Effect.gen(function*() {
      const gen = IdGenerator.makeSequential()
      const next = gen.next("con")
      expect(yield* next).toBe("con_000001")
      expect(yield* next).toBe("con_000002")
    }))

  it.effect("layerSequential provides a fresh counter", () =>
    Effect.gen(function*() {
      const ids = yield* IdGenerator.IdGenerator
      expect(yield* ids.next("usr")).toBe("usr_000001")
      expect(yield* ids.next("usr")).toBe("usr_000002")
    }).pipe(Effect.provide(IdGenerator.layerSequential)))
})
