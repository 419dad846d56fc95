import type { ResponseTimeStats } from '../../foundation/model/index.ts'
import { PERCENTILE_STATS } from '../../options/thresholds.ts'
import { argument, fail } from '../../options/validate.ts'
import { checkLimit, hint, type LimitCheck } from './received.ts'
import type { PerfMatcherContext, PerfMatcherResult, PerfResultPart } from './types.ts'
import { checkMatcherUsage } from './usage.ts'

type LatencyStat = keyof Omit<ResponseTimeStats, 'sd' | 'min'>

function below(matcher: string, stat: LatencyStat, metric: string): LimitCheck {
  return {
    matcher,
    expected: 'ms',
    metric,
    relation: 'below',
    unit: ' ms',
    read: (metrics) => metrics.responseTimes[stat],
  }
}

function belowMatcher(matcher: string, stat: LatencyStat, metric: string) {
  const check = below(matcher, stat, metric)
  return function (
    this: PerfMatcherContext,
    received: unknown,
    ms: number,
    part?: PerfResultPart,
  ): PerfMatcherResult {
    return checkLimit(this, check, received, ms, part)
  }
}

export const toHaveP50Below = belowMatcher('toHaveP50Below', 'p50', 'p50')
export const toHaveP90Below = belowMatcher('toHaveP90Below', 'p90', 'p90')
export const toHaveP95Below = belowMatcher('toHaveP95Below', 'p95', 'p95')
export const toHaveP99Below = belowMatcher('toHaveP99Below', 'p99', 'p99')
export const toHaveAvgResponseTimeBelow = belowMatcher(
  'toHaveAvgResponseTimeBelow',
  'mean',
  'mean response time',
)
export const toHaveMaxResponseTimeBelow = belowMatcher(
  'toHaveMaxResponseTimeBelow',
  'max',
  'max response time',
)

export function toHavePercentileBelow(
  this: PerfMatcherContext,
  received: unknown,
  p: number,
  ms: number,
  part?: PerfResultPart,
): PerfMatcherResult {
  const matcher = 'toHavePercentileBelow'
  const stat = checkMatcherUsage(matcher, hint(this, matcher, 'p, ms'), () => {
    const known = typeof p === 'number' ? PERCENTILE_STATS[String(p)] : undefined
    return known ?? fail(argument('p'), `one of ${Object.keys(PERCENTILE_STATS).join(', ')}`, p)
  })
  return checkLimit(this, below(matcher, stat as LatencyStat, `p${p}`), received, ms, part)
}
