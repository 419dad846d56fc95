import type { LoadMetrics, LoadTestOptions, ResponseTimeStats } from '../types.ts'

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

/** Options of `benchmarkAsync`, `benchmarkSync` and `benchmark(fn)`. */
export interface FunctionBenchmarkOptions {
  /** A label for results and comparisons. @default the function's name, else 'anonymous' */
  name?: string
  /** Measured iterations. @default 1000 */
  iterations?: number
  /** Iterations run first and discarded (JIT, caches). @default 10 */
  warmupIterations?: number
  /** Keep iterating until this much time (ms) has passed too. @default 0 */
  minTimeMs?: number
  signal?: AbortSignal
}

/** Options of `compareFunctions`: a benchmark's options (per function) and the comparison's. */
export interface CompareFunctionsOptions
  extends Omit<FunctionBenchmarkOptions, 'name'>,
    CompareBenchmarksOptions {
  /** Rounds the iterations are spread over, functions taking turns. @default 5 */
  rounds?: number
}

/** What `compareFunctions` returns: each function's result (all rounds merged) and their comparison. */
export interface FunctionComparison {
  results: FunctionBenchmarkResult[]
  comparison: BenchmarkComparison
}

/**
 * Options of an HTTP benchmark: `benchmark({ url, requests, concurrency, warmup })`. The request options
 * (`method`, `headers`, `body`, `timeout`, `expectStatus`, `tool`) are `loadTest`'s.
 */
export interface HttpBenchmarkOptions
  extends Pick<
    LoadTestOptions,
    'url' | 'name' | 'method' | 'headers' | 'body' | 'timeout' | 'expectStatus' | 'tool' | 'signal'
  > {
  /** Measured requests. @default 1000 */
  requests?: number
  /** Requests in flight at once (one keep-alive connection each). @default 1 */
  concurrency?: number
  /** Requests sent first and discarded (connections, JIT, caches). @default 10 */
  warmup?: number
}

/** Which test decided significance. */
export type SignificanceTest = 'mann-whitney' | 'welch'

/** Options of `compareBenchmarks`. */
export interface CompareBenchmarksOptions {
  /** Confidence for significance: a difference counts when p < 1 − confidence. @default 0.95 */
  confidence?: number
  /**
   * Smallest difference of medians (percent of the faster) that can count as significant. Two runs of the same
   * code rarely agree closer than a few percent (JIT, caches, neighbours on the machine); with thousands of
   * samples a test finds such drift "significant". @default 5
   */
  minDifferencePercent?: number
  /**
   * `'mann-whitney'` (rank test on the samples; robust to the long tails of timings), `'welch'` (t-test on
   * mean and variance), or `'auto'`: Mann-Whitney when both results carry samples, else Welch. @default 'auto'
   */
  test?: SignificanceTest | 'auto'
}

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
