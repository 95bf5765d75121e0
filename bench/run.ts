/**
 * `pnpm bench`: runs every benchmark in turn. Each prints its table and writes
 * `bench/results/<name>.json`. Pass names to run some: `pnpm bench memory-store`.
 */
const all: Record<string, () => Promise<{ run: () => Promise<unknown> }>> = {
  "memory-store": () => import("./memory-store.js"),
  "business-hours": () => import("./business-hours.js"),
  "store-sqlite": () => import("./store-sqlite.js"),
  "store-pg": () => import("./store-pg.js"),
  "feed": () => import("./feed.js")
}

const chosen = process.argv.slice(2).filter((a) => a !== "--")
for (const name of chosen.length === 0 ? Object.keys(all) : chosen) {
  const load = all[name]
  if (load === undefined) throw new Error(`no benchmark "${name}"; there are: ${Object.keys(all).join(", ")}`)
  await (await load()).run()
}

export {}
