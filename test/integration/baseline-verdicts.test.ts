// Committed baselines judged by intervals, against a real app started by the test (measured on this
// thread): a handler twice as heavy, the same handler, a run too short to judge, a baseline from another
// machine. Verdicts are asserted where they hold on a busy machine: CPU per request of a 2× handler.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import type http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BaselineCheck, BaselineEntry, LoadTestResult } from '../../src/foundation/model/index.ts'
import type { Duration } from '../../src/foundation/types.ts'
import { compareWithBaseline } from '../../src/orchestration/baseline/judge-baseline.ts'
import { baselinePath } from '../../src/orchestration/baseline/store.ts'
import { setCurrentTestContext } from '../../src/orchestration/context.ts'
import { loadTest } from '../../src/orchestration/load-test.ts'
import { perfMatchers } from '../../src/presentation/matchers/index.ts'
import { startServer, type TestServer } from '../helpers/servers.ts'

// A fixed count of iterations, not a spin on the clock: its CPU time stays the same however busy the
// machine is (see app-cost.test.ts).
const spin = new Function(
  'iterations',
  'let x = 0; for (let i = 0; i < iterations; i++) x += Math.sqrt(i + x); return x',
) as (iterations: number) => number

const spinHandler: http.RequestListener = (request, response) => {
  const iterations = Number(new URL(request.url ?? '/', 'http://app.invalid').searchParams.get('n') ?? 0)
  response.end(String(spin(iterations) > 0))
}

/** Iterations that take about `targetUs` of CPU on this machine. */
function calibrate(targetUs: number): number {
  let usPerIteration = Number.POSITIVE_INFINITY
  for (let round = 0; round < 5; round++) {
    const before = process.cpuUsage()
    spin(1_000_000)
    const used = process.cpuUsage(before)
    usPerIteration = Math.min(usPerIteration, (used.user + used.system) / 1_000_000)
  }
  return Math.round(targetUs / usPerIteration)
}

const KEY = 'checkout keeps its cost'
// Latency and throughput follow a busy machine: these tests gate on the app's CPU per request.
const CPU_ONLY = { key: KEY, tolerance: { p95: 5, rps: 0.95 } }

describe('toMatchPerfBaseline judged by intervals, against a real app', () => {
  let server: TestServer
  let dir: string
  let iterations = 0
  const checks: BaselineCheck[] = []
  const run = (factor: number, duration: Duration = '3s'): Promise<LoadTestResult> =>
    loadTest({ url: `${server.url}/checkout?n=${iterations * factor}`, users: 4, duration })
  const lastCheck = () => checks.at(-1)!
  const storedEntry = async (): Promise<BaselineEntry> => {
    const file = baselinePath(expect.getState().testPath ?? '', { baselineDir: dir, root: process.cwd() })
    return JSON.parse(await readFile(file, 'utf8')).entries[KEY]
  }

  beforeAll(async () => {
    expect.extend(perfMatchers)
    server = await startServer(spinHandler)
    dir = await mkdtemp(path.join(os.tmpdir(), 'perfspec-verdicts-'))
    iterations = calibrate(1000)
    setCurrentTestContext({
      baselineDir: dir,
      root: process.cwd(),
      update: 'new',
      recordBaseline: (_result, check) => {
        checks.push(check)
      },
    })
    // node:http's paths and the handler compile here, not in the baseline's first second.
    await loadTest({ url: `${server.url}/checkout?n=${iterations}`, users: 4, requests: 400 })
    await expect(await run(1)).toMatchPerfBaseline(CPU_ONLY)
  }, 60_000)

  afterAll(async () => {
    setCurrentTestContext(undefined)
    await server.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('records the run’s steady-state windows with the baseline', async () => {
    expect(lastCheck().comparison).toBeNull()
    expect((await storedEntry()).samples).toMatchObject({
      windows: 3,
      cpuPerRequest: { count: 3 },
      p95: { count: 3 },
      rps: { count: 3 },
    })
  })

  it('judges a handler twice as heavy regressed on the app’s CPU per request', async () => {
    const heavy = await run(2)
    const message = await expect(heavy)
      .toMatchPerfBaseline(CPU_ONLY)
      .then(
        () => 'passed',
        (error: Error) => error.message,
      )
    const comparison = lastCheck().comparison
    const seen = JSON.stringify(comparison?.cpuPerRequest)
    expect(comparison?.method).toBe('interval')
    expect(comparison?.cpuPerRequest?.verdict, seen).toBe('regressed')
    expect(comparison?.cpuPerRequest?.interval?.lowPercent, seen).toBeGreaterThan(10)
    expect(message).toContain('Performance regressed against the baseline:')
    expect(message).toMatch(/✗ app CPU\/req: [\d.]+ µs vs baseline [\d.]+ µs: regressed: \+[\d.]+% \[\+/)

    // The same run against the same entry recorded on another kind of machine: not judged.
    const entry = await storedEntry()
    const elsewhere = compareWithBaseline(
      { ...entry, machine: { ...entry.machine, cpuModel: 'Laptop CPU' } },
      heavy,
    )
    expect(elsewhere).toMatchObject({ method: 'not-comparable', verdict: 'inconclusive', regressed: false })
    expect(elsewhere.cpuPerRequest?.verdict).toBe('inconclusive')
  })

  it('does not judge the same handler regressed', async () => {
    const same = await run(1)
    // A wide CPU tolerance: on a shared machine two runs minutes apart differ by their neighbours too.
    await expect(same).toMatchPerfBaseline({ ...CPU_ONLY, tolerance: { cpu: 0.5, p95: 5, rps: 0.95 } })
    const comparison = lastCheck().comparison
    expect(comparison?.cpuPerRequest?.verdict, JSON.stringify(comparison)).not.toBe('regressed')
    expect(comparison?.regressed).toBe(false)
  })

  it('calls a run too short to have three windows inconclusive, says why, and fails it only when asked', async () => {
    const short = await run(2, '1.5s')
    await expect(short).toMatchPerfBaseline(CPU_ONLY)
    const comparison = lastCheck().comparison
    expect(comparison?.verdict).toBe('inconclusive')
    expect(comparison?.cpuPerRequest).toMatchObject({
      verdict: 'inconclusive',
      reason: expect.stringMatching(
        /^no interval: this run has 1 window .* at least 3 on each side: run it longer$/,
      ),
    })
    await expect(
      expect(short).toMatchPerfBaseline({ ...CPU_ONLY, failOnInconclusive: true }),
    ).rejects.toThrow(
      'The comparison with the baseline is inconclusive, and failOnInconclusive makes that a failure:',
    )
  })

  it('a baseline file from another machine is not judged, and says so in the matcher’s message', async () => {
    const file = baselinePath(expect.getState().testPath ?? '', { baselineDir: dir, root: process.cwd() })
    const stored = JSON.parse(await readFile(file, 'utf8'))
    stored.entries[KEY].machine.cpuModel = 'Laptop CPU'
    await writeFile(file, JSON.stringify(stored))
    const heavy = await run(2)
    await expect(heavy).toMatchPerfBaseline(CPU_ONLY)
    expect(lastCheck().comparison).toMatchObject({ method: 'not-comparable', verdict: 'inconclusive' })
    await expect(
      expect(heavy).toMatchPerfBaseline({ ...CPU_ONLY, failOnInconclusive: true }),
    ).rejects.toThrow(/ⓘ not comparable: the baseline was recorded on another kind of machine/)
  })
})
