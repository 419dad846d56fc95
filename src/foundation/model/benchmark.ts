import type { LoadMetrics, ResponseTimeStats } from './load.ts'

/**
 * Time per iteration (function benchmarks) or per request (HTTP benchmarks), in ms: tinybench's keys
 * (`mean`, `sd`, `rme`, `samples`) with the load results' `min`, `max` and percentiles.
 */
export interface BenchmarkStats
  extends Pick<ResponseTimeStats, 'min' | 'max' | 'p50' | 'p75' | 'p90' | 'p95' | 'p99' | 'p999'> {
  mean: number
  /** Standard deviation of the samples. */
  sd: number
  /** Relative margin of error of the mean, in percent (95% confidence). */
  rme: number
  /** Number of samples. */
  samples: number
}

/** What every benchmark result has, whether it timed a function or an endpoint. */
export interface BenchmarkResult {
  kind: 'benchmark'
  target: 'function' | 'http'
  name: string
  /** Mean time per iteration in ms (the seed's `avg_time`). */
  avgTime: number
  /** Iterations (or requests) per second. */
  throughput: number
  stats: BenchmarkStats
  /**
   * The samples in ms, sorted ascending; the comparison tests read them. Function benchmarks only; thinned
   * evenly (quantiles kept) beyond 10,000.
   */
  samplesMs?: number[]
  /** Measured iterations (warmup excluded). */
  iterations: number
  /** True when a signal stopped the run before its end. */
  aborted: boolean
  /** ISO timestamp. */
  startedAt: string
  durationMs: number
  warnings: string[]
}

/** A function benchmark's result. */
export interface FunctionBenchmarkResult extends BenchmarkResult {
  target: 'function'
  samplesMs: number[]
}

/** An HTTP benchmark's result: the seed's `avgTime` and `throughput`, and every load metric. */
export interface HttpBenchmarkResult extends BenchmarkResult {
  target: 'http'
  url: string
  /** Concurrent connections used. */
  concurrency: number
  metrics: LoadMetrics
}

/** Which test decided significance. */
export type SignificanceTest = 'mann-whitney' | 'welch'

/** One result in the ranking, fastest (lowest median) first. */
export interface BenchmarkRank {
  rank: number
  name: string
  mean: number
  p50: number
  /** This median over the fastest median: 1 for the fastest, 2 for twice as slow. */
  relativeToFastest: number
}

/** The fastest result against one other. */
export interface PairComparison {
  faster: string
  slower: string
  /** Slower median over faster median. */
  ratio: number
  /** How much slower, in percent of the faster median. */
  differencePercent: number
  test: SignificanceTest
  pValue: number
  /** p < 1 − confidence and the difference is at least `minDifferencePercent`. */
  significant: boolean
}

/** What `compareBenchmarks` returns. */
export interface BenchmarkComparison {
  kind: 'benchmark-comparison'
  fastest: string
  ranking: BenchmarkRank[]
  /** The fastest against each of the others, in ranking order. */
  comparisons: PairComparison[]
  confidence: number
  minDifferencePercent: number
}

/** What `compareFunctions` returns: each function's result (all rounds merged) and their comparison. */
export interface FunctionComparison {
  results: FunctionBenchmarkResult[]
  comparison: BenchmarkComparison
}

/** True for what a benchmark returns (or its JSON round trip). */
export function isBenchmarkResult(value: unknown): value is BenchmarkResult {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as BenchmarkResult).kind === 'benchmark' &&
    typeof (value as BenchmarkResult).stats?.mean === 'number'
  )
}
