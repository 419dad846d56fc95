import { MetricsCollector, type MetricsCollectorOptions } from '../metrics/collector.ts'
import type { ResolvedLoadOptions } from '../options.ts'
import { RequestTimeoutError } from './classify-error.ts'
import { ClosedModelExecutor } from './closed-model.ts'
import { JourneyRun, shortestTimeoutMs } from './journey/journey-run.ts'
import { isOpenModel, OpenModelExecutor } from './open-model.ts'
import { planRun, type RunPlan } from './run-phases.ts'
import { type RunShare, type RunState, type UserFactory, WHOLE_RUN } from './run-state.ts'
import { userFactoryFor } from './transports/index.ts'

function buildState(
  options: ResolvedLoadOptions,
  collector: MetricsCollector,
): RunState & { createUser: UserFactory } {
  return {
    collector,
    pipelining: options.pipelining,
    headRequests: options.method === 'HEAD',
    timeoutMs: options.timeoutMs,
    expectStatus: options.expectStatus,
    check: options.check,
    now: performance.now.bind(performance),
    createUser: userFactoryFor(options),
    aborted: false,
  }
}

/**
 * The engine in one thread: the users of a run (or of a worker's share of it), their collector, one timeout
 * sweep for all of them and the duration timer.
 */
/** A journey run's part of the engine: what `setup` returned, and whether this is a worker thread. */
export interface JourneyEngineOptions {
  setup: unknown
  inWorker: boolean
}

export class EngineRun {
  readonly collector: MetricsCollector
  /** Journey runs: the steps, users and per-endpoint collectors. */
  readonly journey: JourneyRun | undefined
  readonly executor: ClosedModelExecutor | OpenModelExecutor
  readonly plan: RunPlan
  private readonly state: RunState
  private readonly options: ResolvedLoadOptions

  constructor(
    options: ResolvedLoadOptions,
    share: RunShare = WHOLE_RUN,
    collectorOptions: Pick<MetricsCollectorOptions, 'onInterval'> = {},
    journeyOptions: JourneyEngineOptions = { setup: undefined, inWorker: false },
  ) {
    const openModel = isOpenModel(options)
    this.options = options
    this.plan = planRun(options)
    this.collector = new MetricsCollector({
      ...collectorOptions,
      serviceTimes: openModel,
      lateness: openModel,
      phases: this.plan.phases,
      ...(this.plan.runMs === undefined ? {} : { plannedMs: this.plan.runMs }),
    })
    const state = buildState(options, this.collector)
    if (options.journey !== undefined) {
      this.journey = new JourneyRun(options, state, share, journeyOptions.setup, journeyOptions.inWorker)
      state.createUser = this.journey.createUser
    }
    this.state = state
    this.executor = openModel
      ? new OpenModelExecutor(this.state, options, share)
      : new ClosedModelExecutor(this.state, options, share)
  }

  get aborted(): boolean {
    return this.state.aborted
  }

  /** Runs until the duration ends, the requests have been sent, or abort(); then closes every connection. */
  async run(): Promise<void> {
    const { timeoutMs, journey } = this.options
    const { executor, state } = this
    const durationMs = this.plan.runMs
    const shortestMs = journey === undefined ? timeoutMs : shortestTimeoutMs(journey)
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
