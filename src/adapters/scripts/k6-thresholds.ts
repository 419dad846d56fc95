import { UnsupportedOptionError } from '../../foundation/errors.ts'
import { formatDurationForTool } from '../../options/duration.ts'
import type { ErrorBudget } from '../../options/error-budget.ts'
import type { ParsedThreshold, ThresholdStat } from '../../options/thresholds.ts'

/** One k6 threshold: its expression, or k6's object form for one that stops the run when breached. */
export type K6ThresholdEntry = string | { threshold: string; abortOnFail: true; delayAbortEval: string }

/** k6's `options.thresholds`: entries by metric, tagged for one endpoint or scenario (`http_reqs{name:order}`). */
export type K6ThresholdMap = Record<string, K6ThresholdEntry[]>

// Each stat in k6's metric language; a percent becomes k6's rate (0..1). A custom metric's threshold
// cannot abort (parseThresholds refuses it), and comes only with a code iteration, which k6 refuses.
const K6_SPELLING: Record<
  Exclude<ThresholdStat, 'custom'>,
  { metric: string; aggregation: string; percent?: true }
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
  errorRatePercent: { metric: 'http_req_failed', aggregation: 'rate', percent: true },
  errorFraction: { metric: 'http_req_failed', aggregation: 'rate' },
  rps: { metric: 'http_reqs', aggregation: 'rate' },
  totalRequests: { metric: 'http_reqs', aggregation: 'count' },
  checksFraction: { metric: 'checks', aggregation: 'rate' },
}

/** One parsed threshold in k6's spelling: its key (metric and tag) and its entry. */
function k6Threshold(threshold: ParsedThreshold): [key: string, entry: K6ThresholdEntry] {
  const { stat, comparison, limit, tag, abortOnFail } = threshold
  if (stat === 'custom') {
    throw new UnsupportedOptionError(
      'k6',
      `thresholds.${threshold.custom?.metric ?? 'custom'}`,
      'a custom metric is recorded by a code iteration, which k6 does not run',
    )
  }
  const { metric, aggregation, percent } = K6_SPELLING[stat]
  const key = tag === undefined ? metric : `${metric}{${tag.kind}:${tag.value}}`
  // Divided, not multiplied by 0.01: 57 / 100 is 0.57, 57 * 0.01 is 0.5700000000000001.
  const expression = `${aggregation}${comparison === '==' ? '===' : comparison}${percent ? limit / 100 : limit}`
  if (abortOnFail === undefined) return [key, expression]
  const delayAbortEval = abortOnFail.delayMs === 0 ? '0s' : formatDurationForTool(abortOnFail.delayMs)
  return [key, { threshold: expression, abortOnFail: true, delayAbortEval }]
}

/** Thresholds in k6's `options.thresholds` shape: the seed names and k6's own spelling alike, tags kept. */
export function toK6Thresholds(thresholds: readonly ParsedThreshold[]): K6ThresholdMap {
  const byKey: K6ThresholdMap = {}
  for (const threshold of thresholds) {
    const [key, entry] = k6Threshold(threshold)
    byKey[key] = [...(byKey[key] ?? []), entry]
  }
  return byKey
}

/**
 * The `abortOnFail` thresholds as k6's own `options.thresholds`, so k6 stops the run itself when one is
 * breached (k6 evaluates them every few seconds). Undefined when there are none.
 */
export function k6AbortThresholds(thresholds: readonly ParsedThreshold[]): K6ThresholdMap | undefined {
  const aborting = thresholds.filter((threshold) => threshold.abortOnFail !== undefined)
  return aborting.length === 0 ? undefined : toK6Thresholds(aborting)
}

/** Threshold maps joined key by key: every entry of each is kept. */
export function mergeK6Thresholds(...maps: (K6ThresholdMap | undefined)[]): K6ThresholdMap {
  const merged: K6ThresholdMap = {}
  for (const map of maps) {
    for (const [key, entries] of Object.entries(map ?? {})) merged[key] = [...(merged[key] ?? []), ...entries]
  }
  return merged
}

/**
 * The error budget as a k6 threshold, for an exported script: `http_req_failed` at most that share. None
 * when the budget is off, or when the run's own error-rate threshold takes its place.
 */
export function k6ErrorBudget(budget: ErrorBudget): K6ThresholdMap | undefined {
  if (budget === false || budget.maxFraction === undefined) return undefined
  return { http_req_failed: [`rate<=${budget.maxFraction}`] }
}
