import path from 'node:path'
import { stripVTControlCharacters } from 'node:util'
import { isRecordedResult } from '../../foundation/model/index.ts'
import type { ReportRow, TestState } from '../../presentation/report/rows.ts'
import type { JestRunRecord } from './results-dir.ts'

/** The part of a Jest assertion result the reporter reads (Jest 29 and 30 alike). */
export interface JestAssertionLike {
  fullName: string
  title: string
  ancestorTitles: readonly string[]
  status: string
  /** The failure messages (with the stack and colors Jest prints). */
  failureMessages?: readonly string[]
}

/** The part of a Jest test file result the reporter reads. */
export interface JestFileResultLike {
  testFilePath: string
  testExecError?: unknown
  testResults: readonly JestAssertionLike[]
}

const STATES: Record<string, TestState> = {
  passed: 'passed',
  focused: 'passed',
  failed: 'failed',
  pending: 'skipped',
  skipped: 'skipped',
  todo: 'skipped',
  disabled: 'skipped',
}

// Jest's failure message is the error's message followed by its stack: keep the message.
function messageOf(failure: string): string {
  const text = stripVTControlCharacters(failure)
  const stack = text.search(/\n\s+at /)
  return (stack === -1 ? text : text.slice(0, stack)).trim()
}

function joinKey(testPath: string, fullName: string): string {
  return `${testPath}::${fullName}`
}

/**
 * Joins the results workers recorded with the tests' outcomes by `${testPath}::${fullName}` (the n-th
 * same-named test of a file with the n-th such result), in file order, then run order. A run whose test
 * has no result is `failed` when its file crashed, else `pending`.
 */
export function collectRows(
  records: readonly JestRunRecord[],
  files: readonly JestFileResultLike[],
  root: string,
): ReportRow[] {
  const assertions = new Map<string, JestAssertionLike[]>()
  const crashed = new Set<string>()
  for (const file of files) {
    if (file.testExecError !== undefined && file.testExecError !== null) crashed.add(file.testFilePath)
    for (const assertion of file.testResults) {
      const key = joinKey(file.testFilePath, assertion.fullName)
      assertions.set(key, [...(assertions.get(key) ?? []), assertion])
    }
  }
  const rows = records.filter(isRecordedResult).map((record) => {
    const same = assertions.get(joinKey(record.testPath, record.fullName)) ?? []
    // A retried test runs again under the same name but has one result: the last one stands for all.
    const assertion = same[Math.min(record.occurrence, same.length - 1)]
    const missing: TestState = crashed.has(record.testPath) ? 'failed' : 'pending'
    const row: ReportRow = {
      file: path.relative(root, record.testPath).split(path.sep).join('/'),
      test:
        assertion === undefined
          ? record.fullName
          : [...assertion.ancestorTitles, assertion.title].join(' > '),
      state: assertion === undefined ? missing : (STATES[assertion.status] ?? 'pending'),
      result: record.result,
    }
    if (record.baseline !== undefined) row.baseline = record.baseline
    const errors = (assertion?.failureMessages ?? []).map(messageOf).filter((message) => message !== '')
    if (errors.length > 0) row.errors = errors
    return row
  })
  // Workers finish files in any order; the table should not. (sort is stable: runs keep their order.)
  return rows.sort((a, b) => a.file.localeCompare(b.file))
}
