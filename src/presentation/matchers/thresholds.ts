import { describeErrors, listThresholds, summarizeRun } from '../../foundation/model/index.ts'
import type { Thresholds } from '../../foundation/types.ts'
import { evaluateThresholds, parseThresholds } from '../../options/thresholds.ts'
import { markThresholdsChecked } from '../../orchestration/context.ts'
import { hint as matcherHint, requireResult } from './received.ts'
import type { PerfMatcherContext, PerfMatcherResult } from './types.ts'
import { checkMatcherUsage } from './usage.ts'

/**
 * Passes when every threshold passed: the ones given here (k6 or seed spelling), else the ones the run was
 * configured with (config/qa.yaml, plugin, call). Fails when there is no threshold to check.
 */
export function toPassThresholds(
  this: PerfMatcherContext,
  received: unknown,
  thresholds?: Thresholds,
): PerfMatcherResult {
  const matcher = 'toPassThresholds'
  const expected = thresholds === undefined ? '' : 'thresholds'
  const result = requireResult(this, matcher, expected, received)
  const hint = matcherHint(this, matcher, expected)
  const evaluated =
    thresholds === undefined
      ? result.thresholds
      : evaluateThresholds(
          checkMatcherUsage(matcher, hint, () =>
            parseThresholds(thresholds, { customMetrics: result.metrics.custom !== undefined }),
          ),
          result.metrics,
          result,
        )
  markThresholdsChecked(result)
  const failed = evaluated.filter((threshold) => !threshold.passed)
  return {
    pass: evaluated.length > 0 && failed.length === 0,
    message: () => {
      if (evaluated.length === 0) {
        return `${hint}\n\nNo thresholds to check: pass some, or set them in perf({ thresholds }), config/qa.yaml or the loadTest options.\n\nRun: ${summarizeRun(result)}`
      }
      const verdict = this.isNot
        ? `Expected some threshold to fail; all ${evaluated.length} passed:`
        : `Expected every threshold to pass; ${failed.length} of ${evaluated.length} failed:`
      const errors = describeErrors(result).map((line) => `\n  ${line}`)
      return `${hint}\n\n${verdict}\n${listThresholds(evaluated)}\n\nRun: ${summarizeRun(result)}${errors.join('')}`
    },
  }
}
