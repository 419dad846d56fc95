import type { LoadTestResult } from './load.ts'

/** What `runComparison` returns. */
export interface ComparisonResult {
  kind: 'comparison'
  /** The first configuration: relative differences are against it. */
  baseline: string
  /** Every run, in the order they ran. */
  runs: { name: string; result: LoadTestResult }[]
  table: ComparisonRow[]
  /** True when every run passed its thresholds. */
  success: boolean
  /** Distinct warnings of the runs, each prefixed with its configuration's name. */
  warnings: string[]
  /** ISO timestamp. */
  startedAt: string
  durationMs: number
}

/** One metric across the configurations. */
export interface ComparisonRow {
  metric: ComparisonMetric
  unit: 'req/s' | 'ms' | '%'
  better: 'higher' | 'lower'
  values: Record<string, number>
  /** Difference from the baseline (the first configuration), in percent; null where the baseline is 0. */
  relativePercent: Record<string, number | null>
  /** The best configuration for this metric; null when all are equal. */
  winner: string | null
}

/** A metric of the comparison table. */
export type ComparisonMetric = 'rps' | 'mean' | 'p50' | 'p95' | 'p99' | 'errorRatePercent'

/** True for what `runComparison()` returns (or its JSON round trip). */
export function isComparisonResult(value: unknown): value is ComparisonResult {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as ComparisonResult).kind === 'comparison' &&
    Array.isArray((value as ComparisonResult).runs) &&
    Array.isArray((value as ComparisonResult).table)
  )
}
