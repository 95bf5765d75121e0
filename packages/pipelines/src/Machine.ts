/**
 * A small, pure state-machine kernel: states, events, guards and effects as data.
 * `transition` computes the next state and the effects to run, or an
 * `InvalidTransition` that names the state, the target and the guard that refused.
 * It never runs anything: callers persist the new state first and run the effects
 * after. Deal pipelines and ticket lifecycles are machines of this kernel.
 *
 * @since 0.1.0
 */
import { Errors } from "@rapport/core"
import { Either, Schema } from "effect"
import * as internal from "./internal/machine.js"
import * as mermaid from "./internal/machineMermaid.js"

// ---------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------

/**
 * An effect as data (`{ type: "notify", to: "owner" }`): a transition returns it, the
 * caller runs it after the new state is stored. The kernel never interprets it.
 *
 * @since 0.1.0
 * @category models
 */
export interface SideEffect {
  readonly type: string
  readonly [key: string]: unknown
}

/**
 * The schema of a `SideEffect`: a `type` plus any JSON fields.
 *
 * @since 0.1.0
 * @category schemas
 */
export const SideEffect: Schema.Schema<SideEffect> = Schema.Struct(
  { type: Schema.String },
  Schema.Record({ key: Schema.String, value: Schema.Unknown })
)

/**
 * An event sent to a machine. `to` is reserved: an event that names the state it asks
 * for only considers transitions to that state (`{ type: "move", to: "won" }`). Any
 * other field is payload the guards may read.
 *
 * @since 0.1.0
 * @category models
 */
export interface Event<E extends string = string, S extends string = string> {
  readonly type: E
  readonly to?: S
  readonly [key: string]: unknown
}

/**
 * The event of a stage machine (`stages`): move to a named stage.
 *
 * @since 0.1.0
 * @category models
 */
export interface Move<S extends string = string> {
  readonly type: "move"
  readonly to: S
  readonly [key: string]: unknown
}

/**
 * A named, pure predicate over the caller's context and the event. Definitions refer
 * to guards by name, so they stay data; the functions come in a table beside them.
 *
 * @since 0.1.0
 * @category models
 */
export type Guard<C = unknown, Ev = Event> = (context: C, event: Ev) => boolean

/**
 * One transition of an event in a state: its target, an optional guard and the effects
 * it returns.
 *
 * @since 0.1.0
 * @category models
 */
export interface TransitionConfig<S extends string = string, G extends string = string> {
  readonly target: S
  readonly guard?: G
  readonly effects?: ReadonlyArray<SideEffect>
}

/**
 * What an event does in a state: a target, a transition, or a list tried in order (the
 * first whose guard passes is taken).
 *
 * @since 0.1.0
 * @category models
 */
export type TransitionSpec<S extends string = string, G extends string = string> =
  | S
  | TransitionConfig<S, G>
  | ReadonlyArray<S | TransitionConfig<S, G>>

/**
 * A state of a definition. `final` states accept no event; `meta` is free data (win
 * probability, required fields, SLA pause flags) that the kernel carries but never reads.
 *
 * @since 0.1.0
 * @category models
 */
export interface StateConfig<S extends string = string, G extends string = string> {
  readonly on?: { readonly [event: string]: TransitionSpec<S, G> }
  readonly final?: boolean
  readonly meta?: unknown
  readonly description?: string
}

const TransitionConfigSchema = Schema.Struct({
  target: Schema.String,
  guard: Schema.optional(Schema.String),
  effects: Schema.optional(Schema.Array(SideEffect))
})

const TransitionSpecSchema = Schema.Union(
  Schema.String,
  TransitionConfigSchema,
  Schema.Array(Schema.Union(Schema.String, TransitionConfigSchema))
)

const StateSchema = Schema.Struct({
  on: Schema.optional(Schema.Record({ key: Schema.String, value: TransitionSpecSchema })),
  final: Schema.optional(Schema.Boolean),
  meta: Schema.optional(Schema.Unknown),
  description: Schema.optional(Schema.String)
})

/**
 * The JSON form of a machine definition, for storing and loading machines. A decoded
 * definition is untyped (state names are strings): run `validate` on it.
 *
 * @example
 * ```ts
 * import { Machine } from "@rapport/pipelines"
 * import { Schema } from "effect"
 *
 * const definition = Schema.decodeUnknownSync(Machine.Definition)(
 *   JSON.parse('{"id":"door","initial":"open","states":{"open":{"on":{"CLOSE":"closed"}},"closed":{"final":true}}}')
 * )
 * const door = Machine.fromDefinition(definition)
 * console.log(Machine.validate(door)) // []
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const Definition = Schema.Struct({
  id: Schema.String,
  initial: Schema.String,
  states: Schema.Record({ key: Schema.String, value: StateSchema })
})

/**
 * @since 0.1.0
 * @category models
 */
export type Definition = typeof Definition.Type

// ---------------------------------------------------------------------------
// Machines
// ---------------------------------------------------------------------------

/**
 * A machine: its definition (plain data), the guard table and the state metadata.
 * `S` are the state names, `Ev` the events it accepts, `C` the context its guards
 * read, `M` the metadata of each state.
 *
 * @since 0.1.0
 * @category models
 */
export interface Machine<
  S extends string = string,
  Ev extends { readonly type: string } = Event<string, S>,
  C = unknown,
  M = { readonly [K in S]: unknown }
> {
  readonly id: string
  readonly initial: S
  /** The state names in declaration order. */
  readonly states: ReadonlyArray<S>
  /** The definition in its JSON form: `Schema.encode(Definition)` of it is itself. */
  readonly definition: Definition
  readonly guards: { readonly [name: string]: Guard<C, Ev> }
  /** Each state's `meta` (`undefined` where none was given). */
  readonly meta: M
}

/**
 * Any machine, whatever its types.
 *
 * @since 0.1.0
 * @category models
 */
export type Any = Machine<any, any, any, any>

/**
 * The state names of a machine.
 *
 * @since 0.1.0
 * @category type-level
 */
export type StateOf<T> = T extends Machine<infer S, any, any, any> ? S : never

/**
 * The events a machine accepts.
 *
 * @since 0.1.0
 * @category type-level
 */
export type EventOf<T> = T extends Machine<any, infer Ev, any, any> ? Ev : never

/**
 * The context a machine's guards read.
 *
 * @since 0.1.0
 * @category type-level
 */
export type ContextOf<T> = T extends Machine<any, any, infer C, any> ? C : never

type StateNames<States> = Extract<keyof States, string>

type EventNames<States> = {
  [K in keyof States]: States[K] extends { readonly on: infer On } ? Extract<keyof On, string> : never
}[keyof States]

type Candidates<T> = T extends ReadonlyArray<infer X> ? X : T

type GuardNames<States> = {
  [K in keyof States]: States[K] extends { readonly on: infer On } ? {
      [E in keyof On]: Candidates<On[E]> extends infer X ? X extends { readonly guard: infer G extends string } ? G : never
        : never
    }[keyof On]
    : never
}[keyof States]

type MetaOf<States> = {
  readonly [K in keyof States]: States[K] extends { readonly meta: infer M } ? M : undefined
}

/**
 * The guard table of a machine: one pure predicate per guard name the definition uses.
 *
 * @since 0.1.0
 * @category models
 */
export type Guards<G extends string, C, Ev> = { readonly [K in G]: Guard<C, Ev> }

const cache = new WeakMap<object, internal.Core>()

const core = (machine: Any): internal.Core => {
  let found = cache.get(machine)
  if (found === undefined) {
    found = {
      id: machine.id,
      initial: machine.initial,
      states: machine.states,
      definition: machine.definition,
      guards: machine.guards,
      nodes: internal.normalise(machine.definition)
    }
    cache.set(machine, found)
  }
  return found
}

const build = (definition: Definition, guards: { readonly [name: string]: internal.AnyGuard }): Any => {
  const meta: Record<string, unknown> = {}
  for (const name of Object.keys(definition.states)) meta[name] = definition.states[name]!.meta
  const machine: Any = {
    id: definition.id,
    initial: definition.initial,
    states: Object.keys(definition.states),
    definition,
    guards,
    meta
  }
  return machine
}

/**
 * Defines a machine. State and event names are inferred from the definition: an
 * `initial` or a `target` that names no state, and a guard missing from the table,
 * are compile errors; `transition` only accepts the machine's states and events.
 * Guards are referenced by name and implemented in the second argument, so the
 * definition itself stays data (see `Definition`).
 *
 * @example
 * ```ts
 * import { Machine } from "@rapport/pipelines"
 *
 * interface Ticket { readonly resolution: string | null }
 *
 * const ticket = Machine.make({
 *   id: "ticket",
 *   initial: "new",
 *   states: {
 *     new: { on: { ASSIGN: "open" }, meta: { slaRunning: true } },
 *     open: {
 *       on: {
 *         WAIT: "pending",
 *         RESOLVE: { target: "solved", guard: "hasResolution", effects: [{ type: "notify", to: "requester" }] }
 *       },
 *       meta: { slaRunning: true }
 *     },
 *     pending: { on: { REPLY: "open" }, meta: { slaRunning: false } },
 *     solved: { final: true, meta: { slaRunning: false } }
 *   }
 * }, { guards: { hasResolution: (ticket: Ticket) => ticket.resolution !== null } })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <
  const States extends { readonly [K in keyof States]: StateConfig<StateNames<States>> },
  C = unknown
>(
  definition: {
    readonly id: string
    readonly initial: NoInfer<StateNames<States>>
    readonly states: States
  },
  ...options: [GuardNames<States>] extends [never] ? [options?: { readonly guards?: {} }]
    : [
      options: {
        // The index signature lets TypeScript infer `C` from the guards; the mapped part
        // makes every guard the definition names required.
        readonly guards:
          & { readonly [name: string]: Guard<C, Event<EventNames<States>, StateNames<States>>> }
          & { readonly [K in GuardNames<States>]: Guard<C, Event<EventNames<States>, StateNames<States>>> }
      }
    ]
): Machine<StateNames<States>, Event<EventNames<States>, StateNames<States>>, C, MetaOf<States>> =>
  build(definition as Definition, options[0]?.guards ?? {})

/**
 * A machine from an untyped definition (decoded JSON): state and event names are
 * strings. Nothing is checked here; run `validate` before using it.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromDefinition = <C = unknown>(
  definition: Definition,
  options?: { readonly guards?: { readonly [name: string]: Guard<C, Event> } }
): Machine<string, Event, C> => build(definition, options?.guards ?? {})

/**
 * Decodes the JSON form of a definition into a machine; bad input is a
 * `ValidationError` naming each field.
 *
 * @example
 * ```ts
 * import { Machine } from "@rapport/pipelines"
 * import { Either } from "effect"
 *
 * const loaded = Machine.decode({ id: "x", initial: "a", states: { a: { final: "yes" } } })
 * console.log(Either.isLeft(loaded)) // true: states.a.final is not a boolean
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const decode = <C = unknown>(
  input: unknown,
  options?: { readonly guards?: { readonly [name: string]: Guard<C, Event> } }
): Either.Either<Machine<string, Event, C>, Errors.ValidationError> =>
  Schema.decodeUnknownEither(Definition, { errors: "all" })(input).pipe(
    Either.mapLeft((error) => Errors.ValidationError.fromParseError("Machine.decode", error)),
    Either.map((definition) => fromDefinition(definition, options))
  )

/**
 * Which moves a stage machine allows. `forward` is the next open stage, `skip` any later
 * one, `back` any earlier one; every open stage may move to every closed stage;
 * `reopen` lets closed stages move back to all (`true`) or some open stages. Closed
 * stages that cannot reopen are final.
 *
 * @since 0.1.0
 * @category models
 */
export interface MoveRules<Open extends string = string> {
  /** Default `true`. */
  readonly forward?: boolean
  /** Default `false`. */
  readonly skip?: boolean
  /** Default `false`. */
  readonly back?: boolean
  /** Default `false`. */
  readonly reopen?: boolean | ReadonlyArray<Open>
}

/**
 * Builds a "move to stage X" machine, the shape of a deal pipeline: ordered open
 * stages, closed stages, and rules for which moves are allowed. Its one event is
 * `{ type: "move", to: stage }`; entering a stage can require a guard and return
 * effects.
 *
 * @example
 * ```ts
 * import { Machine } from "@rapport/pipelines"
 *
 * interface Deal { readonly amountMinor: number | null }
 *
 * const sales = Machine.stages({
 *   id: "sales",
 *   open: ["new", "qualified", "proposal", "negotiation"],
 *   closed: ["won", "lost"],
 *   moves: { skip: true, back: true, reopen: ["negotiation"] },
 *   enter: { won: { guard: "hasAmount", effects: [{ type: "notify", to: "finance" }] } },
 *   meta: { new: { probability: 10 }, won: { probability: 100 }, lost: { probability: 0 } }
 * }, { guards: { hasAmount: (deal: Deal) => deal.amountMinor !== null } })
 *
 * console.log(Machine.can(sales, "new", { type: "move", to: "proposal" }, { amountMinor: null })) // true (a skip)
 * console.log(Machine.can(sales, "new", { type: "move", to: "won" }, { amountMinor: null })) // false (hasAmount)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const stages = <
  const Open extends string,
  const Closed extends string = never,
  G extends string = never,
  C = unknown,
  Meta extends { readonly [K in NoInfer<Open | Closed>]?: unknown } = {}
>(
  config: {
    readonly id: string
    readonly open: readonly [Open, ...ReadonlyArray<Open>]
    readonly closed?: ReadonlyArray<Closed>
    readonly moves?: MoveRules<NoInfer<Open>>
    readonly enter?: {
      readonly [K in NoInfer<Open | Closed>]?: { readonly guard?: G; readonly effects?: ReadonlyArray<SideEffect> }
    }
    readonly meta?: Meta
  },
  ...options: [G] extends [never] ? [options?: { readonly guards?: {} }]
    : [options: { readonly guards: Guards<G, C, Move<Open | Closed>> }]
): Machine<
  Open | Closed,
  Move<Open | Closed>,
  C,
  { readonly [K in Open | Closed]: K extends keyof Meta ? Meta[K] : undefined }
> => {
  const open: ReadonlyArray<string> = config.open
  const closed: ReadonlyArray<string> = config.closed ?? []
  const rules = config.moves ?? {}
  const enter = (config.enter ?? {}) as {
    readonly [stage: string]: { readonly guard?: string; readonly effects?: ReadonlyArray<SideEffect> } | undefined
  }
  const meta = (config.meta ?? {}) as { readonly [stage: string]: unknown }
  const spec = (target: string): string | TransitionConfig => {
    const rule = Object.prototype.hasOwnProperty.call(enter, target) ? enter[target] : undefined
    if (rule === undefined || (rule.guard === undefined && rule.effects === undefined)) return target
    return {
      target,
      ...(rule.guard === undefined ? {} : { guard: rule.guard }),
      ...(rule.effects === undefined ? {} : { effects: rule.effects })
    }
  }
  const state = (targets: ReadonlyArray<string>, name: string): StateConfig => ({
    ...(targets.length === 0 ? { final: true } : { on: { move: targets.map(spec) } }),
    ...(Object.prototype.hasOwnProperty.call(meta, name) && meta[name] !== undefined ? { meta: meta[name] } : {})
  })
  const states: Record<string, StateConfig> = {}
  open.forEach((name, i) => {
    const targets = open.filter((_, j) =>
      j === i + 1 ? rules.forward !== false : j > i + 1 ? rules.skip === true : j < i ? rules.back === true : false
    )
    states[name] = state([...targets, ...closed.filter((c) => !open.includes(c))], name)
  })
  const reopen = rules.reopen === true ? open : rules.reopen === false || rules.reopen === undefined ? [] : rules.reopen
  for (const name of closed) if (!open.includes(name)) states[name] = state(reopen, name)
  return build(
    { id: config.id, initial: open[0]!, states } as Definition,
    options[0]?.guards ?? {}
  ) as any
}

// ---------------------------------------------------------------------------
// Transitions
// ---------------------------------------------------------------------------

/**
 * Why a transition was refused:
 * - `no-transition`: the state has no transition for this event (or none to the
 *   requested `to`);
 * - `final-state`: the state is final and accepts no event;
 * - `guard-rejected`: every candidate's guard said no (`guard` names the first);
 * - `unknown-state`: the current state is not one of the machine's;
 * - `unknown-requested-state`: the event's `to` names no state of the machine (a stage
 *   of another pipeline, a typo from untyped input); `states` lists the machine's states;
 * - `unknown-target`, `unknown-guard`: the definition is broken (an untyped one;
 *   `validate` reports these before you get here).
 *
 * @since 0.1.0
 * @category models
 */
export const Reason = Schema.Literal(
  "no-transition",
  "final-state",
  "guard-rejected",
  "unknown-state",
  "unknown-requested-state",
  "unknown-target",
  "unknown-guard"
)

/**
 * @since 0.1.0
 * @category models
 */
export type Reason = typeof Reason.Type

/**
 * A transition the machine refuses: it names the machine, the state, the requested or
 * attempted target, the event and the guard that said no. When the requested target is
 * not a state at all (`unknown-requested-state`), `states` lists the machine's states.
 * Nothing changed.
 *
 * @example
 * ```ts
 * import { Machine } from "@rapport/pipelines"
 *
 * const error = new Machine.InvalidTransition({
 *   machine: "sales", from: "proposal", to: "won", event: "move", guard: "hasAmount", reason: "guard-rejected"
 * })
 * console.log(error.message) // sales: proposal → won on move refused by guard hasAmount
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidTransition extends Schema.TaggedError<InvalidTransition>()("InvalidTransition", {
  machine: Schema.String,
  from: Schema.String,
  to: Schema.optional(Schema.String),
  event: Schema.String,
  guard: Schema.optional(Schema.String),
  reason: Reason,
  /** The machine's states in declaration order, set for `unknown-requested-state`. */
  states: Schema.optional(Schema.Array(Schema.String))
}) {
  override get message(): string {
    const to = this.to === undefined ? "" : ` to ${this.to}`
    switch (this.reason) {
      case "no-transition":
        return `${this.machine}: no transition from ${this.from}${to} on ${this.event}`
      case "final-state":
        return `${this.machine}: ${this.from} is final; ${this.event} refused`
      case "guard-rejected":
        return `${this.machine}: ${this.from} → ${this.to} on ${this.event} refused by guard ${this.guard}`
      case "unknown-state":
        return `${this.machine}: unknown state ${this.from}`
      case "unknown-requested-state": {
        const has = this.states === undefined ? "" : `, which has ${this.states.join(", ")}`
        return `${this.machine}: ${this.to} does not exist in ${this.machine}${has}; ${this.event} from ${this.from} refused`
      }
      case "unknown-target":
        return `${this.machine}: ${this.from} on ${this.event} targets unknown state ${this.to}`
      case "unknown-guard":
        return `${this.machine}: ${this.from}${to} on ${this.event} uses unknown guard ${this.guard}`
    }
  }
}

/**
 * A transition taken: where from, where to, on which event, through which guard, and
 * the effects the caller runs once the new state is stored.
 *
 * @since 0.1.0
 * @category models
 */
export interface Transition<S extends string = string, E extends string = string> {
  readonly machine: string
  readonly from: S
  readonly to: S
  readonly event: E
  readonly guard?: string
  readonly effects: ReadonlyArray<SideEffect>
}

type ContextArgument<C> = unknown extends C ? [context?: C] : [context: C]

/**
 * The next state and the effects to run, or an `InvalidTransition`. Pure and total:
 * it throws for no input and runs no effect. For each candidate of the event (in
 * declaration order; only those targeting `event.to` when the event names one) the
 * first whose guard passes is taken. An `Either` is also an `Effect`, so
 * `yield* Machine.transition(...)` works inside `Effect.gen`.
 *
 * @example
 * ```ts
 * import { Machine } from "@rapport/pipelines"
 * import { Either } from "effect"
 *
 * const door = Machine.make({
 *   id: "door",
 *   initial: "open",
 *   states: { open: { on: { CLOSE: { target: "closed", effects: [{ type: "log" }] } } }, closed: { on: { OPEN: "open" } } }
 * })
 * const result = Machine.transition(door, "open", { type: "CLOSE" })
 * if (Either.isRight(result)) console.log(result.right.to, result.right.effects) // closed [{ type: "log" }]
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const transition = <S extends string, Ev extends { readonly type: string }, C>(
  machine: Machine<S, Ev, C, any>,
  state: NoInfer<S>,
  event: NoInfer<Ev>,
  ...context: ContextArgument<C>
): Either.Either<Transition<S, Ev["type"]>, InvalidTransition> => {
  const result = internal.step(core(machine), state, event, context[0])
  return result._tag === "Taken"
    ? Either.right(result.taken as Transition<S, Ev["type"]>)
    : Either.left(new InvalidTransition(result.refusal))
}

/**
 * Whether `transition` would succeed.
 *
 * @since 0.1.0
 * @category predicates
 */
export const can = <S extends string, Ev extends { readonly type: string }, C>(
  machine: Machine<S, Ev, C, any>,
  state: NoInfer<S>,
  event: NoInfer<Ev>,
  ...context: ContextArgument<C>
): boolean => internal.step(core(machine), state, event, context[0])._tag === "Taken"

/**
 * Whether a state is final (accepts no event).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isFinal = <S extends string>(machine: Machine<S, any, any, any>, state: NoInfer<S>): boolean =>
  core(machine).nodes.get(state)?.final === true

/**
 * One arrow of a machine: from a state, on an event, to a target, with its guard and
 * effects.
 *
 * @since 0.1.0
 * @category models
 */
export interface Edge<S extends string = string, E extends string = string> {
  readonly from: S
  readonly event: E
  readonly to: S
  readonly guard?: string
  readonly effects: ReadonlyArray<SideEffect>
}

/**
 * Every arrow of a machine in declaration order, guards not evaluated: what a UI
 * offers as possible moves, what the diagram draws.
 *
 * @since 0.1.0
 * @category combinators
 */
export const edges = <S extends string, Ev extends { readonly type: string }>(
  machine: Machine<S, Ev, any, any>
): ReadonlyArray<Edge<S, Ev["type"]>> => internal.edges(core(machine).nodes) as ReadonlyArray<Edge<S, Ev["type"]>>

/**
 * The arrows out of a state whose guards pass for this context: the moves to offer.
 *
 * @since 0.1.0
 * @category combinators
 */
export const available = <S extends string, Ev extends { readonly type: string }, C>(
  machine: Machine<S, Ev, C, any>,
  state: NoInfer<S>,
  ...context: ContextArgument<C>
): ReadonlyArray<Edge<S, Ev["type"]>> =>
  edges(machine).filter((edge) =>
    edge.from === state &&
    internal.step(core(machine), state, { type: edge.event, to: edge.to }, context[0])._tag === "Taken"
  )

// ---------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------

/**
 * `initial` names no state.
 *
 * @since 0.1.0
 * @category problems
 */
export class UnknownInitial extends Schema.TaggedClass<UnknownInitial>()("UnknownInitial", {
  initial: Schema.String
}) {
  get message(): string {
    return `initial state ${this.initial} is not defined`
  }
}

/**
 * A transition targets a state that is not defined.
 *
 * @since 0.1.0
 * @category problems
 */
export class UnknownTarget extends Schema.TaggedClass<UnknownTarget>()("UnknownTarget", {
  state: Schema.String,
  event: Schema.String,
  target: Schema.String
}) {
  get message(): string {
    return `${this.state} on ${this.event} targets undefined state ${this.target}`
  }
}

/**
 * A transition names a guard the guard table does not have.
 *
 * @since 0.1.0
 * @category problems
 */
export class UnknownGuard extends Schema.TaggedClass<UnknownGuard>()("UnknownGuard", {
  state: Schema.String,
  event: Schema.String,
  guard: Schema.String
}) {
  get message(): string {
    return `${this.state} on ${this.event} uses unknown guard ${this.guard}`
  }
}

/**
 * A final state has transitions (they can never be taken).
 *
 * @since 0.1.0
 * @category problems
 */
export class FinalWithTransitions extends Schema.TaggedClass<FinalWithTransitions>()("FinalWithTransitions", {
  state: Schema.String,
  events: Schema.Array(Schema.String)
}) {
  get message(): string {
    return `final state ${this.state} has transitions on ${this.events.join(", ")}`
  }
}

/**
 * A state that is not final but has no way out.
 *
 * @since 0.1.0
 * @category problems
 */
export class DeadEnd extends Schema.TaggedClass<DeadEnd>()("DeadEnd", {
  state: Schema.String
}) {
  get message(): string {
    return `${this.state} is not final but has no transition`
  }
}

/**
 * A state no path from `initial` reaches (guards ignored).
 *
 * @since 0.1.0
 * @category problems
 */
export class UnreachableState extends Schema.TaggedClass<UnreachableState>()("UnreachableState", {
  state: Schema.String
}) {
  get message(): string {
    return `${this.state} cannot be reached from the initial state`
  }
}

/**
 * A structural problem of a machine.
 *
 * @since 0.1.0
 * @category problems
 */
export const Problem = Schema.Union(UnknownInitial, UnknownTarget, UnknownGuard, FinalWithTransitions, DeadEnd, UnreachableState)

/**
 * @since 0.1.0
 * @category problems
 */
export type Problem = typeof Problem.Type

const problem = (finding: internal.Finding): Problem => {
  switch (finding._tag) {
    case "UnknownInitial":
      return new UnknownInitial({ initial: finding.initial })
    case "UnknownTarget":
      return new UnknownTarget({ state: finding.state, event: finding.event, target: finding.target })
    case "UnknownGuard":
      return new UnknownGuard({ state: finding.state, event: finding.event, guard: finding.guard })
    case "FinalWithTransitions":
      return new FinalWithTransitions({ state: finding.state, events: finding.events })
    case "DeadEnd":
      return new DeadEnd({ state: finding.state })
    case "UnreachableState":
      return new UnreachableState({ state: finding.state })
  }
}

/**
 * The structural problems of a machine, empty when it is sound: an undefined initial
 * state, targets and guards that do not exist, final states with transitions, dead
 * ends (non-final states without transitions) and states unreachable from `initial`.
 * Order is stable: the initial state first, then state by state in declaration order.
 *
 * @example
 * ```ts
 * import { Machine } from "@rapport/pipelines"
 *
 * const m = Machine.make({
 *   id: "m",
 *   initial: "a",
 *   states: { a: { on: { GO: "b" } }, b: {}, orphan: { final: true } }
 * })
 * console.log(Machine.validate(m).map((p) => p.message))
 * // ["b is not final but has no transition", "orphan cannot be reached from the initial state"]
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const validate = (machine: Any): ReadonlyArray<Problem> => internal.findings(core(machine)).map(problem)

// ---------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------

/**
 * Options of `toMermaid`: the layout direction, and whether labels list the effects
 * (`EVENT [guard] / notify`).
 *
 * @since 0.1.0
 * @category models
 */
export interface MermaidOptions {
  readonly direction?: "TB" | "LR" | "BT" | "RL"
  readonly effects?: boolean
}

/**
 * The machine as a Mermaid `stateDiagram-v2`, for docs. Each transition is an arrow
 * labelled `EVENT` or `EVENT [guard]`; the initial and final states connect to `[*]`.
 * The output depends on the definition only, in declaration order. Names that are not
 * plain identifiers are aliased (`state "closed won" as s4`).
 *
 * @example
 * ```ts
 * import { Machine } from "@rapport/pipelines"
 *
 * const door = Machine.make({
 *   id: "door",
 *   initial: "open",
 *   states: { open: { on: { CLOSE: { target: "closed", guard: "noObstacle" } } }, closed: { final: true } }
 * }, { guards: { noObstacle: () => true } })
 * console.log(Machine.toMermaid(door))
 * // stateDiagram-v2
 * //   [*] --> open
 * //   open --> closed : CLOSE [noObstacle]
 * //   closed --> [*]
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const toMermaid = (machine: Any, options: MermaidOptions = {}): string => mermaid.render(core(machine), options)
