import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { describeMachine } from '../../../../src/orchestration/baseline/machine.ts'
import { buildJsonReport, writeJsonReport } from '../../../../src/presentation/report/json.ts'
import { makeComparison, makeStress } from '../../../helpers/report-results.ts'
import { makeResult } from '../../../helpers/results.ts'

describe('the JSON report', () => {
  const machine = describeMachine()
  const rows = [
    { file: 'a.test.ts', test: 'fast', state: 'passed' as const, result: makeResult() },
    { file: 'a.test.ts', test: 'slow', state: 'failed' as const, result: makeResult({ name: '/slow' }) },
  ]

  test('carries machine info, runner, summary and every result with its verdict', () => {
    const report = buildJsonReport(rows, { machine, runner: 'vitest 4.1.12', now: new Date(0) })
    expect(report).toMatchObject({
      version: 2,
      generatedAt: '1970-01-01T00:00:00.000Z',
      machine,
      runner: 'vitest 4.1.12',
      summary: { runs: 2, passed: 1, failed: 1 },
    })
    expect(report.results.map(({ test, verdict }) => [test, verdict])).toEqual([
      ['fast', 'pass'],
      ['slow', 'fail'],
    ])
    expect(JSON.parse(JSON.stringify(report))).toEqual(report)
  })

  test('is written atomically into a folder it creates', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'perfspec-report-'))
    try {
      const file = path.join(dir, 'reports/perfspec-report.json')
      await writeJsonReport(file, buildJsonReport(rows, { machine, runner: 'vitest' }))
      expect(JSON.parse(await readFile(file, 'utf8')).summary.runs).toBe(2)
      expect(await readdir(path.dirname(file))).toEqual(['perfspec-report.json'])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  test('holds stress tests and comparisons beside load runs, and a baseline check where there was one', () => {
    const baseline = { key: 'fast > /api', file: '__perf__/a.test.ts.perf.json', comparison: null }
    const report = buildJsonReport(
      [
        { ...rows[0]!, baseline },
        { file: 'b.test.ts', test: 'stress', state: 'passed', result: makeStress() },
        { file: 'b.test.ts', test: 'compare', state: 'passed', result: makeComparison({ a: [1], b: [2] }) },
      ],
      { machine, runner: 'vitest' },
    )
    expect(report.results.map((entry) => [entry.result.kind, entry.verdict, entry.baseline])).toEqual([
      ['load', 'pass', baseline],
      ['stress', 'pass', undefined],
      ['comparison', 'pass', undefined],
    ])
    expect('baseline' in report.results[1]!).toBe(false)
    expect(JSON.parse(JSON.stringify(report))).toEqual(report)
  })
})
