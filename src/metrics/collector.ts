import type {
  CheckCounts,
  ErrorSummary,
  ErrorType,
  LoadMetrics,
  NotSentReason,
  ResponseTimeStats,
  RunPhase,
  TimelinePoint,
} from '../foundation/model/index.ts'
import {
  createLatencyHistogram,
  decodeHistogram,
  encodeHistogram,
  type LatencyHistogram,
  percentileMs,
  toHistogramValue,
} from './histogram.ts'
import { percentilesOf, statsFromHistogram } from './histogram-stats.ts'
import { deriveRequestCounts } from './request-counts.ts'

const SAMPLE_MESSAGES_PER_TYPE = 5
const TIMELINE_INTERVAL_MS = 1000
/** Timeline points kept; a longer run keeps the first ones (24 h at one point per second). */
export const MAX_TIMELINE_POINTS = 86_400

export interface MetricsCollectorOptions {
  /** Keep a per-second timeline. @default true */
  timeline?: boolean
  /** Clock in ms; injectable for tests. @default performance.now */
  now?: () => number
  /** Keep a second histogram of service times (open model: from sent, not from scheduled). @default false */
  serviceTimes?: boolean
  /** Called at the end of each timeline interval (with `timeline`), before the interval is folded away. */
  onInterval?: (interval: IntervalSummary) => void
  /**
   * The run's planned length (ms). The last second's point then waits for stop(): the requests in flight at
   * the end land in it, instead of making a sliver of a point of their own at the run's very end.
   */
  plannedMs?: number
  /** Where the run's phases end; requests before `steadyFromMs` show in the timeline only. @default none */
  phases?: RunPhases
  /** Keep a histogram of the generator's lateness (open model: sent − due). @default false */
  lateness?: boolean
}

/** The phases of a run, in ms since its start: warm-up, then ramp-up, then the steady state. */
export interface RunPhases {
  /** The warm-up ends here: load sent, not measured. */
  warmupMs: number
  /** The steady state begins here (warm-up and ramp-up are over): metrics count from here. */
  steadyFromMs: number
}

/** One timeline interval as it ends; `histogram` is valid only during the call. */
export interface IntervalSummary {
  requests: number
  errors: number
  /** The peak number of active users in the interval. */
  activeUsers: number
  histogram: LatencyHistogram
  /** The phase the interval began in, with `phases`. */
  phase: RunPhase | undefined
  /** The last interval, closed by stop() rather than by the clock. */
  final: boolean
}

/**
 * All a stopped collector measured, in a form that crosses threads (structured clone) and merges exactly:
 * counts add up, histograms are encoded whole, never reduced to percentiles.
 */
export interface CollectorSnapshot {
  durationMs: number
  successCount: number
  failureCount: number
  latencyCount: number
  latencySum: number
  latencySumOfSquares: number
  latencyMin: number
  latencyMax: number
  bytes: number
  errors: [ErrorType, ErrorSummary][]
  statusCounts: [number, number][]
  /** encodeHistogram() of the latency histogram. */
  histogram: string
  /** encodeHistogram() of the service-time histogram, when kept. */
  serviceTimes: string | undefined
  /** encodeHistogram() of the lateness histogram, when kept. */
  lateness: string | undefined
  /** Named checks: name, passes, fails. */
  checks: [string, number, number][]
  notSent: [NotSentReason, ErrorSummary][]
}

/**
 * Collects response times, errors, status codes and bytes while a run goes on. Memory is fixed: latencies go
 * into an HDR histogram (µs resolution, 3 significant digits), never into an array.
 *
 * Semantics: every request ends in exactly one `recordResponseTime` (a success) or one `recordError` (a
 * failure, with its latency when a response arrived). `recordStatus` only tallies status codes.
 */
export class MetricsCollector {
  // Per-request writes go to the current second's histogram only; it is folded into `total` once a second.
  private readonly interval: LatencyHistogram = createLatencyHistogram()
  private readonly total: LatencyHistogram = createLatencyHistogram()
  private readonly now: () => number
  private readonly keepTimeline: boolean
  private readonly errors = new Map<ErrorType, ErrorSummary>()
  private readonly checks = new Map<string, CheckCounts>()
  private readonly notSent = new Map<NotSentReason, ErrorSummary>()
  private readonly statusCounts = new Map<number, number>()
  private readonly timelinePoints: TimelinePoint[] = []
  private readonly serviceTimes: LatencyHistogram | undefined
  private readonly onInterval: ((interval: IntervalSummary) => void) | undefined
  private readonly lateness: LatencyHistogram | undefined
  private readonly phases: RunPhases | undefined
  /** Timer ticks that end a second; the last second is closed by stop(). */
  private readonly ticksToRun: number
  private timer: NodeJS.Timeout | undefined
  private steadyTimer: NodeJS.Timeout | undefined
  /** The part of the current interval recorded before the steady state began: not folded into the totals. */
  private beforeSteady: LatencyHistogram | undefined
  private startedAt = 0
  /** Where the metrics' clock starts: the start, or the beginning of the steady state. */
  private measuredFrom = 0
  private stoppedAt: number | undefined
  private successCount = 0
  private failureCount = 0
  private latencyCount = 0
  private latencySum = 0
  private latencySumOfSquares = 0
  private latencyMin = Number.POSITIVE_INFINITY
  private latencyMax = 0
  private bytes = 0
  private intervalRequests = 0
  private intervalErrors = 0
  private users = 0
  private intervalPeakUsers = 0

  constructor(options: MetricsCollectorOptions = {}) {
    this.now = options.now ?? performance.now.bind(performance)
    this.keepTimeline = options.timeline ?? true
    this.serviceTimes = options.serviceTimes === true ? createLatencyHistogram() : undefined
    this.onInterval = options.onInterval
    this.lateness = options.lateness === true ? createLatencyHistogram() : undefined
    this.phases = options.phases
    this.ticksToRun =
      options.plannedMs === undefined
        ? Number.POSITIVE_INFINITY
        : Math.ceil(options.plannedMs / TIMELINE_INTERVAL_MS) - 1
  }

  /** Starts the clock (and the per-second timeline). */
  start(): void {
    this.startedAt = this.now()
    this.measuredFrom = this.startedAt
    this.stoppedAt = undefined
    if (this.keepTimeline && this.timer === undefined && this.ticksToRun > 0) {
      this.timer = setInterval(() => {
        this.tick()
        if (this.timelinePoints.length >= this.ticksToRun) this.clearTimer()
      }, TIMELINE_INTERVAL_MS)
      this.timer.unref()
    }
    const steadyFromMs = this.phases?.steadyFromMs ?? 0
    if (steadyFromMs > 0) {
      this.steadyTimer = setTimeout(() => this.beginSteadyState(), steadyFromMs)
      this.steadyTimer.unref()
    }
  }

  /**
   * Starts a collector made after its run began (an endpoint a code iteration named only as it ran), on the
   * run's clock: its seconds and its duration line up with the run's. The seconds before it are empty.
   */
  startAt(startedAt: number): void {
    const elapsedMs = Math.max(0, this.now() - startedAt)
    this.startedAt = startedAt
    this.measuredFrom = startedAt
    this.stoppedAt = undefined
    if (!this.keepTimeline || this.timer !== undefined) return
    const passed = Math.floor(elapsedMs / TIMELINE_INTERVAL_MS)
    for (let second = 0; second < passed; second++) this.tick()
    this.timer = setTimeout(
      () => {
        this.tick()
        this.timer = setInterval(() => this.tick(), TIMELINE_INTERVAL_MS)
        this.timer.unref()
      },
      TIMELINE_INTERVAL_MS - (elapsedMs % TIMELINE_INTERVAL_MS),
    )
    this.timer.unref()
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearInterval(this.timer)
    this.timer = undefined
  }

  /**
   * Warm-up and ramp-up are over: what was counted so far is dropped from the metrics (the timeline keeps
   * it). Done once, by a timer, so the per-request path never asks which phase it is in.
   */
  beginSteadyState(): void {
    if (this.stoppedAt !== undefined) return
    this.measuredFrom = this.now()
    this.successCount = 0
    this.failureCount = 0
    this.latencyCount = 0
    this.latencySum = 0
    this.latencySumOfSquares = 0
    this.latencyMin = Number.POSITIVE_INFINITY
    this.latencyMax = 0
    this.bytes = 0
    this.errors.clear()
    this.checks.clear()
    this.notSent.clear()
    this.statusCounts.clear()
    this.total.reset()
    this.serviceTimes?.reset()
    this.lateness?.reset()
    this.beforeSteady = createLatencyHistogram()
    this.beforeSteady.add(this.interval)
  }

  /** Stops the clock; metrics are frozen from here on. */
  stop(): void {
    if (this.stoppedAt !== undefined) return
    this.stoppedAt = this.now()
    this.clearTimer()
    if (this.steadyTimer !== undefined) clearTimeout(this.steadyTimer)
    // The last, partial second becomes a point only when something happened in it.
    if (this.intervalRequests > 0 || this.timelinePoints.length === 0) this.tick(true)
  }

  /** A successful request and its response time in ms. */
  recordResponseTime(ms: number): void {
    this.successCount++
    this.intervalRequests++
    this.recordLatency(ms)
  }

  /** A failed request. Pass `ms` when a response arrived (5xx, failed check) so its latency counts too. */
  recordError(type: ErrorType, message: string, ms?: number): void {
    this.failureCount++
    this.intervalRequests++
    this.intervalErrors++
    if (ms !== undefined) this.recordLatency(ms)
    this.addError(type, 1, message)
  }

  /** Adds `count` errors of a type and keeps `message` as a sample while there is room. */
  private addError(type: ErrorType, count: number, message: string | undefined): void {
    addTo(this.errors, type, count, message)
  }

  /**
   * A request a journey step prepared and never sent (its template or function failed): not a request, so
   * in none of the request counts, the timeline or the rates.
   */
  recordNotSent(reason: NotSentReason, message: string): void {
    addTo(this.notSent, reason, 1, message)
  }

  /** One run of a named check. */
  recordCheck(name: string, passed: boolean): void {
    let counts = this.checks.get(name)
    if (counts === undefined) {
      counts = { passes: 0, fails: 0 }
      this.checks.set(name, counts)
    }
    if (passed) counts.passes++
    else counts.fails++
  }

  /** A request's service time in ms (only recorded when the collector was built with `serviceTimes`). */
  recordServiceTime(ms: number): void {
    this.serviceTimes?.recordValue(toHistogramValue(ms))
  }

  /** How late the generator sent a scheduled request (ms after it was due); kept with `lateness`. */
  recordLateness(ms: number): void {
    this.lateness?.recordValue(toHistogramValue(ms))
  }

  /** The lateness histogram (µs), or undefined when the collector keeps none. */
  getLateness(): LatencyHistogram | undefined {
    return this.lateness
  }

  /** Service-time statistics, or undefined when the collector keeps none. */
  getServiceTimes(): ResponseTimeStats | undefined {
    return this.serviceTimes === undefined ? undefined : statsFromHistogram(this.serviceTimes)
  }

  /** Tallies a response's status code. */
  recordStatus(code: number): void {
    this.statusCounts.set(code, (this.statusCounts.get(code) ?? 0) + 1)
  }

  /** Adds received bytes (headers excluded). */
  recordBytes(count: number): void {
    this.bytes += count
  }

  /** The number of users active now; each timeline point keeps the peak of its second. */
  setActiveUsers(count: number): void {
    this.users = count
    if (count > this.intervalPeakUsers) this.intervalPeakUsers = count
  }

  private recordLatency(ms: number): void {
    this.interval.recordValue(toHistogramValue(ms))
    this.latencyCount++
    this.latencySum += ms
    this.latencySumOfSquares += ms * ms
    if (ms < this.latencyMin) this.latencyMin = ms
    if (ms > this.latencyMax) this.latencyMax = ms
  }

  private tick(final = false): void {
    this.onInterval?.({
      requests: this.intervalRequests,
      errors: this.intervalErrors,
      activeUsers: this.intervalPeakUsers,
      histogram: this.interval,
      phase: this.phaseOf(this.timelinePoints.length),
      final,
    })
    if (this.keepTimeline && this.timelinePoints.length < MAX_TIMELINE_POINTS) {
      const point: TimelinePoint = {
        second: this.timelinePoints.length,
        requests: this.intervalRequests,
        errors: this.intervalErrors,
        p50: percentileMs(this.interval, 50),
        p95: percentileMs(this.interval, 95),
        p99: percentileMs(this.interval, 99),
        activeUsers: this.intervalPeakUsers,
      }
      const phase = this.phaseOf(point.second)
      if (phase !== undefined) point.phase = phase
      this.timelinePoints.push(point)
    }
    this.total.add(this.interval)
    if (this.beforeSteady !== undefined) {
      this.total.subtract(this.beforeSteady)
      this.beforeSteady = undefined
    }
    this.interval.reset()
    this.intervalRequests = 0
    this.intervalErrors = 0
    this.intervalPeakUsers = this.users
  }

  /** The phase second `second` of the run began in (with `phases`). */
  private phaseOf(second: number): RunPhase | undefined {
    if (this.phases === undefined) return undefined
    const atMs = second * TIMELINE_INTERVAL_MS
    if (atMs < this.phases.warmupMs) return 'warmup'
    return atMs < this.phases.steadyFromMs ? 'rampUp' : 'steady'
  }

  /** The per-second timeline so far. */
  getTimeline(): TimelinePoint[] {
    return this.timelinePoints.map((point) => ({ ...point }))
  }

  /** The merged latency histogram (µs); a copy while running. */
  getHistogram(): LatencyHistogram {
    const merged = createLatencyHistogram()
    merged.add(this.total)
    if (this.stoppedAt === undefined) {
      merged.add(this.interval)
      if (this.beforeSteady !== undefined) merged.subtract(this.beforeSteady)
    }
    return merged
  }

  /** What this stopped collector measured, to merge into another thread's collector. */
  snapshot(): CollectorSnapshot {
    return {
      durationMs: (this.stoppedAt ?? this.now()) - this.measuredFrom,
      successCount: this.successCount,
      failureCount: this.failureCount,
      latencyCount: this.latencyCount,
      latencySum: this.latencySum,
      latencySumOfSquares: this.latencySumOfSquares,
      latencyMin: this.latencyMin,
      latencyMax: this.latencyMax,
      bytes: this.bytes,
      errors: [...this.errors].map(([type, summary]) => [type, { ...summary }]),
      statusCounts: [...this.statusCounts],
      histogram: encodeHistogram(this.getHistogram()),
      serviceTimes: this.serviceTimes === undefined ? undefined : encodeHistogram(this.serviceTimes),
      lateness: this.lateness === undefined ? undefined : encodeHistogram(this.lateness),
      checks: [...this.checks].map(([name, { passes, fails }]) => [name, passes, fails]),
      notSent: [...this.notSent].map(([reason, summary]) => [reason, { ...summary }]),
    }
  }

  /**
   * Adds another collector's snapshot (a worker thread's) to this one, which records nothing itself: counts
   * and histograms add up exactly; the duration is the longest one's.
   */
  merge(snapshot: CollectorSnapshot): void {
    this.startedAt = 0
    this.measuredFrom = 0
    this.stoppedAt = Math.max(this.stoppedAt ?? 0, snapshot.durationMs)
    this.successCount += snapshot.successCount
    this.failureCount += snapshot.failureCount
    this.latencyCount += snapshot.latencyCount
    this.latencySum += snapshot.latencySum
    this.latencySumOfSquares += snapshot.latencySumOfSquares
    this.latencyMin = Math.min(this.latencyMin, snapshot.latencyMin)
    this.latencyMax = Math.max(this.latencyMax, snapshot.latencyMax)
    this.bytes += snapshot.bytes
    for (const [type, summary] of snapshot.errors) {
      this.addError(type, summary.count, summary.sampleMessages[0])
      for (const message of summary.sampleMessages.slice(1)) this.addError(type, 0, message)
    }
    for (const [name, passes, fails] of snapshot.checks) {
      const counts = this.checks.get(name) ?? { passes: 0, fails: 0 }
      counts.passes += passes
      counts.fails += fails
      this.checks.set(name, counts)
    }
    for (const [reason, summary] of snapshot.notSent) {
      addTo(this.notSent, reason, summary.count, summary.sampleMessages[0])
      for (const message of summary.sampleMessages.slice(1)) addTo(this.notSent, reason, 0, message)
    }
    for (const [code, count] of snapshot.statusCounts) {
      this.statusCounts.set(code, (this.statusCounts.get(code) ?? 0) + count)
    }
    this.total.add(decodeHistogram(snapshot.histogram))
    if (snapshot.serviceTimes !== undefined) this.serviceTimes?.add(decodeHistogram(snapshot.serviceTimes))
    if (snapshot.lateness !== undefined) this.lateness?.add(decodeHistogram(snapshot.lateness))
  }

  /** A snapshot of every metric; callable during and after a run. */
  getMetrics(): LoadMetrics {
    const histogram = this.stoppedAt === undefined ? this.getHistogram() : this.total
    const totalRequests = this.successCount + this.failureCount
    const durationMs = (this.stoppedAt ?? this.now()) - this.measuredFrom
    const count = this.latencyCount
    const mean = count === 0 ? 0 : this.latencySum / count
    const variance =
      count < 2 ? 0 : Math.max(0, (this.latencySumOfSquares - count * mean * mean) / (count - 1))
    const errorsByType: LoadMetrics['errorsByType'] = {}
    for (const [type, summary] of this.errors) {
      errorsByType[type] = { count: summary.count, sampleMessages: [...summary.sampleMessages] }
    }
    const statusCodes: Record<string, number> = {}
    for (const [code, seen] of [...this.statusCounts].sort((a, b) => a[0] - b[0]))
      statusCodes[String(code)] = seen
    const metrics: LoadMetrics = {
      ...deriveRequestCounts({ total: totalRequests, failed: this.failureCount, durationMs }),
      responseTimes: {
        min: count === 0 ? 0 : this.latencyMin,
        max: this.latencyMax,
        mean,
        sd: Math.sqrt(variance),
        ...percentilesOf(histogram),
      },
      errorsByType,
      statusCodes,
      bytesReceived: this.bytes,
      durationMs,
    }
    // Object.fromEntries: a check named `__proto__` stays a name.
    if (this.checks.size > 0)
      metrics.checks = Object.fromEntries([...this.checks].map(([name, counts]) => [name, { ...counts }]))
    if (this.notSent.size > 0) {
      metrics.notSent = Object.fromEntries(
        [...this.notSent].map(([reason, summary]) => [
          reason,
          { count: summary.count, sampleMessages: [...summary.sampleMessages] },
        ]),
      )
    }
    return metrics
  }
}

/** Adds `count` to a kind's summary and keeps `message` as a sample while there is room. */
function addTo<K>(
  summaries: Map<K, ErrorSummary>,
  kind: K,
  count: number,
  message: string | undefined,
): void {
  let summary = summaries.get(kind)
  if (summary === undefined) {
    summary = { count: 0, sampleMessages: [] }
    summaries.set(kind, summary)
  }
  summary.count += count
  if (
    message !== undefined &&
    summary.sampleMessages.length < SAMPLE_MESSAGES_PER_TYPE &&
    !summary.sampleMessages.includes(message)
  ) {
    summary.sampleMessages.push(message)
  }
}
