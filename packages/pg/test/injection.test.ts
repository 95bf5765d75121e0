import { layer } from "@effect/vitest"
import { TestCatalog } from "@rapport/conformance"
import { Layer } from "effect"
import { injectionProgram } from "./injection.js"
import { freshStore } from "./layer.js"

layer(Layer.provideMerge(freshStore("injection"), TestCatalog.layer), { timeout: "60 seconds" })("SQL injection (pg)", (it) => {
  it.effect("injection attempts in every string position give typed errors or answers; tables survive", () => injectionProgram)
})
