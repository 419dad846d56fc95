import type { BreakCriterion, LoadTestResult } from '../../foundation/model/index.ts'
import { round } from '../../foundation/util/format.ts'
import { type KnownKeys, rejectUnknownKeys, requireNumber, requireObject } from '../../options/validate.ts'
import type { BreakCriteria } from './types.ts'

/** Break criteria with defaults applied; `false` is off. */
export interface ResolvedBreakCriteria {
  maxErrorRatePercent: number | false
  maxP95Ratio: number | false
  minThroughputScaling: number | false
}

const DEFAULT_CRITERIA: ResolvedBreakCriteria = {
  maxErrorRatePercent: 5,
  maxP95Ratio: 2,
  minThroughputScaling: 0.25,
}
const BREAK_KEYS = {
  maxErrorRatePercent: true,
  maxP95Ratio: true,
  minThroughputScaling: true,
} as const satisfies KnownKeys<BreakCriteria>

/** Validates `breakOn` and fills in the defaults. */
export function resolveBreakCriteria(breakOn: BreakCriteria | undefined): ResolvedBreakCriteria {
  if (breakOn === undefined) return { ...DEFAULT_CRITERIA }
  rejectUnknownKeys(requireObject('breakOn', breakOn), BREAK_KEYS, 'breakOn.')
  const resolved = { ...DEFAULT_CRITERIA }
  for (const key of Object.keys(BREAK_KEYS) as (keyof typeof BREAK_KEYS)[]) {
    const value = breakOn[key]
    if (value === undefined) continue
    resolved[key] =
      value === false ? false : requireNumber(`breakOn.${key}`, value, { min: 0, hint: 'or false' })
  }
  return resolved
}

/** A step as the criteria see it. */
export interface MeasuredStep {
  users: number
  result: Pick<LoadTestResult, 'metrics' | 'thresholds' | 'success'>
}

/**
 * Why `step` broke, or undefined when it held. `first` is the first step (the p95 baseline), `previous`
 * the step before (the throughput baseline); both undefined for the first step.
 */
export function findBreak(
  step: MeasuredStep,
  first: MeasuredStep | undefined,
  previous: MeasuredStep | undefined,
  criteria: ResolvedBreakCriteria,
): { criterion: BreakCriterion; reason: string } | undefined {
  const { metrics } = step.result
  if (criteria.maxErrorRatePercent !== false && metrics.errorRatePercent > criteria.maxErrorRatePercent) {
    return {
      criterion: 'errorRatePercent',
      reason: `error rate ${round(metrics.errorRatePercent, 1)}% > ${criteria.maxErrorRatePercent}%`,
    }
  }
  const failed = step.result.thresholds.filter((threshold) => !threshold.passed)
  if (failed.length > 0) {
    return {
      criterion: 'thresholds',
      reason: `thresholds failed: ${failed.map((threshold) => threshold.expression).join(', ')}`,
    }
  }
  if (first !== undefined && first !== step && criteria.maxP95Ratio !== false) {
    const baseline = first.result.metrics.responseTimes.p95
    const p95 = metrics.responseTimes.p95
    if (baseline > 0 && p95 > criteria.maxP95Ratio * baseline) {
      return {
        criterion: 'p95',
        reason: `p95 ${round(p95, 1)} ms > ${criteria.maxP95Ratio} × the first step's ${round(baseline, 1)} ms`,
      }
    }
  }
  if (previous !== undefined && criteria.minThroughputScaling !== false) {
    const before = previous.result.metrics.rps
    const now = metrics.rps
    if (before > 0 && step.users > previous.users) {
      const gain = now / before - 1
      const linearGain = step.users / previous.users - 1
      if (gain < criteria.minThroughputScaling * linearGain || now < before) {
        return {
          criterion: 'rps',
          reason:
            `throughput no longer rising: ${round(now, 1)} req/s at ${step.users} users vs ${round(before, 1)} req/s ` +
            `at ${previous.users} (${gain >= 0 ? '+' : ''}${round(gain * 100, 1)}%, users +${round(linearGain * 100, 1)}%)`,
        }
      }
    }
  }
  return undefined
}
