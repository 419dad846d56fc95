import pc from 'picocolors'
import { describe, expect, test } from 'vitest'
import type { ReportRow } from '../../src/report/rows.ts'
import { renderHeading, renderNotes, renderSummaryTable, wrapText } from '../../src/report/table.ts'
import { makeResult } from '../helpers/results.ts'

const plain = pc.createColors(false)
const colored = pc.createColors(true)

function row(overrides: Partial<ReportRow> = {}): ReportRow {
  return {
    file: 'test/api.test.ts',
    test: 'api > GET /',
    state: 'passed',
    result: makeResult(),
    ...overrides,
  }
}

describe('renderSummaryTable', () => {
  test('one line per result with every column, numbers right-aligned', () => {
    const table = renderSummaryTable([row()], { colors: plain })
    expect(table.split('\n')).toEqual(
      [
        'test                            tool     reqs    rps   avg   p50   p95   p99  err%  verdict',
        'test/api.test.ts › api > GET /  native  1,000  500.0  10.0  9.00  18.0  30.0  0.00  ✓ pass',
      ].map((line, index) => (index === 0 ? line : line)),
    )
  })

  test('fits 100 columns: names too long to sit beside the numbers go on lines of their own', () => {
    const long = row({ test: `api > ${'a very long test name '.repeat(5)}`.trim() })
    const lines = renderSummaryTable([row(), long], { colors: plain, width: 100 }).split('\n')
    expect(lines).toEqual([
      '  tool     reqs    rps   avg   p50   p95   p99  err%  verdict',
      'test/api.test.ts › api > GET /',
      '  native  1,000  500.0  10.0  9.00  18.0  30.0  0.00  ✓ pass',
      `test/api.test.ts › ${long.test}`,
      '  native  1,000  500.0  10.0  9.00  18.0  30.0  0.00  ✓ pass',
    ])
  })

  test('verdicts: failed test, failed threshold, timed-out run', () => {
    const breached = makeResult()
    breached.success = false
    const table = renderSummaryTable(
      [
        row({ state: 'failed' }),
        row({ result: breached }),
        row({ state: 'failed', result: makeResult({ aborted: true }) }),
      ],
      { colors: plain },
    )
    expect(
      table
        .split('\n')
        .slice(1)
        .map((line) => line.slice(line.lastIndexOf('  ') + 2)),
    ).toEqual(['✗ fail', '✗ fail', '✗ abort'])
  })

  test('names the run when a test made several', () => {
    const table = renderSummaryTable([row(), row({ result: makeResult({ name: '/search' }) })], {
      colors: plain,
    })
    expect(table).toContain('test/api.test.ts › api > GET / [/api]')
    expect(table).toContain('test/api.test.ts › api > GET / [/search]')
  })

  test("config/qa.yaml's metrics switches hide columns", () => {
    const table = renderSummaryTable([row()], {
      colors: plain,
      metrics: { responseTimes: false, throughput: true, errorRates: false },
    })
    expect(table.split('\n')[0]).toMatch(/^test\s+tool\s+reqs\s+rps\s+verdict$/)
  })

  test('colors come from the injected palette only', () => {
    expect(renderSummaryTable([row()], { colors: plain })).not.toContain('\u001b[')
    expect(renderSummaryTable([row()], { colors: colored })).toContain(colored.green('✓ pass'))
  })
})

describe('renderNotes and renderHeading', () => {
  test('list failed thresholds and warnings, wrapped', () => {
    const result = makeResult()
    result.thresholds = [
      { expression: 'maxP95Ms: 10', actual: 18, passed: false },
      { expression: 'maxP99Ms: 100', actual: 30, passed: true },
    ]
    result.warnings = ['baseline recorded on another machine '.repeat(4).trim()]
    const notes = renderNotes([row({ result })], plain, 60)
    expect(notes[0]).toBe('✗ test/api.test.ts › api > GET /: maxP95Ms: 10 (actual 18.0)')
    expect(notes.slice(1).every((line) => line.length <= 60)).toBe(true)
    expect(notes[2]).toMatch(/^ {2}\S/)
  })

  test('count runs, passed and failed', () => {
    expect(renderHeading([row(), row({ state: 'failed' })], plain)).toBe(
      ' PERF  2 runs · 1 passed · 1 failed · latencies in ms',
    )
  })

  test('wrapText keeps words whole', () => {
    expect(wrapText('one two three four', 9)).toEqual(['one two', '  three', '  four'])
  })
})
