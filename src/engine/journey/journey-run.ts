import type { ResolvedJourney } from '../../options/journey/resolve.ts'
import { DEFAULT_SCENARIO } from '../../options/journey/resolve.ts'
import { assignScenarios, WeightedRoundRobin } from '../../options/journey/scenario-order.ts'
import type { EngineRunOptions } from '../engine-options.ts'
import type { RunShare, RunState, UserFactory } from '../run-state.ts'
import { CodeProgram, type CodeShared } from './code-program.ts'
import { type CompiledScenario, compileStep } from './compile-step.ts'
import type { JourneyTransportFactory } from './connection.ts'
import { JourneyStats } from './journey-stats.ts'
import { JourneyUser } from './journey-user.ts'
import type { JourneyShared } from './program.ts'
import { StepProgram } from './step-program.ts'
import { WireCache } from './wire-cache.ts'

const MAX_ORDER = 1_000_000

/** The largest step timeout of a journey (the transports' backstops). */
export function longestTimeoutMs(journey: ResolvedJourney, fallbackMs: number): number {
  let longest = fallbackMs
  for (const scenario of journey.scenarios) {
    for (const step of [...scenario.onStart, ...scenario.steps]) longest = Math.max(longest, step.timeoutMs)
  }
  return longest
}

/** The shortest step timeout of a journey (how often the timeout sweep runs). */
export function shortestTimeoutMs(journey: ResolvedJourney): number {
  let shortest = Number.POSITIVE_INFINITY
  for (const scenario of journey.scenarios) {
    for (const step of [...scenario.onStart, ...scenario.steps]) shortest = Math.min(shortest, step.timeoutMs)
  }
  return shortest
}

/**
 * A journey run in one thread (the whole run, or a worker's share): its compiled steps, the collectors per
 * endpoint and scenario, the data rows' counter, and the factory of its users. The thread's k-th user is
 * the run's user `share.index + k * share.count`, across worker threads too.
 */
export class JourneyRun {
  readonly stats: JourneyStats
  readonly shared: JourneyShared
  private readonly scenarios: CompiledScenario[]
  private readonly order: number[]
  private readonly share: RunShare
  /** A code iteration's shared part; undefined for steps. */
  private readonly code: CodeShared | undefined
  private created = 0
  private readonly users: JourneyUser[] = []

  constructor(
    journey: ResolvedJourney,
    options: EngineRunOptions,
    state: RunState,
    share: RunShare,
    setup: unknown,
    inWorker: boolean,
    transportFactory: JourneyTransportFactory,
  ) {
    const { request, native, shape } = options
    this.share = share
    this.stats = new JourneyStats(journey, { inWorker })
    const transport = transportFactory(request, native, longestTimeoutMs(journey, request.timeoutMs))
    const { data } = journey
    let rows = 0
    const picker =
      journey.mix === 'per-iteration' && journey.scenarios.length > 1
        ? new WeightedRoundRobin(journey.scenarios.map((scenario) => scenario.weight))
        : undefined
    this.shared = {
      state,
      base: request.url,
      transport,
      setup,
      iterationPerSend: shape.model === 'open',
      stopped: false,
      // Threads take rows in turn, as their users are numbered: together they walk the rows in order.
      nextRow:
        data === undefined ? () => undefined : () => data[(rows++ * share.count + share.index) % data.length],
      // One round robin per thread: its users' iterations, in the order they begin, split by weight.
      pickScenario: picker === undefined ? undefined : () => this.scenarios[picker.next()]!,
      onStartSlots: journey.scenarios.length + 1,
    }
    this.scenarios = journey.scenarios.map((scenario) => {
      const stats = this.stats.scenarios.get(scenario.name)!
      const compile = (step: (typeof scenario.steps)[number]) =>
        compileStep(
          step,
          request.url,
          transport,
          [state.collector, this.stats.endpoints.get(step.name)!.collector, stats.collector],
          stats,
        )
      return {
        name: scenario.name,
        onStartSlot: scenario.onStartSlot,
        onStart: scenario.onStart.map(compile),
        steps: scenario.steps.map(compile),
        think: scenario.think,
        stats,
      }
    })
    this.code =
      journey.iteration === undefined
        ? undefined
        : {
            iteration: journey.iteration,
            defaults: {
              base: request.url,
              headers: request.headers,
              expectStatus: request.expectStatus,
              transport,
            },
            wires: new WireCache(),
            stats: this.stats,
            scenario: this.stats.scenarios.get(DEFAULT_SCENARIO)!,
            timeoutMs: request.timeoutMs,
            collectors: new Map(),
          }
    // `mix: 'per-user'`: the order repeats after the weights' sum; that many entries (capped) serve every
    // user number.
    this.order = picker === undefined ? assignScenarios(journey.scenarios, MAX_ORDER) : []
  }

  /** Makes the thread's next user: on the scenario its run-wide number gets, or picking per iteration. */
  readonly createUser: UserFactory = (_state, scheduler, onRetired) => {
    const user = this.share.index + this.created++ * this.share.count
    const program =
      this.code !== undefined
        ? new CodeProgram(this.shared, this.code, user)
        : new StepProgram(
            this.shared,
            this.shared.pickScenario === undefined
              ? this.scenarios[this.order[user % this.order.length]!]!
              : undefined,
            user,
          )
    const created = new JourneyUser(this.shared, program, scheduler, onRetired)
    this.users.push(created)
    return created
  }

  /** The run's time is up: no user starts another step, and none waits out its think time. */
  endRun(): void {
    this.shared.stopped = true
    for (const user of this.users) user.endPause()
  }

  start(): void {
    this.stats.start()
  }

  stop(): void {
    this.stats.stop()
  }
}
