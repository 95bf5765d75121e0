/**
 * vitest global setup: one PostgreSQL server for the whole run (see `PgHarness.start`),
 * provided to the test files as `inject("rapportPgUrl")`.
 */
import type { TestProject } from "vitest/node"
import * as PgHarness from "./PgHarness.js"

declare module "vitest" {
  export interface ProvidedContext {
    rapportPgUrl: string
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await PgHarness.start()
  project.provide(PgHarness.PROVIDE_KEY, server.url)
  process.stderr.write(`[rapport] PostgreSQL ${server.version} for the tests\n`)
  return server.stop
}
