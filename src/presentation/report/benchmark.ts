import type { BenchmarkResult, LoadMetrics } from '../../foundation/model/index.ts'
import { formatCount, formatMs, formatRps } from '../../foundation/util/format.ts'

/** What the tool column shows for a function benchmark. */
export const BENCHMARK_TOOL = 'tinybench'

/**
 * A benchmark's numbers in the shape of a load run's, so every report's columns read alike: iterations
 * as requests, iterations per second as throughput, time per iteration as response times. Pure.
 */
export function benchmarkMetrics(result: BenchmarkResult): LoadMetrics {
  const { stats } = result
  return {
    totalRequests: result.iterations,
    successfulRequests: result.iterations,
    failedRequests: 0,
    errorRatePercent: 0,
    rps: result.throughput,
    responseTimes: {
      min: stats.min,
      max: stats.max,
      mean: stats.mean,
      sd: stats.sd,
      p50: stats.p50,
      p75: stats.p75,
      p90: stats.p90,
      p95: stats.p95,
      p99: stats.p99,
      p999: stats.p999,
    },
    errorsByType: {},
    statusCodes: {},
    bytesReceived: 0,
    durationMs: result.durationMs,
  }
}

/** `sort (function): 1,000 iterations, 5,210 ops/s, mean 0.19 ms ± 1.2%, p99 0.4 ms`. Pure. */
export function summarizeBenchmark(result: BenchmarkResult): string {
  const { stats } = result
  return (
    `${result.name} (${result.target} benchmark): ${formatCount(result.iterations)} iterations, ` +
    `${formatRps(result.throughput)} ops/s, mean ${formatMs(stats.mean)} ms ± ${stats.rme.toFixed(1)}%, ` +
    `p99 ${formatMs(stats.p99)} ms${result.aborted ? ', aborted' : ''}`
  )
}
