import { InvalidOptionError } from '../../foundation/errors.ts'
import type {
  BenchmarkComparison,
  BenchmarkResult,
  PairComparison,
  SignificanceTest,
} from '../../foundation/model/index.ts'
import { isBenchmarkResult } from '../../foundation/model/index.ts'
import {
  argument,
  type KnownKeys,
  rejectUnknownKeys,
  requireNumber,
  requireObject,
  requireOneOf,
} from '../../options/validate.ts'
import { mannWhitney, type TestOutcome, welch } from './significance.ts'
import type { CompareBenchmarksOptions } from './types.ts'

interface ResolvedCompareOptions {
  confidence: number
  minDifferencePercent: number
  test: SignificanceTest | 'auto'
}

const COMPARE_KEYS = {
  confidence: true,
  minDifferencePercent: true,
  test: true,
} as const satisfies KnownKeys<CompareBenchmarksOptions>
const TESTS: readonly (SignificanceTest | 'auto')[] = ['auto', 'mann-whitney', 'welch']

function resolveCompareOptions(options: CompareBenchmarksOptions): ResolvedCompareOptions {
  rejectUnknownKeys(requireObject(argument('options'), options), COMPARE_KEYS)
  const { confidence = 0.95, minDifferencePercent = 5, test = 'auto' } = options
  return {
    confidence: requireNumber('confidence', confidence, { above: 0, below: 1, hint: '(e.g. 0.95)' }),
    minDifferencePercent: requireNumber('minDifferencePercent', minDifferencePercent, { min: 0 }),
    test: requireOneOf('test', test, TESTS),
  }
}

/** Runs the chosen test on two results: Mann-Whitney on samples when both have them, else Welch. */
export function testDifference(
  a: BenchmarkResult,
  b: BenchmarkResult,
  test: SignificanceTest | 'auto' = 'auto',
): TestOutcome & { test: SignificanceTest } {
  const haveSamples = (a.samplesMs?.length ?? 0) > 0 && (b.samplesMs?.length ?? 0) > 0
  if (test === 'mann-whitney' && !haveSamples) {
    throw new InvalidOptionError(
      'test',
      "The 'mann-whitney' test needs the samples of both results (function benchmarks keep them); use 'welch'",
    )
  }
  if (test === 'mann-whitney' || (test === 'auto' && haveSamples)) {
    return { ...mannWhitney(a.samplesMs!, b.samplesMs!), test: 'mann-whitney' }
  }
  const summary = (result: BenchmarkResult) => ({
    mean: result.stats.mean,
    sd: result.stats.sd,
    count: result.stats.samples,
  })
  const { statistic, pValue } = welch(summary(a), summary(b))
  return { statistic, pValue, test: 'welch' }
}

/** How many times slower `result` is than `fastest`, by median (a few GC pauses move a mean by half). */
function ratioOf(result: BenchmarkResult, fastest: BenchmarkResult): number {
  return fastest.stats.p50 > 0 ? result.stats.p50 / fastest.stats.p50 : 1
}

/**
 * Ranks benchmark results by median time (fastest first) and tests the fastest against each other one. A
 * difference is significant when its p-value is below `1 − confidence` and it is at least
 * `minDifferencePercent` of the faster median.
 */
export function compareBenchmarks(
  results: readonly BenchmarkResult[],
  options: CompareBenchmarksOptions = {},
): BenchmarkComparison {
  if (!Array.isArray(results) || results.length < 2 || !results.every(isBenchmarkResult)) {
    throw new InvalidOptionError('results', 'Expected at least two benchmark results to compare')
  }
  const { confidence, minDifferencePercent, test } = resolveCompareOptions(options)
  const ordered = [...results].sort((a, b) => a.stats.p50 - b.stats.p50 || a.stats.mean - b.stats.mean)
  const fastest = ordered[0]!
  const ranking = ordered.map((result, index) => ({
    rank: index + 1,
    name: result.name,
    mean: result.stats.mean,
    p50: result.stats.p50,
    relativeToFastest: ratioOf(result, fastest),
  }))
  const comparisons = ordered.slice(1).map((slower): PairComparison => {
    const outcome = testDifference(fastest, slower, test)
    const ratio = ratioOf(slower, fastest)
    const differencePercent = (ratio - 1) * 100
    return {
      faster: fastest.name,
      slower: slower.name,
      ratio,
      differencePercent,
      test: outcome.test,
      pValue: outcome.pValue,
      // The statistic is faster − slower: a test can disagree with the medians on odd samples.
      significant:
        outcome.pValue < 1 - confidence && differencePercent >= minDifferencePercent && outcome.statistic < 0,
    }
  })
  return {
    kind: 'benchmark-comparison',
    fastest: fastest.name,
    ranking,
    comparisons,
    confidence,
    minDifferencePercent,
  }
}
