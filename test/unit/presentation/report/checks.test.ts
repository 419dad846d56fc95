import { XMLParser, XMLValidator } from 'fast-xml-parser'
import pc from 'picocolors'
import { describe, expect, test } from 'vitest'
import type { ComparisonResult, LoadTestResult } from '../../../../src/foundation/model/index.ts'
import { evaluateScenarioCoverage } from '../../../../src/metrics/error-budget.ts'
import { notSentWarning } from '../../../../src/metrics/not-sent.ts'
import { evaluateThresholds, parseThresholds } from '../../../../src/options/thresholds.ts'
import { describeMachine } from '../../../../src/orchestration/baseline/machine.ts'
import { renderChecksTable } from '../../../../src/presentation/report/checks-table.ts'
import { renderHtmlReport } from '../../../../src/presentation/report/html/report.ts'
import { renderJunit } from '../../../../src/presentation/report/junit.ts'
import { renderMarkdownSummary } from '../../../../src/presentation/report/markdown.ts'
import type { ReportRow } from '../../../../src/presentation/report/rows.ts'
import { renderHeading, renderNotes, renderSummaryTable } from '../../../../src/presentation/report/table.ts'
import { makeJourneyResult } from '../../../helpers/journey-results.ts'
import { makeComparison, makeStress } from '../../../helpers/report-results.ts'
import { makeResult } from '../../../helpers/results.ts'

const plain = pc.createColors(false)
const meta = { machine: describeMachine(), runner: 'vitest 4.1.12', now: new Date(0) }
const HOSTILE = '<b>has|id</b>'
const SAMPLE = '{{id}} names no var (vars: user, iteration)'

/**
 * A journey that passed (no threshold, a passing test) while one check failed 3 times of 120 on `item`
 * and 5 of its requests were never sent: what must never read clean.
 */
function checkedJourney(): LoadTestResult {
  const result = makeJourneyResult(
    { name: '/shop', requests: 240 },
    { home: { requests: 120 }, item: { requests: 120 } },
  )
  const { home, item } = result.endpoints ?? {}
  if (home === undefined || item === undefined) throw new Error('the helper made no endpoints')
  home.checks = { 'status 200': { passes: 120, fails: 0 } }
  item.checks = { 'status 200': { passes: 120, fails: 0 }, [HOSTILE]: { passes: 117, fails: 3 } }
  item.notSent = { template: { count: 5, sampleMessages: [SAMPLE] } }
  result.metrics.checks = { 'status 200': { passes: 240, fails: 0 }, [HOSTILE]: { passes: 117, fails: 3 } }
  result.metrics.notSent = { template: { count: 5, sampleMessages: [SAMPLE] } }
  result.warnings = [notSentWarning(result.metrics) ?? '']
  return result
}

/** A mix whose 'buy' scenario never ran, and a `checks` threshold with no check to judge: two notes. */
function untestedMix(): LoadTestResult {
  const result = makeResult({ name: '/mix' })
  const coverage = evaluateScenarioCoverage({ maxFraction: undefined }, ['buy'])
  if (coverage === undefined) throw new Error('no coverage verdict')
  result.thresholds = [
    ...evaluateThresholds(parseThresholds({ checks: ['rate>=0.99'] }), result.metrics),
    coverage,
  ]
  result.success = false
  return result
}

const checked: ReportRow = {
  file: 'shop.test.ts',
  test: 'checkout',
  state: 'passed',
  result: checkedJourney(),
}
const mix: ReportRow = { file: 'shop.test.ts', test: 'mix', state: 'failed', result: untestedMix() }
const clean: ReportRow = { file: 'shop.test.ts', test: 'home', state: 'passed', result: makeResult() }

describe('named checks and requests never sent in the terminal', () => {
  test('the table has checks% and unsent columns, per endpoint too, and marks the verdict', () => {
    const lines = renderSummaryTable([checked, clean], { colors: plain, width: 200 }).split('\n')
    expect(lines[0]).toMatch(/err%\s+checks%\s+unsent\s+p95 trend\s+verdict$/)
    expect(lines[1]).toMatch(/\s0\.00\s+99\.17\s+5\s+–\s+✓ pass ⚠$/)
    expect(lines[2]).toMatch(/↳ home .*\s100\.00\s+–$/)
    expect(lines[3]).toMatch(/↳ item .*\s98\.75\s+5\s+–$/)
    // A run without checks or unsent requests: blank cells, and its verdict unmarked.
    expect(lines[4]).toMatch(/\s0\.00\s+–\s+✓ pass$/)
  })

  test('a run without checks has neither column and no checks table', () => {
    expect(renderSummaryTable([clean], { colors: plain, width: 200 })).not.toMatch(/checks%|unsent/)
    expect(renderChecksTable([clean], plain)).toEqual([])
  })

  test('the heading counts the runs with failed checks and requests never sent, on a line of its own', () => {
    expect(renderHeading([checked, clean], plain).split('\n')).toEqual([
      ' PERF  2 runs · 2 passed · latencies in ms',
      '       ⚠ 1 with failed checks · 1 with requests never sent',
    ])
    expect(renderHeading([clean], plain)).toBe(' PERF  1 run · 1 passed · latencies in ms')
  })

  test("a stress test's steps count too: its line marked, the heading counting it", () => {
    const stress = makeStress(2)
    const last = stress.steps.at(-1)
    if (last === undefined) throw new Error('no step')
    last.metrics = { ...last.metrics, checks: { 'status 200': { passes: 9, fails: 1 } } }
    const row: ReportRow = { file: 'shop.test.ts', test: 'queue', state: 'passed', result: stress }
    const [, line] = renderSummaryTable([row], { colors: plain, width: 200 }).split('\n')
    expect(line).toMatch(/\s90\.00\s+\S+\s+✓ pass ⚠$/)
    expect(renderHeading([row], plain)).toContain('⚠ 1 with failed checks')
  })

  test('the checks table lists each check of the run, then of each endpoint, failures in red', () => {
    expect(renderChecksTable([checked], plain)).toEqual([
      '  passes  fails     rate  check',
      'shop.test.ts › checkout',
      '     240      0  100.00%  status 200',
      `     117      3   97.50%  ${HOSTILE}`,
      '     120      0  100.00%  ↳ home: status 200',
      '     120      0  100.00%  ↳ item: status 200',
      `     117      3   97.50%  ↳ item: ${HOSTILE}`,
    ])
    const colored = renderChecksTable([checked], pc.createColors(true))
    expect(colored[3]).toBe(pc.createColors(true).red(`     117      3   97.50%  ${HOSTILE}`))
  })

  test('a check name is user text: control characters are shown, not obeyed; long names wrap', () => {
    const result = checkedJourney()
    result.endpoints = {}
    result.metrics.checks = {
      'evil\u001b[2J': { passes: 1, fails: 0 },
      [`a${' long'.repeat(30)}`]: { passes: 1, fails: 0 },
    }
    const lines = renderChecksTable([{ ...checked, result }], plain, 60)
    expect(lines[2]).toContain('evil\\x1b[2J')
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(60)
    expect(lines.length).toBeGreaterThan(4)
  })

  test('notes: the failed checks, the requests never sent, each threshold with its note', () => {
    const notes = renderNotes([checked, mix], plain, 400)
    expect(notes).toContain(
      `⚠ shop.test.ts › checkout: checks failed: '${HOSTILE}' 3 of 120 (99.17% of 360 passed)`,
    )
    expect(notes).toContainEqual(
      expect.stringMatching(/^⚠ shop\.test\.ts › checkout: 5 requests were never sent \(template 5\)/),
    )
    expect(notes).toContain(
      '✗ shop.test.ts › mix: checks: rate>=0.99 (actual 0.00; no check ran: give steps `checks` (or a `check` function) for it to judge)',
    )
    expect(notes).toContain(
      "✗ shop.test.ts › mix: errorBudget: every scenario of the mix ran (actual 1.00; never ran: 'buy')",
    )
  })
})

describe('named checks and requests never sent in the GitHub summary', () => {
  const markdown = renderMarkdownSummary([checked, clean], meta)

  test('never a green heading, the run marked, columns for checks and requests never sent', () => {
    expect(markdown.split('\n')[0]).toBe(
      '### ⚠️ perfspec: 2 results · 2 passed · 1 with failed checks · 1 with requests never sent',
    )
    expect(markdown).toContain('| errors % | checks % | never sent | p95 trend |')
    expect(markdown).toMatch(
      /\| ✅ ⚠️ \| shop\.test\.ts › checkout \| native \| 240 \|.* \| 0\.00 \| 99\.17 \| 5 \| – \|/,
    )
    expect(markdown).toMatch(/\| {2}\| ↳ item \| native \| 120 \|.* \| 98\.75 \| 5 \| – \|/)
    expect(markdown).toMatch(
      /\| ✅ \| shop\.test\.ts › home \| native \| 1,000 \|.* \| 0\.00 \| {2}\| {2}\| – \|/,
    )
  })

  test('a checks table per run and endpoint, names escaped', () => {
    expect(markdown).toContain('**Checks**')
    expect(markdown).toContain('| ✅ | shop.test.ts › checkout | status 200 | 240 | 0 | 100.00% |')
    expect(markdown).toContain(
      '| ❌ | shop.test.ts › checkout | ↳ item: \\<b\\>has\\|id\\</b\\> | 117 | 3 | 97.50% |',
    )
    expect(markdown).not.toContain(HOSTILE)
    expect(markdown).toMatch(/- ⚠️ shop\.test\.ts › checkout: checks failed: /)
  })

  test('a clean run has no checks section and a green heading', () => {
    const plainSummary = renderMarkdownSummary([clean], meta)
    expect(plainSummary.split('\n')[0]).toBe('### ✅ perfspec: 1 result · 1 passed')
    expect(plainSummary).not.toMatch(/Checks|checks %|never sent/)
  })

  test("a threshold's note is beside its failure", () => {
    expect(renderMarkdownSummary([mix], meta)).toContain(
      "- ❌ shop.test.ts › mix: errorBudget: every scenario of the mix ran (actual 1.00; never ran: 'buy')",
    )
  })
})

describe('named checks and requests never sent in JUnit', () => {
  const xml = renderJunit([checked, mix], meta)
  const parsed = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (name) => ['testcase', 'property'].includes(name),
  }).parse(xml)
  const cases = parsed.testsuites.testsuite.testcase
  const properties = (index: number): Record<string, string> =>
    Object.fromEntries(
      cases[index].properties.property.map(({ name, value }: { name: string; value: string }) => [
        name,
        String(value),
      ]),
    )

  test('the checks and requests never sent as properties, of the run and each endpoint', () => {
    expect(XMLValidator.validate(xml)).toBe(true)
    expect(properties(0)).toMatchObject({
      checks_rate_percent: '99.167',
      checks_failed: '3',
      'checks.status 200.passes': '240',
      [`checks.${HOSTILE}.fails`]: '3',
      not_sent: '5',
      'not_sent.template': '5',
      'endpoint.item.checks_rate_percent': '98.75',
      [`endpoint.item.checks.${HOSTILE}.passes`]: '117',
      'endpoint.item.not_sent.template': '5',
      'endpoint.home.checks_failed': '0',
    })
    expect(properties(0)['endpoint.home.not_sent']).toBeUndefined()
  })

  test('a passing run with failed checks is no failure, but system-out says so', () => {
    expect(cases[0].failure).toBeUndefined()
    expect(cases[0]['system-out']).toContain(`warning: checks failed: '${HOSTILE}' 3 of 120`)
    expect(cases[0]['system-out']).toContain('warning: 5 requests were never sent (template 5)')
  })

  test("a threshold's note is in its property and in the failure", () => {
    expect(properties(1)['threshold errorBudget: every scenario of the mix ran']).toBe(
      "fail (actual 1; never ran: 'buy')",
    )
    expect(cases[1].failure.message).toBe(
      'checks: rate>=0.99 (actual 0.00; no check ran: give steps `checks` (or a `check` function) for it to judge)',
    )
    expect(cases[1].failure['#text']).toContain("(actual 1.00; never ran: 'buy')")
  })
})

describe('named checks and requests never sent in the HTML report', () => {
  const html = renderHtmlReport([checked, clean, mix], meta)
  const section = (id: string) =>
    html.slice(html.indexOf(`<section class="result" id="${id}"`)).split('</section>')[0] ?? ''

  test('the counts and the run marked beside its verdict, in the summary and its section', () => {
    expect(html).toContain('<span class="count caveat">⚠ 1 with failed checks</span>')
    expect(html).toContain('<span class="count caveat">⚠ 1 with requests never sent</span>')
    expect(html).toMatch(/<title>[^<]* · 1 with failed checks · 1 with requests never sent<\/title>/)
    const badges =
      '<span class="verdict pass">✓ pass</span> <span class="verdict caveat">⚠ 3 checks failed</span>' +
      ' <span class="verdict caveat">⚠ 5 never sent</span>'
    expect(html.split(badges)).toHaveLength(3)
    expect(section('r2')).not.toContain('caveat')
  })

  test('the summary table has checks and never-sent columns', () => {
    expect(html).toContain('<th class="num">checks</th><th class="num">never sent</th><th>p95 trend</th>')
    expect(html).toContain('<td class="num bad">99.17%</td><td class="num bad">5</td>')
  })

  test("a run's section: tiles, a checks table per run and endpoint, the requests never sent with an example", () => {
    const run = section('r1')
    expect(run).toContain('<div class="tile bad"><span>checks</span><b>99.17% (3 failed)</b></div>')
    expect(run).toContain('<div class="tile bad"><span>never sent</span><b>5</b></div>')
    expect(run).toContain('<h3>Checks <small>2</small></h3>')
    expect(run).toContain(
      '<tr><td>item</td><td>&lt;b&gt;has|id&lt;/b&gt;</td><td class="num">117</td><td class="num bad">3</td><td class="num bad">97.50%</td></tr>',
    )
    expect(run).toContain(
      '<tr><td>the run</td><td>status 200</td><td class="num">240</td><td class="num">0</td><td class="num">100.00%</td></tr>',
    )
    expect(run).toContain('<h3>Never sent</h3>')
    expect(run).toContain(
      '<tr><td>item</td><td>template</td><td class="num bad">5</td><td>{{id}} names no var',
    )
    expect(html).not.toContain(HOSTILE)
    expect(section('r2')).not.toMatch(/Checks|Never sent/)
  })

  test("each threshold's note beside its verdict", () => {
    const run = section('r3')
    expect(run).toContain('<th>threshold</th><th class="num">actual</th><th>verdict</th><th>note</th>')
    expect(run).toContain(
      '<td><span class="verdict fail">✗ fail</span></td><td>never ran: &#39;buy&#39;</td>',
    )
  })

  test("a comparison shows each configuration's checks", () => {
    const comparison: ComparisonResult = makeComparison({ small: [4, 5], large: [9, 8] })
    const small = comparison.runs[0]
    if (small === undefined) throw new Error('no run')
    small.result.metrics.checks = { 'status 200': { passes: 10, fails: 2 } }
    const report = renderHtmlReport([{ ...clean, result: comparison }], meta)
    expect(report).toMatch(/<div class="sub-run"><h4>small<\/h4><h3>Checks <small>1<\/small><\/h3>/)
    expect(report).toContain('<span class="verdict caveat">⚠ 2 checks failed</span>')
  })
})
