import type { JourneyContext } from '../../foundation/types.ts'
import { drawThinkMs, ON_START_RETRY_MS, type ThinkRange } from '../../options/journey/think.ts'
import type { EngineUser, RunState, UserScheduler } from '../run-state.ts'
import { backoffMs, isRefused } from '../transports/backoff.ts'
import { buildDynamicRequest, type CompiledStep, StepPrepareError } from './compile-step.ts'
import type { ConnectionHandler, JourneyConnection, JourneyTransport } from './connection.ts'
import { recordStepFailure, recordStepNotSent, recordStepResponse } from './journey-record.ts'
import type { ScenarioStats } from './journey-stats.ts'

/** A scenario compiled for one run. */
export interface CompiledScenario {
  name: string
  /** Which `onStart` it runs (ResolvedScenario.onStartSlot): scenarios of one slot share it. */
  onStartSlot: number
  onStart: CompiledStep[]
  steps: CompiledStep[]
  think: ThinkRange
  stats: ScenarioStats
}

/** What the journey users of one thread share. */
export interface JourneyShared {
  readonly state: RunState
  readonly base: URL
  readonly transport: JourneyTransport
  readonly setup: unknown
  /** The open model: one `send` is one iteration (an arrival); closed: one `send` is one step. */
  readonly iterationPerSend: boolean
  /** Set when the run's time is up: users stop at the next step. */
  stopped: boolean
  /** `mix: 'per-iteration'`: the scenario of a user's next iteration. Undefined: a user keeps its own. */
  readonly pickScenario: (() => CompiledScenario) | undefined
  /** How many `onStart` slots the journey has (the run's, and each scenario's own). */
  readonly onStartSlots: number
  /** The next data row of this thread, or undefined without `data`. */
  nextRow(): Record<string, unknown> | undefined
}

/**
 * A virtual user running a journey: each iteration runs its scenario's steps in order, on one keep-alive
 * connection of the run's transport, after that scenario's `onStart` the first time (again after a
 * failure). The scenario is the user's own (`mix: 'per-user'`) or picked for each iteration. Closed model:
 * each `send` is the next step; open model: each `send` is one whole iteration. A failed step ends the
 * iteration; one that failed before it was sent (closed model) is followed by a back-off.
 */
export class JourneyUser implements EngineUser, ConnectionHandler {
  inFlight = 0
  /** When the request in flight was sent (the timeout sweep reads it while `inFlight` > 0). */
  oldestSentAt = 0
  /** The timeout of the step in flight. */
  timeoutMs = 0
  readonly ctx: JourneyContext
  private readonly shared: JourneyShared
  /** The scenario of the current (or next) iteration. */
  private scenario: CompiledScenario
  /** `scenario` is chosen for the iteration to come (always, with a scenario of the user's own). */
  private picked = true
  /** Which `onStart` slots this user completed. */
  private readonly startedSlots: boolean[]
  private readonly scheduler: UserScheduler
  private readonly onRetired: (user: EngineUser) => void
  private readonly connection: JourneyConnection
  private retired = false
  private closed = false
  private onStartDone: boolean
  private stepIndex = 0
  private inIteration = false
  private iterationDone = false
  private iterationStartedAt = 0
  private iterations = 0
  private step: CompiledStep | null = null
  private dueAt = 0
  /** A think pause (or a deferred continuation) is pending. */
  private waiting = false
  private timer: NodeJS.Timeout | undefined
  /** The open model's arrival time, for the first step of its iteration. */
  private arrivalAt: number | undefined
  /** Connections refused in a row: the user backs off before its next step (reset by a response). */
  private refusals = 0
  /** Steps in a row that failed before they were sent: the user backs off (reset by a request sent). */
  private unsent = 0

  constructor(
    shared: JourneyShared,
    /** The user's own scenario; undefined: each iteration picks one (`shared.pickScenario`). */
    scenario: CompiledScenario | undefined,
    user: number,
    scheduler: UserScheduler,
    onRetired: (user: EngineUser) => void,
  ) {
    this.shared = shared
    // Made as its first iteration is due: users made together pick in turn.
    this.scenario = scenario ?? shared.pickScenario!()
    this.scheduler = scheduler
    this.onRetired = onRetired
    this.startedSlots = new Array<boolean>(shared.onStartSlots).fill(false)
    this.onStartDone = this.scenario.onStart.length === 0
    this.ctx = { user, iteration: 0, vars: {}, setup: shared.setup }
    this.connection = shared.transport.connect(this, shared.state.now)
  }

  send(dueAt?: number): void {
    this.arrivalAt = dueAt
    this.sendNext()
  }

  abort(reason: Error): void {
    if (this.inFlight > 0) this.connection.abort(reason)
    else if (this.shared.state.aborted) this.endPause()
  }

  /** The run is over: a think pause ends now, so the user can leave without waiting it out. */
  endPause(): void {
    if (this.timer === undefined) return
    clearTimeout(this.timer)
    this.timer = undefined
    setImmediate(this.resume)
  }

  retire(): void {
    if (this.retired || this.inFlight > 0 || this.waiting) return
    this.retired = true
    this.onRetired(this)
  }

  close(): void {
    this.closed = true
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    this.connection.close()
  }

  // --- ConnectionHandler ------------------------------------------------------------------------------
  onBytes(count: number): void {
    for (const collector of this.step!.collectors) collector.recordBytes(count)
  }

  onResponse(
    status: number,
    rawHeaders: readonly (string | Buffer)[] | null,
    body: readonly Buffer[] | null,
  ): void {
    const now = this.shared.state.now()
    this.inFlight = 0
    this.refusals = 0
    this.unsent = 0
    const step = this.step!
    const ok = recordStepResponse(
      step,
      this.ctx,
      status,
      now - this.dueAt,
      now - this.oldestSentAt,
      rawHeaders,
      body,
    )
    this.stepEnded(ok, false)
  }

  onFailure(error: Error, status: number): void {
    this.inFlight = 0
    this.unsent = 0
    const { state } = this.shared
    if (!state.aborted) recordStepFailure(this.step!, error, status, state.now() - this.dueAt)
    // Errors can come back synchronously: deferring the next step keeps the stack flat. After a refused
    // connection the user backs off, as the run's users do: a server that is down is not hit at loop speed.
    this.stepEnded(false, true, isRefused(error) ? backoffMs(++this.refusals) : 0)
  }
  // -------------------------------------------------------------------------------------------------------

  private sendNext(): void {
    const { state } = this.shared
    const now = state.now()
    if (!this.picked) this.pickScenario()
    let step: CompiledStep
    if (!this.onStartDone) step = this.scenario.onStart[this.stepIndex]!
    else {
      if (!this.inIteration) this.beginIteration(now)
      step = this.scenario.steps[this.stepIndex]!
    }
    this.step = step
    let request = step.staticRequest
    if (request === undefined) {
      try {
        request = buildDynamicRequest(step, this.ctx, this.shared.base, this.shared.transport)
      } catch (error) {
        const reason = error instanceof StepPrepareError ? error.type : 'template'
        recordStepNotSent(step, reason, `${step.name}: ${(error as Error).message}`)
        // Nothing reached the server: without a pause the user would fail again at loop speed. The open
        // model's arrivals pace it already.
        this.stepEnded(false, true, this.shared.iterationPerSend ? 0 : backoffMs(++this.unsent))
        return
      }
    }
    this.inFlight = 1
    this.oldestSentAt = now
    this.dueAt = this.arrivalAt ?? now
    this.arrivalAt = undefined
    this.timeoutMs = step.timeoutMs
    this.connection.send(request, step.keep, step.head, now)
  }

  /** `mix: 'per-iteration'`: the next iteration's scenario, and whether this user has run its `onStart`. */
  private pickScenario(): void {
    const scenario = this.shared.pickScenario!()
    this.scenario = scenario
    this.picked = true
    this.onStartDone = scenario.onStart.length === 0 || this.startedSlots[scenario.onStartSlot] === true
  }

  private beginIteration(now: number): void {
    this.inIteration = true
    this.iterationStartedAt = now
    this.ctx.iteration = this.iterations++
    const row = this.shared.nextRow()
    if (row !== undefined) Object.assign(this.ctx.vars, row)
  }

  /** Accounts for the step that ended, then pauses (think time) and goes on. */
  private stepEnded(ok: boolean, defer: boolean, backoff = 0): void {
    const { scenario } = this
    let pauseMs = Math.max(
      backoff,
      drawThinkMs(scenario.think, scenario.think.maxMs === 0 ? 0 : Math.random()),
    )
    if (this.shared.state.aborted) {
      pauseMs = 0
    } else if (!this.onStartDone) {
      if (ok && ++this.stepIndex === scenario.onStart.length) {
        this.onStartDone = true
        this.startedSlots[scenario.onStartSlot] = true
        this.stepIndex = 0
      } else if (!ok) {
        scenario.stats.onStartFailures++
        this.stepIndex = 0
        pauseMs = Math.max(pauseMs, ON_START_RETRY_MS)
      }
    } else if (!ok) {
      scenario.stats.failedIterations++
      this.inIteration = false
      this.stepIndex = 0
      this.iterationDone = true
      this.picked = this.shared.pickScenario === undefined
    } else if (++this.stepIndex === scenario.steps.length) {
      // Completed; its duration includes the last pause, so it is recorded when that ends.
      scenario.stats.iterations++
      this.stepIndex = 0
      this.iterationDone = true
      this.picked = this.shared.pickScenario === undefined
    }
    if (pauseMs > 0 || defer) {
      this.waiting = true
      this.timer = pauseMs > 0 ? setTimeout(this.resume, pauseMs) : undefined
      if (pauseMs === 0) setImmediate(this.resume)
    } else {
      this.goOn()
    }
  }

  private readonly resume = (): void => {
    this.timer = undefined
    this.waiting = false
    if (!this.closed) this.goOn()
  }

  private goOn(): void {
    let iterationEnded = false
    if (this.iterationDone) {
      iterationEnded = true
      this.iterationDone = false
      if (this.inIteration) {
        this.inIteration = false
        this.scenario.stats.iterationTimes.recordResponseTime(
          this.shared.state.now() - this.iterationStartedAt,
        )
      }
    }
    if (!this.shared.iterationPerSend || iterationEnded || this.shared.stopped || this.shared.state.aborted) {
      this.scheduler.onUserIdle(this)
    } else {
      this.sendNext()
    }
  }
}
