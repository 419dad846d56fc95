import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { prepareFixture, removeFixture, runVitest } from './run-fixture.ts'

describe('thresholds and defaults from config/qa.yaml', () => {
  let dir: string
  beforeAll(async () => {
    dir = await prepareFixture('qa-yaml')
  })
  afterAll(() => removeFixture(dir))

  test('a breach fails the test, naming the threshold and the actual value', async () => {
    const run = await runVitest(dir, [], { FIXTURE_DELAY_MS: '20' })
    expect(run.exitCode, run.output).toBe(1)
    expect(run.output).toContain('perfspec: thresholds failed')
    expect(run.output).toMatch(/✗ maxAvgResponseTimeMs: 5 {2}\(actual \d+(\.\d+)?\)/)
    expect(run.output).toMatch(/✓ maxErrorRatePercent: 5/)
    const report = JSON.parse(await readFile(path.join(dir, 'perfspec-report.json'), 'utf8'))
    const { result } = report.results[0]
    expect(result.success).toBe(false)
    expect(result.options).toMatchObject({ users: 2, durationMs: 1000, rampUpMs: 0 })
    expect(result.thresholds.map((threshold: { expression: string }) => threshold.expression)).toEqual([
      'maxAvgResponseTimeMs: 5',
      'maxErrorRatePercent: 5',
      'minThroughputRps: 10',
      // qa.yaml limits the error rate itself: the error budget keeps only its no-success rule.
      'errorBudget: some request succeeded',
    ])
  })

  test('an unknown threshold key stops the run before any request, naming the key', async () => {
    const run = await runVitest(dir, [], { QA_FILE: 'config/bad.yaml' })
    expect(run.exitCode).toBe(1)
    expect(run.output).toContain('Unknown threshold `performance.thresholds.max_p95`')
    expect(run.output).not.toContain('PERF ')
  })

  test('a malformed expression stops the run, naming the expression', async () => {
    const run = await runVitest(dir, [], { QA_FILE: 'config/bad-expression.yaml' })
    expect(run.exitCode).toBe(1)
    expect(run.output).toContain("Malformed threshold 'p(95)<<200'")
  })
})
