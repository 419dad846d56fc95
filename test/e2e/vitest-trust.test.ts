import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type FixtureRun, prepareFixture, removeFixture, runVitest } from './run-fixture.ts'

interface ReportEntry {
  test: string
  state: string
  verdict: string
  result: { kind: string; metrics: { totalRequests: number }; success: boolean }
}

describe('verdicts a user can trust, on a default Vitest config', () => {
  let dir: string
  let run: FixtureRun
  let entries: ReportEntry[]
  beforeAll(async () => {
    dir = await prepareFixture('trust')
    run = await runVitest(dir)
    entries = JSON.parse(await readFile(path.join(dir, 'perfspec-report.json'), 'utf8')).results
  }, 120_000)
  afterAll(() => removeFixture(dir))

  const entry = (name: string) => entries.find((candidate) => candidate.test.endsWith(name))

  test('a dead target with no assertion fails on the error budget, naming connection_refused', () => {
    expect(run.exitCode, run.output).toBe(1)
    expect(run.output).toContain('perfspec: too many requests failed (error budget)')
    expect(run.output).toMatch(
      /100% connection_refused \(\d+ of \d+\): nothing is listening at 127\.0\.0\.1:9\?/,
    )
    expect(entry('a dead target')).toMatchObject({ state: 'failed', result: { success: false } })
  })

  test('an all-5xx target with no assertion fails on the error budget, naming http_5xx', () => {
    expect(run.output).toMatch(/100% http_5xx \(\d+ of \d+\): server errors/)
    expect(entry('a target answering 500 only')).toMatchObject({
      state: 'failed',
      result: { success: false },
    })
  })

  test('a healthy 7 s run passes: the plugin gives perf tests a timeout that fits', () => {
    expect(entry('a healthy 7 s run')).toMatchObject({ state: 'passed', result: { success: true } })
    expect(run.output).not.toContain('Test timed out')
  })

  test('a run that cannot finish in its test says so before sending anything', () => {
    expect(run.output).toContain(
      "This 5 s load run cannot finish within its test's 2 s timeout, so nothing was sent. Raise the timeout: " +
        "test('…', { timeout: 20000 }, …), or `test.testTimeout` in vitest.config",
    )
    expect(entry('a run longer than its own timeout')).toBeUndefined()
  })
})
