import type { BenchmarkStats, LoadMetrics } from '../../foundation/model/index.ts'
import { studentCritical } from './significance.ts'

/** More samples than this are thinned (evenly, quantiles kept) before they go into a result. */
export const MAX_KEPT_SAMPLES = 10_000

/** The quantile `q` (0..1) of sorted samples, interpolated linearly between order statistics (as tinybench). */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0
  const position = (sorted.length - 1) * q
  const below = Math.floor(position)
  const low = sorted[below]!
  const high = sorted[Math.min(below + 1, sorted.length - 1)]!
  return low + (position - below) * (high - low)
}

/** Relative margin of error (percent) of a mean at 95% confidence; 0 (not Infinity, JSON-safe) for a zero mean. */
export function relativeMarginOfError(mean: number, sd: number, count: number): number {
  if (count < 2 || mean === 0) return 0
  return ((studentCritical(count - 1) * sd) / Math.sqrt(count) / Math.abs(mean)) * 100
}

/** Statistics of sorted samples (ms), with tinybench's percentile interpolation. */
export function statsFromSorted(sorted: readonly number[]): BenchmarkStats {
  const count = sorted.length
  let mean = 0
  let m2 = 0
  // Welford: one pass, stable for long runs of nearly equal values.
  for (let index = 0; index < count; index++) {
    const value = sorted[index]!
    const delta = value - mean
    mean += delta / (index + 1)
    m2 += delta * (value - mean)
  }
  const sd = count < 2 ? 0 : Math.sqrt(m2 / (count - 1))
  return {
    mean,
    min: sorted[0] ?? 0,
    max: sorted[count - 1] ?? 0,
    sd,
    rme: relativeMarginOfError(mean, sd, count),
    p50: quantileSorted(sorted, 0.5),
    p75: quantileSorted(sorted, 0.75),
    p90: quantileSorted(sorted, 0.9),
    p95: quantileSorted(sorted, 0.95),
    p99: quantileSorted(sorted, 0.99),
    p999: quantileSorted(sorted, 0.999),
    samples: count,
  }
}

/** Benchmark statistics of an HTTP run, read from its load metrics (response times of every request). */
export function statsFromLoadMetrics(metrics: LoadMetrics): BenchmarkStats {
  const times = metrics.responseTimes
  const count = metrics.totalRequests
  return {
    mean: times.mean,
    min: times.min,
    max: times.max,
    sd: times.sd,
    rme: relativeMarginOfError(times.mean, times.sd, count),
    p50: times.p50,
    p75: times.p75,
    p90: times.p90,
    p95: times.p95,
    p99: times.p99,
    p999: times.p999,
    samples: count,
  }
}

/** At most `limit` samples of a sorted array, picked evenly so its quantiles stay. */
export function thinSorted(sorted: readonly number[], limit = MAX_KEPT_SAMPLES): number[] {
  if (sorted.length <= limit) return [...sorted]
  const step = (sorted.length - 1) / (limit - 1)
  return Array.from({ length: limit }, (_, index) => sorted[Math.round(index * step)]!)
}
