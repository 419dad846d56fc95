// The app's cost where tests really run it: an app started in `beforeAll`, measured on the test's thread,
// under Vitest's threads pool (a worker thread per file) and under Jest (a worker process's main thread).
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { LoadTestResult } from '../../src/foundation/model/index.ts'
import { prepareJestFixture, removeJestFixture, runJest } from './jest-run-fixture.ts'
import { type FixtureRun, prepareFixture, removeFixture, runVitest } from './run-fixture.ts'

async function reportedLoad(dir: string): Promise<LoadTestResult> {
  const report = JSON.parse(await readFile(path.join(dir, 'perfspec-report.json'), 'utf8'))
  const [entry] = report.results as { result: LoadTestResult }[]
  return entry!.result
}

/** The app's CPU per request is there, and sane: the handler's work (~50k iterations) and node:http's. */
function expectMeasured(result: LoadTestResult): void {
  expect(result.app).toMatchObject({ measured: true, source: 'test-thread' })
  if (result.app?.measured !== true) return
  expect(result.app.requests).toBe(result.metrics.totalRequests)
  expect(result.app.cpuPerRequestUs).toBeGreaterThan(20)
  expect(result.app.cpuPerRequestUs).toBeLessThan(50_000)
  expect(result.timeline.some((point) => (point.appCpuPercent ?? 0) > 0)).toBe(true)
}

describe('Vitest’s threads pool', () => {
  let dir: string
  let run: FixtureRun
  beforeAll(async () => {
    dir = await prepareFixture('app-cost')
    run = await runVitest(dir)
  }, 120_000)
  afterAll(() => removeFixture(dir))

  test('measures the app on the test’s worker thread, and shows it in the table', async () => {
    expect(run.exitCode, run.output).toBe(0)
    const result = await reportedLoad(dir)
    expect(result.name).toBe('main thread: false')
    expectMeasured(result)
    expect(run.output).toMatch(/err%\s+app µs\/req/)
  })
})

describe('Jest', () => {
  let dir: string
  let run: FixtureRun
  beforeAll(async () => {
    dir = await prepareJestFixture('app-cost')
    run = await runJest(dir)
  }, 120_000)
  afterAll(() => removeJestFixture(dir))

  test('measures the app on the test’s thread', async () => {
    expect(run.exitCode, run.output).toBe(0)
    const result = await reportedLoad(dir)
    expect(result.name).toBe('main thread: true')
    expectMeasured(result)
  })
})
