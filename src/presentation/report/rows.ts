import type { BaselineCheck, LoadTestResult, PerfResult } from '../../foundation/model/index.ts'

/** The state a test ended in, as reporters see it. */
export type TestState = 'passed' | 'failed' | 'skipped' | 'pending'

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
  /** The failed test's assertion messages (a matcher's message), without colors. */
  errors?: readonly string[]
}

/**
 * `inconclusive`: the test passed, but its baseline comparison could not decide (too few windows, an
 * undecided interval, a baseline from another machine). Not a failure, and never shown as a pass.
 */
export type Verdict = 'pass' | 'inconclusive' | 'fail' | 'abort'

/**
 * A failed test whose run was cut short timed out; any other failure or failed threshold is a fail. A
 * stress test that found its break point did its job: only its test decides. A passing test whose
 * baseline comparison was inconclusive is inconclusive.
 */
export function verdictOf(row: ReportRow): Verdict {
  const { result } = row
  const aborted =
    result.kind === 'comparison' ? result.runs.some((run) => run.result.aborted) : result.aborted
  if (row.state === 'failed' && aborted) return 'abort'
  if (row.state === 'failed') return 'fail'
  if (result.kind !== 'stress' && result.kind !== 'benchmark' && !result.success) return 'fail'
  if (row.baseline?.comparison?.verdict === 'inconclusive') return 'inconclusive'
  return 'pass'
}

/** A fail or an abort: what fails a run. Pass and inconclusive do not. */
export function isFailure(verdict: Verdict): boolean {
  return verdict === 'fail' || verdict === 'abort'
}

/** How many rows of each outcome: the counts every report's heading shows. */
export function countVerdicts(rows: readonly ReportRow[]): {
  passed: number
  inconclusive: number
  failed: number
} {
  const verdicts = rows.map(verdictOf)
  const failed = verdicts.filter(isFailure).length
  const inconclusive = verdicts.filter((verdict) => verdict === 'inconclusive').length
  return { passed: rows.length - failed - inconclusive, inconclusive, failed }
}

/** The load runs of a row: a load run itself, or each run of a comparison, prefixed `[name] `. */
export function loadRunsOf(row: ReportRow): { prefix: string; run: LoadTestResult }[] {
  const { result } = row
  if (result.kind === 'load') return [{ prefix: '', run: result }]
  if (result.kind === 'comparison')
    return result.runs.map(({ name, result: run }) => ({ prefix: `[${name}] `, run }))
  return []
}
