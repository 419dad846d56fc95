import { XMLParser } from 'fast-xml-parser'
import pc from 'picocolors'
import { describe, expect, test } from 'vitest'
import type { BaselineCheck } from '../../../../src/foundation/model/index.ts'
import {
  compareWithBaseline,
  toBaselineEntry,
} from '../../../../src/orchestration/baseline/judge-baseline.ts'
import { describeMachine } from '../../../../src/orchestration/baseline/machine.ts'
import { renderHtmlReport } from '../../../../src/presentation/report/html/report.ts'
import { buildJsonReport } from '../../../../src/presentation/report/json.ts'
import { renderJunit } from '../../../../src/presentation/report/junit.ts'
import { renderMarkdownSummary } from '../../../../src/presentation/report/markdown.ts'
import type { ReportRow } from '../../../../src/presentation/report/rows.ts'
import { renderHeading, renderNotes, renderSummaryTable } from '../../../../src/presentation/report/table.ts'
import { makeResult, makeWindowedResult } from '../../../helpers/results.ts'

const plain = pc.createColors(false)
const machine = describeMachine()
const meta = { machine, runner: 'vitest 4.1.12', now: new Date(0) }

// A three-second baseline against a two-second run: too few windows to decide anything.
function inconclusiveCheck(failOnInconclusive = false): BaselineCheck {
  const seconds = (count: number) =>
    makeWindowedResult({
      cpu: [200, 204, 198].slice(0, count),
      p95: [10, 11, 9].slice(0, count),
      rps: [400, 380, 420].slice(0, count),
    })
  const comparison = compareWithBaseline(toBaselineEntry(seconds(3), machine), seconds(2))
  expect(comparison.verdict).toBe('inconclusive')
  return {
    key: 'checkout > /checkout',
    file: '__perf__/a.test.ts.perf.json',
    comparison,
    ...(failOnInconclusive && { failOnInconclusive }),
  }
}

const rows: ReportRow[] = [
  { file: 'a.test.ts', test: 'home', state: 'passed', result: makeResult({ name: '/' }) },
  {
    file: 'a.test.ts',
    test: 'checkout',
    state: 'passed',
    result: makeResult({ name: '/checkout' }),
    baseline: inconclusiveCheck(),
  },
]

describe('an inconclusive baseline comparison in every report', () => {
  test('the terminal table: its own verdict and count, and a warning that says why', () => {
    const table = renderSummaryTable(rows, { colors: plain, width: 160 }).split('\n')
    expect(table[1]).toMatch(/✓ pass$/)
    expect(table[2]).toMatch(/\? inconclusive$/)
    expect(renderHeading(rows, plain)).toBe(' PERF  2 runs · 1 passed · 1 inconclusive · latencies in ms')
    const notes = renderNotes(rows, plain, 200)
    // Metrics inconclusive for one reason share a note.
    expect(notes.join(' ').replace(/\s+/g, ' ')).toBe(
      '⚠ a.test.ts › checkout: baseline inconclusive: app CPU/req 202.0 µs vs 200.7 µs, p95 10.5 ms vs 10.0 ms, ' +
        'rps 390.0 rps vs 400.0 rps: no interval: this run has 2 windows (full seconds of its steady state with ' +
        'completed requests) and an interval needs at least 3 on each side: run it longer',
    )
  })

  test('under failOnInconclusive the note is a failure', () => {
    const failing = [{ ...rows[1]!, state: 'failed' as const, baseline: inconclusiveCheck(true) }]
    expect(renderNotes(failing, plain, 200)[0]).toMatch(/^✗ a\.test\.ts › checkout: baseline inconclusive:/)
    expect(renderHeading(failing, plain)).toBe(' PERF  1 run · 0 passed · 1 failed · latencies in ms')
  })

  test('the Markdown summary: never a green heading, the row marked, the reason in the notes', () => {
    const markdown = renderMarkdownSummary(rows, meta)
    expect(markdown.split('\n')[0]).toBe('### ⚠️ perfspec: 2 results · 1 passed · 1 inconclusive')
    expect(markdown).toContain('| ⚠️ | a.test.ts › checkout | native |')
    expect(markdown).toMatch(/- ⚠️ a\.test\.ts › checkout: baseline inconclusive: app CPU\/req/)
  })

  test('the JSON report: the verdict, and a count of its own beside passed and failed', () => {
    const report = buildJsonReport(rows, meta)
    expect(report.summary).toEqual({ runs: 2, passed: 1, failed: 0, inconclusive: 1 })
    expect(report.results.map((entry) => entry.verdict)).toEqual(['pass', 'inconclusive'])
    expect(report.results[1]?.baseline?.comparison?.verdict).toBe('inconclusive')
  })

  test('JUnit: no failure, but the verdict as properties and the reason in system-out', () => {
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(
      renderJunit(rows, meta),
    )
    const suite = parsed.testsuites.testsuite
    expect(suite.failures).toBe('0')
    const checkout = suite.testcase[1]
    expect(checkout.failure).toBeUndefined()
    const properties = Object.fromEntries(
      checkout.properties.property.map(({ name, value }: { name: string; value: string }) => [name, value]),
    )
    expect(properties).toMatchObject({
      baseline_verdict: 'inconclusive',
      baseline_method: 'interval',
      'baseline.cpuPerRequest.verdict': 'inconclusive',
    })
    expect(checkout['system-out']).toContain('warning: baseline inconclusive: app CPU/req')
  })

  test('the HTML report: the verdict badge and count, and each metric’s verdict with its reason', () => {
    const html = renderHtmlReport(rows, meta)
    expect(html).toContain('<span class="count inconclusive">1 inconclusive</span>')
    expect(html).toContain('data-verdict="inconclusive"')
    expect(html).toContain('<span class="verdict inconclusive">? inconclusive</span>')
    expect(html).toMatch(/<span title="no interval: this run has 2 windows[^"]*">/)
    expect(html).toContain('inconclusive is not a pass')
  })
})
