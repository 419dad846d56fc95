import { ON_START_RETRY_MS } from '../../options/journey/think.ts'
import type { EngineUser, UserScheduler } from '../run-state.ts'
import { backoffMs, isRefused } from '../transports/backoff.ts'
import type { ConnectionHandler, JourneyConnection } from './connection.ts'
import type { ScenarioStats } from './journey-stats.ts'
import type { JourneyShared, Pace, Program, ProgramHost, ProgramRequest } from './program.ts'

/**
 * A virtual user running a program — a compiled scenario's steps or a code iteration — on one keep-alive
 * connection of the run's journey transport: it sends what the program submits, one request at a time,
 * pauses, counts iterations and begins the next. Closed model: each request waits for the executor's
 * go-ahead (one `send` is one request, so `requests` counts requests); open model: one `send` is one whole
 * iteration, from its arrival. Once the run's time is up the user sends nothing more: its iteration is cut
 * at its next request or pause, or at once when it waits on anything else — a pause never delays the end,
 * and an iteration that never settles does not hold the run.
 */
export class JourneyUser implements EngineUser, ConnectionHandler, ProgramHost {
  inFlight = 0
  /** When the request in flight was sent (the timeout sweep reads it while `inFlight` > 0). */
  oldestSentAt = 0
  /** The timeout of the request in flight. */
  timeoutMs = 0
  readonly shared: JourneyShared
  readonly vars: Record<string, unknown> = {}
  private readonly program: Program
  private readonly scheduler: UserScheduler
  private readonly onRetired: (user: EngineUser) => void
  private readonly connection: JourneyConnection
  private readonly queue: ProgramRequest[] = []
  private current: ProgramRequest | undefined
  /** An iteration (or onStart) is under way: from `begin` to `settle`. */
  private running = false
  /** Closed model: the executor let this user send one request. */
  private permit = false
  /** Open model: between a `send` and the onUserIdle that answers it. */
  private busy = false
  private arrivalAt: number | undefined
  private dueAt = 0
  private timer: NodeJS.Timeout | undefined
  private immediate: NodeJS.Immediate | undefined
  /** The pause under way leads on in the iteration (`Program.resume`), not to the next one. */
  private pauseInIteration = false
  /** Open model: the arrival ends with the pause under way. */
  private arrivalDone = false
  /** A completed iteration whose duration includes the pause under way (a step's think time). */
  private timedStats: ScenarioStats | undefined
  private iterations = 0
  private iterationStartedAt = 0
  private idleQueued = false
  private retired = false
  private closed = false
  /** Connections refused in a row (reset by a response), and failures in a row that sent nothing. */
  private refusals = 0
  private unsent = 0

  constructor(
    shared: JourneyShared,
    program: Program,
    scheduler: UserScheduler,
    onRetired: (user: EngineUser) => void,
  ) {
    this.shared = shared
    this.program = program
    this.scheduler = scheduler
    this.onRetired = onRetired
    program.attach(this)
    this.connection = shared.transport.connect(this, shared.state.now)
  }

  // --- EngineUser --------------------------------------------------------------------------------------
  send(dueAt?: number): void {
    if (this.shared.iterationPerSend) {
      this.busy = true
      this.arrivalAt = dueAt
      if (this.isOver()) this.goIdle()
      else this.begin()
      return
    }
    this.permit = true
    if (this.current === undefined && this.queue.length > 0) this.dispatch()
    else if (!this.running && this.timer === undefined && this.immediate === undefined) this.begin()
  }

  abort(reason: Error): void {
    if (this.inFlight > 0) this.connection.abort(reason)
    else if (this.shared.state.aborted) this.endPause()
  }

  /** The run's time is up: an iteration not waiting for a response is cut now, a pause ends. */
  endPause(): void {
    if (this.retired || this.closed || this.inFlight > 0) return
    if (this.running || this.timer !== undefined || this.immediate !== undefined) this.stopNow()
  }

  retire(): void {
    if (this.retired || this.inFlight > 0) return
    this.retired = true
    this.cut()
    this.onRetired(this)
  }

  close(): void {
    this.closed = true
    // The run's stats are closed by now.
    this.timedStats = undefined
    this.cut()
    this.connection.close()
  }

  // --- ConnectionHandler ---------------------------------------------------------------------------------
  onBytes(count: number): void {
    for (const collector of this.current!.collectors) collector.recordBytes(count)
  }

  onResponse(
    status: number,
    rawHeaders: readonly (string | Buffer)[] | null,
    body: readonly Buffer[] | null,
  ): void {
    const now = this.shared.state.now()
    const request = this.current!
    this.current = undefined
    this.inFlight = 0
    this.refusals = 0
    this.program.onResponse(request, status, rawHeaders, body, now - this.dueAt, now - this.oldestSentAt)
  }

  onFailure(error: Error, status: number): void {
    const request = this.current!
    this.current = undefined
    this.inFlight = 0
    // After a refused connection the user backs off, as the run's users do: a server that is down is not
    // hit at loop speed.
    const backoff = isRefused(error) ? backoffMs(++this.refusals) : 0
    this.program.onFailure(request, error, status, this.shared.state.now() - this.dueAt, backoff)
  }

  // --- ProgramHost ---------------------------------------------------------------------------------------
  isOver(): boolean {
    return this.shared.stopped || this.shared.state.aborted || this.closed || this.retired
  }

  nextIteration(): number {
    return this.iterations
  }

  beginIteration(): number {
    this.iterationStartedAt = this.shared.state.now()
    const row = this.shared.nextRow()
    if (row !== undefined) Object.assign(this.vars, row)
    return this.iterations++
  }

  submit(request: ProgramRequest): void {
    if (this.isOver()) {
      this.stopNow()
      return
    }
    this.queue.push(request)
    this.pump()
  }

  wait(pauseMs: number, pace: Pace): void {
    if (this.isOver()) {
      this.stopNow()
      return
    }
    this.pauseInIteration = true
    this.pause(pauseMs, pace)
  }

  settle(
    onStart: boolean,
    ok: boolean,
    stats: ScenarioStats,
    pauseMs: number,
    pace: Pace,
    timeIncludesPause: boolean,
  ): void {
    this.running = false
    this.queue.length = 0
    let pause = pauseMs
    if (onStart) {
      if (!ok) {
        stats.onStartFailures++
        pause = Math.max(pause, ON_START_RETRY_MS)
      }
      // Open model: the arrival goes on with its iteration (or onStart again).
      this.arrivalDone = false
    } else {
      if (!ok) stats.failedIterations++
      else {
        stats.iterations++
        if (timeIncludesPause) this.timedStats = stats
        else stats.iterationTimes.recordResponseTime(this.shared.state.now() - this.iterationStartedAt)
      }
      this.arrivalDone = this.shared.iterationPerSend
    }
    if (this.isOver()) {
      this.stopNow()
      return
    }
    this.pauseInIteration = false
    this.pause(pause, pace)
  }

  unsentBackoffMs(): number {
    // The open model's arrivals pace it already.
    return this.shared.iterationPerSend ? 0 : backoffMs(++this.unsent)
  }

  stopNow(): void {
    this.cut()
    this.goIdle()
  }

  pumpSoon(): void {
    if (this.queue.length > 0) setImmediate(this.pumpLater)
  }
  // -------------------------------------------------------------------------------------------------------

  private begin(): void {
    this.running = true
    this.program.begin()
  }

  /** Sends the next queued request when the connection is free: closed model, once the executor allows it. */
  private pump(): void {
    if (this.current !== undefined || this.queue.length === 0 || this.isOver()) return
    if (this.shared.iterationPerSend || this.permit) this.dispatch()
    // The executor calls send() (allowed) or retire() (no more requests) from here.
    else this.scheduler.onUserIdle(this)
  }

  private readonly pumpLater = (): void => this.pump()

  private dispatch(): void {
    const request = this.queue.shift()!
    this.permit = false
    let wire = request.wire
    if (wire === undefined) {
      // Built as it goes out: one that cannot be was recorded as never sent, and its program went on.
      wire = this.program.build(request)
      if (wire === undefined) return
    }
    const now = this.shared.state.now()
    this.current = request
    this.unsent = 0
    this.inFlight = 1
    this.oldestSentAt = now
    this.dueAt = this.arrivalAt ?? now
    this.arrivalAt = undefined
    this.timeoutMs = request.timeoutMs
    this.connection.send(wire, request.keep, request.head, now)
  }

  /** Pauses `pauseMs`; a zero pause goes on now or on a later turn, as `pace` says. */
  private pause(pauseMs: number, pace: Pace): void {
    if (pauseMs > 0 || pace === 'timer') this.timer = setTimeout(this.afterPause, pauseMs)
    else if (pace === 'immediate') this.immediate = setImmediate(this.afterPause)
    else this.afterPause()
  }

  private readonly afterPause = (): void => {
    this.timer = undefined
    this.immediate = undefined
    if (this.closed) return
    this.recordTimed()
    if (this.isOver()) this.stopNow()
    else if (this.pauseInIteration) this.program.resume()
    else if (this.arrivalDone) this.becomeIdle()
    else this.begin()
  }

  /** A completed iteration whose pause ended (or was cut): its duration, the pause included. */
  private recordTimed(): void {
    const stats = this.timedStats
    if (stats === undefined) return
    this.timedStats = undefined
    stats.iterationTimes.recordResponseTime(this.shared.state.now() - this.iterationStartedAt)
  }

  /** Ends the iteration where it is: its program's pending waits never end, its pause neither. */
  private cut(): void {
    if (this.running) {
      this.running = false
      this.program.cut()
    }
    this.queue.length = 0
    if (this.timer !== undefined) clearTimeout(this.timer)
    if (this.immediate !== undefined) clearImmediate(this.immediate)
    this.timer = undefined
    this.immediate = undefined
    this.recordTimed()
  }

  /** Tells the executor this user is free (open model: once per arrival), on a later turn. */
  private goIdle(): void {
    if (this.idleQueued) return
    this.idleQueued = true
    setImmediate(this.becomeIdleLater)
  }

  private readonly becomeIdleLater = (): void => {
    this.idleQueued = false
    this.becomeIdle()
  }

  private becomeIdle(): void {
    if (this.closed || this.retired || this.inFlight > 0) return
    if (this.shared.iterationPerSend) {
      if (!this.busy) return
      this.busy = false
    }
    this.scheduler.onUserIdle(this)
  }
}
