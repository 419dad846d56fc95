import type { BaselineMetric } from '../../foundation/model/index.ts'
import { formatMs, formatRps, formatUs } from '../../foundation/util/format.ts'

/** Which way a metric is better: less CPU per request and latency, more throughput. */
export const BETTER: Record<BaselineMetric, 'lower' | 'higher'> = {
  cpuPerRequest: 'lower',
  p95: 'lower',
  rps: 'higher',
}

/** A metric's value with its unit: `205 µs`, `12.5 ms`, `400.0 rps`. */
export function formatMetricValue(metric: BaselineMetric, value: number): string {
  if (metric === 'cpuPerRequest') return `${formatUs(value)} µs`
  if (metric === 'p95') return `${formatMs(value)} ms`
  return `${formatRps(value)} rps`
}

/** How much worse `actual` is than `baseline`, in percent of the baseline: positive is worse. */
export function worsePercentOf(metric: BaselineMetric, baseline: number, actual: number): number {
  const delta = BETTER[metric] === 'lower' ? actual - baseline : baseline - actual
  return baseline === 0 ? (delta === 0 ? 0 : Number.POSITIVE_INFINITY) : (delta / baseline) * 100
}

/**
 * The tolerance in percent of the baseline, its floor included: a metric must move by more than the
 * fraction `tolerance` AND by more than `floor` (ms of p95, requests per second) to leave it.
 */
export function effectiveTolerancePercent(baseline: number, tolerance: number, floor = 0): number {
  const relative = tolerance * 100
  if (floor <= 0 || !(baseline > 0)) return relative
  return Math.max(relative, (floor / baseline) * 100)
}

/** The edge of the tolerance as a value: the worst value still within it. */
export function limitOf(metric: BaselineMetric, baseline: number, tolerancePercent: number): number {
  const factor = tolerancePercent / 100
  return BETTER[metric] === 'lower' ? baseline * (1 + factor) : baseline * (1 - factor)
}
