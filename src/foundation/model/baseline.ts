/** What a measurement depends on besides the code: recorded with baselines and reports. */
export interface MachineInfo {
  cpuModel: string
  cores: number
  /** `process.version`, e.g. `v22.12.0`. */
  node: string
  platform: string
  arch: string
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
  /** Journey runs: each endpoint's p95 and rps, compared endpoint by endpoint. */
  endpoints?: Record<string, { p95: number; rps: number }>
  /** The app's CPU time per request (µs), when the run measured it (`LoadTestResult.app`). Recorded, not yet compared. */
  appCpuPerRequestUs?: number
}

/** How one metric moved against its baseline. */
export interface MetricComparison {
  metric: 'p95' | 'rps'
  baseline: number
  actual: number
  /** Positive is worse: slower p95 or lower rps, in percent of the baseline. */
  worsePercent: number
  /** The worst value that still passes. */
  limit: number
  regressed: boolean
}

export interface BaselineComparison {
  p95: MetricComparison
  rps: MetricComparison
  /** Journey runs: the p95 of each endpoint both the baseline and the run have. */
  endpoints?: Record<string, MetricComparison>
  regressed: boolean
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
}

/** The numbers a baseline judges. */
export interface BaselineNumbers {
  p95: number
  rps: number
}
