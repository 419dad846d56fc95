import type { Duration, LoadTestOptions } from '../../foundation/types.ts'

/** When a step counts as broken. `false` turns a criterion off. */
export interface BreakCriteria {
  /** Break when more than this percent of a step's requests failed. @default 5 */
  maxErrorRatePercent?: number | false
  /** Break when a step's p95 exceeds this multiple of the first step's p95. @default 2 */
  maxP95Ratio?: number | false
  /**
   * Break when throughput stops rising: the users a step added raised throughput by less than this share of
   * linear scaling (1 = throughput grows as fast as users; 0.25: from 40 to 50 users, +25% users must bring at
   * least +6.25% throughput). A fall in throughput always breaks unless this is `false`. @default 0.25
   */
  minThroughputScaling?: number | false
}

/** Options of `stressTest`: a load test run in steps of growing user counts until something breaks. */
export interface StressTestOptions
  extends Omit<
    LoadTestOptions,
    'users' | 'duration' | 'requests' | 'rampUp' | 'rate' | 'stages' | 'maxUsers' | 'errorBudget'
  > {
  /** Users of the first step. @default stepUsers */
  startUsers?: number
  /** Users of the last step (the most a step may run with). */
  maxUsers: number
  /** Users added per step. @default a tenth of maxUsers, at least 1 */
  stepUsers?: number
  /** How long each step runs. @default '10s' */
  stepDuration?: Duration
  /** When a step counts as broken. Any one criterion breaks it. */
  breakOn?: BreakCriteria
}
