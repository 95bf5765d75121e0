import { MemoryStore } from "@rapport/memory"
import { StoreConformance } from "@rapport/conformance"

StoreConformance.run({ name: "memory", layer: MemoryStore.layer })
