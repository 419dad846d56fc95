import { checkLimit, type LimitCheck } from './received.ts'
import type { PerfMatcherContext, PerfMatcherResult, PerfResultPart } from './types.ts'

const ERROR_RATE: LimitCheck = {
  matcher: 'toHaveErrorRateBelow',
  expected: 'percent',
  metric: 'error rate',
  relation: 'below',
  unit: '%',
  read: (metrics) => metrics.errorRatePercent,
}

const THROUGHPUT: LimitCheck = {
  matcher: 'toHaveThroughputAbove',
  expected: 'rps',
  metric: 'throughput',
  relation: 'above',
  unit: ' rps',
  read: (metrics) => metrics.rps,
}

export function toHaveErrorRateBelow(
  this: PerfMatcherContext,
  received: unknown,
  percent: number,
  part?: PerfResultPart,
): PerfMatcherResult {
  return checkLimit(this, ERROR_RATE, received, percent, part)
}

export function toHaveThroughputAbove(
  this: PerfMatcherContext,
  received: unknown,
  rps: number,
  part?: PerfResultPart,
): PerfMatcherResult {
  return checkLimit(this, THROUGHPUT, received, rps, part)
}
