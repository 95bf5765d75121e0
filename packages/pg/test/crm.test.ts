import { CrmConformance } from "@rapport/conformance"
import { freshStore } from "./layer.js"

CrmConformance.run({ name: "pg", layer: freshStore("crm") })
