import type { MetricsCollector } from '../../metrics/collector.ts'
import type { RunState } from '../run-state.ts'
import type { CompiledScenario } from './compile-step.ts'
import type { JourneyTransport } from './connection.ts'
import type { ScenarioStats } from './journey-stats.ts'

/** What the journey users of one thread share. */
export interface JourneyShared {
  readonly state: RunState
  readonly base: URL
  readonly transport: JourneyTransport
  readonly setup: unknown
  /** The open model: one `send` is one iteration (an arrival); closed: one `send` is one request. */
  readonly iterationPerSend: boolean
  /** Set when the run's time is up: users stop at their next request or pause. */
  stopped: boolean
  /** `mix: 'per-iteration'`: the scenario of a user's next iteration. Undefined: a user keeps its own. */
  readonly pickScenario: (() => CompiledScenario) | undefined
  /** How many `onStart` slots the journey has (the run's, and each scenario's own). */
  readonly onStartSlots: number
  /** The next data row of this thread, or undefined without `data`. */
  nextRow(): Record<string, unknown> | undefined
}

/** One request of a program, as its user queues and sends it. */
export interface ProgramRequest {
  /** The transport's request; undefined: the program builds it as it goes out (`Program.build`). */
  readonly wire: unknown
  /** Headers and body are kept for the program. */
  readonly keep: boolean
  readonly head: boolean
  readonly timeoutMs: number
  /** Where it is recorded: the run's collector, its endpoint's, its scenario's (and its group's). */
  readonly collectors: readonly MetricsCollector[]
}

/** How a user goes on after a zero pause: now, on the next turn of the loop, or on a timer. */
export type Pace = 'now' | 'immediate' | 'timer'

/** What a program asks of the user that runs it: the user sends, pauses, counts and cuts; the program decides. */
export interface ProgramHost {
  readonly shared: JourneyShared
  /** The user's vars: captures, data rows, `vu.vars`. */
  readonly vars: Record<string, unknown>
  /** The run's time is up, or the user left: nothing more is sent. */
  isOver(): boolean
  /** The number of the iteration to come. */
  nextIteration(): number
  /** An iteration (not onStart) begins: takes the next data row; returns its 0-based number. */
  beginIteration(): number
  /** Queues a request: sent when the connection is free and, closed model, the executor allows it. */
  submit(request: ProgramRequest): void
  /** Pauses, then calls `Program.resume` (the iteration goes on). */
  wait(pauseMs: number, pace: Pace): void
  /**
   * The iteration (or onStart) ended. The user counts it in `stats`, pauses (`onStart` that failed: at least
   * the retry pause), then begins the next one. `timeIncludesPause`: its duration is taken when the pause ends.
   */
  settle(
    onStart: boolean,
    ok: boolean,
    stats: ScenarioStats,
    pauseMs: number,
    pace: Pace,
    timeIncludesPause: boolean,
  ): void
  /** The back-off after something that never reached the server (0 in the open model: arrivals pace it). */
  unsentBackoffMs(): number
  /** The run's time is up: ends the iteration where it is and tells the executor. */
  stopNow(): void
  /** Sends the next queued request, if any, on a later turn (after the code's own reactions ran). */
  pumpSoon(): void
}

/**
 * What a journey user runs, one per user: a compiled scenario's steps (`StepProgram`, a state machine) or a
 * code iteration (`CodeProgram`). The user calls `begin`, sends what the program submits and hands each
 * answer back; the program records it and submits, waits or settles.
 */
export interface Program<Request extends ProgramRequest = ProgramRequest> {
  attach(host: ProgramHost): void
  /** Begins the next iteration, or the user's onStart. */
  begin(): void
  /** A pause asked by `wait` ended. */
  resume(): void
  /** Builds a request whose `wire` is undefined as it goes out; undefined when it cannot (recorded, settled). */
  build(request: Request): unknown
  onResponse(
    request: Request,
    status: number,
    rawHeaders: readonly (string | Buffer)[] | null,
    body: readonly Buffer[] | null,
    latencyMs: number,
    serviceMs: number,
  ): void
  /** The request ended with an error; `backoffMs` is the pause the user owes (a refused connection). */
  onFailure(request: Request, error: Error, status: number, latencyMs: number, backoffMs: number): void
  /** The iteration ends where it is: what it waits on never comes. */
  cut(): void
}
