import { InvalidOptionError } from '../errors.ts'
import type { ResponseTimeStats } from '../types.ts'
import { compareMessage, requireLimit, requireResult } from './received.ts'
import type { PerfMatcherContext, PerfMatcherResult } from './types.ts'

type LatencyStat = keyof Omit<ResponseTimeStats, 'stddev' | 'min'>

const PERCENTILES: Record<string, LatencyStat> = {
  '50': 'p50',
  '75': 'p75',
  '90': 'p90',
  '95': 'p95',
  '99': 'p99',
  '99.9': 'p999',
}

function checkBelow(
  context: PerfMatcherContext,
  matcher: string,
  received: unknown,
  stat: LatencyStat,
  metric: string,
  ms: unknown,
): PerfMatcherResult {
  const result = requireResult(context, matcher, 'ms', received)
  const limit = requireLimit(context, matcher, 'ms', ms)
  const actual = result.metrics.responseTimes[stat]
  return {
    // A run without requests has no latency to be below anything.
    pass: result.metrics.totalRequests > 0 && actual < limit,
    message: () =>
      compareMessage(
        context,
        matcher,
        'ms',
        { metric, relation: 'below', limit, actual, unit: ' ms' },
        result,
      ),
  }
}

function belowMatcher(matcher: string, stat: LatencyStat, metric: string) {
  return function (this: PerfMatcherContext, received: unknown, ms: number): PerfMatcherResult {
    return checkBelow(this, matcher, received, stat, metric, ms)
  }
}

export const toHaveP50Below = belowMatcher('toHaveP50Below', 'p50', 'p50')
export const toHaveP90Below = belowMatcher('toHaveP90Below', 'p90', 'p90')
export const toHaveP95Below = belowMatcher('toHaveP95Below', 'p95', 'p95')
export const toHaveP99Below = belowMatcher('toHaveP99Below', 'p99', 'p99')
export const toHaveAvgResponseTimeBelow = belowMatcher(
  'toHaveAvgResponseTimeBelow',
  'avg',
  'average response time',
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
): PerfMatcherResult {
  const stat = PERCENTILES[String(p)]
  if (stat === undefined) {
    throw new InvalidOptionError(
      'p',
      `toHavePercentileBelow expects \`p\` to be one of ${Object.keys(PERCENTILES).join(', ')}, got ${String(p)}`,
    )
  }
  return checkBelow(this, 'toHavePercentileBelow', received, stat, `p${p}`, ms)
}
