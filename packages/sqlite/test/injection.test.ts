import { layer } from "@effect/vitest"
import { TestCatalog } from "@rapport/conformance"
import { Layer } from "effect"
import { SqliteStore } from "../src/index.js"
import { injectionProgram } from "./injection.js"

layer(Layer.provideMerge(SqliteStore.layer({ filename: ":memory:" }), TestCatalog.layer))("SQL injection (sqlite)", (it) => {
  it.effect("injection attempts in every string position give typed errors or answers; tables survive", () => injectionProgram)
})
