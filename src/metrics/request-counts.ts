import type { LoadMetrics } from '../foundation/model/index.ts'

/** The counts and rates of a run that follow from how many requests it made, how many failed, and how long. */
export type RequestCounts = Pick<
  LoadMetrics,
  'totalRequests' | 'successfulRequests' | 'failedRequests' | 'errorRatePercent' | 'rps'
>

/** `count` over `durationMs`, per second; 0 for a run without duration. */
export function perSecond(count: number, durationMs: number): number {
  return durationMs > 0 ? count / (durationMs / 1000) : 0
}

/**
 * The one derivation of successes, error rate (percent) and rps (req/s) every collector, merger and parser
 * uses. A tool that measures its own rate passes it as `rps`; else it is `total` over the run.
 */
export function deriveRequestCounts(counts: {
  total: number
  failed: number
  durationMs: number
  rps?: number | undefined
}): RequestCounts {
  const { total, failed, durationMs } = counts
  return {
    totalRequests: total,
    successfulRequests: total - failed,
    failedRequests: failed,
    errorRatePercent: total === 0 ? 0 : (failed / total) * 100,
    rps: counts.rps ?? perSecond(total, durationMs),
  }
}
