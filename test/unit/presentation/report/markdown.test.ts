import { describe, expect, test } from 'vitest'
import { describeMachine } from '../../../../src/orchestration/baseline/machine.ts'
import { renderMarkdownSummary } from '../../../../src/presentation/report/markdown.ts'
import type { ReportRow } from '../../../../src/presentation/report/rows.ts'
import { makeComparison, makeStress, makeTimedResult } from '../../../helpers/report-results.ts'
import { makeResult } from '../../../helpers/results.ts'

const meta = { machine: describeMachine(), runner: 'vitest 4.1.12' }

/** The cells of each row of the first Markdown table, unescaped pipes kept apart from escaped ones. */
function tableOf(markdown: string): string[][] {
  const lines = markdown.split('\n').filter((line) => line.startsWith('|'))
  return lines.map((line) =>
    line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim()),
  )
}

describe('renderMarkdownSummary', () => {
  const breached = makeTimedResult([10, 12, 90], '/slow')
  breached.success = false
  breached.thresholds = [{ expression: 'p(95)<50', actual: 90, passed: false }]
  const rows: ReportRow[] = [
    { file: 'api.test.ts', test: 'GET /', state: 'passed', result: makeResult() },
    { file: 'api.test.ts', test: 'slow | pipes *and* <b>tags</b>', state: 'failed', result: breached },
    { file: 'stress.test.ts', test: 'queue', state: 'passed', result: makeStress(3) },
    { file: 'compare.test.ts', test: 'pools', state: 'passed', result: makeComparison({ a: [4], b: [6] }) },
  ]
  const markdown = renderMarkdownSummary(rows, meta)

  test('opens with the verdict and the counts', () => {
    expect(markdown.split('\n')[0]).toBe('### ❌ perfspec: 4 results · 3 passed · 1 failed')
    const passing = renderMarkdownSummary(rows.slice(0, 1), meta)
    expect(passing.split('\n')[0]).toBe('### ✅ perfspec: 1 result · 1 passed')
  })

  test('has a well-formed table: a header, an alignment row, a row per line, the same cells in each', () => {
    const table = tableOf(markdown)
    expect(table[0]).toEqual([
      '',
      'test',
      'tool',
      'requests',
      'req/s',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'errors %',
      'p95 trend',
    ])
    expect(table[1]).toEqual(['---', '---', '---', '--:', '--:', '--:', '--:', '--:', '--:', '---'])
    expect(table).toHaveLength(2 + 5) // the comparison has a row per configuration
    for (const row of table) expect(row).toHaveLength(10)
    expect(table.map((row) => row[0]).slice(2)).toEqual(['✅', '❌', '✅', '✅', '✅'])
    expect(table[3]?.[9]).toBe('▂▂█')
  })

  test('escapes user text so it stays text inside its cell', () => {
    const slow = tableOf(markdown)[3]?.[1]
    expect(slow).toBe('api.test.ts › slow \\| pipes \\*and\\* \\<b\\>tags\\</b\\>')
    expect(markdown).not.toContain('<b>')
  })

  test('lists failures with the threshold and value, then notes such as the break point', () => {
    const failures = markdown.slice(markdown.indexOf('**Failures**'), markdown.indexOf('**Notes**'))
    expect(failures).toContain('- ❌ api.test.ts › slow \\| pipes')
    expect(failures).toContain(': p(95)\\<50 (actual 90.0)')
    const notes = markdown.slice(markdown.indexOf('**Notes**'))
    expect(notes).toContain(
      "- ⚑ stress.test.ts › queue: broke at 6 users: p95 40.0 ms \\> 2 × first step's 10.0 ms",
    )
    expect(markdown.trimEnd().split('\n').at(-1)).toMatch(
      /^<sub>vitest 4\.1\.12 · .+ · latencies in ms<\/sub>$/,
    )
  })
})
