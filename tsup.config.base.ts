// The build every published package shares: ESM and declarations for each public
// module (src/*.ts, not src/internal), with effect and the other Rapport packages left
// external.
import { defineConfig } from "tsup"

export default defineConfig({
  entry: ["src/*.ts"],
  format: ["esm"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "es2022",
  external: [/^effect/, /^@effect\//, /^@rapport\//]
})
