import { toMatchPerfBaseline } from './baseline.ts'
import {
  toHaveAvgResponseTimeBelow,
  toHaveMaxResponseTimeBelow,
  toHaveP50Below,
  toHaveP90Below,
  toHaveP95Below,
  toHaveP99Below,
  toHavePercentileBelow,
} from './latency.ts'
import { toHaveErrorRateBelow, toHaveThroughputAbove } from './rates.ts'
import { toPassThresholds } from './thresholds.ts'

export { readUpdateMode, toMatchPerfBaseline } from './baseline.ts'
export {
  toHaveAvgResponseTimeBelow,
  toHaveMaxResponseTimeBelow,
  toHaveP50Below,
  toHaveP90Below,
  toHaveP95Below,
  toHaveP99Below,
  toHavePercentileBelow,
} from './latency.ts'
export { toHaveErrorRateBelow, toHaveThroughputAbove } from './rates.ts'
export { isLoadTestResult } from './received.ts'
export { toPassThresholds } from './thresholds.ts'
export type { PerfBaselineOptions, PerfMatcherContext, PerfMatcherResult, PerfMatchers } from './types.ts'

/** Every perfspec matcher, for `expect.extend(perfMatchers)` in Vitest or Jest. */
export const perfMatchers = {
  toHaveP50Below,
  toHaveP90Below,
  toHaveP95Below,
  toHaveP99Below,
  toHavePercentileBelow,
  toHaveAvgResponseTimeBelow,
  toHaveMaxResponseTimeBelow,
  toHaveErrorRateBelow,
  toHaveThroughputAbove,
  toPassThresholds,
  toMatchPerfBaseline,
}
