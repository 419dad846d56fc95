// Issue 13's verdicts through the real Jest CLI: the error budget, the test timeout, runs that never overlap.
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { prepareJestFixture, removeJestFixture, runJest } from './jest-run-fixture.ts'
import type { FixtureRun } from './run-fixture.ts'

const readJson = async (file: string) => JSON.parse(await readFile(file, 'utf8'))

interface ReportEntry {
  test: string
  state: string
  result: { success: boolean; waitedMs?: number }
}

describe('verdicts a user can trust, on a default Jest config', () => {
  let dir: string
  let run: FixtureRun
  let entries: ReportEntry[]
  beforeAll(async () => {
    dir = await prepareJestFixture('trust')
    run = await runJest(dir)
    entries = (await readJson(path.join(dir, 'perfspec-report.json'))).results
  }, 90_000)
  afterAll(() => removeJestFixture(dir))

  const entry = (name: string) => entries.find((candidate) => candidate.test.endsWith(name))

  test('a dead target and an all-5xx target with no assertion fail on the error budget', () => {
    expect(run.exitCode, run.output).toBe(1)
    expect(run.output).toContain('perfspec: too many requests failed (error budget)')
    // Jest's sandbox hides the error's class from the engine (`other`); its message still tells.
    expect(run.output).toMatch(
      /100% (connection_refused|other) \(\d+ of \d+\): nothing is listening at 127\.0\.0\.1:9\?/,
    )
    expect(run.output).toMatch(/100% http_5xx \(\d+ of \d+\): server errors/)
    expect(entry('a dead target')).toMatchObject({ state: 'failed', result: { success: false } })
    expect(entry('a target answering 500 only')).toMatchObject({
      state: 'failed',
      result: { success: false },
    })
  })

  test('a healthy 7 s run passes: the reporter gives perf tests a timeout that fits', () => {
    expect(entry('a healthy 7 s run')).toMatchObject({ state: 'passed', result: { success: true } })
    expect(run.output).not.toContain('Exceeded timeout')
  })

  test('a run that cannot finish in its test says so before sending anything', () => {
    expect(run.output).toContain(
      "This 5 s load run cannot finish within its test's 2 s timeout, so nothing was sent.",
    )
    expect(run.output).toContain(
      "test('…', async () => { … }, 20000), jest.setTimeout(), or `testTimeout` in jest.config",
    )
  })
})

describe('two perf files on two Jest workers', () => {
  let dir: string
  let run: FixtureRun
  beforeAll(async () => {
    dir = await prepareJestFixture('overlap')
    run = await runJest(dir, [], { PERFSPEC_RUN_LOCK: 'on' })
  }, 90_000)
  afterAll(() => removeJestFixture(dir))

  test('never overlap: the server sees one run at a time, and the later one waited', async () => {
    expect(run.exitCode, run.output).toBe(0)
    const spans = await readJson(path.join(dir, 'runs.json'))
    const [earlier, later] = [spans['/first'], spans['/second']].sort((a, b) => a.first - b.first)
    expect(later.first).toBeGreaterThan(earlier.last)
    const { results } = (await readJson(path.join(dir, 'perfspec-report.json'))) as { results: ReportEntry[] }
    expect(results.filter((entry) => (entry.result.waitedMs ?? 0) > 0)).toHaveLength(1)
  })
})
