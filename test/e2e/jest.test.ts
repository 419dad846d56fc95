// The Jest integration end to end: fixture projects (plain CommonJS specs, no transform) run through the
// real Jest CLI, with `perfspec/jest` in setupFilesAfterEnv and `perfspec/jest-reporter` beside 'default'.
import { readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { prepareJestFixture, removeJestFixture, runJest } from './jest-run-fixture.ts'
import type { FixtureRun } from './run-fixture.ts'

const readJson = async (file: string) => JSON.parse(await readFile(file, 'utf8'))

interface ReportEntry {
  file: string
  test: string
  result: { kind: string; name?: string }
}

/** The worker pids in the names of a report's load runs (the fixtures name them `pid <n>`). */
async function reportedPids(dir: string): Promise<Set<string | undefined>> {
  const { results } = (await readJson(path.join(dir, 'perfspec-report.json'))) as { results: ReportEntry[] }
  return new Set(results.filter((entry) => entry.result.kind === 'load').map((entry) => entry.result.name))
}

describe('two spec files on two Jest workers', () => {
  let dir: string
  let run: FixtureRun
  beforeAll(async () => {
    dir = await prepareJestFixture('workers')
    run = await runJest(dir)
  })
  afterAll(() => removeJestFixture(dir))

  test('exits 0 with the default reporter kept', () => {
    expect(run.exitCode, run.output).toBe(0)
    expect(run.output).toMatch(/Tests:\s+3 passed, 3 total/)
    expect(run.output).toContain('PASS ./catalog.spec.cjs')
  })

  test('the results of both worker processes reach the reporter', async () => {
    const pids = await reportedPids(dir)
    expect(pids.size, run.output).toBe(2)
    for (const pid of pids) expect(pid).toMatch(/^pid \d+$/)
  })

  test('prints one table of every file, joined with each test status', () => {
    expect(run.output).toMatch(/PERF\s+3 runs · 3 passed/)
    expect(run.output).toMatch(/tool\s+reqs\s+rps\s+mean\s+p50\s+p95\s+p99\s+err%[^\n]*verdict/)
    expect(run.output).toMatch(
      /catalog\.spec\.cjs › catalog > GET \/products is fast\s+native\s+[\d,]+\s+[\d.]+(\s+[\d.]+){4}\s+0\.00\b[^\n]*✓ pass/,
    )
    expect(run.output).toMatch(/search\.spec\.cjs › GET \/search is fast\s+native[^\n]*✓ pass/)
    const table = run.output.slice(run.output.indexOf(' PERF '))
    for (const line of table.split('\n')) expect(line.length).toBeLessThanOrEqual(100)
  })

  test('writes the JSON report with the reporter options applied', async () => {
    const report = await readJson(path.join(dir, 'perfspec-report.json'))
    expect(report.summary).toEqual({ runs: 3, passed: 3, failed: 0, inconclusive: 0 })
    expect(report.runner).toMatch(new RegExp(`^jest ${process.env['PERFSPEC_E2E_JEST_MAJOR'] ?? '\\d+'}\\.`))
    // The comparison's own load runs stay inside it.
    expect(report.results.map((entry: ReportEntry) => `${entry.file} ${entry.result.kind}`)).toEqual([
      'catalog.spec.cjs load',
      'search.spec.cjs load',
      'search.spec.cjs comparison',
    ])
    expect(report.results[0]).toMatchObject({
      test: 'catalog > GET /products is fast',
      state: 'passed',
      verdict: 'pass',
      result: { options: { users: 2, durationMs: 1000 } },
    })
  })

  test('writes the HTML report the options ask for', async () => {
    const html = await readFile(path.join(dir, 'perfspec-report.html'), 'utf8')
    expect(html).toMatch(/^<!doctype html>/i)
    expect(html).toContain('catalog &gt; GET /products is fast')
    expect(run.output).toContain('HTML report: perfspec-report.html')
  })

  test('--runInBand: one process, the same table', async () => {
    const inBand = await runJest(dir, ['--runInBand'])
    expect(inBand.exitCode, inBand.output).toBe(0)
    expect(inBand.output).toMatch(/PERF\s+3 runs · 3 passed/)
    expect((await reportedPids(dir)).size).toBe(1)
  })

  test('the built CommonJS entries load with plain node', async () => {
    const load = await execa(
      process.execPath,
      ['-e', "require('perfspec'); console.log(typeof require('perfspec/jest-reporter').default)"],
      { cwd: dir, reject: false },
    )
    expect(load.stdout, load.stderr).toBe('function')
    // The setup file belongs inside Jest; outside, Jest's own message says so.
    const setup = await execa(process.execPath, ['-e', "require('perfspec/jest')"], {
      cwd: dir,
      reject: false,
    })
    expect(setup.exitCode).not.toBe(0)
    expect(setup.stderr).toContain('outside of the Jest test environment')
  })
})

describe('the setup file without the perfspec reporter', () => {
  let dir: string
  beforeAll(async () => {
    dir = await prepareJestFixture('no-reporter')
  })
  afterAll(() => removeJestFixture(dir))

  // A results folder variable left over from elsewhere, whose folder is gone, changes nothing.
  test('the matchers work, and no table or report appears', async () => {
    const run = await runJest(dir, [], { PERFSPEC_JEST_RESULTS_DIR: path.join(dir, 'gone') })
    expect(run.exitCode, run.output).toBe(0)
    expect(run.output).toMatch(/Tests:\s+1 passed, 1 total/)
    expect(run.output).not.toContain(' PERF ')
    await expect(readFile(path.join(dir, 'perfspec-report.json'))).rejects.toThrow(/ENOENT/)
  })
})

describe('failing perf specs', () => {
  let dir: string
  let run: FixtureRun
  beforeAll(async () => {
    dir = await prepareJestFixture('failing')
    run = await runJest(dir, [], { FIXTURE_DELAY_MS: '20' })
  })
  afterAll(() => removeJestFixture(dir))

  test('exit 1', () => {
    expect(run.exitCode, run.output).toBe(1)
    expect(run.output).toMatch(/Tests:\s+3 failed, 3 total/)
  })

  test('a matcher names the metric, the limit, the actual value and the run', () => {
    expect(run.output).toContain('Expected p95 to be below 5 ms')
    const received = /Received p95: ([\d.]+) ms/.exec(run.output)
    expect(Number(received?.[1])).toBeGreaterThanOrEqual(20)
    expect(run.output).toMatch(
      /Run: \/slow \(native\): [\d,]+ requests, [\d.]+ rps, p50 [\d.]+ \/ p95 [\d.]+ \/ p99 [\d.]+ ms, 0\.00% errors/,
    )
  })

  test('a breached threshold fails its test without a matcher', () => {
    expect(run.output).toContain('perfspec: thresholds failed')
    expect(run.output).toMatch(/✗ maxP95Ms: 5 {2}\(actual [\d.]+\)/)
  })

  test('a value that is not a perfspec result is explained', () => {
    expect(run.output).toContain('toHaveP95Below expects a perfspec result (what loadTest() returns)')
  })

  test('the table marks both runs failed', async () => {
    expect(run.output).toMatch(/PERF\s+2 runs · 0 passed · 2 failed/)
    expect(run.output).toMatch(/slow\.spec\.cjs › GET \/slow stays under 5 ms[\s\S]*?✗ fail/)
    const report = await readJson(path.join(dir, 'perfspec-report.json'))
    expect(report.results.map((entry: { state: string }) => entry.state)).toEqual(['failed', 'failed'])
  })
})

describe('a test that times out mid-run', () => {
  let dir: string
  let run: FixtureRun
  beforeAll(async () => {
    dir = await prepareJestFixture('timeout')
    run = await runJest(dir)
  })
  afterAll(() => removeJestFixture(dir))

  test("fails with Jest's timeout", () => {
    expect(run.exitCode, run.output).toBe(1)
    expect(run.output).toContain('Exceeded timeout of 1500 ms for a test')
  })

  test('the run stops there and its partial result is kept, marked aborted', async () => {
    const [entry] = (await readJson(path.join(dir, 'perfspec-report.json'))).results
    expect(entry).toMatchObject({ state: 'failed', verdict: 'abort', result: { aborted: true } })
    expect(entry.result.metrics.totalRequests).toBeGreaterThan(0)
    // The run was asked for 10 s; it stopped with the test.
    expect(entry.result.durationMs).toBeLessThan(9000)
    expect(run.output).toMatch(/long\.spec\.cjs › a run longer than its test[\s\S]*?✗ abort/)
  })
})

describe('toMatchPerfBaseline across Jest runs', () => {
  const KEY = 'search keeps its speed > /search'
  let dir: string
  let file: string
  const readBaseline = () => readJson(file)
  beforeAll(async () => {
    dir = await prepareJestFixture('baseline')
    file = path.join(dir, '__perf__/search.spec.cjs.perf.json')
  })
  afterAll(() => removeJestFixture(dir))

  // The steps build on each other: record, regress, accept, then CI without a baseline.
  test('the first run records the baseline', async () => {
    const run = await runJest(dir)
    expect(run.exitCode, run.output).toBe(0)
    expect((await readBaseline()).entries[KEY]).toMatchObject({
      p95: expect.any(Number),
      users: 2,
      machine: { node: process.version },
    })
    // The worker tells the reporter what the matcher did.
    const [entry] = (await readJson(path.join(dir, 'perfspec-report.json'))).results
    expect(entry.baseline).toEqual({ key: KEY, file: '__perf__/search.spec.cjs.perf.json', comparison: null })
  })

  test('a server made 40 ms slower is a regression, and the file is left alone', async () => {
    const before = await readFile(file, 'utf8')
    const run = await runJest(dir, [], { FIXTURE_DELAY_MS: '40' })
    expect(run.exitCode, run.output).toBe(1)
    expect(run.output).toContain('Performance regressed against the baseline:')
    expect(run.output).toMatch(/✗ (p95|rps): [\d.]+ (ms|rps) vs baseline [\d.]+ (ms|rps): regressed: /)
    expect(run.output).toContain('accept the new numbers with jest -u')
    const [entry] = (await readJson(path.join(dir, 'perfspec-report.json'))).results
    expect(entry.baseline.comparison).toMatchObject({
      method: 'interval',
      regressed: true,
      verdict: 'regressed',
    })
    expect(await readFile(file, 'utf8')).toBe(before)
  })

  test('jest -u accepts the slower numbers', async () => {
    const run = await runJest(dir, ['-u'], { FIXTURE_DELAY_MS: '40' })
    expect(run.exitCode, run.output).toBe(0)
    expect((await readBaseline()).entries[KEY].p95).toBeGreaterThanOrEqual(40)
  })

  test.each([
    ['jest --ci', ['--ci'], {}],
    ['CI=true', [], { CI: 'true' }],
  ])('under %s a missing baseline fails and is not written', async (_name, args, env) => {
    await rm(file, { force: true })
    const run = await runJest(dir, args, env)
    expect(run.exitCode, run.output).toBe(1)
    expect(run.output).toContain('run jest -u to record it')
    await expect(readFile(file)).rejects.toThrow(/ENOENT/)
  })

  test('a corrupt baseline file is a BaselineError and is left alone', async () => {
    await writeFile(file, '{ "version": 1, "entries": ')
    const run = await runJest(dir)
    expect(run.exitCode, run.output).toBe(1)
    expect(run.output).toMatch(/search\.spec\.cjs\.perf\.json is corrupt/)
    expect(await readFile(file, 'utf8')).toBe('{ "version": 1, "entries": ')
  })
})
