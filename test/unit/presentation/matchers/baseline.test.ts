import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { BaselineError, isPerfError, MatcherUsageError } from '../../../../src/foundation/errors.ts'
import type { BaselineCheck } from '../../../../src/foundation/model/index.ts'
import { describeMachine } from '../../../../src/orchestration/baseline/machine.ts'
import { baselinePath } from '../../../../src/orchestration/baseline/store.ts'
import { type BaselineUpdateMode, setCurrentTestContext } from '../../../../src/orchestration/context.ts'
import { toRecordedResults } from '../../../../src/orchestration/session/recorded-results.ts'
import { perfMatchers } from '../../../../src/presentation/matchers/index.ts'
import { makeResult, makeWindowedResult } from '../../../helpers/results.ts'

let dir: string
let file: string
const KEY = 'toMatchPerfBaseline > a baseline > /api'

function useMode(update: BaselineUpdateMode): void {
  setCurrentTestContext({ baselineDir: dir, root: process.cwd(), update })
}

async function readEntries(): Promise<Record<string, { p95: number; rps: number }>> {
  return JSON.parse(await readFile(file, 'utf8')).entries
}

beforeAll(() => {
  expect.extend(perfMatchers)
})

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfspec-baseline-'))
  file = baselinePath(expect.getState().testPath ?? '', { baselineDir: dir, root: process.cwd() })
})

afterEach(async () => {
  setCurrentTestContext(undefined)
  await rm(dir, { recursive: true, force: true })
})

async function record(shape: Parameters<typeof makeResult>[0], options = {}): Promise<void> {
  useMode('new')
  await expect(makeResult(shape)).toMatchPerfBaseline({ key: KEY, ...options })
}

describe('toMatchPerfBaseline', () => {
  test('records a missing baseline with machine info, then passes against it', async () => {
    useMode('new')
    await expect(makeResult({ latency: { p95: 10 }, rps: 400 })).toMatchPerfBaseline({ key: KEY })
    const entry = (await readEntries())[KEY]
    expect(entry).toMatchObject({ p95: 10, rps: 400, machine: describeMachine() })
    await expect(makeResult({ latency: { p95: 11 }, rps: 390 })).toMatchPerfBaseline({ key: KEY })
  })

  test('keys entries by test name and result name by default', async () => {
    useMode('new')
    await expect(makeResult({ name: '/search' })).toMatchPerfBaseline()
    expect(Object.keys(await readEntries())).toEqual([
      'toMatchPerfBaseline > keys entries by test name and result name by default > /search',
    ])
  })

  test('flags p95 worse by more than the tolerance and the floor', async () => {
    await record({ latency: { p95: 10 }, rps: 400 })
    await expect(
      expect(makeResult({ latency: { p95: 12.5 }, rps: 400 })).toMatchPerfBaseline({ key: KEY }),
    ).rejects.toThrow(
      /Performance regressed against the baseline:\n {2}✗ p95: 12\.5 ms vs baseline 10\.0 ms \(worse by 25\.0%; at most 12\.0 ms allowed\)/,
    )
  })

  test('does not flag a large relative change below the absolute floor (fast endpoints are noisy)', async () => {
    await record({ latency: { p95: 0.5 }, rps: 400 })
    await expect(makeResult({ latency: { p95: 1.5 }, rps: 400 })).toMatchPerfBaseline({ key: KEY })
    await expect(
      expect(makeResult({ latency: { p95: 2.6 }, rps: 400 })).toMatchPerfBaseline({ key: KEY }),
    ).rejects.toThrow('✗ p95')
  })

  test('flags an rps drop separately from p95', async () => {
    await record({ latency: { p95: 10 }, rps: 400 })
    const error = await expect(makeResult({ latency: { p95: 10 }, rps: 300 }))
      .toMatchPerfBaseline({ key: KEY })
      .catch((caught: Error) => caught)
    expect(String(error)).toContain('✓ p95: 10.0 ms vs baseline 10.0 ms')
    expect(String(error)).toContain(
      '✗ rps: 300.0 rps vs baseline 400.0 rps (worse by 25.0%; at least 320.0 rps allowed)',
    )
  })

  test('a wider tolerance accepts what the default flags', async () => {
    await record({ latency: { p95: 10 }, rps: 400 })
    await expect(makeResult({ latency: { p95: 14 }, rps: 400 })).toMatchPerfBaseline({
      key: KEY,
      tolerance: 0.5,
    })
  })

  test('-u (update all) rewrites the baseline instead of comparing', async () => {
    await record({ latency: { p95: 10 }, rps: 400 })
    useMode('all')
    await expect(makeResult({ latency: { p95: 50 }, rps: 100 })).toMatchPerfBaseline({ key: KEY })
    expect((await readEntries())[KEY]).toMatchObject({ p95: 50, rps: 100 })
  })

  test('under CI (update none) a missing baseline fails and writes nothing', async () => {
    useMode('none')
    await expect(expect(makeResult()).toMatchPerfBaseline({ key: KEY })).rejects.toThrow(
      'run vitest -u to record it',
    )
    await expect(readFile(file)).rejects.toThrow(/ENOENT/)
  })

  test('under CI an existing baseline is still compared', async () => {
    await record({ latency: { p95: 10 }, rps: 400 })
    useMode('none')
    await expect(makeResult({ latency: { p95: 10 }, rps: 400 })).toMatchPerfBaseline({ key: KEY })
  })

  test('warns in the recorded check, not on the result, when the baseline came from another machine', async () => {
    await record({ latency: { p95: 10 }, rps: 400 })
    const stored = JSON.parse(await readFile(file, 'utf8'))
    stored.entries[KEY].machine = {
      cpuModel: 'Other CPU',
      cores: 64,
      node: 'v18.0.0',
      platform: 'linux',
      arch: 'arm64',
    }
    await writeFile(file, JSON.stringify(stored))
    const checks = new Map<object, BaselineCheck>()
    setCurrentTestContext({
      baselineDir: dir,
      root: process.cwd(),
      update: 'new',
      recordBaseline: (result, check) => checks.set(result, check),
    })
    const result = makeResult({ latency: { p95: 10 }, rps: 400 })
    const before = structuredClone(result)
    await expect(result).toMatchPerfBaseline({ key: KEY })
    const machineWarnings = [
      expect.stringContaining('baseline recorded on another machine (Other CPU, 64 cores, linux-arm64'),
      expect.stringContaining('baseline recorded on Node v18.0.0'),
    ]
    expect(result).toEqual(before)
    expect(checks.get(result)?.warnings).toEqual(machineWarnings)
    // Not judged on numbers from another machine: inconclusive, which passes unless asked to fail.
    expect(checks.get(result)?.comparison).toMatchObject({
      method: 'not-comparable',
      verdict: 'inconclusive',
    })
    // The reports get them on a copy of the result.
    const [recorded] = toRecordedResults([result], checks)
    expect(recorded?.result.warnings).toEqual(machineWarnings)
    expect(recorded?.result).not.toBe(result)
  })

  test('a corrupt file is a BaselineError and is never overwritten', async () => {
    await record({ latency: { p95: 10 } })
    await writeFile(file, '{"version":1,"entries":')
    useMode('all')
    await expect(expect(makeResult()).toMatchPerfBaseline({ key: KEY })).rejects.toThrow(BaselineError)
    await expect(expect(makeResult()).toMatchPerfBaseline({ key: KEY })).rejects.toThrow(
      /is corrupt \(not JSON/,
    )
    expect(await readFile(file, 'utf8')).toBe('{"version":1,"entries":')
  })

  test('does not record a baseline from a run with no requests', async () => {
    useMode('new')
    await expect(expect(makeResult({ requests: 0 })).toMatchPerfBaseline({ key: KEY })).rejects.toThrow(
      'Not recording a baseline from a run that completed no requests',
    )
  })

  test('a tolerance given in percent is a MatcherUsageError that says it is a fraction', async () => {
    useMode('new')
    await expect(expect(makeResult()).toMatchPerfBaseline({ tolerance: 20 })).rejects.toThrow(
      MatcherUsageError,
    )
    await expect(expect(makeResult()).toMatchPerfBaseline({ tolerance: 20 })).rejects.toThrow('0.2 means 20%')
  })

  test('writes atomically: no temp file is left beside the baseline', async () => {
    await record({ latency: { p95: 10 } })
    expect((await readdir(path.dirname(file))).filter((name) => name.endsWith('.tmp'))).toEqual([])
  })
})

describe('toMatchPerfBaseline with a baseline file of another version', () => {
  // What perfspec 0.1 wrote: `avg` and `throughput`, and each endpoint's `throughput`.
  function versionOneEntry(p95: number, throughput: number): Record<string, unknown> {
    return {
      p50: p95 / 2,
      p95,
      p99: p95 * 2,
      avg: p95 / 2,
      throughput,
      errorRatePercent: 0,
      requests: 1000,
      tool: 'native',
      users: 4,
      durationMs: 2000,
      recordedAt: '2026-01-01T00:00:00.000Z',
      machine: describeMachine(),
    }
  }

  async function writeBaseline(content: unknown): Promise<string> {
    const text = JSON.stringify(content, null, 2)
    await mkdir(path.dirname(file), { recursive: true })
    await writeFile(file, text)
    return text
  }

  test('a version-1 file is compared under the new names, and left as it was', async () => {
    const text = await writeBaseline({ version: 1, entries: { [KEY]: versionOneEntry(10, 400) } })
    useMode('new')
    await expect(makeResult({ latency: { p95: 10 }, rps: 400 })).toMatchPerfBaseline({ key: KEY })
    // Read as `rps: undefined`, the drop would pass: it must fail against the stored throughput.
    await expect(
      expect(makeResult({ latency: { p95: 10 }, rps: 300 })).toMatchPerfBaseline({ key: KEY }),
    ).rejects.toThrow('✗ rps: 300.0 rps vs baseline 400.0 rps (worse by 25.0%; at least 320.0 rps allowed)')
    expect(await readFile(file, 'utf8')).toBe(text)
  })

  test('-u rewrites a version-1 file as version 2, its other entries renamed too', async () => {
    const other = { ...versionOneEntry(5, 50), endpoints: { login: { p95: 5, throughput: 50 } } }
    await writeBaseline({ version: 1, entries: { [KEY]: versionOneEntry(10, 400), other } })
    const checks: BaselineCheck[] = []
    setCurrentTestContext({
      baselineDir: dir,
      root: process.cwd(),
      update: 'all',
      recordBaseline: (_result, check) => checks.push(check),
    })
    await expect(makeResult({ latency: { p95: 20 }, rps: 200 })).toMatchPerfBaseline({ key: KEY })
    expect(checks[0]?.rewrote).toEqual({ before: { p95: 10, rps: 400 }, after: { p95: 20, rps: 200 } })
    const written = JSON.parse(await readFile(file, 'utf8'))
    expect(written.version).toBe(2)
    expect(written.entries[KEY]).toMatchObject({ p95: 20, mean: 10, rps: 200 })
    const { avg: _avg, throughput: _throughput, ...rest } = versionOneEntry(5, 50)
    expect(written.entries.other).toEqual({
      ...rest,
      mean: 2.5,
      rps: 50,
      endpoints: { login: { p95: 5, rps: 50 } },
    })
    expect(JSON.stringify(written)).not.toMatch(/"avg"|"throughput"/)
  })

  test('a file of a newer version is refused with PERF_BASELINE_ERROR and left alone, even under -u', async () => {
    const text = await writeBaseline({ version: 3, entries: { [KEY]: { p95: 10, rps: 400 } } })
    useMode('all')
    const error = await expect(makeResult())
      .toMatchPerfBaseline({ key: KEY })
      .catch((caught: unknown) => caught)
    expect(isPerfError(error, 'PERF_BASELINE_ERROR')).toBe(true)
    expect(String(error)).toContain('has version 3; this perfspec reads versions 1 and 2')
    expect(await readFile(file, 'utf8')).toBe(text)
  })
})

describe('toMatchPerfBaseline with windows', () => {
  // Six steady seconds: ±2% of CPU per request, ±10% of p95 and rps.
  const run = (cpuUs: number, seconds = 6) =>
    makeWindowedResult({
      cpu: [1, 1.02, 0.98, 1.01, 0.99, 1].slice(0, seconds).map((factor) => cpuUs * factor),
      p95: [10, 11, 9, 10.5, 9.5, 10].slice(0, seconds),
      rps: [400, 360, 440, 380, 420, 400].slice(0, seconds),
    })

  function recordChecks(failOnInconclusive?: boolean): BaselineCheck[] {
    const checks: BaselineCheck[] = []
    setCurrentTestContext({
      baselineDir: dir,
      root: process.cwd(),
      update: 'new',
      recordBaseline: (_result, check) => {
        checks.push(check)
      },
      ...(failOnInconclusive !== undefined && { failOnInconclusive }),
    })
    return checks
  }

  test('a handler twice as heavy fails on the app’s CPU per request, its interval in the message', async () => {
    recordChecks()
    await expect(run(200)).toMatchPerfBaseline({ key: KEY })
    const error = await expect(run(400))
      .toMatchPerfBaseline({ key: KEY })
      .catch((caught: Error) => caught)
    expect(String(error)).toMatch(
      /Performance regressed against the baseline:\n {2}✗ app CPU\/req: 400.0 µs vs baseline 200.0 µs: regressed: \+100\.\d% \[\+\d+\.\d%, \+\d+\.\d%\] at 95%: the whole interval is worse than \+10\.0% \(lower is better\)/,
    )
    expect(String(error)).toMatch(/✓ p95: 10\.0 ms vs baseline 10\.0 ms: unchanged: /)
  })

  test('the same handler passes', async () => {
    recordChecks()
    await expect(run(200)).toMatchPerfBaseline({ key: KEY })
    await expect(run(202)).toMatchPerfBaseline({ key: KEY })
  })

  test('an inconclusive comparison passes, reported as such; failOnInconclusive fails it', async () => {
    const checks = recordChecks()
    await expect(run(200)).toMatchPerfBaseline({ key: KEY })
    // Two seconds: too few windows to judge anything.
    await expect(run(400, 2)).toMatchPerfBaseline({ key: KEY })
    expect(checks.at(-1)?.comparison).toMatchObject({ verdict: 'inconclusive', regressed: false })
    const error = await expect(run(400, 2))
      .toMatchPerfBaseline({ key: KEY, failOnInconclusive: true })
      .catch((caught: Error) => caught)
    const message = String(error)
    expect(message).toContain(
      'The comparison with the baseline is inconclusive, and failOnInconclusive makes that a failure:',
    )
    expect(message).toMatch(
      /\? app CPU\/req: 404.0 µs vs baseline 200.0 µs: inconclusive: no interval: this run has 2 windows/,
    )
    expect(message).toContain('? inconclusive is not a pass')
    expect(checks.at(-1)?.failOnInconclusive).toBe(true)
  })

  test('the plugin’s failOnInconclusive fails it too; the matcher’s own option wins', async () => {
    recordChecks(true)
    await expect(run(200)).toMatchPerfBaseline({ key: KEY })
    await expect(expect(run(400, 2)).toMatchPerfBaseline({ key: KEY })).rejects.toThrow(
      'failOnInconclusive makes that a failure',
    )
    await expect(run(400, 2)).toMatchPerfBaseline({ key: KEY, failOnInconclusive: false })
  })

  test('a baseline from another machine says it is not comparable, and fails only with failOnInconclusive', async () => {
    recordChecks()
    await expect(run(200)).toMatchPerfBaseline({ key: KEY })
    const stored = JSON.parse(await readFile(file, 'utf8'))
    stored.entries[KEY].machine = { ...describeMachine(), cpuModel: 'Laptop CPU' }
    await writeFile(file, JSON.stringify(stored))
    // Twice as heavy, yet not judged: the numbers of two machines say nothing about the code.
    await expect(run(400)).toMatchPerfBaseline({ key: KEY })
    const error = await expect(run(400))
      .toMatchPerfBaseline({ key: KEY, failOnInconclusive: true })
      .catch((caught: Error) => caught)
    expect(String(error)).toContain(
      '? app CPU/req: 400.0 µs vs baseline 200.0 µs: inconclusive: not compared: the baseline was recorded on another machine',
    )
    expect(String(error)).toMatch(/ⓘ not comparable: the baseline was recorded on another kind of machine/)
  })

  test('recording from a run too short to judge warns that later comparisons will be inconclusive', async () => {
    const checks = recordChecks()
    await expect(run(200, 2)).toMatchPerfBaseline({ key: KEY })
    expect(checks[0]?.warnings).toEqual([
      expect.stringMatching(/^the baseline was recorded from 2 steady-state seconds: .* at least 3/),
    ])
  })

  test.each([
    [{ tolerance: { cpu: 10 } }, '0.2 means 20%'],
    [{ tolerance: { latency: 0.1 } }, 'tolerance.latency'],
    [{ failOnInconclusive: 'yes' }, 'failOnInconclusive'],
  ])('%j is a MatcherUsageError', async (options, why) => {
    recordChecks()
    const call = () => expect(run(200)).toMatchPerfBaseline({ key: KEY, ...(options as object) })
    await expect(call()).rejects.toThrow(MatcherUsageError)
    await expect(call()).rejects.toThrow(why)
  })
})
