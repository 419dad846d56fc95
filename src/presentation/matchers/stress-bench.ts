import type { BenchmarkResult, StressTestResult } from '../../foundation/model/index.ts'
import { isBenchmarkResult } from '../../foundation/model/index.ts'
import { round } from '../../foundation/util/format.ts'
import { argument, requireNumber } from '../../options/validate.ts'
import { compareBenchmarks } from '../../orchestration/bench/compare-benchmarks.ts'
import type { CompareBenchmarksOptions } from '../../orchestration/bench/types.ts'
import type { PerfMatcherContext, PerfMatcherResult } from './types.ts'
import { checkMatcherUsage, matcherUsageError } from './usage.ts'

/** The part of `this` these matchers read; Vitest's and Jest's states (and PerfMatcherContext) satisfy it. */
export interface StressBenchMatcherContext {
  isNot: boolean
  promise?: string
  utils?: Partial<PerfMatcherContext['utils']>
}

function hint(context: StressBenchMatcherContext, matcher: string, expected: string): string {
  const { matcherHint } = context.utils ?? {}
  if (matcherHint === undefined) return `expect(result).${context.isNot ? 'not.' : ''}${matcher}(${expected})`
  return matcherHint(matcher, 'result', expected, { isNot: context.isNot, promise: context.promise })
}

function print(context: StressBenchMatcherContext, value: unknown, as: 'received' | 'expected'): string {
  const printer = as === 'received' ? context.utils?.printReceived : context.utils?.printExpected
  return printer === undefined ? String(value) : printer(value)
}

function isStressResult(value: unknown): value is StressTestResult {
  return typeof value === 'object' && value !== null && (value as StressTestResult).kind === 'stress'
}

/**
 * `expect(stress).toHaveBreakPointAbove(users)`: the target broke above `users`, or held at least up to
 * `users` (a stress test that stopped below `users` without breaking proves nothing and fails).
 */
export function toHaveBreakPointAbove(
  this: StressBenchMatcherContext,
  received: unknown,
  users: number,
): PerfMatcherResult {
  const matcher = 'toHaveBreakPointAbove'
  if (!isStressResult(received)) {
    throw matcherUsageError(
      matcher,
      hint(this, matcher, 'users'),
      `expects what stressTest() returns, received: ${print(this, received, 'received')}`,
    )
  }
  checkMatcherUsage(matcher, hint(this, matcher, 'users'), () =>
    requireNumber(argument('users'), users, { min: 0 }),
  )
  const { breakPoint, maxUsersReached } = received
  if (breakPoint?.cause === 'generator') {
    // The break is the tester's: it proves nothing about the server, whichever way the assertion reads.
    return {
      pass: this.isNot,
      message: () =>
        `${hint(this, matcher, 'users')}\n\n` +
        `The load generator saturated at ${breakPoint.users} users (${breakPoint.reason}): the break is the ` +
        "tester's limit, not the server's, so it says nothing about where the server breaks.\n" +
        'Move the target to another process or machine, or give the generator `workers`, and run again.',
    }
  }
  const pass = breakPoint === null ? maxUsersReached >= users : breakPoint.users > users
  const seen =
    breakPoint === null
      ? `held up to ${maxUsersReached} users without breaking` +
        (maxUsersReached < users ? ` (never got to ${users}: raise \`maxUsers\`)` : '')
      : `broke at ${breakPoint.users} users: ${breakPoint.reason}`
  return {
    pass,
    message: () =>
      `${hint(this, matcher, 'users')}\n\n` +
      `Expected the break point ${this.isNot ? 'not ' : ''}to be above ${print(this, users, 'expected')} users\n` +
      `Received: ${print(this, seen, 'received')}\n` +
      `Steps: ${received.steps.map((step) => step.users).join(', ')} users`,
  }
}

/**
 * `expect(a).toBeSignificantlyFasterThan(b, { confidence: 0.95 })`: `a`'s mean time is lower and the
 * difference is significant (see compareBenchmarks: p < 1 − confidence and at least `minDifferencePercent`).
 * Also registered as `toBeFasterThan`, except on Vitest 5, whose own `toBeFasterThan` (for its `bench`
 * results) keeps the name.
 */
export function toBeSignificantlyFasterThan(
  this: StressBenchMatcherContext,
  received: unknown,
  other: unknown,
  options: CompareBenchmarksOptions = {},
): PerfMatcherResult {
  return compareSpeed(this, 'toBeSignificantlyFasterThan', received, other, options)
}

/** `toBeSignificantlyFasterThan` under the name the seed's users know. */
export function toBeFasterThan(
  this: StressBenchMatcherContext,
  received: unknown,
  other: unknown,
  options: CompareBenchmarksOptions = {},
): PerfMatcherResult {
  return compareSpeed(this, 'toBeFasterThan', received, other, options)
}

function compareSpeed(
  context: StressBenchMatcherContext,
  matcher: string,
  received: unknown,
  other: unknown,
  options: CompareBenchmarksOptions,
): PerfMatcherResult {
  for (const [label, value] of [
    ['received', received],
    ['other', other],
  ] as const) {
    if (!isBenchmarkResult(value)) {
      throw matcherUsageError(
        matcher,
        hint(context, matcher, 'other'),
        `expects benchmark results (what benchmark() returns), ${label}: ${print(context, value, 'received')}`,
      )
    }
  }
  const mine = received as BenchmarkResult
  const theirs = other as BenchmarkResult
  const comparison = checkMatcherUsage(matcher, hint(context, matcher, 'other'), () =>
    compareBenchmarks([mine, theirs], options),
  )
  const pair = comparison.comparisons[0]!
  const faster = mine.stats.mean < theirs.stats.mean
  const pass = faster && pair.significant
  const ratio = faster ? theirs.stats.mean / mine.stats.mean : mine.stats.mean / theirs.stats.mean
  const verdict = pair.significant ? 'significant' : 'not significant'
  return {
    pass,
    message: () =>
      `${hint(context, matcher, 'other')}\n\n` +
      `Expected ${mine.name} ${context.isNot ? 'not ' : ''}to be faster than ${theirs.name} ` +
      `(confidence ${comparison.confidence * 100}%, at least ${comparison.minDifferencePercent}% apart)\n` +
      `Received: mean ${print(context, round(mine.stats.mean), 'received')} ms vs ${round(theirs.stats.mean)} ms: ` +
      `${faster ? mine.name : theirs.name} is ${round(ratio)}x faster, ` +
      `${pair.test} p = ${pair.pValue.toPrecision(3)} (${verdict})`,
  }
}
