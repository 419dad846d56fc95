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
import { isThenable } from '../../options/validate.ts'
import { describeError } from '../classify-error.ts'
import { type PreparedRequest, prepareRequest, type RequestDefaults, requestName } from './code-request.ts'
import { StepPrepareError } from './compile-step.ts'
import { recordFailure, recordNotSent, recordResponse } from './journey-record.ts'
import type { JourneyStats, ScenarioStats } from './journey-stats.ts'
import type { JourneyShared, Program, ProgramHost, ProgramRequest } from './program.ts'
import { CodeResponse, Vu, type VuHost } from './virtual-user.ts'
import type { WireCache } from './wire-cache.ts'

/** What the code users of one thread share beyond the journey's: the code, its request defaults, its stats. */
export interface CodeShared {
  readonly iteration: CodeIteration
  readonly defaults: RequestDefaults
  /** The built requests without a body, shared by the thread's users. */
  readonly wires: WireCache
  readonly stats: JourneyStats
  readonly scenario: ScenarioStats
  readonly timeoutMs: number
  /** Each endpoint's collectors (the run's, the endpoint's, the scenario's), made as the code names it. */
  readonly collectors: Map<string, readonly MetricsCollector[]>
}

/** A request of the code, queued on its user until its connection is free (and, closed model, allowed). */
interface QueuedRequest extends ProgramRequest {
  readonly expectStatus: ReadonlySet<number> | null
  /** The iteration that sent it: a response to a finished or cut iteration is recorded, not handed back. */
  readonly generation: number
  readonly resolve: (response: VuResponse) => void
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
 * A code iteration as the program a user runs: `iteration.run(vu)` (after `onStart(vu)` until it succeeded
 * once), its requests queued on the user. A cut iteration's pending promises never settle, and its later
 * calls do nothing.
 */
export class CodeProgram implements Program<QueuedRequest>, VuHost {
  private host!: ProgramHost
  private readonly shared: JourneyShared
  private readonly code: CodeShared
  private readonly id: number
  private readonly sleeps = new Set<NodeJS.Timeout>()
  /** The iteration running now; bumped when it ends or is cut, so that its late calls are ignored. */
  private generation = 0
  private running = false
  /** The iteration running now was handed a response: it waited on the wire, so the next may begin at once. */
  private wasAnswered = false
  private onStartDone: boolean
  /** A response handed back after a pause (`ProgramHost.wait`). */
  private pending: { request: QueuedRequest; response: CodeResponse } | undefined

  constructor(shared: JourneyShared, code: CodeShared, id: number) {
    this.shared = shared
    this.code = code
    this.id = id
    this.onStartDone = code.iteration.onStart === undefined
  }

  attach(host: ProgramHost): void {
    this.host = host
  }

  // --- Program -------------------------------------------------------------------------------------------
  begin(): void {
    this.running = true
    this.wasAnswered = false
    const generation = ++this.generation
    const onStart = !this.onStartDone
    // onStart runs as the iteration to come, without taking its data row.
    const iteration = onStart ? this.host.nextIteration() : this.host.beginIteration()
    const vu = new Vu(this, generation, this.id, iteration, this.host.vars, this.shared.setup)
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

  resume(): void {
    const { request, response } = this.pending!
    this.pending = undefined
    this.handBack(request, response)
  }

  build(request: QueuedRequest): unknown {
    return request.wire
  }

  onResponse(
    request: QueuedRequest,
    status: number,
    rawHeaders: readonly (string | Buffer)[] | null,
    body: readonly Buffer[] | null,
    latencyMs: number,
    serviceMs: number,
  ): void {
    const { collectors } = request
    recordResponse(request, undefined, status, latencyMs, serviceMs, null, null)
    this.answered(request, new CodeResponse(status, rawHeaders, body, undefined, latencyMs, collectors), 0)
  }

  onFailure(
    request: QueuedRequest,
    error: Error,
    status: number,
    latencyMs: number,
    backoffMs: number,
  ): void {
    if (!this.shared.state.aborted) recordFailure(request, error, status, latencyMs)
    const response = new CodeResponse(status, null, null, describeError(error), latencyMs, request.collectors)
    // Errors can come back synchronously: handing the response back later keeps the stack flat.
    this.answered(request, response, backoffMs, true)
  }

  cut(): void {
    if (this.running) this.generation++
    this.running = false
    this.pending = undefined
    for (const timer of this.sleeps) clearTimeout(timer)
    this.sleeps.clear()
  }

  // --- VuHost ----------------------------------------------------------------------------------------------
  request(
    vu: Vu,
    method: HttpMethod,
    path: string,
    options: VuRequestOptions | undefined,
  ): Promise<VuResponse> {
    if (!this.isLive(vu)) return never()
    if (this.host.isOver()) {
      this.host.stopNow()
      return never()
    }
    let prepared: PreparedRequest
    let collectors: readonly MetricsCollector[] | undefined
    try {
      prepared = prepareRequest(method, path, options, this.code.defaults, this.code.wires)
      collectors = this.collectorsOf(prepared, vu.groupPath)
    } catch (error) {
      const message = `${requestName(String(method), path, options)}: ${messageOf(error)}`
      const type = error instanceof StepPrepareError ? error.type : 'step_function'
      const named = this.code.collectors.get(requestName(String(method), path, options))
      recordNotSent(named ?? this.runCollectors(), type, message)
      return Promise.reject(new NotSentError(message))
    }
    return new Promise<VuResponse>((resolve) => {
      const queued: QueuedRequest = {
        wire: prepared.wire,
        keep: true,
        head: prepared.method === 'HEAD',
        timeoutMs: this.code.timeoutMs,
        collectors,
        expectStatus: prepared.expectStatus,
        generation: this.generation,
        resolve,
      }
      this.host.submit(queued)
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
    if (this.host.isOver()) {
      this.host.stopNow()
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

  private isLive(vu: Vu): boolean {
    // A user that left cut its iteration (`cut`).
    return this.running && vu.generation === this.generation
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

  /** The iteration (or onStart) settled: counted by the user. `error` undefined: it completed. */
  private settled(generation: number, onStart: boolean, error: unknown): void {
    if (generation !== this.generation || !this.running) return
    this.running = false
    this.generation++
    this.pending = undefined
    if (error !== undefined && !(error instanceof NotSentError)) {
      const message = `${onStart ? 'onStart' : 'iteration'}: ${messageOf(error)}`
      recordNotSent(this.runCollectors(), 'step_function', message)
    }
    const ok = error === undefined
    if (ok && onStart) this.onStartDone = true
    // A failed iteration may have sent nothing: without a pause the user would fail again at loop speed.
    const pauseMs = !ok && !onStart ? this.host.unsentBackoffMs() : 0
    // The open model's arrival ends with its iteration: the user is idle on the next turn. Closed model: an
    // iteration that waited on a response settles from a later job than its begin, so the next one begins at
    // once, as a journey's does (a timer is a wake-up of the loop, 1 ms at least); one that was handed nothing
    // waits a timer, or it would spin the loop.
    const pace =
      onStart || (!this.shared.iterationPerSend && !this.wasAnswered)
        ? 'timer'
        : this.shared.iterationPerSend
          ? 'immediate'
          : 'now'
    this.host.settle(onStart, ok, this.code.scenario, pauseMs, pace, false)
  }

  /** Hands a response back to its iteration (after `delayMs`), unless the iteration is over or the run is. */
  private answered(request: QueuedRequest, response: CodeResponse, delayMs: number, defer = false): void {
    if (this.host.isOver()) {
      this.host.stopNow()
      return
    }
    if (request.generation !== this.generation) {
      this.host.pumpSoon()
      return
    }
    if (delayMs > 0 || defer) {
      this.pending = { request, response }
      this.host.wait(delayMs, 'timer')
      return
    }
    this.handBack(request, response)
  }

  private handBack(request: QueuedRequest, response: CodeResponse): void {
    this.wasAnswered = true
    request.resolve(response)
    this.host.pumpSoon()
  }
}
