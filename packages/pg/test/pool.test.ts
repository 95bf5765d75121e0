import { expect, it } from "@effect/vitest"
import { PgHarness } from "@rapport/testkit"
import { Effect } from "effect"
import { inject } from "vitest"
import * as Pool from "../src/internal/pool.js"

// The store's autocommit path prepares statements by name, up to a bound.
const withPool = <A, E>(f: (pool: Pool.Pool) => Effect.Effect<A, E>) =>
  Effect.scoped(Effect.gen(function*() {
    const db = yield* Effect.acquireRelease(
      Effect.promise(() => PgHarness.freshDatabase(inject("rapportPgUrl"), "pool")),
      (db) => Effect.promise(() => db.drop())
    )
    return yield* f(yield* Pool.make({ url: db.url, maxConnections: 3 }))
  }))

it.effect("reusable statements past the bound, and every query, run unnamed with the same answers", () =>
  withPool((pool) =>
    Effect.gen(function*() {
      const direct = Pool.direct(pool, 5)
      // Ten distinct texts, each run from several connections at once.
      const answers = yield* Effect.forEach(
        Array.from({ length: 30 }, (_, i) => i % 10),
        (i) => direct.values(`SELECT $1::int + ${i} AS n`, [100], true),
        { concurrency: 6 }
      )
      expect(answers.map((rows) => rows[0]![0])).toEqual(Array.from({ length: 30 }, (_, i) => 100 + (i % 10)))
      expect(direct.named()).toBe(5)
      const objects = yield* direct.rows(`SELECT $1::text AS s`, ["x"], false)
      expect(objects).toEqual([{ s: "x" }])
      expect(direct.named()).toBe(5)
    })
  ), 60_000)

it.effect("a failing statement is a SqlError carrying the server's code", () =>
  withPool((pool) =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Pool.direct(pool).values(`SELECT 1 / $1::int`, [0], true))
      expect(error._tag).toBe("SqlError")
      expect((error.cause as { code?: string }).code).toBe("22012")
    })
  ), 60_000)
