import type { HttpMethod, NativeTransport, ToolName } from '../types.ts'

/** The one result model every engine and adapter produces. Plain and JSON-safe. */
export interface LoadTestResult {
  kind: 'load'
  /** False when any threshold failed. */
  success: boolean
  /** True when the run was stopped by an AbortSignal before its end. */
  aborted: boolean
  /** The `abortOnFail` threshold that stopped the run when it was breached (`aborted` is true then). */
  abortedBy?: string
  /** How long the run waited for another perfspec load run on this machine to finish (only when it did). */
  waitedMs?: number
  tool: ToolName
  name: string
  metrics: LoadMetrics
  timeline: TimelinePoint[]
  thresholds: ThresholdResult[]
  /** Things the numbers alone don't say (e.g. the generator saturated). */
  warnings: string[]
  /** Open model: requests that were due while all `maxUsers` users were busy, so never sent. */
  droppedIterations?: number
  /**
   * Open model: response times from when each request was sent. `metrics.responseTimes` counts from when it
   * was due (corrected for coordinated omission); the two differ when the generator fell behind.
   */
  serviceTimes?: ResponseTimeStats
  /** Native engine: how busy the generator itself was. */
  generator?: GeneratorHealth
  /** What the app under test cost while it served the load, or why that was not measured. */
  app?: AppCost
  /** Journey runs: the metrics of each endpoint (step name). `metrics` stays the whole run. */
  endpoints?: Record<string, EndpointMetrics>
  /** Journey runs: iterations and journey durations per scenario (`'default'` for a single journey). */
  scenarios?: Record<string, ScenarioMetrics>
  /** Code iterations: each `vu.group` by its path (`'checkout'`, nested `'checkout::pay'`). */
  groups?: Record<string, GroupMetrics>
  /** ISO timestamp. */
  startedAt: string
  durationMs: number
  /** The options the run used, with credentials redacted. */
  options: RedactedOptions
}

/** What a MetricsCollector (or a tool's parsed output) reports. */
export interface LoadMetrics {
  totalRequests: number
  successfulRequests: number
  failedRequests: number
  /** Failed requests in percent of all requests (0..100). */
  errorRatePercent: number
  /** Completed requests per second over the run. */
  rps: number
  responseTimes: ResponseTimeStats
  errorsByType: Partial<Record<ErrorType, ErrorSummary>>
  /** Count per HTTP status code (as a string key, JSON-safe). */
  statusCodes: Record<string, number>
  bytesReceived: number
  durationMs: number
  /**
   * The named checks that ran (a journey step's `checks`, and `check` functions as `'check'`): how many
   * passed and failed, by name. Absent when no check ran. The `checks` threshold judges these.
   */
  checks?: Record<string, CheckCounts>
  /**
   * Journeys: requests a step prepared but never sent, because a `{{var}}` template or a step function
   * failed first, by reason. They are not requests: not in `totalRequests`, the error rate or `rps`.
   * Absent when every prepared request went out.
   */
  notSent?: Partial<Record<NotSentReason, ErrorSummary>>
  /** Code iterations: the custom metrics `vu.metric(name, type)` recorded, by name (the run's `metrics` only). */
  custom?: Record<string, CustomMetric>
}

/** One `vu.group` of a code iteration: how often it completed, how long it took, its own requests. */
export interface GroupMetrics {
  /** Runs of the group that completed (k6's `group_duration` count). */
  count: number
  /** Durations of its completed runs, ms (k6's `group_duration`). */
  duration: ResponseTimeStats
  /** The requests sent inside it (not inside a group nested in it). */
  metrics: LoadMetrics
}

/** Statistics of the values of a `'trend'` metric (any unit). */
export interface TrendStats {
  count: number
  min: number
  max: number
  mean: number
  p50: number
  p75: number
  p90: number
  p95: number
  p99: number
  p999: number
}

/**
 * A custom metric of a code iteration, by its type (k6's Trend, Counter, Rate, Gauge): a trend's values'
 * statistics; a counter's total and its total per second; a rate's share of true (non-zero) values; a
 * gauge's last value and its extremes.
 */
export type CustomMetric =
  | ({ type: 'trend' } & TrendStats)
  | { type: 'counter'; count: number; rate: number }
  | { type: 'rate'; rate: number; passes: number; fails: number }
  | { type: 'gauge'; value: number; min: number; max: number }

/** How often one named check passed and failed. */
export interface CheckCounts {
  passes: number
  fails: number
}

/** Why a journey step's request never reached the wire: a `{{var}}` template, or a step function. */
export type NotSentReason = 'template' | 'step_function'

/** Response time statistics, all in milliseconds. */
export interface ResponseTimeStats {
  min: number
  max: number
  /** Arithmetic mean. */
  mean: number
  /** Standard deviation. */
  sd: number
  p50: number
  p75: number
  p90: number
  p95: number
  p99: number
  p999: number
}

/** Error classes a run is broken down into. */
export type ErrorType =
  | 'timeout'
  | 'connection_refused'
  | 'connection_reset'
  | 'dns'
  | 'http_4xx'
  | 'http_5xx'
  /** A status outside `expectStatus` that is neither 4xx nor 5xx. */
  | 'unexpected_status'
  | 'check_failed'
  /** Malformed HTTP, a body shorter than its Content-Length, and the like. */
  | 'invalid_response'
  /** The TLS handshake failed: a certificate untrusted, expired or for another host, or no common protocol. */
  | 'tls'
  /** Journeys: a `{{var}}` template named a var that does not exist. */
  | 'template'
  /** Journeys: a capture found nothing to capture. */
  | 'capture_failed'
  /** Journeys: a step's function (path, body, capture) threw. */
  | 'step_function'
  /** The load generator ran out of file descriptors (EMFILE, ENFILE): raise `ulimit -n` or lower `users`. */
  | 'fd_exhausted'
  /** HTTP/2: the server did not run a stream (REFUSED_STREAM, or above a GOAWAY's last stream id), sent twice. */
  | 'stream_refused'
  /** HTTP/2: the server reset a stream (RST_STREAM, any other code) before its response was complete. */
  | 'stream_reset'
  | 'other'

/** How often one kind of error happened, with a few messages to look at. */
export interface ErrorSummary {
  count: number
  sampleMessages: string[]
}

/**
 * Which part of a run a second belongs to: `warmup` (load sent, not measured), `rampUp` (users or rate still
 * climbing), `steady` (what metrics, thresholds, matchers and baselines judge).
 */
export type RunPhase = 'warmup' | 'rampUp' | 'steady'

/** One second of a run. */
export interface TimelinePoint {
  /** Seconds since the start of the run (0-based). */
  second: number
  requests: number
  errors: number
  p50: number
  p95: number
  p99: number
  activeUsers: number
  /** Native engine: the phase this second began in; only `steady` seconds count in `metrics`. */
  phase?: RunPhase
  /** CPU of the app under test in this second (100 = one core): see `LoadTestResult.app`. */
  appCpuPercent?: number
  /** The app's CPU time in this second divided by the requests completed in it (µs); absent without requests. */
  appCpuPerRequestUs?: number
  /** Resident memory of the app's process at the end of this second (the test's own process, or `monitor.pid`). */
  appRssBytes?: number
}

/**
 * The app under test's own cost over the steady state (native engine): measured on the thread the test runs
 * on (an app started in the test's process, with the generator in its worker thread), or in the
 * `monitor: { pid }` process. When neither applies, `measured` is false and `reason` says why.
 */
export type AppCost = MeasuredAppCost | UnmeasuredAppCost

/** Where the app's cost was measured: the test's own thread, or the `monitor.pid` process (all its threads). */
export type AppCostSource = 'test-thread' | 'pid'

export interface MeasuredAppCost {
  measured: true
  source: AppCostSource
  /** The app's CPU time over the steady state divided by `requests` (µs): the measure to compare runs by. */
  cpuPerRequestUs: number
  /** The app's CPU over the steady state (100 = one core). */
  cpuPercent: number
  /** The requests the CPU time was divided by: those completed in the steady state (`metrics.totalRequests`). */
  requests: number
  /** Resident memory growth over the steady state, the whole process's (bytes; negative when it shrank). */
  rssGrowthBytes: number
  /** `test-thread`: the app thread's JavaScript heap growth over the steady state (bytes). */
  heapGrowthBytes?: number
  /** `test-thread`: share of the steady state the app's event loop was busy (0..1). */
  eventLoopUtilization?: number
  /** `test-thread`: event-loop lag p99 over the steady state (ms). */
  eventLoopLagP99Ms?: number
  /** `test-thread`: mean event-loop lag over the steady state (ms). */
  eventLoopLagMeanMs?: number
}

export interface UnmeasuredAppCost {
  measured: false
  /** Why there is no app cost, and what would give one. */
  reason: string
}

/** How busy the load generator itself was; when saturated, the numbers describe the tester, not the server. */
export interface GeneratorHealth {
  /** Event-loop utilization ≥ 0.9 or event-loop lag p99 ≥ 50 ms. */
  saturated: boolean
  eventLoopLagP99Ms: number
  /** Share of the run the event loop was busy (0..1). */
  eventLoopUtilization: number
  /** Process CPU over the run (100 = one core). */
  cpuPercent: number
  /**
   * Where the generator ran: `worker` (its own thread, the default: an app in the test's process does not
   * share its event loop) or `main` (the test's thread, when an option is a function such as `check`).
   */
  thread?: GeneratorThread
  /** Open model: how late each scheduled request went out (ms after it was due). */
  latenessMs?: LatenessStats
}

/** Where the native generator ran. */
export type GeneratorThread = 'worker' | 'main'

/** How late the open model's scheduled sends were, in ms. */
export interface LatenessStats {
  p50: number
  p99: number
  max: number
}

/** One threshold, evaluated against a result. */
export interface ThresholdResult {
  /** The threshold as written, e.g. `'p(95)<200'` or `'maxAvgResponseTimeMs: 500'`. */
  expression: string
  /** The measured value it was compared with (same unit as the limit). */
  actual: number
  passed: boolean
  /** Why it failed without a measurement to judge (e.g. `no check ran`), or what it found missing. */
  note?: string
}

/** The JSON-safe subset of options stored in a result. */
export interface RedactedOptions {
  url: string
  method: HttpMethod
  users: number
  /** The measured duration (the steady state's, after any warm-up). */
  durationMs?: number
  requests?: number
  /** The warm-up before `durationMs`, sent but not measured (only when there was one). */
  warmupMs?: number
  rampUpMs: number
  timeoutMs: number
  headers: Record<string, string>
  rate?: number
  stages?: { durationMs: number; target: number }[]
  maxUsers?: number
  /** Native engine: its transport, pipelining depth and worker threads. */
  transport?: NativeTransport
  pipelining?: number
  workers?: number
}

/** True for what `loadTest()` returns (or its JSON round trip). */
export function isLoadTestResult(value: unknown): value is LoadTestResult {
  if (typeof value !== 'object' || value === null) return false
  const candidate = value as Partial<LoadTestResult>
  return (
    candidate.kind === 'load' &&
    typeof candidate.metrics === 'object' &&
    candidate.metrics !== null &&
    typeof candidate.metrics.responseTimes === 'object' &&
    Array.isArray(candidate.thresholds)
  )
}

/** One endpoint (step name) of a journey run. */
export interface EndpointMetrics extends LoadMetrics {
  method: HttpMethod
  /** The path template as written (`'(function)'` for a function). */
  path: string
  timeline: TimelinePoint[]
}

/** One scenario (journey) of a run. The single-journey form (`steps`) reports as scenario `'default'`. */
export interface ScenarioMetrics {
  /** Iterations that ran every step successfully. */
  iterations: number
  /** Iterations that ended at a failed step. */
  failedIterations: number
  /** Journey duration of completed iterations, think time included (like k6's `iteration_duration`). */
  iterationDuration: ResponseTimeStats
  /** `onStart` attempts that failed (the user retries before its first iteration). */
  onStartFailures: number
  /** Request metrics of this scenario's requests. */
  metrics: LoadMetrics
}
