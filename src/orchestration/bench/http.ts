import type { HttpBenchmarkResult } from '../../foundation/model/index.ts'
import type { LoadTestOptions } from '../../foundation/types.ts'
import type { LoadDefaults } from '../../options/defaults.ts'
import { resolveLoadOptions } from '../../options/resolve.ts'
import {
  argument,
  type KnownKeys,
  rejectUnknownKeys,
  requireInteger,
  requireObject,
} from '../../options/validate.ts'
import { loadTest, loadTestUnrecorded } from '../load-test.ts'
import { statsFromLoadMetrics } from './stats.ts'
import type { HttpBenchmarkOptions } from './types.ts'

const HTTP_BENCHMARK_KEYS = {
  url: true,
  name: true,
  requests: true,
  concurrency: true,
  warmup: true,
  method: true,
  headers: true,
  body: true,
  timeout: true,
  expectStatus: true,
  tool: true,
  signal: true,
} as const satisfies KnownKeys<HttpBenchmarkOptions>
const MAX_REQUESTS = 100_000_000

/** The load options of an HTTP benchmark's measured run, validated before any request is sent. */
function toLoadOptions(options: HttpBenchmarkOptions): { load: LoadTestOptions; warmup: number } {
  rejectUnknownKeys(requireObject(argument('options'), options), HTTP_BENCHMARK_KEYS)
  const { requests = 1000, concurrency = 1, warmup = 10, ...rest } = options
  requireInteger('requests', requests, 1, MAX_REQUESTS)
  requireInteger('concurrency', concurrency, 1, 10_000)
  requireInteger('warmup', warmup, 0, MAX_REQUESTS)
  return { load: { ...rest, users: concurrency, requests }, warmup }
}

/**
 * Sends `requests` requests over `concurrency` keep-alive connections after `warmup` discarded ones, and
 * reports the seed's `avgTime` (ms) and `throughput` (req/s) with every load metric.
 */
export async function benchmarkHttp(
  options: HttpBenchmarkOptions,
  defaults?: Partial<LoadDefaults>,
): Promise<HttpBenchmarkResult> {
  const { load, warmup } = toLoadOptions(options)
  const resolved = resolveLoadOptions(load, defaults)
  if (warmup > 0) {
    // Folded away: the warm-up is not a result of its own in any report.
    await loadTestUnrecorded({ ...load, requests: warmup, users: Math.min(load.users!, warmup) }, defaults)
  }
  const result = await loadTest(load, defaults)
  const stats = statsFromLoadMetrics(result.metrics)
  const warnings = [...result.warnings]
  if (result.metrics.failedRequests > 0) {
    warnings.push(
      `${result.metrics.failedRequests} of ${result.metrics.totalRequests} requests failed; their times are in the numbers.`,
    )
  }
  return {
    kind: 'benchmark',
    target: 'http',
    name: resolved.request.name,
    url: result.options.url,
    concurrency: resolved.shape.users,
    avgTime: result.metrics.responseTimes.mean,
    throughput: result.metrics.rps,
    stats,
    iterations: result.metrics.totalRequests,
    aborted: result.aborted,
    metrics: result.metrics,
    startedAt: result.startedAt,
    durationMs: result.durationMs,
    warnings,
  }
}
