/**
 * @rapport/memory: the in-memory `Store`, the default for test suites.
 *
 * @since 0.1.0
 */

export * as MemoryStore from "./MemoryStore.js"
