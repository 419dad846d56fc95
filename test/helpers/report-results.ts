import type {
  ComparisonResult,
  LoadTestResult,
  StressTestResult,
  TimelinePoint,
} from '../../src/foundation/model/index.ts'
import { compareLoadResults } from '../../src/orchestration/compare-runs.ts'
import { makeResult } from './results.ts'

/** A per-second timeline: one point per p95 value, `rps` requests and `errors` failures each second. */
export function makeTimeline(p95s: readonly number[], rps = 100, errors = 0): TimelinePoint[] {
  return p95s.map((p95, second) => ({
    second,
    requests: rps,
    errors,
    p50: p95 / 2,
    p95,
    p99: p95 * 1.5,
    activeUsers: 4,
  }))
}

/** A load result with a timeline; its p95 is the timeline's worst. */
export function makeTimedResult(p95s: readonly number[], name = '/api'): LoadTestResult {
  const worst = Math.max(...p95s)
  const result = makeResult({ name, latency: { p50: worst / 2, p95: worst, p99: worst * 1.5 } })
  result.timeline = makeTimeline(p95s)
  result.durationMs = p95s.length * 1000
  return result
}

/** A stress test that stepped 2, 4, 6… users with rising p95, broken at the last step unless `held`. */
export function makeStress(steps = 4, held = false): StressTestResult {
  const loads = Array.from({ length: steps }, (_, index) =>
    makeResult({ users: (index + 1) * 2, rps: 100 * (index + 1), latency: { p95: 10 * (index + 1) } }),
  )
  const last = loads.at(-1)!
  return {
    kind: 'stress',
    success: held,
    aborted: false,
    tool: 'native',
    name: '/queue',
    maxUsersReached: steps * 2,
    breakPoint: held
      ? null
      : {
          users: steps * 2,
          criterion: 'p95',
          reason: "p95 40.0 ms > 2 × first step's 10.0 ms",
          metrics: last.metrics,
        },
    steps: loads.map((load, index) => ({ users: (index + 1) * 2, metrics: load.metrics, warnings: [] })),
    warnings: [],
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: steps * 1000,
  }
}

/** A comparison of named configurations, their results made by `makeTimedResult`. */
export function makeComparison(configs: Record<string, readonly number[]>): ComparisonResult {
  const runs = Object.entries(configs).map(([name, p95s]) => ({ name, result: makeTimedResult(p95s, name) }))
  return {
    kind: 'comparison',
    baseline: runs[0]!.name,
    runs,
    table: compareLoadResults(runs),
    success: true,
    warnings: [],
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 4000,
  }
}
