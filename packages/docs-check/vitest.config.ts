import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "docs-check",
    include: ["test/**/*.test.ts"],
    // Blocks that use PostgreSQL run against a fresh database of the test server.
    globalSetup: ["../testkit/src/globalSetup.ts"],
    // One test file type-checks every block in one program and runs the runnable ones with tsx.
    testTimeout: 60_000,
    hookTimeout: 120_000
  }
})
