/**
 * Mermaid `stateDiagram-v2` rendering. Output is a function of the definition
 * alone (declaration order, no hashing), so a generated diagram in the docs only
 * changes when the machine does.
 */
import type { Core } from "./machine.js"
import { edges } from "./machine.js"

export interface Options {
  readonly direction?: "TB" | "LR" | "BT" | "RL" | undefined
  readonly effects?: boolean | undefined
}

// Words the state-diagram grammar gives a meaning; a state with such a name is aliased.
const reserved = new Set(["state", "note", "end", "direction", "click", "class", "classDef", "style", "as", "TB", "LR", "BT", "RL"])

const safeId = (name: string) => /^[A-Za-z][A-Za-z0-9_]*$/.test(name) && !reserved.has(name)

const entities: Readonly<Record<string, string>> = { "#": "#35;", ";": "#59;", "\"": "#quot;", "%": "#37;" }

/** Escapes text for a label: Mermaid reads `#…;` as an entity, `;` and `%%` as syntax. */
export const escape = (text: string): string =>
  text.replace(/[#;"%]/g, (char) => entities[char]!).replace(/[\r\n]+/g, " ")

export const render = (machine: Core, options: Options = {}): string => {
  const all = edges(machine.nodes)
  const names: Array<string> = [...machine.nodes.keys()]
  for (const name of [machine.initial, ...all.map((e) => e.to)]) if (!names.includes(name)) names.push(name)

  const taken = new Set(names.filter(safeId))
  const ids = new Map<string, string>()
  const lines: Array<string> = ["stateDiagram-v2"]
  if (options.direction !== undefined) lines.push(`  direction ${options.direction}`)
  names.forEach((name, index) => {
    if (safeId(name)) {
      ids.set(name, name)
      return
    }
    let id = `s${index}`
    while (taken.has(id)) id = `_${id}`
    taken.add(id)
    ids.set(name, id)
    lines.push(`  state "${escape(name)}" as ${id}`)
  })
  const id = (name: string) => ids.get(name)!

  lines.push(`  [*] --> ${id(machine.initial)}`)
  for (const edge of all) {
    let label = edge.event
    if (edge.guard !== undefined) label += ` [${edge.guard}]`
    if (options.effects === true && edge.effects.length > 0) label += ` / ${edge.effects.map((e) => e.type).join(", ")}`
    lines.push(`  ${id(edge.from)} --> ${id(edge.to)} : ${escape(label)}`)
  }
  for (const node of machine.nodes.values()) if (node.final) lines.push(`  ${id(node.name)} --> [*]`)
  return lines.join("\n") + "\n"
}
