import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type FixtureRun, prepareFixture, removeFixture, runVitest } from './run-fixture.ts'

interface Report {
  summary: { runs: number }
  results: { file: string; test: string }[]
}

// Two Vitest processes (a CI job running two test groups side by side) write their reports into one folder.
describe('two Vitest processes sharing a report folder', () => {
  let dir: string
  let barrier: string
  let runs: FixtureRun[]
  const read = (file: string) => readFile(path.join(dir, 'out', file), 'utf8')
  const testsOf = (report: Report) => report.results.map((entry) => entry.test).sort()

  beforeAll(async () => {
    dir = await prepareFixture('shared-report')
    barrier = await mkdtemp(path.join(os.tmpdir(), 'perfspec-barrier-'))
    runs = await Promise.all(
      ['first.spec.ts', 'second.spec.ts'].map((file) => runVitest(dir, [file], { BARRIER_DIR: barrier })),
    )
  }, 180_000)
  afterAll(async () => {
    await removeFixture(dir)
    await rm(barrier, { recursive: true, force: true })
  })

  test('keep the results of both runs in every report', async () => {
    for (const run of runs) expect(run.exitCode, run.output).toBe(0)
    const report = JSON.parse(await read('perfspec-report.json')) as Report
    expect(testsOf(report)).toEqual(['first: GET /a', 'first: GET /b', 'second: GET /a', 'second: GET /b'])
    expect(report.summary.runs).toBe(4)
    expect((await read('perfspec-report.html')).match(/<section class="result"/g)).toHaveLength(4)
    expect((await read('perfspec-report.junit.xml')).match(/<testcase /g)).toHaveLength(4)
  })

  test('a later run replaces the report rather than adding to it', async () => {
    const run = await runVitest(dir, ['first.spec.ts'])
    expect(run.exitCode, run.output).toBe(0)
    const report = JSON.parse(await read('perfspec-report.json')) as Report
    expect(testsOf(report)).toEqual(['first: GET /a', 'first: GET /b'])
  }, 120_000)
})
