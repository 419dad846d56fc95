import type { Thresholds } from '../../foundation/types.ts'
import type { CompareBenchmarksOptions } from '../../orchestration/bench/types.ts'

/**
 * The part of a matcher's `this` perfspec uses. Structural on purpose: Vitest's and Jest's matcher states
 * both satisfy it, so one set of matcher functions serves both (`snapshotState` is read through a cast:
 * both frameworks type it as a class with private members).
 */
export interface PerfMatcherContext {
  isNot: boolean
  promise?: string
  /** Absolute path of the running test file. */
  testPath?: string | undefined
  /** `describe > test` in Vitest, `describe test` in Jest. */
  currentTestName?: string | undefined
  utils: {
    // biome-ignore lint/suspicious/noExplicitAny: both frameworks type matcherHint's options differently
    matcherHint(name: string, received?: string, expected?: string, options?: any): string
    printReceived(value: unknown): string
    printExpected(value: unknown): string
  }
}

/** What a matcher returns to the framework. */
export interface PerfMatcherResult {
  pass: boolean
  message: () => string
}

/** Options of `toMatchPerfBaseline`. */
export interface PerfBaselineOptions {
  /**
   * How far a metric may move either way and still count as unchanged, as a fraction of the baseline
   * (0.2 = 20%): one number for every metric, or one per metric (`cpu` is the app's CPU per request).
   * @default { cpu: 0.1, p95: 0.2, rps: 0.2 }
   */
  tolerance?: number | { cpu?: number; p95?: number; rps?: number }
  /** p95 must also move by more than this many ms (guards very fast endpoints). @default 2 */
  floorMs?: number
  /** Throughput must also move by more than this many requests per second. @default 1 */
  floorRps?: number
  /** The baseline's key in the file. @default '<test name> > <result name>' */
  key?: string
  /** Judge one endpoint of a journey: its p95 and throughput against the baseline's for that endpoint. */
  endpoint?: string
  /**
   * Fail when the comparison is inconclusive (too few windows, an interval that is not decided, a baseline
   * from another machine), not only when it regressed. @default the plugin's `failOnInconclusive`, else false
   */
  failOnInconclusive?: boolean
}

/**
 * What part of a journey run a matcher judges: one endpoint (step name) or one scenario. Without it, the
 * whole run.
 */
export type PerfResultPart = { endpoint: string; scenario?: never } | { scenario: string; endpoint?: never }

/** What a matcher asks for instead of its arguments when it was handed a Promise (where the type shows it). */
export type AwaitTheResultFirst = 'a Promise: await loadTest() (or the run) before expect()'

/**
 * A matcher's arguments: `A`, unless the received value `T` is a Promise outside `.resolves`/`.rejects`
 * (there `R` is a Promise), which no matcher can read. Jest's `Matchers<R, T>` carry `T`; Vitest's augmentation
 * has no type parameters to merge across Vitest 3.2/4/5, so there `T` stays unknown and the check is at
 * run time.
 */
export type MatcherArgs<R, T, A extends unknown[]> = 0 extends 1 & T // any (a JSON.parse) may be a result
  ? A
  : [R] extends [PromiseLike<unknown>] // .resolves / .rejects: the framework awaits it
    ? A
    : [T] extends [PromiseLike<unknown>]
      ? [received: AwaitTheResultFirst]
      : A

/** The perfspec matchers, typed once for every framework's `Matchers` interface. */
export interface PerfMatchers<R = void, T = unknown> {
  /** Median response time below `ms` (of the run, or of one `{ endpoint }` / `{ scenario }`). */
  toHaveP50Below(...args: MatcherArgs<R, T, [ms: number, part?: PerfResultPart]>): R
  toHaveP90Below(...args: MatcherArgs<R, T, [ms: number, part?: PerfResultPart]>): R
  toHaveP95Below(...args: MatcherArgs<R, T, [ms: number, part?: PerfResultPart]>): R
  toHaveP99Below(...args: MatcherArgs<R, T, [ms: number, part?: PerfResultPart]>): R
  /** Percentile `p` (50, 75, 90, 95, 99 or 99.9) below `ms`. */
  toHavePercentileBelow(...args: MatcherArgs<R, T, [p: number, ms: number, part?: PerfResultPart]>): R
  toHaveAvgResponseTimeBelow(...args: MatcherArgs<R, T, [ms: number, part?: PerfResultPart]>): R
  toHaveMaxResponseTimeBelow(...args: MatcherArgs<R, T, [ms: number, part?: PerfResultPart]>): R
  /** Failed requests below `percent` (0..100) of all requests. */
  toHaveErrorRateBelow(...args: MatcherArgs<R, T, [percent: number, part?: PerfResultPart]>): R
  toHaveThroughputAbove(...args: MatcherArgs<R, T, [rps: number, part?: PerfResultPart]>): R
  /**
   * More than `percent` (0..100) of the checks that ran passed (a journey's named `checks`, `check`
   * functions); fails when no check ran.
   */
  toHaveCheckRateAbove(...args: MatcherArgs<R, T, [percent: number, part?: PerfResultPart]>): R
  /** Every threshold passed: the given ones (tagged ones judge their endpoint), or the run's. */
  toPassThresholds(...args: MatcherArgs<R, T, [thresholds?: Thresholds]>): R
  /**
   * The app's CPU per request, p95 and throughput no worse than the stored baseline (of one `endpoint`,
   * when given), judged with confidence intervals over the runs' steady-state seconds. Await it.
   */
  toMatchPerfBaseline(...args: MatcherArgs<R, T, [options?: PerfBaselineOptions]>): Promise<R>
  /** A stress result broke above `users` (or held at least up to `users`). */
  toHaveBreakPointAbove(...args: MatcherArgs<R, T, [users: number]>): R
  /** A benchmark result is faster than `other`, significantly at `confidence` (default 0.95). */
  toBeSignificantlyFasterThan(
    ...args: MatcherArgs<R, T, [other: unknown, options?: CompareBenchmarksOptions]>
  ): R
  /**
   * Same as toBeSignificantlyFasterThan. On Vitest 5 the name belongs to Vitest's own matcher for its
   * `bench` results, whose type wins there: use toBeSignificantlyFasterThan.
   */
  toBeFasterThan(...args: MatcherArgs<R, T, [other: unknown, options?: CompareBenchmarksOptions]>): R
}
