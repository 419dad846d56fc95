import type { ToolName } from '../types.ts'
import type { LoadMetrics } from './load.ts'

/** What `stressTest` returns. Steps run back to back and stop at the first break. */
export interface StressTestResult {
  kind: 'stress'
  /** True when every step ran and none broke. */
  success: boolean
  aborted: boolean
  tool: ToolName
  name: string
  /** The most users a step ran with (the break point's, when one broke). */
  maxUsersReached: number
  breakPoint: BreakPoint | null
  steps: StressStep[]
  /** Distinct warnings of the steps, each prefixed with its step's users. */
  warnings: string[]
  /** ISO timestamp. */
  startedAt: string
  durationMs: number
}

/** One step: its user count and what it measured. */
export interface StressStep {
  users: number
  metrics: LoadMetrics
  warnings: string[]
}

/** The first step that broke, and why. */
export interface BreakPoint {
  users: number
  criterion: BreakCriterion
  /** E.g. `'p95 48.2 ms > 2 × first step's 20.9 ms'`. */
  reason: string
  /**
   * Whose limit the break is: `target` (the server's), or `generator` when the load generator itself was
   * saturated in that step (its event loop busy or late), so the break says nothing about the server.
   */
  cause?: BreakCause
  metrics: LoadMetrics
}

/** Whose limit a stress test's break point is. */
export type BreakCause = 'target' | 'generator'

/** Which criterion broke a step. `thresholds`: the step failed the run's own thresholds. */
export type BreakCriterion = 'errorRatePercent' | 'p95' | 'rps' | 'thresholds'

/** True for what `stressTest()` returns (or its JSON round trip). */
export function isStressTestResult(value: unknown): value is StressTestResult {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as StressTestResult).kind === 'stress' &&
    Array.isArray((value as StressTestResult).steps)
  )
}
