import { CrmConformance } from "../src/index.js"
import { MemoryStore } from "@rapport/memory"

CrmConformance.run({ name: "memory", layer: MemoryStore.layer })
