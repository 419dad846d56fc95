import { formatDurationForTool } from '../../options/duration.ts'
import type { ParsedThreshold, ThresholdStat } from '../../options/thresholds.ts'

/** One k6 threshold in its object form, as k6's `options.thresholds` takes it. */
interface K6AbortingThreshold {
  threshold: string
  abortOnFail: true
  delayAbortEval: string
}

// Each stat in k6's metric language; a percent becomes k6's rate (0..1). A custom metric's threshold
// cannot abort (parseThresholds refuses it), and comes only with a code iteration, which k6 refuses.
const K6_SPELLING: Record<
  Exclude<ThresholdStat, 'custom'>,
  { metric: string; aggregation: string; scale?: number }
> = {
  mean: { metric: 'http_req_duration', aggregation: 'avg' },
  min: { metric: 'http_req_duration', aggregation: 'min' },
  max: { metric: 'http_req_duration', aggregation: 'max' },
  p50: { metric: 'http_req_duration', aggregation: 'med' },
  p75: { metric: 'http_req_duration', aggregation: 'p(75)' },
  p90: { metric: 'http_req_duration', aggregation: 'p(90)' },
  p95: { metric: 'http_req_duration', aggregation: 'p(95)' },
  p99: { metric: 'http_req_duration', aggregation: 'p(99)' },
  p999: { metric: 'http_req_duration', aggregation: 'p(99.9)' },
  errorRatePercent: { metric: 'http_req_failed', aggregation: 'rate', scale: 0.01 },
  errorFraction: { metric: 'http_req_failed', aggregation: 'rate' },
  rps: { metric: 'http_reqs', aggregation: 'rate' },
  totalRequests: { metric: 'http_reqs', aggregation: 'count' },
  checksFraction: { metric: 'checks', aggregation: 'rate' },
}

/**
 * The `abortOnFail` thresholds as k6's own `options.thresholds`, so k6 stops the run itself when one is
 * breached (k6 evaluates them every few seconds). Undefined when there are none.
 */
export function k6AbortThresholds(
  thresholds: readonly ParsedThreshold[],
): Record<string, K6AbortingThreshold[]> | undefined {
  const byMetric: Record<string, K6AbortingThreshold[]> = {}
  for (const { stat, comparison, limit, abortOnFail } of thresholds) {
    if (abortOnFail === undefined || stat === 'custom') continue
    const { metric, aggregation, scale = 1 } = K6_SPELLING[stat]
    const operator = comparison === '==' ? '===' : comparison
    const list = byMetric[metric] ?? []
    list.push({
      threshold: `${aggregation}${operator}${limit * scale}`,
      abortOnFail: true,
      delayAbortEval: abortOnFail.delayMs === 0 ? '0s' : formatDurationForTool(abortOnFail.delayMs),
    })
    byMetric[metric] = list
  }
  return Object.keys(byMetric).length === 0 ? undefined : byMetric
}
