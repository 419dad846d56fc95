import { InvalidOptionError } from '../foundation/errors.ts'
import { formatChange, formatPercentChange } from './change-format.ts'
import type { ChangeResult } from './change-interval.ts'

/** What a comparison says of one metric. Only `unchanged` and `improved` are green. */
export type ChangeVerdictName = 'regressed' | 'improved' | 'unchanged' | 'inconclusive'

export interface VerdictRule {
  /** How far (percent of base) a metric may move either way and still count as unchanged; 0 or more. */
  tolerancePercent: number
  /** The good direction: `'lower'` for latency and CPU per request, `'higher'` for throughput (rps). */
  better: 'lower' | 'higher'
  /**
   * An interval that lies wholly on one side of 0 but not wholly beyond the tolerance: `false` calls it
   * inconclusive; `true` decides it (regressed or improved) when the point estimate too lies beyond the
   * tolerance. Provisional until the bench has chosen. @default false
   */
  decideBeyondZero?: boolean
}

export interface ChangeVerdict {
  verdict: ChangeVerdictName
  /** One line: the estimate and the part of the rule that decided. */
  reason: string
}

/**
 * The verdict on a change estimate. With `worse` the change in the bad direction (the change for
 * `better: 'lower'`, its negative for `'higher'`) and T the tolerance:
 * - regressed: the whole interval is worse by more than T;
 * - improved: the whole interval is better by more than T;
 * - unchanged: the whole interval lies within ±T (equivalence, not merely "no significant change");
 * - inconclusive: anything else, and every insufficient estimate.
 * With `decideBeyondZero`, an interval wholly on one side of 0 whose point estimate lies beyond T is
 * decided that way instead of inconclusive.
 */
export function judgeChange(estimate: ChangeResult, rule: VerdictRule): ChangeVerdict {
  const tolerance = requireTolerance(rule.tolerancePercent)
  const better = requireBetter(rule.better)
  if (estimate.state === 'insufficient') {
    return { verdict: 'inconclusive', reason: `no interval: ${estimate.reason}` }
  }
  const sign = better === 'lower' ? 1 : -1
  const worseLow = Math.min(sign * estimate.lowPercent, sign * estimate.highPercent)
  const worseHigh = Math.max(sign * estimate.lowPercent, sign * estimate.highPercent)
  const worsePoint = sign * estimate.changePercent
  const shown = `${formatChange(estimate)} at ${formatConfidence(estimate.confidence)}`
  const limit = formatPercentChange(sign * tolerance)
  const within = `±${tolerance}%`
  const direction = `${better} is better`

  if (worseLow > tolerance) {
    return {
      verdict: 'regressed',
      reason: `${shown}: the whole interval is worse than ${limit} (${direction})`,
    }
  }
  if (worseHigh < -tolerance) {
    return {
      verdict: 'improved',
      reason: `${shown}: the whole interval is better than ${formatPercentChange(-sign * tolerance)} (${direction})`,
    }
  }
  if (worseLow >= -tolerance && worseHigh <= tolerance) {
    return { verdict: 'unchanged', reason: `${shown}: the whole interval lies within ${within}` }
  }
  if (rule.decideBeyondZero === true) {
    if (worseLow > 0 && worsePoint > tolerance) {
      return {
        verdict: 'regressed',
        reason: `${shown}: the whole interval is worse than no change and the estimate worse than ${limit} (decideBeyondZero, ${direction})`,
      }
    }
    if (worseHigh < 0 && worsePoint < -tolerance) {
      return {
        verdict: 'improved',
        reason: `${shown}: the whole interval is better than no change and the estimate better than ${formatPercentChange(-sign * tolerance)} (decideBeyondZero, ${direction})`,
      }
    }
  }
  return {
    verdict: 'inconclusive',
    reason: `${shown}: the interval reaches both within and beyond ${within}; more samples would narrow it`,
  }
}

function formatConfidence(confidence: number): string {
  // 0.95 → "95%", 0.9944 → "99.44%": no float noise.
  return `${Number((confidence * 100).toPrecision(4))}%`
}

function requireTolerance(tolerance: unknown): number {
  if (typeof tolerance === 'number' && Number.isFinite(tolerance) && tolerance >= 0) return tolerance
  throw new InvalidOptionError(
    'tolerancePercent',
    `Expected the \`tolerancePercent\` option to be a non-negative number (5 for ±5%), got ${String(tolerance)}`,
  )
}

function requireBetter(better: unknown): 'lower' | 'higher' {
  if (better === 'lower' || better === 'higher') return better
  throw new InvalidOptionError(
    'better',
    `Expected the \`better\` option to be 'lower' or 'higher', got ${String(better)}`,
  )
}
