import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
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

describe('a test that times out while its journey setup hangs', () => {
  let dir: string
  let lockDir: string
  let run: FixtureRun
  beforeAll(async () => {
    dir = await prepareFixture('timeout-in-setup')
    // A lock of its own: the second test must not wait for someone else's run on this machine.
    lockDir = await mkdtemp(path.join(os.tmpdir(), 'perfspec-e2e-lock-'))
    run = await runVitest(dir, [], { PERFSPEC_RUN_LOCK: 'on', PERFSPEC_RUN_LOCK_DIR: lockDir })
  })
  afterAll(async () => {
    await removeFixture(dir)
    await rm(lockDir, { recursive: true, force: true })
  })

  test('fails that test only: the run ended with no load, and the next perf test ran at once', () => {
    expect(run.exitCode, run.output).toBe(1)
    expect(run.output).toContain('Test timed out in 1500ms')
    expect(run.output).toMatch(/1 failed \| 1 passed/)
  })

  test('reports the hung run as aborted, with nothing sent', async () => {
    const report = JSON.parse(await readFile(path.join(dir, 'perfspec-report.json'), 'utf8'))
    const hung = report.results.find((entry: { test: string }) => entry.test.includes('never settles'))
    expect(hung.result.aborted).toBe(true)
    expect(hung.result.metrics.totalRequests).toBe(0)
  })
})
