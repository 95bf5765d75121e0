import { expect, layer } from "@effect/vitest"
import { TestCatalog } from "@rapport/conformance"
import { Store } from "@rapport/core"
import { PgHarness } from "@rapport/testkit"
import { Effect, Layer, Option } from "effect"
import pg from "pg"
import { inject } from "vitest"
import { PgStore } from "../src/index.js"

const account = (id: string) => ({
  id, version: 1, createdAt: 1, updatedAt: 1, handle: id, name: id, nickname: null, score: null, seats: 0, active: null,
  lastSeenAt: null, since: null, revenue: null, tags: [], profile: null, custom: {}
})

let url = ""
const StoreLive = Layer.unwrapScoped(Effect.gen(function*() {
  const db = yield* Effect.acquireRelease(
    Effect.promise(() => PgHarness.freshDatabase(inject("rapportPgUrl"), "commit")),
    (db) => Effect.promise(() => db.drop())
  )
  url = db.url
  return PgStore.layer({ url: db.url })
}))

layer(Layer.provideMerge(StoreLive, TestCatalog.layer), { timeout: "60 seconds" })("PostgreSQL commit failures", (it) => {
  it.effect("a COMMIT that fails (a deferred constraint) is a StoreError and writes nothing", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const client = new pg.Client({ connectionString: url })
      yield* Effect.promise(() => client.connect())
      yield* Effect.promise(() =>
        client.query(`
          CREATE FUNCTION refuse_doomed() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN IF NEW.name = 'doomed' THEN RAISE EXCEPTION 'refused at commit'; END IF; RETURN NEW; END $$;
          CREATE CONSTRAINT TRIGGER refuse_doomed AFTER INSERT ON account DEFERRABLE INITIALLY DEFERRED
            FOR EACH ROW EXECUTE FUNCTION refuse_doomed();`)
      )
      yield* Effect.promise(() => client.end())
      const ws = `c_${Math.random().toString(36).slice(2)}`
      const error = yield* Effect.flip(store.transaction(store.insert(ws, TestCatalog.ACCOUNT, account("doomed"))))
      expect(error._tag).toBe("StoreError")
      expect(Option.isNone(yield* store.get(ws, TestCatalog.ACCOUNT, "doomed"))).toBe(true)
      yield* store.transaction(store.insert(ws, TestCatalog.ACCOUNT, account("fine")))
      expect(Option.isSome(yield* store.get(ws, TestCatalog.ACCOUNT, "fine"))).toBe(true)
    }))
})
