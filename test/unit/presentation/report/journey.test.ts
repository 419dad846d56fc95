import pc from 'picocolors'
import { describe, expect, it } from 'vitest'
import type { EndpointMetrics, LoadTestResult } from '../../../../src/foundation/model/index.ts'
import { describeMachine } from '../../../../src/orchestration/baseline/machine.ts'
import { renderHtmlReport } from '../../../../src/presentation/report/html/report.ts'
import { buildJsonReport } from '../../../../src/presentation/report/json.ts'
import { renderJunit } from '../../../../src/presentation/report/junit.ts'
import { renderMarkdownSummary } from '../../../../src/presentation/report/markdown.ts'
import type { ReportRow } from '../../../../src/presentation/report/rows.ts'
import { renderSummaryTable } from '../../../../src/presentation/report/table.ts'
import { makeTimedResult, makeTimeline } from '../../../helpers/report-results.ts'

const meta = { machine: describeMachine(), runner: 'vitest 4.1.12' }
const HOSTILE = '<script>alert(1)</script>|x'

function endpoint(base: LoadTestResult, p95: number, path: string): EndpointMetrics {
  return {
    ...base.metrics,
    totalRequests: 120,
    responseTimes: { ...base.metrics.responseTimes, p95 },
    method: 'GET',
    path,
    timeline: makeTimeline([p95, p95 + 1]),
  }
}

function journeyResult(): LoadTestResult {
  const result = makeTimedResult([10, 12, 14], '/journey')
  result.endpoints = {
    login: endpoint(result, 41, '/login'),
    [HOSTILE]: endpoint(result, 77, '/items/{{id}}'),
  }
  result.scenarios = {
    default: {
      iterations: 118,
      failedIterations: 2,
      onStartFailures: 1,
      iterationDuration: { ...result.metrics.responseTimes, p50: 150, p95: 180 },
      metrics: result.metrics,
    },
  }
  return result
}

const rows: ReportRow[] = [
  { file: 'shop.test.ts', test: 'checkout', state: 'passed', result: journeyResult() },
]

describe('journey results in every report', () => {
  it('the terminal table shows each endpoint under its run, without a verdict of its own', () => {
    const table = renderSummaryTable(rows, { colors: pc.createColors(false), width: 160 }).split('\n')
    const run = table.findIndex((line) => line.startsWith('shop.test.ts › checkout'))
    expect(table[run]).toContain('✓ pass')
    expect(table[run + 1]).toMatch(/^ {2}↳ login\s+native\s+120\b/)
    expect(table[run + 1]).not.toContain('pass')
    expect(table[run + 2]).toContain(`↳ ${HOSTILE}`)
  })

  it('the GitHub summary lists endpoints under their run, escaped', () => {
    const markdown = renderMarkdownSummary(rows, meta)
    const lines = markdown.split('\n').filter((line) => line.startsWith('|'))
    expect(lines[2]).toContain('checkout')
    expect(lines[3]).toMatch(/^\| {2}\| ↳ login \| native \| 120 \|/)
    expect(lines[4]).toContain('↳ \\<script\\>')
    expect(lines[4]).toContain('\\|x')
  })

  it('JUnit carries a property set per endpoint and per scenario', () => {
    const xml = renderJunit(rows, meta)
    expect(xml).toContain('<property name="endpoint.login.p95_ms" value="41"/>')
    expect(xml).toContain('<property name="endpoint.login.requests" value="120"/>')
    expect(xml).toContain('name="endpoint.&lt;script&gt;alert(1)&lt;/script&gt;|x.p95_ms" value="77"')
    expect(xml).toContain('<property name="scenario.default.iterations" value="118"/>')
    expect(xml).not.toContain('<script>')
  })

  it('HTML has a journey summary and a section with charts per endpoint, names escaped', () => {
    const html = renderHtmlReport(rows, meta)
    expect(html).toContain('<h3>Journey <small>2</small></h3>')
    expect(html).toContain('<td>default</td>')
    expect(html.match(/<h4 id="endpoint-\d+-\d">/g)).toHaveLength(2)
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(html).not.toContain('<script>alert(1)')
    // Each endpoint section has its own latency chart and distribution.
    const { endpoints: _endpoints, scenarios: _scenarios, ...plain } = journeyResult()
    const runOnly = renderHtmlReport([{ ...rows[0]!, result: plain }], meta)
    const count = (text: string) => text.split('Latency distribution').length - 1
    expect(count(html)).toBe(3 * count(runOnly))
    expect(runOnly).not.toContain('<h3>Journey')
  })

  it('the JSON report keeps endpoints and scenarios as they are', () => {
    const report = buildJsonReport(rows, meta)
    const result = report.results[0]?.result as LoadTestResult
    expect(Object.keys(result.endpoints ?? {})).toEqual(['login', HOSTILE])
    expect(result.scenarios?.default?.failedIterations).toBe(2)
  })
})
