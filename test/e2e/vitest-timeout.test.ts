import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type FixtureRun, prepareFixture, removeFixture, runVitest } from './run-fixture.ts'

describe('a test that times out mid-run', () => {
  let dir: string
  let run: FixtureRun
  beforeAll(async () => {
    dir = await prepareFixture('timeout')
    run = await runVitest(dir)
  })
  afterAll(() => removeFixture(dir))

  test('fails with the timeout, well before the run would have ended', () => {
    expect(run.exitCode, run.output).toBe(1)
    expect(run.output).toContain('Test timed out in 1500ms')
  })

  test('keeps the partial result, marked aborted', async () => {
    const report = JSON.parse(await readFile(path.join(dir, 'perfspec-report.json'), 'utf8'))
    const [entry] = report.results
    expect(entry).toMatchObject({ state: 'failed', verdict: 'abort' })
    expect(entry.result.aborted).toBe(true)
    expect(entry.result.metrics.totalRequests).toBeGreaterThan(0)
    expect(entry.result.durationMs).toBeLessThan(10_000)
    expect(run.output).toMatch(/long\.spec\.ts › a run longer than its test[\s\S]*?✗ abort/)
  })
})
