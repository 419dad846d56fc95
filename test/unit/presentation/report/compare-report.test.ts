import pc from 'picocolors'
import { describe, expect, test } from 'vitest'
import { estimateChange } from '../../../../src/metrics/change-interval.ts'
import { judgeChange } from '../../../../src/metrics/change-verdict.ts'
import type {
  AbCompareReport,
  GatedMetric,
  MetricComparison,
  RunComparison,
} from '../../../../src/orchestration/ab-compare/types.ts'
import { METRIC_SPECS } from '../../../../src/orchestration/ab-compare/types.ts'
import { renderCompareMarkdown } from '../../../../src/presentation/report/compare-markdown.ts'
import { renderCompareTable } from '../../../../src/presentation/report/compare-table.ts'
import { renderAbCompareSection } from '../../../../src/presentation/report/html/compare-ab.ts'
import { renderHtmlReport } from '../../../../src/presentation/report/html/report.ts'

function metric(name: GatedMetric, base: number[], head: number[]): MetricComparison {
  const estimate = estimateChange(base, head, { method: 'paired' })
  const spec = METRIC_SPECS[name]
  const { verdict, reason } = judgeChange(estimate, { tolerancePercent: 5, better: spec.better })
  const mean = (values: number[]) =>
    Math.exp(values.reduce((sum, value) => sum + Math.log(value), 0) / values.length)
  return {
    metric: name,
    unit: spec.unit,
    better: spec.better,
    tolerancePercent: 5,
    base,
    head,
    baseValue: mean(base),
    headValue: mean(head),
    estimate,
    verdict,
    reason,
    pairs: base.length,
  }
}

function report(runs: RunComparison[], extra: Partial<AbCompareReport> = {}): AbCompareReport {
  const summary = { regressed: 0, improved: 0, unchanged: 0, inconclusive: 0 }
  for (const run of runs) for (const { verdict } of run.metrics) summary[verdict]++
  return {
    version: 1,
    generatedAt: '2026-01-01T00:00:00.000Z',
    machine: { cpuModel: 'cpu', cores: 2, node: 'v20.0.0', platform: 'linux', arch: 'x64' },
    runner: 'vitest',
    runnerArgs: [],
    base: { ref: 'main', commit: 'a'.repeat(40) },
    head: { commit: 'b'.repeat(40), uncommittedChanges: false },
    sampling: {
      mode: 'fixed',
      pairs: 4,
      order: 'AB BA AB BA',
      stopReason: '4 round pairs, as asked',
      intervalConfidence: 0.95,
    },
    tolerances: { cpuPerRequest: 5, p95: 5, rps: 5 },
    durationMs: 1000,
    runs,
    onlyInBase: [],
    onlyInHead: [],
    summary,
    notes: [],
    ...extra,
  }
}

const regressed: RunComparison = {
  file: 'api.perf.test.ts',
  test: 'GET /users',
  run: '/users',
  notes: [],
  metrics: [
    metric('cpuPerRequest', [400, 410, 405, 402], [1200, 1230, 1210, 1190]),
    metric('p95', [3, 3.1, 2.9, 3], [3.2, 2.5, 4, 3]),
    metric('rps', [1000, 1010, 990, 1000], [1001, 1009, 992, 1000]),
  ],
}

describe('the terminal table', () => {
  const text = renderCompareTable(
    report([regressed], { onlyInHead: [{ file: 'api.perf.test.ts', test: 'new', run: '/new' }] }),
    pc.createColors(false),
  )

  test('says the sides and rounds, then per run a line per metric: base, head, change [CI], verdict', () => {
    expect(text).toContain(
      ' PERF COMPARE  base main (aaaaaaa) → head bbbbbbb\n4 round pairs (AB BA AB BA) · intervals at 95% · tolerance ±5%',
    )
    expect(text).toMatch(/ {2}metric +base +head +change \[95% CI\] +verdict/)
    expect(text).toMatch(
      /api\.perf\.test\.ts › GET \/users \[\/users\]\n {2}app CPU\/req +404 µs +1207 µs +\+198\.\d% \[.*\] +✗ regressed/,
    )
    expect(text).toMatch(/\n {2}p95 +3\.00 ms +3\.13 ms +\+\d\.\d% \[.*\] +\? inconclusive/)
    expect(text).toMatch(/\n {2}rps +1000\.0 +1000 +\+0\.1% \[.*\] +✓ unchanged/)
  })

  test('lists one-sided runs, counts, and why inconclusive is not a pass', () => {
    expect(text).toContain('⚑ only in head, not compared: api.perf.test.ts › new [/new]')
    expect(text).toContain('1 regressed · 0 improved · 1 unchanged · 1 inconclusive')
    expect(text).toContain(
      '? 1 inconclusive: the interval does not show the change within the tolerance nor beyond it — not a pass.',
    )
  })
})

describe('the Markdown summary', () => {
  test('a heading that is never green while a metric regressed or is inconclusive', () => {
    expect(renderCompareMarkdown(report([regressed]))).toMatch(/^### ❌ perfspec compare: 1 regressed/)
    const inconclusive = { ...regressed, metrics: regressed.metrics.slice(1) }
    expect(renderCompareMarkdown(report([inconclusive]))).toMatch(
      /^### ⚠️ perfspec compare: 0 regressed · 0 improved · 1 unchanged · 1 inconclusive/,
    )
    const unchanged = { ...regressed, metrics: regressed.metrics.slice(2) }
    expect(renderCompareMarkdown(report([unchanged]))).toMatch(/^### ✅ perfspec compare/)
  })

  test('a table row per metric, the run named once; user text cannot break the table', () => {
    const tricky = { ...regressed, test: 'a | b <img src=x>', run: 'a | b <img src=x>' }
    const markdown = renderCompareMarkdown(report([tricky]))
    expect(markdown).toContain('| run | metric | base | head | change [95% CI] | verdict |')
    expect(markdown).toContain(
      '| api.perf.test.ts › a \\| b \\<img src=x\\> | app CPU/req | 404 µs | 1207 µs |',
    )
    expect(markdown).toMatch(/\n\| {2}\| p95 \| 3\.00 ms \| 3\.13 ms \| .* \| ⚠️ inconclusive \|/)
    expect(markdown).toContain('- ⚠️ 1 inconclusive: the interval does not show the change')
  })
})

describe('the HTML section', () => {
  test('comes before the summary table, with escaped user text and every verdict', () => {
    const tricky = { ...regressed, test: '<script>alert(1)</script>' }
    const html = renderHtmlReport(
      [],
      { machine: report([]).machine, runner: 'vitest' },
      {
        lead: renderAbCompareSection(report([tricky])),
        heading: 'perfspec compare',
      },
    )
    expect(html).toContain('<h1>perfspec compare</h1>')
    expect(html).not.toContain('<script>alert(1)')
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(html.indexOf('id="compare"')).toBeLessThan(html.indexOf('No perf results in this run.'))
    for (const label of ['✗ regressed', '? inconclusive', '✓ unchanged']) expect(html).toContain(label)
  })
})
