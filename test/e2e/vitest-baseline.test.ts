import { readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { prepareFixture, removeFixture, runVitest } from './run-fixture.ts'

const KEY = 'search keeps its speed > /search'

describe('toMatchPerfBaseline across runs', () => {
  let dir: string
  let file: string
  const readBaseline = async () => JSON.parse(await readFile(file, 'utf8'))
  beforeAll(async () => {
    dir = await prepareFixture('baseline')
    file = path.join(dir, '__perf__/search.spec.ts.perf.json')
  })
  afterAll(() => removeFixture(dir))

  // The steps build on each other: record, regress, accept, then CI without a baseline.
  test('the first run records the baseline with machine info', async () => {
    const run = await runVitest(dir)
    expect(run.exitCode, run.output).toBe(0)
    const baseline = await readBaseline()
    expect(baseline.version).toBe(2)
    expect(baseline.entries[KEY]).toMatchObject({
      p95: expect.any(Number),
      rps: expect.any(Number),
      samples: { windows: 3, p95: { count: 3 }, rps: { count: 3 } },
      users: 2,
      machine: { cpuModel: expect.any(String), cores: expect.any(Number), node: process.version },
    })
  })

  test('a server made 40 ms slower is a regression', async () => {
    const before = await readFile(file, 'utf8')
    const run = await runVitest(dir, [], { FIXTURE_DELAY_MS: '40' })
    expect(run.exitCode, run.output).toBe(1)
    expect(run.output).toContain('Performance regressed against the baseline:')
    // Judged by the runs' steady-state seconds: the verdict with the change's interval.
    expect(run.output).toMatch(
      /✗ (p95|rps): [\d.]+ (ms|rps) vs baseline [\d.]+ (ms|rps): regressed: [-+][\d.]+% \[/,
    )
    expect(run.output).toContain('vitest -u')
    expect(await readFile(file, 'utf8')).toBe(before)
  })

  test('-u accepts the slower numbers', async () => {
    const run = await runVitest(dir, ['-u'], { FIXTURE_DELAY_MS: '40' })
    expect(run.exitCode, run.output).toBe(0)
    expect((await readBaseline()).entries[KEY].p95).toBeGreaterThanOrEqual(40)
    // The reporter lists what the rewrite changed (its lines wrap at the terminal's width).
    expect(run.output.replace(/\s+/g, ' ')).toMatch(
      /baseline rewritten \(-u\): __perf__\/search\.spec\.ts\.perf\.json › "search keeps its speed > \/search": p95 [\d.]+ → [\d.]+ ms, rps [\d.]+ → [\d.]+/,
    )
  })

  test('under CI a missing baseline fails and is not written', async () => {
    await rm(file)
    const run = await runVitest(dir, [], { CI: 'true' })
    expect(run.exitCode, run.output).toBe(1)
    expect(run.output).toContain('run vitest -u to record it')
    await expect(readFile(file)).rejects.toThrow(/ENOENT/)
  })

  test('a corrupt baseline file is a BaselineError and is left alone', async () => {
    await writeFile(file, '{ "version": 1, "entries": ')
    const run = await runVitest(dir)
    expect(run.exitCode, run.output).toBe(1)
    expect(run.output).toContain('BaselineError')
    expect(run.output).toMatch(/search\.spec\.ts\.perf\.json is corrupt/)
    expect(await readFile(file, 'utf8')).toBe('{ "version": 1, "entries": ')
  })
})
