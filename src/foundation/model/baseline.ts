/** What a measurement depends on besides the code: recorded with baselines and reports. */
export interface MachineInfo {
  cpuModel: string
  cores: number
  /** `process.version`, e.g. `v22.12.0`. */
  node: string
  platform: string
  arch: string
}

/** A sample on the log scale: the count, mean and standard deviation of the natural logs of its values. */
export interface LogSummary {
  meanLog: number
  /** Sample standard deviation (divisor n − 1); 0 for fewer than two values. */
  sdLog: number
  count: number
}

/**
 * A run's steady-state windows (its full seconds with completed requests), summarized per metric: what a
 * later run's windows are judged against, with a confidence interval.
 */
export interface BaselineSamples {
  /** The windows the run had: seconds of the steady state, warm-up and ramp-up left out. */
  windows: number
  /** The app's CPU time per request of each window (µs), when the run measured it. */
  cpuPerRequest?: LogSummary
  /** Each window's p95 (ms). */
  p95: LogSummary
  /** Each window's completed requests per second. */
  rps: LogSummary
}

/** One run's numbers as stored in a baseline file. */
export interface BaselineEntry {
  p50: number
  p95: number
  p99: number
  /** Mean response time (ms). */
  mean: number
  /** Requests per second. */
  rps: number
  errorRatePercent: number
  requests: number
  tool: string
  /** The load shape: comparing runs of different shapes compares nothing. */
  users: number
  durationMs: number
  recordedAt: string
  machine: MachineInfo
  /** Journey runs: each endpoint's p95 and rps (and its windows), compared endpoint by endpoint. */
  endpoints?: Record<string, { p95: number; rps: number; samples?: Omit<BaselineSamples, 'cpuPerRequest'> }>
  /** The app's CPU time per request (µs), when the run measured it (`LoadTestResult.app`). */
  appCpuPerRequestUs?: number
  /**
   * The steady-state windows of a run with a per-second timeline (the native engine, Locust). Without them
   * (an entry written before perfspec judged intervals, or by ab or k6) the entry is judged one number
   * against one number.
   */
  samples?: BaselineSamples
}

/** What a comparison says of a metric; only `unchanged` and `improved` are green. */
export type BaselineVerdict = 'regressed' | 'improved' | 'unchanged' | 'inconclusive'

/** A metric a baseline judges: the app's CPU per request (when both runs measured it), p95 and rps. */
export type BaselineMetric = 'cpuPerRequest' | 'p95' | 'rps'

/** Head's change against the baseline's windows, with its confidence interval (percent of the baseline). */
export interface BaselineChangeInterval {
  changePercent: number
  lowPercent: number
  highPercent: number
  /** 0.95 for a 95% interval. */
  confidence: number
  /** The windows each side gave. */
  windows: { baseline: number; run: number }
}

/** How one metric moved against its baseline. */
export interface MetricComparison {
  metric: BaselineMetric
  /** The baseline run's own number (its whole steady state). */
  baseline: number
  /** This run's number. */
  actual: number
  /** Positive is worse (slower p95, more CPU per request, lower rps), in percent of the baseline. */
  worsePercent: number
  /** The edge of the tolerance, as a value: the worst value still within it. */
  limit: number
  /** How far the metric may move either way and still count as unchanged (percent; floors included). */
  tolerancePercent: number
  verdict: BaselineVerdict
  /** True when the verdict is `regressed`. */
  regressed: boolean
  /** One line: the estimate and what decided the verdict. */
  reason: string
  /** `interval` judgements: the change of the windows' geometric means and its interval; absent without one. */
  interval?: BaselineChangeInterval
}

/**
 * How the entry was judged. `interval`: this run's windows against the baseline's, with a Welch interval
 * and the verdict rule of `perfspec compare`. `point`: one number against one number, within a tolerance
 * and a floor (the entry has no windows). `not-comparable`: the baseline came from another machine, so
 * nothing was judged and every verdict is inconclusive.
 */
export type BaselineMethod = 'interval' | 'point' | 'not-comparable'

export interface BaselineComparison {
  method: BaselineMethod
  /** The whole comparison: regressed if any metric is, else inconclusive if any is, else improved or unchanged. */
  verdict: BaselineVerdict
  /** The app's CPU per request, when both the baseline and this run measured it. */
  cpuPerRequest?: MetricComparison
  p95: MetricComparison
  rps: MetricComparison
  /** Journey runs: each endpoint both the baseline and the run have (rps only when judged by interval). */
  endpoints?: Record<string, EndpointComparison>
  regressed: boolean
  /** What the verdicts alone don't say: how the entry was judged, metrics left out and why. */
  notes: string[]
}

/** One endpoint of a journey against its baseline. */
export interface EndpointComparison {
  p95: MetricComparison
  rps?: MetricComparison
}

/** What `toMatchPerfBaseline` did with a result: recorded it, or compared it with the stored entry. */
export interface BaselineCheck {
  /** The entry's key in the baseline file, `test > run name` unless given. */
  key: string
  /** The baseline file, relative to the project root when it lies below it. */
  file: string
  /** Null when there was no entry (or `-u`) and this run was recorded as the new baseline. */
  comparison: BaselineComparison | null
  /** What makes the comparison less telling (another machine, another run shape). */
  warnings?: string[]
  /** Under `-u`: the stored entry this run replaced, and what it holds now. */
  rewrote?: { before: BaselineNumbers; after: BaselineNumbers }
  /** An inconclusive comparison failed the matcher (`failOnInconclusive`). */
  failOnInconclusive?: boolean
}

/** The numbers a baseline judges. */
export interface BaselineNumbers {
  p95: number
  rps: number
}

/** Every metric a comparison judged, the run's first, then each endpoint's. */
export function listMetricComparisons(
  comparison: BaselineComparison,
): { endpoint?: string; metric: MetricComparison }[] {
  const run = [comparison.cpuPerRequest, comparison.p95, comparison.rps]
    .filter((metric): metric is MetricComparison => metric !== undefined)
    .map((metric) => ({ metric }))
  const endpoints = Object.entries(comparison.endpoints ?? {}).flatMap(([endpoint, { p95, rps }]) =>
    [p95, rps]
      .filter((metric): metric is MetricComparison => metric !== undefined)
      .map((metric) => ({ endpoint, metric })),
  )
  return [...run, ...endpoints]
}

/** How a metric reads in messages and reports. */
export const BASELINE_METRIC_LABELS: Record<BaselineMetric, string> = {
  cpuPerRequest: 'app CPU/req',
  p95: 'p95',
  rps: 'rps',
}
