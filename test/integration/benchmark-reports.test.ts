import pc from 'picocolors'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { describeMachine } from '../../src/orchestration/baseline/machine.ts'
import { BenchmarkRunner } from '../../src/orchestration/bench/runner.ts'
import { benchmark } from '../../src/orchestration/benchmark.ts'
import { setCurrentTestContext } from '../../src/orchestration/context.ts'
import { beginTestSession } from '../../src/orchestration/session/test-session.ts'
import { renderJunit } from '../../src/presentation/report/junit.ts'
import type { ReportRow } from '../../src/presentation/report/rows.ts'
import { renderSummaryTable } from '../../src/presentation/report/table.ts'
import { startServer, type TestServer } from '../helpers/servers.ts'

// What a test's benchmarks leave for its reports: the session records them as a reporter would get them.
describe('benchmarks in the reports', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startServer()
  })
  afterAll(() => server.close())
  afterEach(() => setCurrentTestContext(undefined))

  function session() {
    return beginTestSession({
      signal: new AbortController().signal,
      config: undefined,
      failOnThresholdsHint: '',
    })
  }

  it('a function benchmark is recorded (without its samples); the caller keeps them', async () => {
    const test = session()
    const result = await benchmark(() => JSON.stringify({ a: [1, 2, 3] }), {
      name: 'stringify',
      iterations: 200,
    })
    new BenchmarkRunner().benchmarkSync(() => Math.sqrt(2), { name: 'sqrt', iterations: 100 })
    await test.end()
    const recorded = test.recorded().map(({ result }) => result)
    expect(recorded.map((entry) => [entry.kind, entry.kind === 'comparison' ? '' : entry.name])).toEqual([
      ['benchmark', 'stringify'],
      ['benchmark', 'sqrt'],
    ])
    expect(recorded[0]).not.toHaveProperty('samplesMs')
    expect(result.samplesMs.length).toBeGreaterThanOrEqual(200)

    const rows: ReportRow[] = recorded.map((entry) => ({
      file: 'b.test.ts',
      test: 'bench',
      state: 'passed',
      result: entry,
    }))
    const table = renderSummaryTable(rows, { colors: pc.createColors(false), width: 120 })
    expect(table).toMatch(/b\.test\.ts › bench \[bench: stringify\]\s+tinybench\s+2\d\d\s/)
    const xml = renderJunit(rows, { machine: describeMachine(), runner: 'test' })
    expect(xml).toContain('<property name="kind" value="benchmark"/>')
    expect(xml).toMatch(/<property name="mean_ms" value="[\d.]+"\/>/)
  })

  it("an HTTP benchmark's warm-up folds away: one result, the measured requests", async () => {
    const test = session()
    const before = server.count
    const result = await benchmark({ url: `${server.url}/bench`, requests: 30, warmup: 7 })
    await test.end()
    expect(server.count - before).toBe(37)
    const recorded = test.recorded().map(({ result }) => result)
    expect(recorded).toHaveLength(1)
    expect(recorded[0]).toMatchObject({ kind: 'load', metrics: { totalRequests: 30 } })
    expect(result.iterations).toBe(30)
  })

  it('compareFunctions records each function once, all rounds merged', async () => {
    const test = session()
    await new BenchmarkRunner().compareFunctions(
      { slice: () => [1, 2, 3].slice(), spread: () => [...[1, 2, 3]] },
      { iterations: 100, rounds: 2 },
    )
    await test.end()
    expect(test.recorded().map(({ result }) => result.kind === 'benchmark' && result.name)).toEqual([
      'slice',
      'spread',
    ])
  })
})
