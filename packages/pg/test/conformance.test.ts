import { StoreConformance } from "@rapport/conformance"
import { freshStore } from "./layer.js"

StoreConformance.run({ name: "pg", layer: freshStore("conformance") })
