import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type FixtureRun, prepareFixture, removeFixture, runVitest } from './run-fixture.ts'

describe('a run asked for every report', () => {
  let dir: string
  let run: FixtureRun
  let summaryFile: string
  const read = (file: string) => readFile(path.join(dir, file), 'utf8')

  beforeAll(async () => {
    dir = await prepareFixture('report-files')
    summaryFile = path.join(dir, 'step-summary.md')
    await writeFile(summaryFile, '## An earlier step\n')
    run = await runVitest(dir, [], { GITHUB_STEP_SUMMARY: summaryFile })
  }, 120_000)
  afterAll(() => removeFixture(dir))

  test('fails on the breached threshold only', () => {
    expect(run.exitCode, run.output).toBe(1)
    expect(run.output).toMatch(/Tests\s+1 failed \| 3 passed/)
  })

  test('prints every kind of result in the table, within 100 columns, failures and notes under it', () => {
    const ours = run.output.slice(run.output.indexOf(' PERF '))
    expect(ours).toMatch(/^ PERF {2}4 runs · 3 passed · 1 failed · latencies in ms/)
    for (const line of ours.trimEnd().split('\n')) expect(line.length, line).toBeLessThanOrEqual(100)
    expect(ours).toMatch(/tool\s+reqs\s+rps\s+mean\s+p50\s+p95\s+p99\s+err%\s+p95 trend\s+verdict/)
    expect(ours).toContain('every-kind.spec.ts › GET / under growing load [stress]')
    expect(ours).toContain('every-kind.spec.ts › one user against two [two users]')
    expect(ours).toMatch(
      /✗ every-kind\.spec\.ts › GET \/ answers within a microsecond: http_req_duration: p\(95\)<0\.001 \(actual\s+[\d.]+\)/,
    )
    expect(ours).toMatch(
      /⚑ every-kind\.spec\.ts › GET \/ under growing load: (broke at \d+ users|held up to 3 users)/,
    )
    expect(ours).toContain('HTML report: ')
    expect(ours).toContain('JUnit report: ')
    expect(ours).toContain('Markdown summary: ')
  })

  test('the JSON report has one entry per load run, stress test and comparison, and the baseline check', async () => {
    const report = JSON.parse(await read('out/perfspec-report.json'))
    expect(report.results.map((entry: { result: { kind: string } }) => entry.result.kind)).toEqual([
      'load',
      'load',
      'stress',
      'comparison',
    ])
    expect(report.results[0].baseline).toEqual({
      key: 'GET / is recorded as a baseline > /',
      file: '__perf__/every-kind.spec.ts.perf.json',
      comparison: null,
      // A one-second run: later comparisons will have too few windows, and the recording says so.
      warnings: [expect.stringMatching(/^the baseline was recorded from 1 steady-state second: /)],
    })
    expect(report.results[1].verdict).toBe('fail')
  })

  test('writes a self-contained HTML report with a section per result', async () => {
    const html = await read('out/perfspec-report.html')
    expect(html.match(/<section class="result"/g)).toHaveLength(4)
    expect(html).toContain('data-kind="stress"')
    expect(html).toContain('No baseline was stored: this run was recorded as the baseline.')
    expect(html).not.toMatch(/\s(src|href)="(?!#)/)
  })

  test('writes JUnit XML with a test case per result and its metrics', async () => {
    const xml = await read('out/perfspec-report.junit.xml')
    expect(XMLValidator.validate(xml)).toBe(true)
    const parsed = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
    }).parse(xml)
    const cases = parsed.testsuites.testsuite[0].testcase
    expect(cases.map((testCase: { name: string }) => testCase.name)).toEqual([
      'GET / is recorded as a baseline',
      'GET / answers within a microsecond',
      'GET / under growing load',
      'one user against two',
    ])
    expect(cases[1].failure.message).toMatch(/^http_req_duration: p\(95\)<0\.001 \(actual [\d.]+\)$/)
    const properties = Object.fromEntries(
      cases[0].properties.property.map((p: { name: string; value: unknown }) => [p.name, p.value]),
    )
    expect(properties).toMatchObject({ kind: 'load', tool: 'native', run: '/' })
    expect(Number(properties['p95_ms'])).toBeGreaterThan(0)
  })

  test('appends the Markdown summary to $GITHUB_STEP_SUMMARY', async () => {
    const summary = await readFile(summaryFile, 'utf8')
    expect(summary.startsWith('## An earlier step\n### ❌ perfspec: 4 results · 3 passed · 1 failed')).toBe(
      true,
    )
    expect(summary).toContain('| ❌ | every-kind.spec.ts › GET / answers within a microsecond |')
  })
})
