import { round } from '../../foundation/util/format.ts'
import { checkTotals, NO_CHECK_RAN } from '../../options/thresholds.ts'
import { compareMessage, requireLimit, requireResult, selectMetrics } from './received.ts'
import type { PerfMatcherContext, PerfMatcherResult, PerfResultPart } from './types.ts'

const MATCHER = 'toHaveCheckRateAbove'
const EXPECTED = 'percent'

/**
 * More than `percent` (0..100) of the named checks that ran passed (of the run, or of one `{ endpoint }` /
 * `{ scenario }`). When no check ran it fails, saying so: a rate of nothing is no evidence.
 */
export function toHaveCheckRateAbove(
  this: PerfMatcherContext,
  received: unknown,
  percent: number,
  part?: PerfResultPart,
): PerfMatcherResult {
  const result = requireResult(this, MATCHER, EXPECTED, received)
  const limit = requireLimit(this, MATCHER, EXPECTED, percent)
  const { metrics, label } = selectMetrics(this, MATCHER, EXPECTED, result, part)
  const { passes, fails } = checkTotals(metrics)
  const ran = passes + fails
  const actual = ran === 0 ? 0 : (passes / ran) * 100
  const parts = { metric: `check rate${label}`, relation: 'above', limit, actual, unit: '%' }
  return {
    pass: ran > 0 && actual > limit,
    message: () => {
      const message = compareMessage(this, MATCHER, EXPECTED, parts, result, metrics)
      const counts =
        ran === 0
          ? `\n\nNo check ran (${NO_CHECK_RAN.replace(/^no check ran: /, '')}).`
          : `\n\nChecks: ${passes} passed, ${fails} failed (${round(actual)}%).`
      return `${message}${counts}`
    },
  }
}
