import { UnsupportedOptionError } from '../../foundation/errors.ts'
import type { ErrorBudget } from '../../options/error-budget.ts'
import type { Comparison, ParsedThreshold, ThresholdStat } from '../../options/thresholds.ts'

/** What a verdict reads from Locust's stats entry (or, for `checks`, from the locustfile's check counts). */
export type LocustReading =
  | 'percentile'
  | 'avg'
  | 'min'
  | 'max'
  | 'fail_ratio'
  | 'fail_percent'
  | 'rps'
  | 'count'
  | 'checks'
  | 'succeeded'

/** One verdict an exported locustfile judges at quit: `reading` of the run (or of endpoint `name`) vs `limit`. */
export interface LocustVerdict {
  expression: string
  reading: LocustReading
  /** For `percentile`: Locust's fraction (0.95 for p(95)). */
  fraction?: number
  comparison: Comparison
  limit: number
  /** The endpoint (Locust's request name) a tagged threshold judges. */
  name?: string
  /** Judged every second during the run, from this many seconds on: breached, the run stops. */
  abortAfterS?: number
}

const PERCENTILES: Partial<Record<ThresholdStat, number>> = {
  p50: 0.5,
  p75: 0.75,
  p90: 0.9,
  p95: 0.95,
  p99: 0.99,
  p999: 0.999,
}

const READINGS: Partial<Record<ThresholdStat, LocustReading>> = {
  mean: 'avg',
  min: 'min',
  max: 'max',
  errorRatePercent: 'fail_percent',
  errorFraction: 'fail_ratio',
  rps: 'rps',
  totalRequests: 'count',
  checksFraction: 'checks',
}

/** `thresholds.<key>`: the option a threshold came from (its expression is `<key>: <aggregation…>`). */
function optionOf(threshold: ParsedThreshold): string {
  return `thresholds.${threshold.expression.slice(0, threshold.expression.lastIndexOf(': '))}`
}

function locustVerdict(threshold: ParsedThreshold): LocustVerdict {
  const { expression, stat, comparison, limit, tag, abortOnFail } = threshold
  // Locust's stats are per request name: a scenario is no dimension of them.
  if (tag?.kind === 'scenario')
    throw new UnsupportedOptionError(
      'locust',
      optionOf(threshold),
      "an exported locustfile judges Locust's stats, which are per endpoint name, not per scenario",
    )
  const fraction = PERCENTILES[stat]
  const verdict: LocustVerdict = {
    expression,
    reading: fraction === undefined ? (READINGS[stat] as LocustReading) : 'percentile',
    comparison,
    limit,
  }
  if (fraction !== undefined) verdict.fraction = fraction
  if (tag !== undefined) verdict.name = tag.value
  if (abortOnFail !== undefined) verdict.abortAfterS = abortOnFail.delayMs / 1000
  return verdict
}

/**
 * The verdicts of a run's options for an exported locustfile to judge at quit (exit code 1 when one fails):
 * every threshold, and the error budget (its share of failed requests, and some request succeeded).
 * Throws UnsupportedOptionError for one Locust's stats cannot judge, rather than drop it.
 */
export function locustVerdicts(thresholds: readonly ParsedThreshold[], budget: ErrorBudget): LocustVerdict[] {
  const verdicts = thresholds.map(locustVerdict)
  if (budget === false) return verdicts
  if (budget.maxFraction !== undefined)
    verdicts.push({
      expression: `errorBudget: rate<=${budget.maxFraction}`,
      reading: 'fail_ratio',
      comparison: '<=',
      limit: budget.maxFraction,
    })
  verdicts.push({
    expression: 'errorBudget: some request succeeded',
    reading: 'succeeded',
    comparison: '>',
    limit: 0,
  })
  return verdicts
}
