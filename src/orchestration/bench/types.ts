import type { SignificanceTest } from '../../foundation/model/index.ts'
import type { LoadTestOptions } from '../../foundation/types.ts'

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
