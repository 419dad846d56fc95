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
    expect(run.output).toMatch(/Tests\s+1 failed \| 4 passed/)
  })

  test('prints every kind of result in the table, within 100 columns, failures and notes under it', () => {
    const ours = run.output.slice(run.output.indexOf(' PERF '))
    expect(ours).toMatch(
      /^ PERF {2}5 runs · 4 passed · 1 failed · latencies in ms\n {7}⚠ 1 with failed checks · 1 with requests never sent\n/,
    )
    for (const line of ours.trimEnd().split('\n')) expect(line.length, line).toBeLessThanOrEqual(100)
    expect(ours).toMatch(
      /tool\s+reqs\s+rps\s+mean\s+p50\s+p95\s+p99\s+err%\s+checks%\s+unsent\s+p95 trend\s+verdict/,
    )
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
      'load',
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
    expect(html.match(/<section class="result"/g)).toHaveLength(5)
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
      'a journey whose check fails and whose second step is never sent',
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
    expect(summary).toMatch(
      /^## An earlier step\n### ❌ perfspec: 5 results · 4 passed · 1 failed · 1 with failed checks · 1 with requests never sent\n/,
    )
    expect(summary).toContain('| ❌ | every-kind.spec.ts › GET / answers within a microsecond |')
  })

  // The journey: 'says hello' fails on every response of `home` (the server answers `ok`), and `item`
  // (`{{id}}` names no var) never reaches the server. The run passes: every report still says so.
  describe('a journey with a failing check and a step never sent', () => {
    const JOURNEY = 'a journey whose check fails and whose second step is never sent'
    interface Counts {
      passes: number
      fails: number
    }
    interface Journey {
      metrics: {
        totalRequests: number
        checks: Record<string, Counts>
        notSent: { template: { count: number } }
      }
      endpoints: Record<string, { totalRequests: number }>
    }
    let journey: Journey
    // The counts as the reports print them (thousands separated).
    let home: string
    let unsent: string

    beforeAll(async () => {
      const report = JSON.parse(await read('out/perfspec-report.json'))
      journey = report.results.find((entry: { test: string }) => entry.test === JOURNEY).result
      home = (journey.endpoints['home']?.totalRequests ?? 0).toLocaleString('en-US')
      unsent = journey.metrics.notSent.template.count.toLocaleString('en-US')
    })

    test('its numbers agree: every home request got a 200 and no hello; item never went out', () => {
      const requests = journey.endpoints['home']?.totalRequests ?? 0
      expect(requests).toBeGreaterThan(0)
      expect(journey.metrics.checks).toEqual({
        'status 200': { passes: requests, fails: 0 },
        'says hello': { passes: 0, fails: requests },
      })
      expect(journey.endpoints['item']?.totalRequests).toBe(0)
      expect(journey.metrics.totalRequests).toBe(requests)
      expect(journey.metrics.notSent.template.count).toBeGreaterThan(0)
    })

    test('the terminal: marked beside its pass, a checks table, the failed checks in the notes', () => {
      const ours = run.output.slice(run.output.indexOf(' PERF '))
      expect(ours).toMatch(new RegExp(`\\s50\\.00\\s+${unsent}\\s+–\\s+✓ pass ⚠\\n`))
      expect(ours).toMatch(/passes\s+fails\s+rate\s+check\n/)
      expect(ours).toMatch(new RegExp(`\\s${home}\\s+0\\s+100\\.00%\\s+↳ home: status 200\\n`))
      expect(ours).toMatch(new RegExp(`\\s0\\s+${home}\\s+0\\.00%\\s+↳ home: says hello\\n`))
      expect(ours.replace(/\s+/g, ' ')).toContain(
        `${JOURNEY}: checks failed: 'says hello' ${home} of ${home}`,
      )
      expect(ours.replace(/\s+/g, ' ')).toContain(`${unsent} requests were never sent (template ${unsent})`)
    })

    test('the GitHub summary: the run marked, a checks table', async () => {
      const summary = await readFile(summaryFile, 'utf8')
      expect(summary).toContain(`| ✅ ⚠️ | every-kind.spec.ts › ${JOURNEY} |`)
      expect(summary).toContain(
        `| ❌ | every-kind.spec.ts › ${JOURNEY} | ↳ home: says hello | 0 | ${home} | 0.00% |`,
      )
    })

    test('JUnit: no failure, the checks and requests never sent as properties, a warning', async () => {
      const parsed = new XMLParser({
        ignoreAttributes: false,
        attributeNamePrefix: '',
        isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
      }).parse(await read('out/perfspec-report.junit.xml'))
      const testCase = parsed.testsuites.testsuite[0].testcase.find(
        (c: { name: string }) => c.name === JOURNEY,
      )
      expect(testCase.failure).toBeUndefined()
      const properties = Object.fromEntries(
        testCase.properties.property.map((p: { name: string; value: unknown }) => [p.name, String(p.value)]),
      )
      expect(properties).toMatchObject({
        checks_rate_percent: '50',
        'checks.says hello.passes': '0',
        'endpoint.home.checks.says hello.fails': String(journey.endpoints['home']?.totalRequests),
        'not_sent.template': String(journey.metrics.notSent.template.count),
        'endpoint.item.not_sent.template': String(journey.metrics.notSent.template.count),
      })
      expect(testCase['system-out']).toContain("warning: checks failed: 'says hello'")
    })

    test('HTML: the badges, the checks table and the requests never sent', async () => {
      const html = await read('out/perfspec-report.html')
      expect(html).toContain('<span class="count caveat">⚠ 1 with failed checks</span>')
      expect(html).toContain(
        `<span class="verdict pass">✓ pass</span> <span class="verdict caveat">⚠ ${home} checks failed</span>`,
      )
      expect(html).toContain('<h3>Checks <small>2</small></h3>')
      expect(html).toContain(`<tr><td>item</td><td>template</td><td class="num bad">${unsent}</td>`)
    })
  })
})
