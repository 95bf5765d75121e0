/**
 * `pnpm bench`: runs every benchmark in turn. Each prints its table and writes
 * `bench/results/<name>.json`.
 */
import * as MemoryStore from "./memory-store.js"

await MemoryStore.run()
