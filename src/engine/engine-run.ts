import { MetricsCollector, type MetricsCollectorOptions } from '../metrics/collector.ts'
import type { ResolvedJourney } from '../options/journey/resolve.ts'
import type { NativeOptions } from '../options/native.ts'
import type { ResolvedRequest } from '../options/request.ts'
import { RequestTimeoutError } from './classify-error.ts'
import { ClosedModelExecutor } from './closed-model.ts'
import type { EngineRunOptions } from './engine-options.ts'
import type { JourneyTransportFactory } from './journey/connection.ts'
import { JourneyRun, shortestTimeoutMs } from './journey/journey-run.ts'
import { OpenModelExecutor } from './open-model.ts'
import { planRun, type RunPlan } from './run-phases.ts'
import { type RunShare, type RunState, type UserFactory, WHOLE_RUN } from './run-state.ts'
import { loadTransport } from './transports/index.ts'

/** A run's transport, loaded before the run is built: its users' factory, or a journey and its transport. */
type LoadedTransport =
  | { createUser: UserFactory }
  | { journey: ResolvedJourney; journeyTransport: JourneyTransportFactory }

// The request's values are copied here once: the hot path reads them off the state, not the sections.
function buildState(
  request: ResolvedRequest,
  native: NativeOptions,
  collector: MetricsCollector,
  createUser: UserFactory,
): RunState & { createUser: UserFactory } {
  return {
    collector,
    pipelining: native.pipelining,
    headRequests: request.method === 'HEAD',
    timeoutMs: request.timeoutMs,
    expectStatus: request.expectStatus,
    check: request.check,
    now: performance.now.bind(performance),
    createUser,
    aborted: false,
  }
}

const noUsers: UserFactory = () => {
  throw new Error('a journey run makes its users through its journey')
}

/** A journey run's part of the engine: what `setup` returned, and whether this is a worker thread. */
export interface JourneyEngineOptions {
  setup: unknown
  inWorker: boolean
}

/**
 * The engine in one thread: the users of a run (or of a worker's share of it), their collector, one timeout
 * sweep for all of them and the duration timer.
 */
export class EngineRun {
  readonly collector: MetricsCollector
  /** Journey runs: the steps, users and per-endpoint collectors. */
  readonly journey: JourneyRun | undefined
  readonly executor: ClosedModelExecutor | OpenModelExecutor
  readonly plan: RunPlan
  private readonly state: RunState
  private readonly options: EngineRunOptions

  /** Loads the run's transport (undici only when the run asks for it), then builds the run. */
  static async create(
    options: EngineRunOptions,
    share: RunShare = WHOLE_RUN,
    collectorOptions: Pick<MetricsCollectorOptions, 'onInterval'> = {},
    journeyOptions: JourneyEngineOptions = { setup: undefined, inWorker: false },
  ): Promise<EngineRun> {
    const { journey, request, native } = options
    const { users, journeys } = await loadTransport(native.transport)
    const transport: LoadedTransport =
      journey === undefined ? { createUser: users(request, native) } : { journey, journeyTransport: journeys }
    return new EngineRun(options, transport, share, collectorOptions, journeyOptions)
  }

  private constructor(
    options: EngineRunOptions,
    transport: LoadedTransport,
    share: RunShare,
    collectorOptions: Pick<MetricsCollectorOptions, 'onInterval'>,
    journeyOptions: JourneyEngineOptions,
  ) {
    const { request, shape, native } = options
    const openModel = shape.model === 'open'
    this.options = options
    this.plan = planRun(shape)
    this.collector = new MetricsCollector({
      ...collectorOptions,
      serviceTimes: openModel,
      lateness: openModel,
      phases: this.plan.phases,
      ...(this.plan.runMs === undefined ? {} : { plannedMs: this.plan.runMs }),
    })
    if ('journey' in transport) {
      const { setup, inWorker } = journeyOptions
      // The journey's users are made by the journey; the state's factory is set once that exists.
      const state = buildState(request, native, this.collector, noUsers)
      this.journey = new JourneyRun(
        transport.journey,
        options,
        state,
        share,
        setup,
        inWorker,
        transport.journeyTransport,
      )
      state.createUser = this.journey.createUser
      this.state = state
    } else {
      this.journey = undefined
      this.state = buildState(request, native, this.collector, transport.createUser)
    }
    this.executor =
      shape.model === 'open'
        ? new OpenModelExecutor(this.state, shape, share)
        : new ClosedModelExecutor(this.state, shape, share)
  }

  get aborted(): boolean {
    return this.state.aborted
  }

  /** Runs until the duration ends, the requests have been sent, or abort(); then closes every connection. */
  async run(): Promise<void> {
    const { journey } = this.options
    const { timeoutMs } = this.options.request
    const { executor, state } = this
    const durationMs = this.plan.runMs
    // A code iteration's requests have the run's timeout.
    const shortestMs =
      journey === undefined || journey.iteration !== undefined ? timeoutMs : shortestTimeoutMs(journey)
    // One sweep for all users instead of a timer per request; a journey user has its step's timeout.
    const sweep = setInterval(
      () => {
        const now = state.now()
        for (const user of executor.users) {
          const limitMs = user.timeoutMs ?? timeoutMs
          if (user.inFlight > 0 && now - user.oldestSentAt > limitMs) {
            user.abort(new RequestTimeoutError(limitMs))
          }
        }
      },
      Math.min(250, Math.max(10, shortestMs / 10)),
    )
    const durationTimer =
      durationMs === undefined ? undefined : setTimeout(() => this.stopAtTheEnd(), durationMs)
    this.collector.start()
    this.journey?.start()
    try {
      executor.start()
      await executor.done
    } finally {
      this.collector.stop()
      this.journey?.stop()
      clearInterval(sweep)
      if (durationTimer !== undefined) clearTimeout(durationTimer)
      for (const user of executor.users) user.close()
    }
  }

  /** The duration is over: no new requests (journey users stop at their next step). */
  private stopAtTheEnd(): void {
    this.journey?.endRun()
    this.executor.stop()
  }

  /** Stops at once: requests in flight are cut and not recorded. Before run(), run() then sends nothing. */
  abort(): void {
    if (this.state.aborted) return
    this.state.aborted = true
    this.journey?.endRun()
    this.executor.stop()
    const reason = new Error('load test aborted')
    for (const user of this.executor.users) user.abort(reason)
  }
}
