import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type FixtureRun, prepareFixture, removeFixture, runVitest } from './run-fixture.ts'

describe('a failing toHaveP95Below against a slow server', () => {
  let dir: string
  let run: FixtureRun
  beforeAll(async () => {
    dir = await prepareFixture('failing-p95')
    run = await runVitest(dir, [], { FIXTURE_DELAY_MS: '20' })
  })
  afterAll(() => removeFixture(dir))

  test('exits 1', () => {
    expect(run.exitCode, run.output).toBe(1)
  })

  test('names the metric, the limit, the actual value and the run', () => {
    expect(run.output).toContain('Expected p95 to be below 5 ms')
    const received = /Received p95: ([\d.]+) ms/.exec(run.output)
    expect(Number(received?.[1])).toBeGreaterThanOrEqual(20)
    expect(run.output).toMatch(
      /Run: \/slow \(native\): [\d,]+ requests, [\d.]+ rps, p50 [\d.]+ \/ p95 [\d.]+ \/ p99 [\d.]+ ms, 0\.00% errors/,
    )
  })

  test('explains a value that is not a perfspec result instead of crashing', () => {
    expect(run.output).toContain('toHaveP95Below expects a perfspec result (what loadTest() returns)')
  })

  test('marks the run failed in the table', () => {
    expect(run.output).toMatch(/slow\.spec\.ts › GET \/slow stays under 5 ms[\s\S]*?✗ fail/)
  })
})
