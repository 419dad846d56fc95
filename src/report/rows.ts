import type { BaselineComparison } from '../baseline/compare.ts'
import type { ComparisonResult } from '../compare.ts'
import { isNestedRun } from '../context.ts'
import { isLoadTestResult } from '../matchers/received.ts'
import type { StressTestResult } from '../stress/types.ts'
import type { LoadTestResult } from '../types.ts'

/** The state a test ended in, as reporters see it. */
export type TestState = 'passed' | 'failed' | 'skipped' | 'pending'

/** Every kind of result a report shows: a load run, a stress test, a comparison of configurations. */
export type PerfResult = LoadTestResult | StressTestResult | ComparisonResult

/** What `toMatchPerfBaseline` did with a result: recorded it, or compared it with the stored entry. */
export interface BaselineCheck {
  /** The entry's key in the baseline file, `test > run name` unless given. */
  key: string
  /** The baseline file, relative to the project root when it lies below it. */
  file: string
  /** Null when there was no entry (or `-u`) and this run was recorded as the new baseline. */
  comparison: BaselineComparison | null
  /** What makes the comparison less telling (another machine, another run shape). */
  warnings?: string[]
}

/** One perf result of a run, with the test it came from. */
export interface ReportRow {
  /** Test file, relative to the project root. */
  file: string
  /** Full test name, `describe > test`. */
  test: string
  state: TestState
  result: PerfResult
  /** Set when the test compared this (load) result with its baseline. */
  baseline?: BaselineCheck
}

/** A result as a test framework carries it to its reporter, with its baseline check if any. JSON-safe. */
export interface RecordedResult {
  result: PerfResult
  baseline?: BaselineCheck
}

export type Verdict = 'pass' | 'fail' | 'abort'

/**
 * A failed test whose run was cut short timed out; any other failure or failed threshold is a fail. A
 * stress test that found its break point did its job: only its test decides.
 */
export function verdictOf(row: ReportRow): Verdict {
  const { result } = row
  const aborted =
    result.kind === 'comparison' ? result.runs.some((run) => run.result.aborted) : result.aborted
  if (row.state === 'failed' && aborted) return 'abort'
  if (row.state === 'failed') return 'fail'
  if (result.kind !== 'stress' && !result.success) return 'fail'
  return 'pass'
}

/** True for what `loadTest`, `stressTest` or `runComparison` returns (or its JSON round trip). */
export function isPerfResult(value: unknown): value is PerfResult {
  if (typeof value !== 'object' || value === null) return false
  const candidate = value as Partial<Record<string, unknown>>
  if (candidate['kind'] === 'load') return isLoadTestResult(value)
  if (candidate['kind'] === 'stress') return Array.isArray(candidate['steps'])
  if (candidate['kind'] === 'comparison') {
    return Array.isArray(candidate['runs']) && Array.isArray(candidate['table'])
  }
  return false
}

/**
 * What a test's recorded results become for its reporter: stress steps and comparison runs are left out
 * (their group shows them), and a load result the baseline matcher checked carries the check.
 */
export function toRecordedResults(
  results: readonly PerfResult[],
  baselines: ReadonlyMap<object, BaselineCheck>,
): RecordedResult[] {
  return results
    .filter((result) => !isNestedRun(result))
    .map((result) => {
      const baseline = baselines.get(result)
      if (baseline === undefined) return { result }
      // The matcher leaves the result alone: its warnings join a copy, for every report to show.
      const added = (baseline.warnings ?? []).filter((warning) => !result.warnings.includes(warning))
      return {
        result: added.length === 0 ? result : { ...result, warnings: [...result.warnings, ...added] },
        baseline,
      }
    })
}

/** True for what `toRecordedResults` made (or its JSON round trip). */
export function isRecordedResult(value: unknown): value is RecordedResult {
  return typeof value === 'object' && value !== null && isPerfResult((value as RecordedResult).result)
}
