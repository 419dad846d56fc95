import { checkLimit, type LimitCheck } from './received.ts'
import type { PerfMatcherContext, PerfMatcherResult } from './types.ts'

const ERROR_RATE: LimitCheck = {
  matcher: 'toHaveErrorRateBelow',
  expected: 'percent',
  metric: 'error rate',
  relation: 'below',
  unit: '%',
  read: (result) => result.metrics.errorRate,
}

const THROUGHPUT: LimitCheck = {
  matcher: 'toHaveThroughputAbove',
  expected: 'rps',
  metric: 'throughput',
  relation: 'above',
  unit: ' rps',
  read: (result) => result.metrics.throughput,
}

export function toHaveErrorRateBelow(
  this: PerfMatcherContext,
  received: unknown,
  percent: number,
): PerfMatcherResult {
  return checkLimit(this, ERROR_RATE, received, percent)
}

export function toHaveThroughputAbove(
  this: PerfMatcherContext,
  received: unknown,
  rps: number,
): PerfMatcherResult {
  return checkLimit(this, THROUGHPUT, received, rps)
}
