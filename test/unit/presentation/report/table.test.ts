import { stripVTControlCharacters } from 'node:util'
import pc from 'picocolors'
import { describe, expect, test } from 'vitest'
import { saturationWarning } from '../../../../src/engine/monitor/generator.ts'
import { createReportColors, shouldUseColors } from '../../../../src/presentation/report/colors.ts'
import type { ReportRow } from '../../../../src/presentation/report/rows.ts'
import { renderSparkline } from '../../../../src/presentation/report/sparkline.ts'
import {
  renderHeading,
  renderNotes,
  renderSummaryTable,
  terminalWidth,
  wrapText,
} from '../../../../src/presentation/report/table.ts'
import { makeComparison, makeStress, makeTimedResult } from '../../../helpers/report-results.ts'
import { makeResult } from '../../../helpers/results.ts'

const plain = pc.createColors(false)
const colored = pc.createColors(true)

function row(overrides: Partial<ReportRow> = {}): ReportRow {
  return { file: 'a.test.ts', test: 'GET /', state: 'passed', result: makeResult(), ...overrides }
}

/** The table's lines, and for each the text of every column (split on the two-space gutters). */
function parse(table: string) {
  const lines = table.split('\n')
  return { lines, header: lines[0]?.trim().split(/\s{2,}/) ?? [] }
}

describe('renderSummaryTable', () => {
  test('a run under 3 s has no p95 trend (a dash), from 3 s on it has one', () => {
    const table = renderSummaryTable(
      [
        row({ test: 'short', result: makeTimedResult([5, 20]) }),
        row({ test: 'long', result: makeTimedResult([5, 20, 8]) }),
      ],
      { colors: plain, width: 140 },
    )
    const [, short, long] = table.split('\n')
    expect(short).toMatch(/\s–\s+✓ pass$/)
    expect(long).toMatch(/\s[▁▂▃▄▅▆▇█]{3}\s+✓ pass$/)
  })

  test('has the columns in order, a p95 sparkline among them, numbers right-aligned under their header', () => {
    const table = renderSummaryTable([row({ result: makeTimedResult([5, 6, 20, 8]) })], {
      colors: plain,
      width: 140,
    })
    const { lines, header } = parse(table)
    expect(header).toEqual([
      'test',
      'tool',
      'reqs',
      'rps',
      'mean',
      'p50',
      'p95',
      'p99',
      'err%',
      'p95 trend',
      'verdict',
    ])
    const line = lines[1] ?? ''
    expect(line.startsWith('a.test.ts › GET /')).toBe(true)
    expect(line).toContain('▃▃█▄')
    // Right-aligned: a number ends where its header ends.
    const headerLine = lines[0] ?? ''
    for (const column of ['reqs', 'rps', 'p95', 'err%']) {
      const end = headerLine.indexOf(` ${column} `) + column.length + 1
      expect(line[end - 1], column).toMatch(/\d/)
      expect(line[end], column).toBe(' ')
    }
  })

  test('fits 100 columns whatever the names: long ones go on a line of their own, numbers aligned below', () => {
    const rows = [
      row(),
      row({ test: `api > ${'a very long test name '.repeat(6)}`.trim() }),
      row({ test: 'stress', result: makeStress() }),
      row({ test: 'compare', result: makeComparison({ keepalive: [4, 5], 'no keepalive': [9, 12] }) }),
    ]
    const { lines } = parse(renderSummaryTable(rows, { colors: plain, width: 100 }))
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(100)
    const numberLines = lines.filter((line) => /✓ pass|✗ fail/.test(line))
    expect(numberLines).toHaveLength(5) // a comparison has a line per configuration
    const verdictAt = new Set(numberLines.map((line) => line.search(/[✓✗]/)))
    expect(verdictAt.size).toBe(1)
    expect(lines).toContain('a.test.ts › stress [stress]')
    expect(lines).toContain('a.test.ts › compare [no keepalive]')
  })

  test('verdicts: failed test, failed threshold, timed-out run; a stress test that broke still passes', () => {
    const breached = makeResult()
    breached.success = false
    const table = renderSummaryTable(
      [
        row({ state: 'failed' }),
        row({ test: 'b', result: breached }),
        row({ test: 'c', state: 'failed', result: makeResult({ aborted: true }) }),
        row({ test: 'd', result: makeStress() }),
      ],
      { colors: plain, width: 200 },
    )
    expect(
      parse(table)
        .lines.slice(1)
        .map((line) => line.slice(line.search(/[✓✗]/))),
    ).toEqual(['✗ fail', '✗ fail', '✗ abort', '✓ pass'])
  })

  test("a stress line shows its last step's numbers and p95 per step", () => {
    const { lines } = parse(
      renderSummaryTable([row({ result: makeStress(4) })], { colors: plain, width: 200 }),
    )
    expect(lines[1]).toMatch(/\[stress\]\s+native\s+1,000\s+400\.0\s.*\s40\.0\s.*▃▅▆█\s+✓ pass$/)
  })

  test('names the run when a test made several', () => {
    const table = renderSummaryTable([row(), row({ result: makeResult({ name: '/search' }) })], {
      colors: plain,
    })
    expect(table).toContain('a.test.ts › GET / [/api]')
    expect(table).toContain('a.test.ts › GET / [/search]')
  })

  test("config/qa.yaml's metrics switches hide columns (the latency trend with the latencies)", () => {
    const table = renderSummaryTable([row()], {
      colors: plain,
      metrics: { responseTimes: false, throughput: true, errorRates: false },
    })
    expect(parse(table).header).toEqual(['test', 'tool', 'reqs', 'rps', 'verdict'])
  })

  test('colors come from the injected palette only', () => {
    expect(renderSummaryTable([row()], { colors: plain })).not.toContain('\u001b[')
    expect(renderSummaryTable([row()], { colors: colored })).toContain(colored.green('✓ pass'))
  })
})

describe('colors', () => {
  test('NO_COLOR turns them off, even on a terminal and with FORCE_COLOR', () => {
    expect(shouldUseColors({ NO_COLOR: '1' }, { isTTY: true })).toBe(false)
    expect(shouldUseColors({ NO_COLOR: '1', FORCE_COLOR: '1' }, { isTTY: true })).toBe(false)
    const table = renderSummaryTable([row({ state: 'failed' })], {
      colors: createReportColors({ NO_COLOR: '1' }, { isTTY: true }),
    })
    expect(table).toBe(stripVTControlCharacters(table))
  })

  test('output that is not a terminal gets none unless FORCE_COLOR asks', () => {
    expect(shouldUseColors({}, { isTTY: false })).toBe(false)
    expect(shouldUseColors({}, {})).toBe(false)
    expect(shouldUseColors({ FORCE_COLOR: '1' }, { isTTY: false })).toBe(true)
    expect(shouldUseColors({ FORCE_COLOR: '0' }, { isTTY: true })).toBe(false)
    expect(shouldUseColors({}, { isTTY: true })).toBe(true)
    expect(shouldUseColors({ TERM: 'dumb' }, { isTTY: true })).toBe(false)
  })
})

describe('renderSparkline', () => {
  test('scales from 0 to the largest value, so a flat series reads flat', () => {
    expect(renderSparkline([1, 2, 4, 8])).toBe('▂▃▅█')
    expect(renderSparkline([5, 5, 5])).toBe('███')
    expect(renderSparkline([0, 0])).toBe('▁▁')
    expect(renderSparkline([])).toBe('')
  })

  test('squeezes long series to its width, keeping each share’s highest value', () => {
    const series = Array.from({ length: 100 }, (_, index) => (index === 42 ? 50 : 1))
    const line = renderSparkline(series, 10)
    expect(line).toHaveLength(10)
    expect(line[4]).toBe('█')
    expect(line.replace('█', '')).toMatch(/^▁+$/)
  })
})

describe('renderNotes and renderHeading', () => {
  test('a saturated generator takes one line per run, whatever the width; other warnings wrap', () => {
    const rows = Array.from({ length: 10 }, (_, index) => {
      const result = makeResult({ name: `/r${index}` })
      result.warnings = [
        saturationWarning({
          saturated: true,
          eventLoopLagP99Ms: 3,
          eventLoopUtilization: 1,
          cpuPercent: 190,
        }),
      ]
      return row({ test: `run ${index}`, result })
    })
    const notes = renderNotes(rows, plain, 60)
    expect(notes).toHaveLength(10)
    expect(notes[0]).toBe('⚠ a.test.ts › run 0: load generator saturated (CPU 190%): n…')
    expect(notes.every((line) => line.length <= 60)).toBe(true)
    expect(renderNotes(rows, plain, 100)[9]).toBe(
      '⚠ a.test.ts › run 9: load generator saturated (CPU 190%): numbers describe the tester too',
    )
  })

  test('list failed thresholds with the value they saw, and warnings, wrapped', () => {
    const result = makeResult()
    result.thresholds = [
      { expression: 'maxP95Ms: 10', actual: 18, passed: false },
      { expression: 'maxP99Ms: 100', actual: 30, passed: true },
    ]
    result.warnings = ['baseline recorded on another machine '.repeat(4).trim()]
    const notes = renderNotes([row({ result })], plain, 60)
    expect(notes[0]).toBe('✗ a.test.ts › GET /: maxP95Ms: 10 (actual 18.0)')
    expect(notes.slice(1).every((line) => line.length <= 60)).toBe(true)
    expect(notes[1]).toMatch(/^⚠ /)
    expect(notes[2]).toMatch(/^ {2}\S/)
  })

  test('name the break point of a stress test, a baseline regression and the threshold of a comparison run', () => {
    const comparison = makeComparison({ a: [5], b: [6] })
    comparison.runs[1]!.result.thresholds = [{ expression: 'p(95)<5', actual: 6, passed: false }]
    const regression = {
      key: 'GET / > /api',
      file: '__perf__/a.test.ts.perf.json',
      comparison: {
        method: 'point' as const,
        verdict: 'regressed' as const,
        p95: {
          metric: 'p95' as const,
          baseline: 10,
          actual: 18,
          worsePercent: 80,
          limit: 12,
          tolerancePercent: 20,
          verdict: 'regressed' as const,
          reason: 'worse by 80.0%; at most 12.0 ms allowed',
          regressed: true,
        },
        rps: {
          metric: 'rps' as const,
          baseline: 500,
          actual: 500,
          worsePercent: 0,
          limit: 400,
          tolerancePercent: 20,
          verdict: 'unchanged' as const,
          reason: 'worse by 0.0%; at least 400.0 rps allowed',
          regressed: false,
        },
        regressed: true,
        notes: [],
      },
    }
    const notes = renderNotes(
      [row({ result: makeStress() }), row({ result: comparison }), row({ baseline: regression })],
      plain,
      100,
    )
    expect(notes).toEqual([
      "⚑ a.test.ts › GET /: broke at 8 users: p95 40.0 ms > 2 × first step's 10.0 ms",
      '✗ a.test.ts › GET /: [b] p(95)<5 (actual 6.00)',
      '✗ a.test.ts › GET /: baseline: p95 18.0 ms vs 10.0 ms (worse by 80.0%, limit 12.0 ms)',
    ])
  })

  test('count runs, passed and failed', () => {
    expect(renderHeading([row(), row({ state: 'failed' })], plain)).toBe(
      ' PERF  2 runs · 1 passed · 1 failed · latencies in ms',
    )
  })

  test('terminalWidth treats 0 columns (a pseudo-terminal that reports none) like unknown: 100', () => {
    expect([0, undefined, -1, Number.NaN, 80, 240].map(terminalWidth)).toEqual([100, 100, 100, 100, 80, 100])
  })

  test('wrapText keeps words whole', () => {
    expect(wrapText('one two three four', 9)).toEqual(['one two', '  three', '  four'])
    const path = `tests/${'deep/'.repeat(30)}file.test.ts`
    const lines = wrapText(`${path} › name`, 40)
    expect(lines.every((line) => line.length <= 40)).toBe(true)
    expect(lines.join('').replace(/\s/g, '')).toBe(`${path}›name`)
  })
})
