import type { LoadMetrics, LoadTestResult } from '../../foundation/model/index.ts'
import { isLoadTestResult, summarizeRun } from '../../foundation/model/index.ts'
import { round } from '../../foundation/util/format.ts'
import { getOwn } from '../../foundation/util/own-keys.ts'
import { argument, requireNumber } from '../../options/validate.ts'
import type { PerfMatcherContext, PerfMatcherResult, PerfResultPart } from './types.ts'
import { checkMatcherUsage, matcherUsageError } from './usage.ts'

export function hint(context: PerfMatcherContext, matcher: string, expected: string): string {
  return context.utils.matcherHint(matcher, 'result', expected, {
    isNot: context.isNot,
    promise: context.promise,
  })
}

/** Throws a MatcherUsageError (not a failed expectation) when `received` is not a perfspec result. */
export function requireResult(
  context: PerfMatcherContext,
  matcher: string,
  expected: string,
  received: unknown,
): LoadTestResult {
  if (isLoadTestResult(received)) return received
  const why =
    received instanceof Promise
      ? 'received a Promise: did you forget to `await` loadTest()?'
      : `received: ${context.utils.printReceived(received)}`
  throw matcherUsageError(
    matcher,
    hint(context, matcher, expected),
    `expects a perfspec result (what loadTest() returns), ${why}`,
  )
}

/** Throws a MatcherUsageError when a limit is not a finite, non-negative number. */
export function requireLimit(
  context: PerfMatcherContext,
  matcher: string,
  expected: string,
  value: unknown,
): number {
  return checkMatcherUsage(matcher, hint(context, matcher, expected), () =>
    requireNumber(argument(expected), value, { min: 0 }),
  )
}

/**
 * The message of a threshold-like matcher: the metric, the limit, the actual value, and the run in one
 * line. `relation` reads after "to be": 'below', 'above'.
 */
export function compareMessage(
  context: PerfMatcherContext,
  matcher: string,
  expected: string,
  parts: { metric: string; relation: string; limit: number; actual: number; unit: string },
  result: LoadTestResult,
  judged: LoadMetrics = result.metrics,
): string {
  const { metric, relation, limit, actual, unit } = parts
  const not = context.isNot ? 'not ' : ''
  const noRequests =
    judged.totalRequests === 0 ? '\nThe run completed no requests, so there is nothing to measure.' : ''
  return (
    `${hint(context, matcher, expected)}\n\n` +
    `Expected ${metric} ${not}to be ${relation} ${context.utils.printExpected(round(limit))}${unit}\n` +
    `Received ${metric}: ${context.utils.printReceived(round(actual))}${unit}${noRequests}\n\n` +
    `Run: ${summarizeRun(result)}`
  )
}

/** What a limit matcher compares: one number read from the metrics against the limit argument. */
export interface LimitCheck {
  matcher: string
  /** The limit argument's name in the hint: 'ms', 'percent', 'rps'. */
  expected: string
  metric: string
  relation: 'below' | 'above'
  unit: string
  read(metrics: LoadMetrics): number
}

function namesOf(record: Record<string, unknown> | undefined): string {
  const names = Object.keys(record ?? {})
  return names.length === 0 ? 'none: the run has no journey' : names.map((name) => `'${name}'`).join(', ')
}

/**
 * The metrics a matcher judges: the whole run's, or one `{ endpoint }`'s or `{ scenario }`'s; a part the
 * result does not have is a MatcherUsageError naming the parts it has. Also the label of that part.
 */
export function selectMetrics(
  context: PerfMatcherContext,
  matcher: string,
  expected: string,
  result: LoadTestResult,
  part: unknown,
): { metrics: LoadMetrics; label: string } {
  if (part === undefined) return { metrics: result.metrics, label: '' }
  const usage = (why: string): never => {
    throw matcherUsageError(matcher, hint(context, matcher, expected), why)
  }
  if (typeof part !== 'object' || part === null) {
    return usage("takes `{ endpoint: 'name' }` or `{ scenario: 'name' }` as its last argument")
  }
  const { endpoint, scenario } = part as PerfResultPart
  if ((endpoint === undefined) === (scenario === undefined)) {
    return usage("takes one of `{ endpoint: 'name' }` or `{ scenario: 'name' }`")
  }
  if (endpoint !== undefined) {
    const metrics = getOwn(result.endpoints, endpoint)
    if (metrics === undefined)
      usage(`found no endpoint '${endpoint}' in the result (endpoints: ${namesOf(result.endpoints)})`)
    return { metrics: metrics!, label: ` of endpoint '${endpoint}'` }
  }
  const metrics = getOwn(result.scenarios, scenario!)?.metrics
  if (metrics === undefined)
    usage(`found no scenario '${scenario}' in the result (scenarios: ${namesOf(result.scenarios)})`)
  return { metrics: metrics!, label: ` of scenario '${scenario}'` }
}

/**
 * The body of every "metric below/above a limit" matcher. A run without requests has no latency or
 * error rate to be below anything, so it never passes a 'below' check.
 */
export function checkLimit(
  context: PerfMatcherContext,
  check: LimitCheck,
  received: unknown,
  limitArgument: unknown,
  part?: unknown,
): PerfMatcherResult {
  const { matcher, expected, relation, unit } = check
  const result = requireResult(context, matcher, expected, received)
  const limit = requireLimit(context, matcher, expected, limitArgument)
  const { metrics, label } = selectMetrics(context, matcher, expected, result, part)
  const actual = check.read(metrics)
  const measured = metrics.totalRequests > 0
  const metric = `${check.metric}${label}`
  return {
    pass: relation === 'below' ? measured && actual < limit : actual > limit,
    message: () =>
      compareMessage(context, matcher, expected, { metric, relation, limit, actual, unit }, result, metrics),
  }
}
