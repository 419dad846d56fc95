import { compareMessage, requireLimit, requireResult } from './received.ts'
import type { PerfMatcherContext, PerfMatcherResult } from './types.ts'

export function toHaveErrorRateBelow(
  this: PerfMatcherContext,
  received: unknown,
  percent: number,
): PerfMatcherResult {
  const matcher = 'toHaveErrorRateBelow'
  const result = requireResult(this, matcher, 'percent', received)
  const limit = requireLimit(this, matcher, 'percent', percent)
  const actual = result.metrics.errorRate
  return {
    pass: result.metrics.totalRequests > 0 && actual < limit,
    message: () =>
      compareMessage(
        this,
        matcher,
        'percent',
        { metric: 'error rate', relation: 'below', limit, actual, unit: '%' },
        result,
      ),
  }
}

export function toHaveThroughputAbove(
  this: PerfMatcherContext,
  received: unknown,
  rps: number,
): PerfMatcherResult {
  const matcher = 'toHaveThroughputAbove'
  const result = requireResult(this, matcher, 'rps', received)
  const limit = requireLimit(this, matcher, 'rps', rps)
  const actual = result.metrics.throughput
  return {
    pass: actual > limit,
    message: () =>
      compareMessage(
        this,
        matcher,
        'rps',
        { metric: 'throughput', relation: 'above', limit, actual, unit: ' rps' },
        result,
      ),
  }
}
