import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "pipelines",
    include: ["test/**/*.test.ts"]
  }
})
