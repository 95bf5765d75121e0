import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "pg",
    include: ["test/**/*.test.ts"],
    globalSetup: ["../testkit/src/globalSetup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000
  }
})
