import type { BaselineMetric, LogSummary, MetricComparison } from '../../foundation/model/index.ts'
import { estimateChange } from '../../metrics/change-interval.ts'
import { judgeChange } from '../../metrics/change-verdict.ts'
import { BETTER, limitOf, worsePercentOf } from './metric-rules.ts'

/** Windows each side needs before an interval says anything: a t-interval over 2 has 1 degree of freedom. */
export const MIN_WINDOWS = 3

/** One metric of a run against its baseline's windows. */
export interface WindowedMetric {
  metric: BaselineMetric
  /** The baseline run's number and this run's (their whole steady state). */
  baseline: number
  actual: number
  /** The baseline's windows of this metric. */
  stored: LogSummary
  /** This run's windows of this metric. */
  windows: readonly number[]
  tolerancePercent: number
}

/**
 * Judges a metric by its windows: Welch's interval over the logs of this run's windows against the
 * baseline's summary, and the verdict rule of `perfspec compare` (`judgeChange`). Fewer than
 * {@link MIN_WINDOWS} windows on a side is inconclusive, saying which side and what would give more.
 */
export function judgeByWindows(input: WindowedMetric): MetricComparison {
  const { metric, baseline, actual, stored, windows, tolerancePercent } = input
  const common = {
    metric,
    baseline,
    actual,
    worsePercent: worsePercentOf(metric, baseline, actual),
    limit: limitOf(metric, baseline, tolerancePercent),
    tolerancePercent,
  }
  const few = tooFewWindows(stored.count, windows.length)
  if (few !== undefined) {
    return { ...common, verdict: 'inconclusive', regressed: false, reason: `no interval: ${few}` }
  }
  const estimate = estimateChange(stored, windows, { method: 'welch' })
  const { verdict, reason } = judgeChange(estimate, { tolerancePercent, better: BETTER[metric] })
  const comparison: MetricComparison = { ...common, verdict, regressed: verdict === 'regressed', reason }
  if (estimate.state === 'estimated') {
    const { changePercent, lowPercent, highPercent, confidence } = estimate
    comparison.interval = {
      changePercent,
      lowPercent,
      highPercent,
      confidence,
      windows: { baseline: stored.count, run: windows.length },
    }
  }
  return comparison
}

function tooFewWindows(baseline: number, run: number): string | undefined {
  const need = `an interval needs at least ${MIN_WINDOWS} on each side`
  if (run < MIN_WINDOWS) {
    return (
      `this run has ${run} window${run === 1 ? '' : 's'} (full seconds of its steady state with completed ` +
      `requests) and ${need}: run it longer`
    )
  }
  if (baseline < MIN_WINDOWS) {
    return (
      `the baseline has ${baseline} window${baseline === 1 ? '' : 's'} and ${need}: record it again from a ` +
      'longer run (-u)'
    )
  }
  return undefined
}
