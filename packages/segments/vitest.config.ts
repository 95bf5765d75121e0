import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "segments",
    include: ["test/**/*.test.ts"],
    // The tests run on PostgreSQL too (`RAPPORT_PG_URL`, or a throwaway server).
    globalSetup: ["../testkit/src/globalSetup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000
  }
})
