import type { LoadMetrics } from '../model/load.ts'

/** Milliseconds with the precision that matters at their size: 0.42, 12.3, 1234. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms)
  // Decide on the rounded value, so 9.996 prints as 10.0, not 10.00.
  return ms.toFixed(ms < 9.995 ? 2 : ms < 999.95 ? 1 : 0)
}

/** Microseconds with the precision of `formatMs`: 0.42, 12.3, 1234. */
export function formatUs(us: number): string {
  return formatMs(us)
}

/** Requests per second, one decimal. */
export function formatRps(rps: number): string {
  return rps.toFixed(rps < 1000 ? 1 : 0)
}

/** A percentage, two decimals: 0.00, 12.50. */
export function formatPercent(percent: number): string {
  return percent.toFixed(2)
}

/** A count with thousands separators: 12,345. */
export function formatCount(count: number): string {
  return count.toLocaleString('en-US')
}

/** The numbers every report lists for a run, in order: requests, req/s, p50, p95, p99 (ms), errors (%). */
export function formatMetricColumns(metrics: LoadMetrics): string[] {
  const { p50, p95, p99 } = metrics.responseTimes
  return [
    formatCount(metrics.totalRequests),
    formatRps(metrics.rps),
    formatMs(p50),
    formatMs(p95),
    formatMs(p99),
    formatPercent(metrics.errorRatePercent),
  ]
}

/** `decimals` decimals (two by default: enough to read, no float noise in messages); not finite → 0. */
export function round(value: number, decimals = 2): number {
  if (!Number.isFinite(value)) return 0
  const scale = 10 ** decimals
  return Math.round(value * scale) / scale
}
