import { PipelinesConformance } from "@rapport/conformance"
import { freshStore } from "./layer.js"

PipelinesConformance.run({ name: "pg", layer: freshStore("pipelines") })
