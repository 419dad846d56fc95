import { formatCount, formatMs, formatPercent, formatRps, round } from '../util/format.ts'
import type { LoadTestResult, ThresholdResult } from './load.ts'

/**
 * One line that says what a run did, for failure messages and logs:
 * `/api (native): 1,234 requests, 411.3 rps, p50 1.20 / p95 2.35 / p99 4.10 ms, 0.00% errors`.
 */
export function summarizeRun(result: LoadTestResult): string {
  const { metrics } = result
  const { p50, p95, p99 } = metrics.responseTimes
  return (
    `${result.name} (${result.tool}): ${formatCount(metrics.totalRequests)} requests, ` +
    `${formatRps(metrics.rps)} rps, p50 ${formatMs(p50)} / p95 ${formatMs(p95)} / p99 ${formatMs(p99)} ms, ` +
    `${formatPercent(metrics.errorRatePercent)}% errors${result.aborted ? ', aborted' : ''}`
  )
}

/** `✗ http_req_duration: p(95)<200  (actual 250.31)`, one line per threshold. */
export function listThresholds(thresholds: readonly ThresholdResult[]): string {
  return thresholds
    .map(
      ({ expression, actual, passed, note }) =>
        `  ${passed ? '✓' : '✗'} ${expression}  (actual ${round(actual)}${note === undefined ? '' : `; ${note}`})`,
    )
    .join('\n')
}
