/**
 * Record ids come from a service, so tests get predictable ids and production gets
 * time-ordered, collision-resistant ones.
 *
 * @since 0.1.0
 */
import { Clock, Context, Effect, Layer } from "effect"

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** A new id with the given prefix (`con`, `ord`, ...). */
  readonly next: (prefix: string) => Effect.Effect<string>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class IdGenerator extends Context.Tag("@rapport/core/IdGenerator")<IdGenerator, Service>() {}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

/**
 * A ULID (48-bit time + 80 random bits, Crockford base32) after the prefix:
 * `con_01JD3ZQ5T4W8M0Y5Q2H7R9K3VB`. Ids sort by creation time; within one
 * millisecond a per-process counter keeps them increasing.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeUlid = (): Service => {
  let lastTime = -1
  const lastRandom = new Uint8Array(10)
  return {
    next: (prefix) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        const time = Math.max(now, lastTime)
        if (time === lastTime) {
          // Monotonic within a millisecond: increment the random part.
          for (let i = 9; i >= 0; i--) {
            lastRandom[i] = (lastRandom[i]! + 1) & 0xff
            if (lastRandom[i] !== 0) break
          }
        } else {
          crypto.getRandomValues(lastRandom)
          lastRandom[0] = lastRandom[0]! & 0x7f // room to increment without overflow
          lastTime = time
        }
        let out = ""
        let t = time
        const chars: Array<string> = []
        for (let i = 0; i < 10; i++) {
          chars.push(CROCKFORD[t % 32]!)
          t = Math.floor(t / 32)
        }
        out = chars.reverse().join("")
        let bits = 0
        let value = 0
        for (const byte of lastRandom) {
          value = (value << 8) | byte
          bits += 8
          while (bits >= 5) {
            out += CROCKFORD[(value >>> (bits - 5)) & 31]
            bits -= 5
          }
          value &= (1 << bits) - 1
        }
        return `${prefix}_${out}`
      })
  }
}

/**
 * Deterministic ids for tests: `con_000001`, `con_000002`, ... (one counter for all
 * prefixes, so ids still sort in creation order).
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeSequential = (): Service => {
  let n = 0
  return { next: (prefix) => Effect.sync(() => `${prefix}_${(++n).toString().padStart(6, "0")}`) }
}

/**
 * @since 0.1.0
 * @category layers
 */
export const layerUlid: Layer.Layer<IdGenerator> = Layer.sync(IdGenerator, makeUlid)

/**
 * @since 0.1.0
 * @category layers
 */
export const layerSequential: Layer.Layer<IdGenerator> = Layer.sync(IdGenerator, makeSequential)
