/**
 * The untyped core of the state-machine kernel: a definition normalised into maps,
 * the transition algorithm, the edge list and the structural checks. `Machine.ts`
 * puts the types on top; everything here works on plain strings so a definition
 * loaded from JSON goes through the same code as one written in TypeScript.
 */

/** An effect as data: the kernel returns it, the caller runs it. */
export interface SideEffect {
  readonly type: string
  readonly [key: string]: unknown
}

/** One candidate of an event in a state, in declaration order. */
export interface Candidate {
  readonly target: string
  readonly guard: string | undefined
  readonly effects: ReadonlyArray<SideEffect>
}

/** A state with its transitions keyed by event type. */
export interface Node {
  readonly name: string
  readonly final: boolean
  readonly on: ReadonlyMap<string, ReadonlyArray<Candidate>>
}

/** The JSON form of a transition: a target, a config, or a list of them. */
export type TransitionSpec =
  | string
  | TransitionConfigJson
  | ReadonlyArray<string | TransitionConfigJson>

export interface TransitionConfigJson {
  readonly target: string
  readonly guard?: string | undefined
  readonly effects?: ReadonlyArray<SideEffect> | undefined
}

export interface StateJson {
  readonly on?: { readonly [event: string]: TransitionSpec } | undefined
  readonly final?: boolean | undefined
  readonly meta?: unknown
  readonly description?: string | undefined
}

export interface DefinitionJson {
  readonly id: string
  readonly initial: string
  readonly states: { readonly [state: string]: StateJson }
}

/** A guard as the core sees it: any predicate over (context, event). */
export type AnyGuard = (context: any, event: any) => boolean

/** The runtime shape shared by every machine. */
export interface Core {
  readonly id: string
  readonly initial: string
  readonly states: ReadonlyArray<string>
  readonly definition: DefinitionJson
  readonly guards: { readonly [name: string]: AnyGuard }
  readonly nodes: ReadonlyMap<string, Node>
}

const noEffects: ReadonlyArray<SideEffect> = Object.freeze([])

const candidate = (spec: string | TransitionConfigJson): Candidate =>
  typeof spec === "string"
    ? { target: spec, guard: undefined, effects: noEffects }
    : { target: spec.target, guard: spec.guard, effects: spec.effects ?? noEffects }

const candidates = (spec: TransitionSpec): ReadonlyArray<Candidate> =>
  typeof spec === "string" || !Array.isArray(spec)
    ? [candidate(spec as string | TransitionConfigJson)]
    : (spec as ReadonlyArray<string | TransitionConfigJson>).map(candidate)

/** Normalises a definition: every `on` entry becomes a list of candidates. */
export const normalise = (definition: DefinitionJson): ReadonlyMap<string, Node> => {
  const nodes = new Map<string, Node>()
  for (const name of Object.keys(definition.states)) {
    const state = definition.states[name]!
    const on = new Map<string, ReadonlyArray<Candidate>>()
    if (state.on !== undefined) {
      for (const event of Object.keys(state.on)) on.set(event, candidates(state.on[event]!))
    }
    nodes.set(name, { name, final: state.final === true, on })
  }
  return nodes
}

/** Why a transition was refused. */
export type Reason =
  | "no-transition"
  | "final-state"
  | "guard-rejected"
  | "unknown-state"
  | "unknown-requested-state"
  | "unknown-target"
  | "unknown-guard"

export interface Refusal {
  readonly machine: string
  readonly from: string
  readonly to?: string
  readonly event: string
  readonly guard?: string
  readonly reason: Reason
  /** The machine's states, for `unknown-requested-state`: what the caller could have asked for. */
  readonly states?: ReadonlyArray<string>
}

export interface Taken {
  readonly machine: string
  readonly from: string
  readonly to: string
  readonly event: string
  readonly guard?: string
  readonly effects: ReadonlyArray<SideEffect>
}

const has = (table: object, key: string): boolean => Object.prototype.hasOwnProperty.call(table, key)

const eventType = (event: unknown): string | undefined =>
  typeof event === "object" && event !== null && typeof (event as { type?: unknown }).type === "string"
    ? (event as { type: string }).type
    : undefined

const requested = (event: unknown): string | undefined =>
  typeof event === "object" && event !== null && typeof (event as { to?: unknown }).to === "string"
    ? (event as { to: string }).to
    : undefined

const refusal = (
  machine: string,
  from: string,
  event: string,
  reason: Reason,
  to: string | undefined,
  guard: string | undefined,
  states: ReadonlyArray<string> | undefined
): Refusal => ({
  machine,
  from,
  event,
  reason,
  ...(to === undefined ? {} : { to }),
  ...(guard === undefined ? {} : { guard }),
  ...(states === undefined ? {} : { states })
})

/**
 * The transition algorithm. Total over any input: a state, event or target the
 * machine does not know is a refusal, never an exception. Guards are the caller's
 * code and are trusted to be pure; one that throws is a bug and is not caught.
 */
export const step = (
  machine: Core,
  from: string,
  event: unknown,
  context: unknown
): { readonly _tag: "Taken"; readonly taken: Taken } | { readonly _tag: "Refused"; readonly refusal: Refusal } => {
  const type = eventType(event)
  // A malformed event (untyped callers) is still named in the refusal.
  const name = type ?? String((event as { type?: unknown } | null | undefined)?.type)
  const to = requested(event)
  const refuse = (reason: Reason, target?: string, guard?: string, states?: ReadonlyArray<string>) =>
    ({ _tag: "Refused", refusal: refusal(machine.id, from, name, reason, target, guard, states) }) as const
  const node = typeof from === "string" ? machine.nodes.get(from) : undefined
  if (node === undefined) return refuse("unknown-state")
  if (node.final) return refuse("final-state", to)
  const all = type === undefined ? undefined : node.on.get(type)
  // An event that names the state it asks for (`to`) only considers transitions
  // to that state: one `move` event then serves a whole pipeline.
  const options = all === undefined ? [] : to === undefined ? all : all.filter((c) => c.target === to)
  if (options.length === 0) {
    // A `to` that names no state is the caller's mistake (a stage of another pipeline, a
    // typo from untyped input), not a move the rules forbid: say so and list the states.
    // Checked only here, so a definition whose own target is undefined stays
    // `unknown-target` below.
    return to !== undefined && !machine.nodes.has(to)
      ? refuse("unknown-requested-state", to, undefined, machine.states)
      : refuse("no-transition", to)
  }
  let rejected: Candidate | undefined
  for (const option of options) {
    if (option.guard !== undefined) {
      if (!has(machine.guards, option.guard)) return refuse("unknown-guard", option.target, option.guard)
      if (!machine.guards[option.guard]!(context, event)) {
        rejected ??= option
        continue
      }
    }
    if (!machine.nodes.has(option.target)) return refuse("unknown-target", option.target, option.guard)
    return {
      _tag: "Taken",
      taken: {
        machine: machine.id,
        from,
        to: option.target,
        event: name,
        ...(option.guard === undefined ? {} : { guard: option.guard }),
        effects: option.effects
      }
    }
  }
  return refuse("guard-rejected", rejected!.target, rejected!.guard)
}

/** One arrow of the machine's graph. */
export interface Edge {
  readonly from: string
  readonly event: string
  readonly to: string
  readonly guard?: string
  readonly effects: ReadonlyArray<SideEffect>
}

/** Every arrow, in declaration order (state, then event, then candidate). */
export const edges = (nodes: ReadonlyMap<string, Node>): ReadonlyArray<Edge> => {
  const out: Array<Edge> = []
  for (const node of nodes.values()) {
    for (const [event, list] of node.on) {
      for (const c of list) {
        out.push({
          from: node.name,
          event,
          to: c.target,
          ...(c.guard === undefined ? {} : { guard: c.guard }),
          effects: c.effects
        })
      }
    }
  }
  return out
}

/** The states reachable from `initial`, following every arrow regardless of guards. */
export const reachable = (machine: Pick<Core, "initial" | "nodes">): ReadonlySet<string> => {
  const seen = new Set<string>()
  if (!machine.nodes.has(machine.initial)) return seen
  const queue = [machine.initial]
  seen.add(machine.initial)
  for (let i = 0; i < queue.length; i++) {
    for (const list of machine.nodes.get(queue[i]!)!.on.values()) {
      for (const c of list) {
        if (!seen.has(c.target) && machine.nodes.has(c.target)) {
          seen.add(c.target)
          queue.push(c.target)
        }
      }
    }
  }
  return seen
}

/** A structural problem, as plain data (`Machine.ts` wraps them in classes). */
export type Finding =
  | { readonly _tag: "UnknownInitial"; readonly initial: string }
  | { readonly _tag: "UnknownTarget"; readonly state: string; readonly event: string; readonly target: string }
  | { readonly _tag: "UnknownGuard"; readonly state: string; readonly event: string; readonly guard: string }
  | { readonly _tag: "FinalWithTransitions"; readonly state: string; readonly events: ReadonlyArray<string> }
  | { readonly _tag: "DeadEnd"; readonly state: string }
  | { readonly _tag: "UnreachableState"; readonly state: string }

/** The structural checks, in a stable order: initial, then state by state. */
export const findings = (machine: Core): ReadonlyArray<Finding> => {
  const out: Array<Finding> = []
  if (!machine.nodes.has(machine.initial)) out.push({ _tag: "UnknownInitial", initial: machine.initial })
  const seen = reachable(machine)
  for (const node of machine.nodes.values()) {
    const events: Array<string> = []
    for (const [event, list] of node.on) {
      if (list.length > 0) events.push(event)
      for (const c of list) {
        if (!machine.nodes.has(c.target)) {
          out.push({ _tag: "UnknownTarget", state: node.name, event, target: c.target })
        }
        if (c.guard !== undefined && !has(machine.guards, c.guard)) {
          out.push({ _tag: "UnknownGuard", state: node.name, event, guard: c.guard })
        }
      }
    }
    if (node.final && events.length > 0) out.push({ _tag: "FinalWithTransitions", state: node.name, events })
    if (!node.final && events.length === 0) out.push({ _tag: "DeadEnd", state: node.name })
    if (!seen.has(node.name)) out.push({ _tag: "UnreachableState", state: node.name })
  }
  return out
}
