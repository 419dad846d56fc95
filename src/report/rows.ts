import type { LoadTestResult } from '../types.ts'

/** The state a test ended in, as reporters see it. */
export type TestState = 'passed' | 'failed' | 'skipped' | 'pending'

/** One perf result of a run, with the test it came from. */
export interface ReportRow {
  /** Test file, relative to the project root. */
  file: string
  /** Full test name, `describe > test`. */
  test: string
  state: TestState
  result: LoadTestResult
}

export type Verdict = 'pass' | 'fail' | 'abort'

/** A failed test whose run was cut short timed out; any other failure or failed threshold is a fail. */
export function verdictOf(row: ReportRow): Verdict {
  if (row.state === 'failed' && row.result.aborted) return 'abort'
  if (row.state === 'failed' || !row.result.success) return 'fail'
  return 'pass'
}
