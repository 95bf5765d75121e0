// The build every published package shares: ESM for each public module (src/*.ts, not
// src/internal), with effect and the other Rapport packages left external. Declarations
// come from tsc (tsconfig.build.json, one .d.ts per module): tsup's bundled declarations
// dropped the value or the type half of a name that is both (`WorkspaceId`, `Query.Expr`)
// when a module is re-exported as a namespace.
import { defineConfig } from "tsup"

export default defineConfig({
  entry: ["src/*.ts"],
  format: ["esm"],
  dts: false,
  clean: true,
  sourcemap: true,
  target: "es2022",
  external: [/^effect/, /^@effect\//, /^@rapport\//]
})
