import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { BaselineError, isPerfError } from '../../../../src/foundation/errors.ts'
import { getOwn } from '../../../../src/foundation/util/own-keys.ts'
import { toBaselineEntry } from '../../../../src/orchestration/baseline/judge-baseline.ts'
import { describeMachine } from '../../../../src/orchestration/baseline/machine.ts'
import {
  baselinePath,
  parseBaselineFile,
  readBaselineFile,
  saveBaselineEntry,
} from '../../../../src/orchestration/baseline/store.ts'
import { makeResult, makeWindowedResult } from '../../../helpers/results.ts'

describe('baselinePath', () => {
  test('is __perf__/<file>.perf.json beside the test file', () => {
    expect(baselinePath('/p/test/api.test.ts')).toBe('/p/test/__perf__/api.test.ts.perf.json')
  })

  test('with baselineDir, mirrors the path below the root', () => {
    expect(baselinePath('/p/test/api.test.ts', { baselineDir: '/p/perf', root: '/p' })).toBe(
      '/p/perf/test/api.test.ts.perf.json',
    )
    expect(baselinePath('/elsewhere/api.test.ts', { baselineDir: '/p/perf', root: '/p' })).toBe(
      '/p/perf/api.test.ts.perf.json',
    )
  })
})

describe('parseBaselineFile', () => {
  const machine = describeMachine()
  const entry = (numbers: Record<string, unknown>) => JSON.stringify({ ...numbers, machine })

  test.each([
    ['{', 'not JSON'],
    ['[]', 'expected { "version": 2'],
    ['{"entries":{}}', 'expected { "version": 2'],
    ['{"version":1,"entries":[]}', '"entries" is not an object'],
    ['{"version":1,"entries":{"a":{"p95":"fast"}}}', 'entry "a" has no numeric p95 and throughput'],
    // Version 2 under version 1's names: refused, not compared against a missing `rps`.
    [
      `{"version":2,"entries":{"a":${entry({ p95: 1, throughput: 2 })}}}`,
      'entry "a" has no numeric p95 and rps',
    ],
    ['{"version":2,"entries":{"a":{"p95":1,"rps":2}}}', 'entry "a" has no "machine" object'],
    [
      `{"version":2,"entries":{"a":${entry({ p95: 1, rps: 2, endpoints: { login: { p95: 1 } } })}}}`,
      'endpoint "login" of entry "a" has no numeric p95 and rps',
    ],
    [
      `{"version":1,"entries":{"a":${entry({ p95: 1, throughput: 2, endpoints: [] })}}}`,
      '"endpoints" of entry "a" is not an object',
    ],
    // Windows half there would be judged as if they were whole.
    [
      `{"version":2,"entries":{"a":${entry({ p95: 1, rps: 2, samples: { windows: 3, p95: { meanLog: 1, sdLog: 0.1, count: 3 } } })}}}`,
      '"samples" of entry "a" is not { windows, p95, rps }',
    ],
    [
      `{"version":2,"entries":{"a":${entry({ p95: 1, rps: 2, samples: { windows: 3, p95: { meanLog: 1, sdLog: -1, count: 3 }, rps: { meanLog: 1, sdLog: 0, count: 3 } } })}}}`,
      '"samples" of entry "a" is not { windows, p95, rps }',
    ],
    [
      `{"version":2,"entries":{"a":${entry({ p95: 1, rps: 2, endpoints: { login: { p95: 1, rps: 2, samples: {} } } })}}}`,
      '"samples" of endpoint "login" of entry "a" is not',
    ],
  ])('%s is a BaselineError naming the file', (text, why) => {
    expect(() => parseBaselineFile(text, '/p/x.perf.json')).toThrow(BaselineError)
    expect(() => parseBaselineFile(text, '/p/x.perf.json')).toThrow(`/p/x.perf.json is corrupt (${why}`)
  })

  test.each([3, '2', null])('version %j is refused as unknown, with PERF_BASELINE_ERROR', (version) => {
    const text = JSON.stringify({ version, entries: {} })
    expect(() => parseBaselineFile(text, '/p/x.perf.json')).toThrow(
      `Baseline file /p/x.perf.json has version ${JSON.stringify(version)}; this perfspec reads versions 1 and 2`,
    )
    try {
      parseBaselineFile(text, '/p/x.perf.json')
    } catch (error) {
      expect(isPerfError(error, 'PERF_BASELINE_ERROR')).toBe(true)
    }
  })

  test("reads version 1 under version 2's names: avg → mean, throughput → rps, endpoints' throughput → rps", () => {
    const v1 = {
      p50: 5,
      p95: 10,
      p99: 20,
      avg: 6,
      throughput: 400,
      errorRatePercent: 0.5,
      requests: 800,
      tool: 'native',
      users: 4,
      durationMs: 2000,
      recordedAt: '2026-01-01T00:00:00.000Z',
      machine,
      endpoints: { login: { p95: 3, throughput: 300 }, order: { p95: 30, throughput: 100 } },
    }
    const file = parseBaselineFile(JSON.stringify({ version: 1, entries: { a: v1 } }), '/p/x.perf.json')
    expect(file.version).toBe(2)
    const { avg: _avg, throughput: _throughput, ...same } = v1
    expect(file.entries['a']).toEqual({
      ...same,
      mean: 6,
      rps: 400,
      endpoints: { login: { p95: 3, rps: 300 }, order: { p95: 30, rps: 100 } },
    })
    // Written back, the keys keep their order: a migrated file diffs as renames only.
    expect(Object.keys(file.entries['a'] ?? {})).toEqual(
      Object.keys(v1).map((key) => ({ avg: 'mean', throughput: 'rps' })[key] ?? key),
    )
  })
})

describe('saveBaselineEntry', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'perfspec-store-'))
  })
  afterEach(() => rm(dir, { recursive: true, force: true }))

  test('concurrent saves to one file keep every entry, sorted, and leave no temp file', async () => {
    const file = path.join(dir, '__perf__/a.test.ts.perf.json')
    const entry = toBaselineEntry(makeResult(), describeMachine())
    await Promise.all(['c', 'a', 'b'].map((key) => saveBaselineEntry(file, key, entry)))
    expect(Object.keys((await readBaselineFile(file))?.entries ?? {})).toEqual(['a', 'b', 'c'])
    expect(await readdir(path.dirname(file))).toEqual(['a.test.ts.perf.json'])
    expect(await readFile(file, 'utf8')).toMatch(/\n$/)
    expect(JSON.parse(await readFile(file, 'utf8')).version).toBe(2)
  })

  test('an entry with the app’s CPU per request saves and reads back with it', async () => {
    const file = path.join(dir, '__perf__/a.test.ts.perf.json')
    const result = makeResult()
    result.app = {
      measured: true,
      source: 'test-thread',
      cpuPerRequestUs: 87.5,
      cpuPercent: 20,
      requests: 1000,
      rssGrowthBytes: 0,
    }
    await saveBaselineEntry(file, 'a', toBaselineEntry(result, describeMachine()))
    expect((await readBaselineFile(file))?.entries['a']?.appCpuPerRequestUs).toBe(87.5)
  })

  test('entries keyed `__proto__` and `constructor` save and read back as entries', async () => {
    const file = path.join(dir, '__perf__/a.test.ts.perf.json')
    const entry = toBaselineEntry(makeResult({ latency: { p95: 42 } }), describeMachine())
    await saveBaselineEntry(file, '__proto__', entry)
    await saveBaselineEntry(file, 'constructor', entry)
    const read = await readBaselineFile(file)
    expect(Object.keys(read?.entries ?? {})).toEqual(['__proto__', 'constructor'])
    expect(Object.getPrototypeOf(read?.entries)).toBe(Object.prototype)
    expect(getOwn(read?.entries, '__proto__')?.p95).toBe(42)
    expect(getOwn(JSON.parse(await readFile(file, 'utf8')).entries, '__proto__')).toMatchObject({ p95: 42 })
  })

  test('an entry with windows saves and reads back with them', async () => {
    const file = path.join(dir, '__perf__/a.test.ts.perf.json')
    const entry = toBaselineEntry(
      makeWindowedResult({ cpu: [100, 110, 90], p95: [5, 6, 4], rps: [300, 310, 290] }),
      describeMachine(),
    )
    await saveBaselineEntry(file, 'a', entry)
    expect((await readBaselineFile(file))?.entries['a']?.samples).toEqual(entry.samples)
    expect(entry.samples?.cpuPerRequest?.count).toBe(3)
  })

  test('a missing file reads as undefined', async () => {
    expect(await readBaselineFile(path.join(dir, 'none.perf.json'))).toBeUndefined()
  })
})
