import type {
  CustomMetricRecorder,
  CustomMetricType,
  HttpMethod,
  VuCheck,
  VuRequestOptions,
  VuResponse,
} from '../../foundation/types.ts'
import type { MetricsCollector } from '../../metrics/collector.ts'
import type { CodeIteration } from '../../options/journey/resolve.ts'
import { ON_START_RETRY_MS } from '../../options/journey/think.ts'
import { isThenable } from '../../options/validate.ts'
import { describeError } from '../classify-error.ts'
import type { EngineUser, UserScheduler } from '../run-state.ts'
import { backoffMs, isRefused } from '../transports/backoff.ts'
import { type PreparedRequest, prepareRequest, type RequestDefaults, requestName } from './code-request.ts'
import { StepPrepareError } from './compile-step.ts'
import type { ConnectionHandler, JourneyConnection } from './connection.ts'
import { recordCodeFailure, recordCodeResponse } from './journey-record.ts'
import type { JourneyStats, ScenarioStats } from './journey-stats.ts'
import type { JourneyShared } from './journey-user.ts'
import { CodeResponse, Vu, type VuHost } from './virtual-user.ts'

/** What the code users of one thread share beyond the journey's: the code, its request defaults, its stats. */
export interface CodeShared {
  readonly iteration: CodeIteration
  readonly defaults: RequestDefaults
  readonly stats: JourneyStats
  readonly scenario: ScenarioStats
  readonly timeoutMs: number
  /** Each endpoint's collectors (the run's, the endpoint's, the scenario's), made as the code names it. */
  readonly collectors: Map<string, readonly MetricsCollector[]>
}

/** A request of the code, queued on its user until its connection is free (and, closed model, allowed). */
interface QueuedRequest {
  prepared: PreparedRequest
  collectors: readonly MetricsCollector[]
  /** The iteration that sent it: a response to a finished or cut iteration is recorded, not handed back. */
  generation: number
  resolve: (response: VuResponse) => void
}

/** The iteration failed because one of its requests could not be sent: already counted as never sent. */
class NotSentError extends Error {
  override readonly name = 'NotSentError'
}

/** The promise a cut iteration waits on: it never settles, so the code after it never runs. */
function never<T>(): Promise<T> {
  return new Promise<T>(() => {})
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * A virtual user running a code iteration, on one keep-alive connection of the run's journey transport.
 * Closed model: its iterations run back to back, and each request waits for the executor's go-ahead (one
 * `send` is one request, so `requests` counts requests); open model: one `send` is one whole iteration,
 * from its arrival. Once the run's time is up the user sends nothing more: its iteration is cut at its next
 * request or pause, or at once when it is waiting on anything else — an iteration that never settles does
 * not hold the run.
 */
export class CodeUser implements EngineUser, ConnectionHandler, VuHost {
  inFlight = 0
  oldestSentAt = 0
  readonly timeoutMs: number
  private readonly shared: JourneyShared
  private readonly code: CodeShared
  private readonly id: number
  private readonly scheduler: UserScheduler
  private readonly onRetired: (user: EngineUser) => void
  private readonly connection: JourneyConnection
  private readonly vars: Record<string, unknown> = {}
  private readonly queue: QueuedRequest[] = []
  private readonly sleeps = new Set<NodeJS.Timeout>()
  /** The iteration running now; bumped when it ends or is cut, so that its late calls are ignored. */
  private generation = 0
  private running = false
  private onStartDone: boolean
  private iterations = 0
  private iterationStartedAt = 0
  private current: QueuedRequest | undefined
  /** Closed model: the executor let this user send one request. */
  private permit = false
  /** Open model: between a `send` and the onUserIdle that answers it. */
  private busy = false
  private arrivalAt: number | undefined
  private dueAt = 0
  /** A pause before the next iteration (back-off, onStart retry) or before a response is handed back. */
  private timer: NodeJS.Timeout | undefined
  private idleQueued = false
  private retired = false
  private closed = false
  /** Connections refused in a row (reset by a response), and iterations in a row that failed unsent. */
  private refusals = 0
  private unsent = 0

  constructor(
    shared: JourneyShared,
    code: CodeShared,
    id: number,
    scheduler: UserScheduler,
    onRetired: (user: EngineUser) => void,
  ) {
    this.shared = shared
    this.code = code
    this.id = id
    this.timeoutMs = code.timeoutMs
    this.scheduler = scheduler
    this.onRetired = onRetired
    this.onStartDone = code.iteration.onStart === undefined
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
    else if (!this.running && this.timer === undefined) this.begin()
  }

  abort(reason: Error): void {
    if (this.inFlight > 0) this.connection.abort(reason)
    else if (this.shared.state.aborted) this.endPause()
  }

  /** The run's time is up: an iteration not waiting for a response is cut now, a pause ends. */
  endPause(): void {
    if (this.retired || this.closed || this.inFlight > 0) return
    if (this.running || this.timer !== undefined) {
      this.cut()
      this.goIdle()
    }
  }

  retire(): void {
    if (this.retired || this.inFlight > 0) return
    this.retired = true
    this.cut()
    this.onRetired(this)
  }

  close(): void {
    this.closed = true
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
    const latencyMs = now - this.dueAt
    const { collectors } = request
    recordCodeResponse(collectors, request.prepared.expectStatus, status, latencyMs, now - this.oldestSentAt)
    this.answered(request, new CodeResponse(status, rawHeaders, body, undefined, latencyMs, collectors), 0)
  }

  onFailure(error: Error, status: number): void {
    const request = this.current!
    this.current = undefined
    this.inFlight = 0
    const { state } = this.shared
    const latencyMs = state.now() - this.dueAt
    if (!state.aborted) recordCodeFailure(request.collectors, error, status, latencyMs)
    const response = new CodeResponse(status, null, null, describeError(error), latencyMs, request.collectors)
    // After a refused connection the user backs off, as the run's users do: a server that is down is not
    // hit at loop speed. Errors can come back synchronously: handing the response back later keeps the stack flat.
    this.answered(request, response, isRefused(error) ? backoffMs(++this.refusals) : 0, true)
  }

  // --- VuHost ----------------------------------------------------------------------------------------------
  request(
    vu: Vu,
    method: HttpMethod,
    path: string,
    options: VuRequestOptions | undefined,
  ): Promise<VuResponse> {
    if (!this.isLive(vu)) return never()
    if (this.isOver()) {
      this.cut()
      this.goIdle()
      return never()
    }
    let prepared: PreparedRequest
    let collectors: readonly MetricsCollector[] | undefined
    try {
      prepared = prepareRequest(method, path, options, this.code.defaults)
      collectors = this.collectorsOf(prepared, vu.groupPath)
    } catch (error) {
      const message = `${requestName(String(method), path, options)}: ${messageOf(error)}`
      const type = error instanceof StepPrepareError ? error.type : 'step_function'
      const named = this.code.collectors.get(requestName(String(method), path, options))
      for (const collector of named ?? this.runCollectors()) collector.recordNotSent(type, message)
      return Promise.reject(new NotSentError(message))
    }
    return new Promise<VuResponse>((resolve) => {
      this.queue.push({ prepared, collectors, generation: this.generation, resolve })
      this.pump()
    })
  }

  check(vu: Vu, value: unknown, checks: Record<string, VuCheck<never>>): boolean {
    if (!this.isLive(vu)) return false
    const collectors = value instanceof CodeResponse ? value.collectors : this.runCollectors()
    let all = true
    for (const [name, check] of Object.entries(checks)) {
      let passed: boolean
      try {
        // A Promise is never a pass: a check is synchronous.
        const verdict: unknown = (check as VuCheck<unknown>)(value)
        passed = verdict === true || (Boolean(verdict) && !isThenable(verdict))
      } catch {
        passed = false
      }
      for (const collector of collectors) collector.recordCheck(name, passed)
      if (!passed) all = false
    }
    return all
  }

  sleep(vu: Vu, seconds: number): Promise<void> {
    if (!this.isLive(vu)) return never()
    if (this.isOver()) {
      this.cut()
      this.goIdle()
      return never()
    }
    if (typeof seconds !== 'number' || !(seconds >= 0) || seconds === Number.POSITIVE_INFINITY) {
      return Promise.reject(new Error(`vu.sleep(${String(seconds)}): expected seconds, a finite number ≥ 0`))
    }
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.sleeps.delete(timer)
        resolve()
      }, seconds * 1000)
      this.sleeps.add(timer)
    })
  }
  group<T>(vu: Vu, name: string, fn: () => T | Promise<T>): Promise<T> {
    if (!this.isLive(vu)) return never()
    if (typeof name !== 'string' || name === '' || name.includes('::'))
      return Promise.reject(new Error(`vu.group: expected a name without '::', got ${JSON.stringify(name)}`))
    if (typeof fn !== 'function') return Promise.reject(new Error(`vu.group('${name}'): expected a function`))
    const outer = vu.groupPath
    const path = outer === '' ? name : `${outer}::${name}`
    const group = this.code.stats.group(path)
    const startedAt = this.shared.state.now()
    const completed = (): void => {
      vu.groupPath = outer
      if (!this.isLive(vu)) return
      group.count++
      group.durations.recordResponseTime(this.shared.state.now() - startedAt)
    }
    vu.groupPath = path
    let returned: T | Promise<T>
    try {
      returned = fn()
    } catch (error) {
      vu.groupPath = outer
      return Promise.reject(error)
    }
    if (!isThenable(returned)) {
      completed()
      return Promise.resolve(returned)
    }
    return Promise.resolve(returned).then(
      (value) => {
        completed()
        return value
      },
      (error: unknown) => {
        vu.groupPath = outer
        throw error
      },
    )
  }

  metric(name: string, type: CustomMetricType): CustomMetricRecorder {
    return this.code.stats.custom.get(name, type)
  }
  // -------------------------------------------------------------------------------------------------------

  private isOver(): boolean {
    return this.shared.stopped || this.shared.state.aborted || this.closed || this.retired
  }

  private isLive(vu: Vu): boolean {
    return this.running && vu.generation === this.generation && !this.closed && !this.retired
  }

  /** The run's and the scenario's collectors: what a check or a failure of no endpoint is counted in. */
  private runCollectors(): readonly MetricsCollector[] {
    return [this.shared.state.collector, this.code.scenario.collector]
  }

  /** A request's collectors: its endpoint's, and inside a group that group's too. */
  private collectorsOf(prepared: PreparedRequest, groupPath: string): readonly MetricsCollector[] {
    const endpoint = this.endpointCollectorsOf(prepared)
    if (groupPath === '') return endpoint
    const key = `${groupPath}\u0000${prepared.name}`
    const known = this.code.collectors.get(key)
    if (known !== undefined) return known
    const collectors = [...endpoint, this.code.stats.group(groupPath).collector]
    this.code.collectors.set(key, collectors)
    return collectors
  }

  private endpointCollectorsOf(prepared: PreparedRequest): readonly MetricsCollector[] {
    const known = this.code.collectors.get(prepared.name)
    if (known !== undefined) return known
    const endpoint = this.code.stats.endpoint(prepared.name, prepared.method, prepared.path)
    if (endpoint === undefined) {
      throw new StepPrepareError(
        'step_function',
        `more than ${this.code.stats.endpoints.size} endpoints: give requests whose path varies a \`name\``,
      )
    }
    const collectors = [this.shared.state.collector, endpoint.collector, this.code.scenario.collector]
    this.code.collectors.set(prepared.name, collectors)
    return collectors
  }

  /** Starts `onStart` (until it succeeded once) or the next iteration. */
  private begin(): void {
    this.running = true
    const generation = ++this.generation
    const onStart = !this.onStartDone
    if (!onStart) {
      this.iterationStartedAt = this.shared.state.now()
      const row = this.shared.nextRow()
      if (row !== undefined) Object.assign(this.vars, row)
    }
    const iteration = onStart ? this.iterations : this.iterations++
    const vu = new Vu(this, generation, this.id, iteration, this.vars, this.shared.setup)
    const run = onStart ? this.code.iteration.onStart! : this.code.iteration.run
    let returned: unknown
    try {
      returned = run(vu)
    } catch (error) {
      this.settled(generation, onStart, error)
      return
    }
    if (isThenable(returned)) {
      returned.then(
        () => this.settled(generation, onStart, undefined),
        (error: unknown) => this.settled(generation, onStart, error ?? new Error(String(error))),
      )
    } else {
      this.settled(generation, onStart, undefined)
    }
  }

  /** The iteration (or onStart) settled: counts it, then pauses and goes on. `error` undefined: it completed. */
  private settled(generation: number, onStart: boolean, error: unknown): void {
    if (generation !== this.generation || !this.running) return
    this.running = false
    this.generation++
    this.queue.length = 0
    const stats = this.code.scenario
    let pauseMs = 0
    if (error !== undefined && !(error instanceof NotSentError)) {
      const message = `${onStart ? 'onStart' : 'iteration'}: ${messageOf(error)}`
      for (const collector of this.runCollectors()) collector.recordNotSent('step_function', message)
    }
    if (onStart) {
      if (error === undefined) this.onStartDone = true
      else {
        stats.onStartFailures++
        pauseMs = ON_START_RETRY_MS
      }
      // Open model: the arrival goes on with its iteration (or onStart again).
      this.next(pauseMs, false)
      return
    }
    if (error === undefined) {
      stats.iterations++
      stats.iterationTimes.recordResponseTime(this.shared.state.now() - this.iterationStartedAt)
    } else {
      stats.failedIterations++
      // Nothing may have reached the server: without a pause the user would fail again at loop speed. The
      // open model's arrivals pace it already.
      if (!this.shared.iterationPerSend) pauseMs = backoffMs(++this.unsent)
    }
    this.next(pauseMs, this.shared.iterationPerSend)
  }

  /** After an iteration or onStart: idle when the run is over (or the arrival done), else on after a pause. */
  private next(pauseMs: number, arrivalDone: boolean): void {
    if (this.isOver() || arrivalDone) {
      this.goIdle()
      return
    }
    this.timer = setTimeout(this.resume, pauseMs)
  }

  private readonly resume = (): void => {
    this.timer = undefined
    if (this.isOver()) this.goIdle()
    else this.begin()
  }

  /** Sends the next queued request when the connection is free: closed model, once the executor allows it. */
  private pump(): void {
    if (this.current !== undefined || this.queue.length === 0 || this.isOver()) return
    if (this.shared.iterationPerSend || this.permit) this.dispatch()
    // The executor calls send() (allowed) or retire() (no more requests) from here.
    else this.scheduler.onUserIdle(this)
  }

  private dispatch(): void {
    const request = this.queue.shift()!
    const now = this.shared.state.now()
    this.permit = false
    this.current = request
    this.unsent = 0
    this.inFlight = 1
    this.oldestSentAt = now
    this.dueAt = this.arrivalAt ?? now
    this.arrivalAt = undefined
    const { method } = request.prepared
    this.connection.send(request.prepared.wire, true, method === 'HEAD', now)
  }

  /** Hands a response back to its iteration (after `delayMs`), unless the iteration is over or the run is. */
  private answered(request: QueuedRequest, response: CodeResponse, delayMs: number, defer = false): void {
    if (this.isOver()) {
      this.cut()
      this.goIdle()
      return
    }
    if (request.generation !== this.generation) {
      setImmediate(this.pumpLater)
      return
    }
    if (delayMs > 0 || defer) {
      this.timer = setTimeout(() => {
        this.timer = undefined
        if (this.isOver()) this.endPause()
        else this.handBack(request, response)
      }, delayMs)
      return
    }
    this.handBack(request, response)
  }

  private handBack(request: QueuedRequest, response: CodeResponse): void {
    request.resolve(response)
    if (this.queue.length > 0) setImmediate(this.pumpLater)
  }

  private readonly pumpLater = (): void => this.pump()

  /** Ends the iteration where it is: its pending promises never settle, its later calls do nothing. */
  private cut(): void {
    if (this.running) this.generation++
    this.running = false
    this.queue.length = 0
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    for (const timer of this.sleeps) clearTimeout(timer)
    this.sleeps.clear()
  }

  /** Tells the executor this user is free (open model: once per arrival), on a later turn. */
  private goIdle(): void {
    if (this.idleQueued) return
    this.idleQueued = true
    setImmediate(this.becomeIdle)
  }

  private readonly becomeIdle = (): void => {
    this.idleQueued = false
    if (this.closed || this.retired || this.inFlight > 0) return
    if (this.shared.iterationPerSend) {
      if (!this.busy) return
      this.busy = false
    }
    this.scheduler.onUserIdle(this)
  }
}
