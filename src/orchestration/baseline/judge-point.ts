import type { BaselineMetric, BaselineVerdict, MetricComparison } from '../../foundation/model/index.ts'
import { BETTER, formatMetricValue, worsePercentOf } from './metric-rules.ts'

/**
 * Judges one number against one number, as perfspec did before it kept windows: regressed when the run
 * is worse than the baseline by more than the tolerance AND the floor (`limit`), improved when it is as
 * much better, unchanged otherwise. What an entry without windows (or a run without a timeline) gets.
 */
export function judgeByPoint(
  metric: BaselineMetric,
  baseline: number,
  actual: number,
  tolerance: number,
  floor: number,
): MetricComparison {
  const lower = BETTER[metric] === 'lower'
  const limit = lower
    ? Math.max(baseline * (1 + tolerance), baseline + floor)
    : Math.min(baseline * (1 - tolerance), baseline - floor)
  const allowance = Math.abs(limit - baseline)
  const regressed = lower ? actual > limit : actual < limit
  const improved = lower ? actual < baseline - allowance : actual > baseline + allowance
  const verdict: BaselineVerdict = regressed ? 'regressed' : improved ? 'improved' : 'unchanged'
  const worsePercent = worsePercentOf(metric, baseline, actual)
  const change = `${worsePercent >= 0 ? 'worse' : 'better'} by ${Math.abs(worsePercent).toFixed(1)}%`
  const bound = lower ? 'at most' : 'at least'
  return {
    metric,
    baseline,
    actual,
    worsePercent,
    limit,
    tolerancePercent: baseline > 0 ? (allowance / baseline) * 100 : tolerance * 100,
    verdict,
    regressed: verdict === 'regressed',
    reason: `${change}; ${bound} ${formatMetricValue(metric, limit)} allowed`,
  }
}
