import { toMatchPerfBaseline } from './baseline.ts'
import { toHaveCheckRateAbove } from './checks.ts'
import * as latency from './latency.ts'
import * as rates from './rates.ts'
import { toBeFasterThan, toBeSignificantlyFasterThan, toHaveBreakPointAbove } from './stress-bench.ts'
import { toPassThresholds } from './thresholds.ts'

export { readUpdateMode } from './baseline.ts'
export type {
  PerfBaselineOptions,
  PerfMatcherContext,
  PerfMatcherResult,
  PerfMatchers,
  PerfResultPart,
} from './types.ts'

/** Every perfspec matcher, for `expect.extend(perfMatchers)` in Vitest or Jest. */
export const perfMatchers = {
  ...latency,
  ...rates,
  toHaveCheckRateAbove,
  toPassThresholds,
  toMatchPerfBaseline,
  toHaveBreakPointAbove,
  toBeSignificantlyFasterThan,
  toBeFasterThan,
}
