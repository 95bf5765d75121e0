import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "pipelines",
    include: ["test/**/*.test.ts"],
    // The services' tests run on PostgreSQL too (embedded 18, or RAPPORT_PG_URL).
    globalSetup: ["../testkit/src/globalSetup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000
  }
})
