import { describe, expect, test } from 'vitest'
import type { BenchmarkResult } from '../../../../../src/foundation/model/index.ts'
import { describeMachine } from '../../../../../src/orchestration/baseline/machine.ts'
import { renderHtmlReport } from '../../../../../src/presentation/report/html/report.ts'
import type { ReportRow } from '../../../../../src/presentation/report/rows.ts'
import { makeComparison, makeStress, makeTimedResult } from '../../../../helpers/report-results.ts'

const meta = { machine: describeMachine(), runner: 'vitest 4.1.12', now: new Date(0) }

function loadRow(test: string, seconds: number): ReportRow {
  const p95s = Array.from(
    { length: seconds },
    (_, second) => 5 + (second % 7) + (second % 60 === 59 ? 40 : 0),
  )
  return { file: 'api.perf.test.ts', test, state: 'passed', result: makeTimedResult(p95s) }
}

describe('renderHtmlReport', () => {
  test('a function benchmark has its own section: key numbers and the time per iteration', () => {
    const result: BenchmarkResult = {
      kind: 'benchmark',
      target: 'function',
      name: 'sort',
      avgTime: 0.2,
      throughput: 5000,
      stats: {
        mean: 0.2,
        sd: 0.01,
        rme: 1.5,
        samples: 1000,
        min: 0.1,
        max: 0.9,
        p50: 0.19,
        p75: 0.2,
        p90: 0.22,
        p95: 0.25,
        p99: 0.4,
        p999: 0.8,
      },
      iterations: 1000,
      aborted: false,
      startedAt: new Date(0).toISOString(),
      durationMs: 200,
      warnings: [],
    }
    const html = renderHtmlReport([{ file: 'b.test.ts', test: 'sort', state: 'passed', result }], meta)
    expect(html).toContain('<section class="result" id="r1" data-kind="benchmark" data-verdict="pass">')
    expect(html).toContain('Time per iteration')
    expect(html).toMatch(/5,?000 ops\/s/)
    expect(html).toContain('tinybench')
  })

  test('a run under 3 s draws its seconds as points, not as lines that would read as a trend', () => {
    const short = renderHtmlReport([loadRow('short', 2)], meta)
    expect(short).toContain('Latency over time (a short run: one point per second)')
    expect(short).not.toContain('<polyline class="line')
    expect(short).toContain('<circle class="dot')
    expect(short).toMatch(/<td[^>]*>–<\/td>/)
    const long = renderHtmlReport([loadRow('long', 3)], meta)
    expect(long).toContain('<polyline class="line')
    expect(long).not.toContain('a short run')
  })

  test('is one self-contained document: inline style and script, nothing fetched', () => {
    const html = renderHtmlReport([loadRow('a', 10)], meta)
    expect(html.startsWith('<!doctype html>')).toBe(true)
    expect(html).toContain("default-src 'none'")
    expect(html).not.toMatch(/\s(src|href)="(?!#)/)
    expect(html).not.toMatch(/@import|url\(/)
    expect(html.match(/<svg class="(plot|bars)"/g)).toHaveLength(3)
  })

  test('a section per result, charts by kind, linked from the summary table', () => {
    const rows: ReportRow[] = [
      loadRow('load', 20),
      { file: 's.test.ts', test: 'stress', state: 'passed', result: makeStress(4) },
      {
        file: 'c.test.ts',
        test: 'compare',
        state: 'passed',
        result: makeComparison({ a: [4, 5, 6], b: [9, 8, 7] }),
      },
    ]
    const html = renderHtmlReport(rows, meta)
    const sections = html.split('<section class="result"').slice(1)
    expect(sections.map((section) => /data-kind="(\w+)"/.exec(section)?.[1])).toEqual([
      'load',
      'stress',
      'comparison',
    ])
    expect(sections.map((section) => section.match(/<svg /g)?.length)).toEqual([3, 2, 7])
    expect(sections[1]).toContain('class="marker"')
    expect(sections[1]).toContain('break: 8 users')
    for (const id of ['r1', 'r2', 'r3']) {
      expect(html).toContain(`href="#${id}"`)
      expect(html).toContain(`id="${id}"`)
    }
  })

  test('escapes user text everywhere, data attributes included', () => {
    const row = loadRow('<script>alert(1)</script> & "quotes"', 3)
    const result = row.result.kind === 'load' ? row.result : undefined
    if (result === undefined) throw new Error('a load row')
    result.name = '</script><!-- x'
    result.warnings = ['<img src=x onerror=alert(1)>']
    const html = renderHtmlReport([row], meta)
    expect(html).not.toContain('<script>alert')
    expect(html).not.toContain('</script><!--')
    expect(html).not.toContain('<img')
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;')
    // The only script is the report's own.
    expect(html.match(/<script>/g)).toHaveLength(1)
    expect(html.match(/<\/script>/g)).toHaveLength(1)
  })

  test('stays under 1 MB for 50 results of ten minutes each', () => {
    const rows = Array.from({ length: 50 }, (_, index) => loadRow(`endpoint ${index}`, 600))
    const html = renderHtmlReport(rows, meta)
    const bytes = Buffer.byteLength(html)
    expect(bytes).toBeLessThan(1_000_000)
    // Long timelines are thinned, not cut: every chart still spans the whole run.
    expect(html).toContain('Latency over time (each point: the worst of 6 s)')
  })

  test('says so when there is nothing to show', () => {
    expect(renderHtmlReport([], meta)).toContain('No perf results in this run.')
  })
})
