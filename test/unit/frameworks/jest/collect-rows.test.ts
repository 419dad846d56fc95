import { describe, expect, test } from 'vitest'
import { collectRows, type JestFileResultLike } from '../../../../src/frameworks/jest/collect-rows.ts'
import type { JestRunRecord } from '../../../../src/frameworks/jest/results-dir.ts'
import type { ReportRow } from '../../../../src/presentation/report/rows.ts'
import { makeResult } from '../../../helpers/results.ts'

const ROOT = '/project'

const nameOf = (row: ReportRow) => (row.result.kind === 'load' ? row.result.name : row.result.kind)

function record(testPath: string, fullName: string, occurrence = 0, name = '/api'): JestRunRecord {
  return { testPath, fullName, occurrence, pid: 1, result: makeResult({ name }) }
}

function file(
  testFilePath: string,
  tests: [string[], string, string][],
  crashed = false,
): JestFileResultLike {
  return {
    testFilePath,
    ...(crashed && { testExecError: { message: 'boom' } }),
    testResults: tests.map(([ancestorTitles, title, status]) => ({
      ancestorTitles,
      title,
      status,
      fullName: [...ancestorTitles, title].join(' '),
    })),
  }
}

describe('collectRows (Jest)', () => {
  test('joins each run with its test by path and full name, naming it describe > test', () => {
    const rows = collectRows(
      [record('/project/a.spec.js', 'api GET is fast')],
      [file('/project/a.spec.js', [[['api'], 'GET is fast', 'failed']])],
      ROOT,
    )
    expect(rows).toMatchObject([{ file: 'a.spec.js', test: 'api > GET is fast', state: 'failed' }])
  })

  test('a run carries the baseline check the worker recorded with it', () => {
    const baseline = { key: 'api > /api', file: '__perf__/a.spec.js.perf.json', comparison: null }
    const rows = collectRows(
      [{ ...record('/project/a.spec.js', 'api'), baseline }],
      [file('/project/a.spec.js', [[[], 'api', 'passed']])],
      ROOT,
    )
    expect(rows[0]?.baseline).toEqual(baseline)
  })

  test('same-named tests of a file join in order', () => {
    const rows = collectRows(
      [record('/project/a.spec.js', 'twice', 0, '/one'), record('/project/a.spec.js', 'twice', 1, '/two')],
      [
        file('/project/a.spec.js', [
          [[], 'twice', 'passed'],
          [[], 'twice', 'failed'],
        ]),
      ],
      ROOT,
    )
    expect(rows.map((row) => [nameOf(row), row.state])).toEqual([
      ['/one', 'passed'],
      ['/two', 'failed'],
    ])
  })

  test('orders files by path whatever order the workers wrote them in, keeping run order within a file', () => {
    const rows = collectRows(
      [
        record('/project/b.spec.js', 'b'),
        record('/project/a.spec.js', 'a', 0, '/first'),
        record('/project/a.spec.js', 'a', 0, '/second'),
      ],
      [file('/project/b.spec.js', [[[], 'b', 'passed']]), file('/project/a.spec.js', [[[], 'a', 'passed']])],
      ROOT,
    )
    expect(rows.map((row) => `${row.file} ${nameOf(row)}`)).toEqual([
      'a.spec.js /first',
      'a.spec.js /second',
      'b.spec.js /api',
    ])
  })

  test('a run without a test result is failed when its file crashed, else pending', () => {
    const rows = collectRows(
      [record('/project/a.spec.js', 'gone'), record('/project/b.spec.js', 'gone')],
      [file('/project/a.spec.js', [], true), file('/project/b.spec.js', [])],
      ROOT,
    )
    expect(rows.map((row) => [row.file, row.test, row.state])).toEqual([
      ['a.spec.js', 'gone', 'failed'],
      ['b.spec.js', 'gone', 'pending'],
    ])
  })

  test("Jest's skipped statuses are skipped; anything that is not a result is left out", () => {
    const bad = { ...record('/project/a.spec.js', 'x'), result: { kind: 'load' } } as unknown as JestRunRecord
    const rows = collectRows(
      [record('/project/a.spec.js', 'x'), bad],
      [file('/project/a.spec.js', [[[], 'x', 'pending']])],
      ROOT,
    )
    expect(rows.map((row) => row.state)).toEqual(['skipped'])
  })
})
