import type { JourneyContext } from '../../foundation/types.ts'
import { drawThinkMs } from '../../options/journey/think.ts'
import {
  buildDynamicRequest,
  type CompiledScenario,
  type CompiledStep,
  StepPrepareError,
} from './compile-step.ts'
import { recordFailure, recordNotSent, recordResponse } from './journey-record.ts'
import type { JourneyShared, Pace, Program, ProgramHost } from './program.ts'

/**
 * A declarative scenario as the program a user runs: a small state machine over its steps (no closure or
 * promise per request). Each iteration runs its scenario's steps in order, after that scenario's `onStart`
 * the first time (again after a failure); a think pause follows every step. The scenario is the user's own
 * (`mix: 'per-user'`) or picked for each iteration. A failed step ends the iteration.
 */
export class StepProgram implements Program<CompiledStep> {
  private host!: ProgramHost
  private ctx!: JourneyContext
  private readonly shared: JourneyShared
  private readonly user: number
  /** The scenario of the current (or next) iteration. */
  private scenario: CompiledScenario
  /** `scenario` is chosen for the iteration to come (always, with a scenario of the user's own). */
  private picked = true
  /** Which `onStart` slots this user completed. */
  private readonly startedSlots: boolean[]
  private onStartDone: boolean
  /** The run under way is the scenario's `onStart`. */
  private inOnStart = false
  private stepIndex = 0

  constructor(
    shared: JourneyShared,
    /** The user's own scenario; undefined: each iteration picks one (`shared.pickScenario`). */
    scenario: CompiledScenario | undefined,
    user: number,
  ) {
    this.shared = shared
    this.user = user
    // Made as its first iteration is due: users made together pick in turn.
    this.scenario = scenario ?? shared.pickScenario!()
    this.startedSlots = new Array<boolean>(shared.onStartSlots).fill(false)
    this.onStartDone = this.scenario.onStart.length === 0
  }

  attach(host: ProgramHost): void {
    this.host = host
    this.ctx = { user: this.user, iteration: 0, vars: host.vars, setup: this.shared.setup }
  }

  begin(): void {
    if (!this.picked) this.pick()
    this.stepIndex = 0
    this.inOnStart = !this.onStartDone
    if (!this.inOnStart) this.ctx.iteration = this.host.beginIteration()
    this.resume()
  }

  /** Submits the step at `stepIndex`. */
  resume(): void {
    const { scenario } = this
    this.host.submit((this.inOnStart ? scenario.onStart : scenario.steps)[this.stepIndex]!)
  }

  build(step: CompiledStep): unknown {
    try {
      return buildDynamicRequest(step, this.ctx, this.shared.base, this.shared.transport)
    } catch (error) {
      const reason = error instanceof StepPrepareError ? error.type : 'template'
      recordNotSent(step.collectors, reason, `${step.name}: ${(error as Error).message}`)
      // Nothing reached the server: without a pause the user would fail again at loop speed.
      this.stepEnded(false, this.host.unsentBackoffMs(), 'immediate')
      return undefined
    }
  }

  onResponse(
    step: CompiledStep,
    status: number,
    rawHeaders: readonly (string | Buffer)[] | null,
    body: readonly Buffer[] | null,
    latencyMs: number,
    serviceMs: number,
  ): void {
    const ok = recordResponse(step, this.ctx, status, latencyMs, serviceMs, rawHeaders, body)
    this.stepEnded(ok, 0, 'now')
  }

  onFailure(step: CompiledStep, error: Error, status: number, latencyMs: number, backoffMs: number): void {
    if (!this.shared.state.aborted) recordFailure(step, error, status, latencyMs)
    // Errors can come back synchronously: going on later keeps the stack flat.
    this.stepEnded(false, backoffMs, 'immediate')
  }

  cut(): void {
    this.stepIndex = 0
  }

  /** `mix: 'per-iteration'`: the next iteration's scenario, and whether this user has run its `onStart`. */
  private pick(): void {
    const scenario = this.shared.pickScenario!()
    this.scenario = scenario
    this.picked = true
    this.onStartDone = scenario.onStart.length === 0 || this.startedSlots[scenario.onStartSlot] === true
  }

  /** The step ended: the iteration (or onStart) goes on after the think time, or settles. */
  private stepEnded(ok: boolean, backoffMs: number, pace: Pace): void {
    const { scenario, host } = this
    if (this.shared.state.aborted) {
      // Nothing of an aborted run is counted.
      host.stopNow()
      return
    }
    const pauseMs = Math.max(
      backoffMs,
      drawThinkMs(scenario.think, scenario.think.maxMs === 0 ? 0 : Math.random()),
    )
    if (this.inOnStart) {
      if (ok && ++this.stepIndex < scenario.onStart.length) {
        host.wait(pauseMs, pace)
        return
      }
      if (ok) {
        this.onStartDone = true
        this.startedSlots[scenario.onStartSlot] = true
      }
      host.settle(true, ok, scenario.stats, pauseMs, pace, false)
      return
    }
    if (ok && ++this.stepIndex < scenario.steps.length) {
      host.wait(pauseMs, pace)
      return
    }
    this.picked = this.shared.pickScenario === undefined
    // A completed iteration's duration includes its last pause.
    host.settle(false, ok, scenario.stats, pauseMs, pace, ok)
  }
}
