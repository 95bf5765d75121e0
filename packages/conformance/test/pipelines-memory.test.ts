import { PipelinesConformance } from "../src/index.js"
import { MemoryStore } from "@rapport/memory"

// Memory is fast: more random move sequences in the Deals property than the SQL stores run.
PipelinesConformance.run({ name: "memory", layer: MemoryStore.layer, numRuns: 25 })
