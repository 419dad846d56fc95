import { stripVTControlCharacters } from 'node:util'
import type { LoadTestResult, ResponseTimeStats, TimelinePoint } from '../../src/foundation/model/index.ts'

/** What a test wants to set on a made-up result; everything else gets plausible values. */
export interface ResultShape {
  name?: string
  requests?: number
  failed?: number
  rps?: number
  latency?: Partial<ResponseTimeStats>
  users?: number
  aborted?: boolean
}

/** A LoadTestResult built by hand, for matchers and renderers that only read one. */
export function makeResult(shape: ResultShape = {}): LoadTestResult {
  const requests = shape.requests ?? 1000
  const failed = shape.failed ?? 0
  const responseTimes: ResponseTimeStats = {
    min: 1,
    max: 40,
    mean: 10,
    sd: 2,
    p50: 9,
    p75: 11,
    p90: 14,
    p95: 18,
    p99: 30,
    p999: 39,
    ...shape.latency,
  }
  return {
    kind: 'load',
    success: true,
    aborted: shape.aborted ?? false,
    tool: 'native',
    name: shape.name ?? '/api',
    metrics: {
      totalRequests: requests,
      successfulRequests: requests - failed,
      failedRequests: failed,
      errorRatePercent: requests === 0 ? 0 : (failed / requests) * 100,
      rps: shape.rps ?? 500,
      responseTimes,
      errorsByType: {},
      statusCodes: { '200': requests - failed },
      bytesReceived: requests * 2,
      durationMs: 2000,
    },
    timeline: [],
    thresholds: [],
    warnings: [],
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 2000,
    options: {
      url: 'http://127.0.0.1:1/api',
      method: 'GET',
      users: shape.users ?? 4,
      durationMs: 2000,
      rampUpMs: 0,
      timeoutMs: 30_000,
      headers: {},
    },
  }
}

/** The message a failing assertion throws, without colors; fails the test when nothing is thrown. */
export function failureOf(assertion: () => unknown): string {
  try {
    assertion()
  } catch (error) {
    return stripVTControlCharacters((error as Error).message)
  }
  throw new Error('expected the assertion to fail, it passed')
}

/** Per-second values of a made-up run's steady state: one entry per second, all of the same length. */
export interface WindowValues {
  rps: number[]
  p95: number[]
  /** The app's CPU per request (µs) of each second; the run then measured the app's cost. */
  cpu?: number[]
}

/**
 * A made-up run with a per-second timeline of whole steady seconds, its numbers the seconds' means: what
 * the baseline matcher judges by windows.
 */
export function makeWindowedResult(values: WindowValues, shape: ResultShape = {}): LoadTestResult {
  const mean = (list: number[]) => list.reduce((sum, value) => sum + value, 0) / list.length
  const seconds = values.rps.length
  const result = makeResult({
    ...shape,
    rps: mean(values.rps),
    requests: values.rps.reduce((sum, value) => sum + value, 0),
    latency: { p95: mean(values.p95), ...shape.latency },
  })
  result.durationMs = seconds * 1000
  result.metrics.durationMs = seconds * 1000
  result.options.durationMs = seconds * 1000
  result.timeline = values.rps.map((requests, second) => {
    const point: TimelinePoint = {
      second,
      requests,
      errors: 0,
      p50: values.p95[second]! / 2,
      p95: values.p95[second]!,
      p99: values.p95[second]! * 2,
      activeUsers: shape.users ?? 4,
      phase: 'steady',
    }
    const cpu = values.cpu?.[second]
    if (cpu !== undefined) point.appCpuPerRequestUs = cpu
    return point
  })
  if (values.cpu !== undefined) {
    result.app = {
      measured: true,
      source: 'test-thread',
      cpuPerRequestUs: mean(values.cpu),
      cpuPercent: 50,
      requests: result.metrics.totalRequests,
      rssGrowthBytes: 0,
    }
  }
  return result
}
