import type { BaselineCheck } from './baseline.ts'
import { type BenchmarkResult, isBenchmarkResult } from './benchmark.ts'
import { type ComparisonResult, isComparisonResult } from './comparison.ts'
import { isLoadTestResult, type LoadTestResult } from './load.ts'
import { isStressTestResult, type StressTestResult } from './stress.ts'

/**
 * Every kind of result a report shows: a load run, a stress test, a comparison of configurations, and a
 * function benchmark (an HTTP benchmark shows as its measured load run).
 */
export type PerfResult = LoadTestResult | StressTestResult | ComparisonResult | BenchmarkResult

/** A result as a test framework carries it to its reporter, with its baseline check if any. JSON-safe. */
export interface RecordedResult {
  result: PerfResult
  baseline?: BaselineCheck
}

/** True for what `loadTest`, `stressTest` or `runComparison` returns (or its JSON round trip). */
export function isPerfResult(value: unknown): value is PerfResult {
  return (
    isLoadTestResult(value) ||
    isStressTestResult(value) ||
    isComparisonResult(value) ||
    isBenchmarkResult(value)
  )
}

/** True for what a test session records for its reporter (or its JSON round trip). */
export function isRecordedResult(value: unknown): value is RecordedResult {
  return typeof value === 'object' && value !== null && isPerfResult((value as RecordedResult).result)
}
