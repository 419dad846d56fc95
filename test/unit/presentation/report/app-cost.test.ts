import pc from 'picocolors'
import { describe, expect, test } from 'vitest'
import type { LoadTestResult } from '../../../../src/foundation/model/index.ts'
import { describeMachine } from '../../../../src/orchestration/baseline/machine.ts'
import { renderHtmlReport } from '../../../../src/presentation/report/html/report.ts'
import { renderJunit } from '../../../../src/presentation/report/junit.ts'
import { renderMarkdownSummary } from '../../../../src/presentation/report/markdown.ts'
import type { ReportRow } from '../../../../src/presentation/report/rows.ts'
import { renderSummaryTable } from '../../../../src/presentation/report/table.ts'
import { makeTimedResult } from '../../../helpers/report-results.ts'

const meta = { machine: describeMachine(), runner: 'vitest 4.1.12', now: new Date(0) }

function measuredRun(): LoadTestResult {
  const result = makeTimedResult([5, 6, 7], '/cart')
  result.app = {
    measured: true,
    source: 'test-thread',
    cpuPerRequestUs: 412.3,
    cpuPercent: 38.2,
    requests: 1000,
    rssGrowthBytes: 2_500_000,
    heapGrowthBytes: -1_200_000,
    eventLoopUtilization: 0.41,
    eventLoopLagP99Ms: 1.5,
    eventLoopLagMeanMs: 0.2,
  }
  result.timeline.forEach((point, second) => {
    point.appCpuPercent = 30 + second
  })
  return result
}

function unmeasuredRun(): LoadTestResult {
  const result = makeTimedResult([5, 6, 7], '/remote')
  result.app = { measured: false, reason: 'nothing in the test’s process listens on port 80' }
  return result
}

const rows: ReportRow[] = [
  { file: 'api.test.ts', test: 'cart', state: 'passed', result: measuredRun() },
  { file: 'api.test.ts', test: 'remote', state: 'passed', result: unmeasuredRun() },
]

describe('the app’s cost in the reports', () => {
  test('the terminal table has an app µs/req column when a run measured it, blank for one that did not', () => {
    const [header, cart, remote] = renderSummaryTable(rows, {
      colors: pc.createColors(false),
      width: 160,
    }).split('\n')
    expect(header).toMatch(/err%\s+app µs\/req\s+p95 trend/)
    expect(cart).toMatch(/0\.00\s+412\.3\s+[▁▂▃▄▅▆▇█]{3}/)
    expect(remote).toMatch(/0\.00\s+[▁▂▃▄▅▆▇█]{3}/)
    const without = renderSummaryTable(rows.slice(1), { colors: pc.createColors(false), width: 160 })
    expect(without).not.toContain('app µs/req')
  })

  test('Markdown has the column when a run measured it', () => {
    const markdown = renderMarkdownSummary(rows, meta)
    expect(markdown).toContain('| errors % | app µs/req | p95 trend |')
    expect(markdown).toMatch(/\| 0\.00 \| 412\.3 \| /)
    expect(renderMarkdownSummary(rows.slice(1), meta)).not.toContain('app µs/req')
  })

  test('JUnit carries it as properties', () => {
    const xml = renderJunit(rows, meta)
    expect(xml).toContain('<property name="app_cpu_per_request_us" value="412.3"/>')
    expect(xml).toContain('<property name="app_cpu_percent" value="38.2"/>')
    expect(xml.match(/app_cpu_per_request_us/g)).toHaveLength(1)
  })

  test('HTML shows the numbers and a chart of the app’s CPU, or why there are none', () => {
    const html = renderHtmlReport(rows, meta)
    expect(html).toContain('412.3 µs CPU per request (1,000 requests), CPU 38%, event loop busy 41%')
    expect(html).toContain('heap −1.2 MB, RSS +2.5 MB')
    expect(html).toContain('The app’s CPU over time')
    expect(html).toContain('App cost not measured: nothing in the test’s process listens on port 80.')
  })
})
