import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type FixtureRun, prepareFixture, removeFixture, runVitest } from './run-fixture.ts'

describe('a passing perf spec', () => {
  let dir: string
  beforeAll(async () => {
    dir = await prepareFixture('passing')
  })
  afterAll(() => removeFixture(dir))

  describe('with the default reporter', () => {
    let run: FixtureRun
    beforeAll(async () => {
      run = await runVitest(dir)
    })

    test('exits 0', () => {
      expect(run.exitCode, run.output).toBe(0)
    })

    test('keeps the default reporter', () => {
      expect(run.output).toMatch(/Tests\s+1 passed/)
      expect(run.output).toContain('✓ api.spec.ts')
    })

    test('prints the perf table after it', () => {
      const table = run.output.slice(run.output.search(/Tests\s+1 passed/))
      expect(table).toMatch(/PERF\s+1 run · 1 passed/)
      expect(table).toMatch(/tool\s+reqs\s+rps\s+mean\s+p50\s+p95\s+p99\s+err%\s+p95 trend\s+verdict/)
      expect(table).toMatch(
        /api\.spec\.ts › GET \/ is fast\s+native\s+[\d,]+\s+[\d.]+(\s+[\d.]+){4}\s+0\.00\s+–\s+✓ pass/,
      )
      const ours = table.slice(table.indexOf(' PERF '))
      for (const line of ours.split('\n')) expect(line.length).toBeLessThanOrEqual(100)
    })

    test('writes the JSON report with machine info and the plugin defaults applied', async () => {
      const report = JSON.parse(await readFile(path.join(dir, 'perfspec-report.json'), 'utf8'))
      expect(report.summary).toEqual({ runs: 1, passed: 1, failed: 0, inconclusive: 0 })
      expect(report.machine).toMatchObject({
        cores: expect.any(Number),
        node: expect.stringMatching(/^v\d+/),
      })
      // .ci/run says which Vitest it installed; without it, any.
      const major = process.env['PERFSPEC_E2E_VITEST_MAJOR'] ?? '\\d+'
      expect(report.runner).toMatch(new RegExp(`^vitest ${major}\\.`))
      const [entry] = report.results
      expect(entry).toMatchObject({
        file: 'api.spec.ts',
        test: 'GET / is fast',
        state: 'passed',
        verdict: 'pass',
      })
      expect(entry.result.options).toMatchObject({ users: 2, durationMs: 1000 })
      expect(entry.result.metrics.totalRequests).toBeGreaterThan(0)
    })
  })

  test('with --reporter=dot, both the dot reporter and the table print', async () => {
    const run = await runVitest(dir, ['--reporter=dot'])
    expect(run.exitCode, run.output).toBe(0)
    expect(run.output).toMatch(/Tests\s+1 passed/)
    expect(run.output).not.toContain('✓ api.spec.ts')
    expect(run.output).toMatch(/PERF\s+1 run · 1 passed/)
    expect(run.output).toContain('api.spec.ts › GET / is fast')
  })
})
