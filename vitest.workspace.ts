// One vitest project per package; see each package's vitest.config.ts.
export default ["packages/*/vitest.config.ts"]
