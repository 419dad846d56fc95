// Committed baselines judged by intervals, through real Vitest: the verdict in the matcher's message, the
// terminal table, the reports and the test's annotations (Vitest ≥ 3.2 `context.annotate`; the JUnit
// reporter lists them as properties), and the plugin's failOnInconclusive.
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { prepareFixture, removeFixture, runVitest } from './run-fixture.ts'

const KEY = 'checkout keeps its cost > /checkout'
const WITH_JUNIT = ['--reporter=default', '--reporter=junit', '--outputFile.junit=junit.xml']

describe('toMatchPerfBaseline by intervals, in Vitest', () => {
  let dir: string
  const read = async (name: string) => readFile(path.join(dir, name), 'utf8')
  /** The test's annotations, as the JUnit reporter writes them: `<property name="TYPE" value="MESSAGE">`. */
  const annotations = async () =>
    [...(await read('junit.xml')).matchAll(/<property name="([^"]+)" value="([^"]*)"/g)].map(
      ([, type, message]) => ({ type, message: message?.replaceAll('&quot;', '"').replaceAll('&gt;', '>') }),
    )

  beforeAll(async () => {
    dir = await prepareFixture('baseline-verdicts')
  })
  afterAll(() => removeFixture(dir))

  // The steps build on each other: record, a heavier handler, then runs too short to judge.
  test('the first run records the baseline with its windows, and annotates the test with its numbers', async () => {
    const run = await runVitest(dir, WITH_JUNIT)
    expect(run.exitCode, run.output).toBe(0)
    const entry = JSON.parse(await read('__perf__/checkout.spec.ts.perf.json')).entries[KEY]
    expect(entry.samples).toMatchObject({ windows: 3, cpuPerRequest: { count: 3 } })
    expect(await annotations()).toEqual([
      {
        type: 'perfspec',
        message: expect.stringMatching(
          /^\/checkout \(native\): [\d,]+ requests, .*, app [\d.]+ µs\/req; thresholds passed/,
        ),
      },
      {
        type: 'perfspec',
        message: `baseline "${KEY}": recorded from /checkout in __perf__/checkout.spec.ts.perf.json`,
      },
    ])
  })

  test('a handler three times as heavy regresses on the app’s CPU per request, everywhere', async () => {
    const run = await runVitest(dir, WITH_JUNIT, { FIXTURE_WORK: '3' })
    expect(run.exitCode, run.output).toBe(1)
    expect(run.output).toContain('Performance regressed against the baseline:')
    expect(run.output).toMatch(/✗ app CPU\/req: [\d.]+ µs vs baseline [\d.]+ µs: regressed: \+[\d.]+% \[/)
    expect(run.output).toMatch(/checkout\.spec\.ts › checkout keeps its cost: baseline: app CPU\/req/)
    const baseline = (await annotations())[1]
    expect(baseline).toEqual({
      type: 'error',
      message: expect.stringMatching(
        new RegExp(
          `^perfspec baseline "${KEY}": regressed · app CPU/req \\+[\\d.]+% \\[\\+[\\d.]+%, \\+[\\d.]+%\\] regressed · p95 `,
        ),
      ),
    })
    const report = JSON.parse(await read('perfspec-report.json'))
    expect(report.results[0].baseline.comparison).toMatchObject({ method: 'interval', verdict: 'regressed' })
  })

  test('a run too short to judge is inconclusive: not a failure, never shown as a pass', async () => {
    const run = await runVitest(dir, WITH_JUNIT, { FIXTURE_SECONDS: '1.5' })
    expect(run.exitCode, run.output).toBe(0)
    expect(run.output).toContain('PERF  1 run · 0 passed · 1 inconclusive')
    expect(run.output).toMatch(/\? inconclusive\n/)
    expect(run.output.replace(/\s+/g, ' ')).toMatch(
      /⚠ checkout\.spec\.ts › checkout keeps its cost: baseline inconclusive: app CPU\/req .*: no interval: this run has 1 window/,
    )
    expect((await annotations())[1]).toEqual({
      type: 'warning',
      message: expect.stringMatching(new RegExp(`^perfspec baseline "${KEY}": inconclusive · app CPU/req `)),
    })
    const report = JSON.parse(await read('perfspec-report.json'))
    expect(report.summary).toEqual({ runs: 1, passed: 0, failed: 0, inconclusive: 1 })
    expect(report.results[0].verdict).toBe('inconclusive')
  })

  test('perf({ failOnInconclusive: true }) fails it, saying why', async () => {
    const run = await runVitest(dir, [], { FIXTURE_SECONDS: '1.5', FIXTURE_FAIL_ON_INCONCLUSIVE: '1' })
    expect(run.exitCode, run.output).toBe(1)
    expect(run.output).toContain(
      'The comparison with the baseline is inconclusive, and failOnInconclusive makes that a failure:',
    )
    expect(run.output).toMatch(/\? app CPU\/req: .* inconclusive: no interval: this run has 1 window/)
    expect(run.output).toMatch(/✗ checkout\.spec\.ts › checkout keeps its cost: baseline inconclusive:/)
  })
})
