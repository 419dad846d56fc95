import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import type { LoadTestResult, MeasuredAppCost } from '../../../../src/foundation/model/index.ts'
import { keyOf, readRoundRuns } from '../../../../src/orchestration/ab-compare/round-samples.ts'
import { buildJsonReport } from '../../../../src/presentation/report/json.ts'
import type { ReportRow } from '../../../../src/presentation/report/rows.ts'
import { makeResult } from '../../../helpers/results.ts'

const dir = mkdtempSync(path.join(os.tmpdir(), 'perfspec-round-samples-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const machine = { cpuModel: 'cpu', cores: 2, node: 'v20.0.0', platform: 'linux', arch: 'x64' }

function writeRound(name: string, rows: ReportRow[]): string {
  const file = path.join(dir, name)
  writeFileSync(file, JSON.stringify(buildJsonReport(rows, { machine, runner: 'vitest 4' })))
  return file
}

const row = (test: string, result: ReportRow['result']): ReportRow => ({
  file: 'api.perf.test.ts',
  test,
  state: 'passed',
  result,
})

describe('readRoundRuns', () => {
  test('one run per load result and per journey endpoint, with p95 and rps', () => {
    const journey: LoadTestResult = {
      ...makeResult({ name: 'checkout', rps: 200, latency: { p95: 30 } }),
      endpoints: {
        login: {
          ...makeResult({ rps: 100, latency: { p95: 12 } }).metrics,
          method: 'POST',
          path: '/login',
          timeline: [],
        },
      },
    }
    const runs = readRoundRuns(
      writeRound('journey.json', [
        row('GET /a', makeResult({ name: '/a', rps: 500, latency: { p95: 18 } })),
        row('buy', journey),
      ]),
    )!
    expect([...runs.values()].map(({ identity, values }) => ({ identity, values }))).toEqual([
      { identity: { file: 'api.perf.test.ts', test: 'GET /a', run: '/a' }, values: { p95: 18, rps: 500 } },
      { identity: { file: 'api.perf.test.ts', test: 'buy', run: 'checkout' }, values: { p95: 30, rps: 200 } },
      {
        identity: { file: 'api.perf.test.ts', test: 'buy', run: 'checkout', endpoint: 'login' },
        values: { p95: 12, rps: 100 },
      },
    ])
  })

  test("the app's CPU per request when the result measured it, for the whole run only", () => {
    const app: MeasuredAppCost = {
      measured: true,
      source: 'test-thread',
      cpuPerRequestUs: 412,
      cpuPercent: 40,
      requests: 1000,
      rssGrowthBytes: 0,
    }
    const measured = { ...makeResult({ name: '/m' }), app }
    const unmeasured = {
      ...makeResult({ name: '/u' }),
      app: { measured: false as const, reason: 'no monitor' },
    }
    const runs = readRoundRuns(writeRound('app.json', [row('m', measured), row('u', unmeasured)]))!
    const values = [...runs.values()].map((run) => run.values)
    expect(values).toEqual([
      { p95: 18, rps: 500, cpuPerRequest: 412 },
      { p95: 18, rps: 500 },
    ])
  })

  test('the same names twice in a test are two runs, in order; aborted runs are left out', () => {
    const runs = readRoundRuns(
      writeRound('twice.json', [
        row('loop', makeResult({ name: '/x', rps: 1 })),
        row('loop', makeResult({ name: '/x', rps: 2 })),
        row('cut', makeResult({ name: '/y', aborted: true })),
      ]),
    )!
    expect([...runs.values()].map((run) => [run.identity.run, run.values.rps])).toEqual([
      ['/x', 1],
      ['/x #2', 2],
    ])
    expect(runs.has(keyOf({ file: 'api.perf.test.ts', test: 'loop', run: '/x #2' }))).toBe(true)
  })

  test('no report, or not a report: undefined (the round gave no results)', () => {
    expect(readRoundRuns(path.join(dir, 'missing.json'))).toBeUndefined()
    const file = path.join(dir, 'broken.json')
    writeFileSync(file, '{"results": ')
    expect(readRoundRuns(file)).toBeUndefined()
  })
})
