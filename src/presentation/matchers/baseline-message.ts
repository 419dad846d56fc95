import {
  BASELINE_METRIC_LABELS,
  type BaselineComparison,
  type BaselineVerdict,
  listMetricComparisons,
  type MetricComparison,
} from '../../foundation/model/index.ts'
import { formatMetricValue } from '../../orchestration/baseline/metric-rules.ts'

const MARK: Record<BaselineVerdict, string> = {
  regressed: '✗',
  inconclusive: '?',
  unchanged: '✓',
  improved: '✓',
}

/** What an inconclusive comparison is, and what would decide it. */
export const INCONCLUSIVE_HINT =
  'inconclusive is not a pass: the data do not show the change within the tolerance nor beyond it. More ' +
  'steady-state seconds on both sides (a longer run, re-recorded with -u), a wider tolerance, or a ' +
  'baseline from this machine decide it; failOnInconclusive makes it fail'

/**
 * One line per metric. One number against one number keeps the line perfspec always printed
 * (`✗ p95: 12.5 ms vs baseline 10.0 ms (worse by 25.0%; at most 12.0 ms allowed)`); an interval adds its
 * verdict and the reason that decided it.
 */
export function describeMetricLine(
  comparison: BaselineComparison,
  metric: MetricComparison,
  endpoint?: string,
): string {
  const label =
    endpoint === undefined
      ? BASELINE_METRIC_LABELS[metric.metric]
      : `${BASELINE_METRIC_LABELS[metric.metric]} of endpoint '${endpoint}'`
  const values = `${formatMetricValue(metric.metric, metric.actual)} vs baseline ${formatMetricValue(metric.metric, metric.baseline)}`
  const judged = comparison.method === 'point' ? `(${metric.reason})` : `${metric.verdict}: ${metric.reason}`
  return `  ${MARK[metric.verdict]} ${label}: ${values}${comparison.method === 'point' ? ' ' : ': '}${judged}`
}

/** Every metric's line, the run's first. */
export function describeMetricLines(comparison: BaselineComparison): string[] {
  return listMetricComparisons(comparison).map(({ endpoint, metric }) =>
    describeMetricLine(comparison, metric, endpoint),
  )
}

/** The heading of a failure message (or of `.not`'s). */
export function describeOutcome(comparison: BaselineComparison, isNot: boolean): string {
  if (isNot) return 'Expected a regression against the baseline, found none:'
  if (comparison.regressed) return 'Performance regressed against the baseline:'
  if (comparison.verdict === 'inconclusive') {
    return 'The comparison with the baseline is inconclusive, and failOnInconclusive makes that a failure:'
  }
  return `The comparison with the baseline: ${comparison.verdict}`
}
