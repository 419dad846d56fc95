import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import { MatcherUsageError } from '../../../../src/foundation/errors.ts'
import {
  compareWithBaseline,
  toBaselineEntry,
} from '../../../../src/orchestration/baseline/judge-baseline.ts'
import { describeMachine } from '../../../../src/orchestration/baseline/machine.ts'
import { baselinePath } from '../../../../src/orchestration/baseline/store.ts'
import { setCurrentTestContext } from '../../../../src/orchestration/context.ts'
import { perfMatchers } from '../../../../src/presentation/matchers/index.ts'
import { makeJourneyResult } from '../../../helpers/journey-results.ts'
import { failureOf } from '../../../helpers/results.ts'

beforeAll(() => {
  expect.extend(perfMatchers)
})

const result = makeJourneyResult(
  { latency: { p95: 100 }, rps: 500 },
  { login: { latency: { p95: 20 }, requests: 50, failed: 5 }, order: { latency: { p95: 350 }, rps: 40 } },
  { buy: { latency: { p95: 300 }, rps: 60 } },
)

describe('matchers judge one endpoint or scenario', () => {
  test('latency of an endpoint, not of the run', () => {
    expect(result).toHaveP95Below(200)
    expect(result).not.toHaveP95Below(200, { endpoint: 'order' })
    expect(result).toHaveP95Below(30, { endpoint: 'login' })
    expect(result).toHavePercentileBelow(95, 400, { endpoint: 'order' })
  })

  test('rates of an endpoint or a scenario', () => {
    expect(result).not.toHaveErrorRateBelow(5, { endpoint: 'login' })
    expect(result).toHaveErrorRateBelow(1)
    expect(result).toHaveThroughputAbove(50, { scenario: 'buy' })
    expect(result).not.toHaveThroughputAbove(50, { endpoint: 'order' })
  })

  test('the message names the part judged', () => {
    expect(failureOf(() => expect(result).toHaveP95Below(200, { endpoint: 'order' }))).toContain(
      "Expected p95 of endpoint 'order' to be below 200 ms\nReceived p95 of endpoint 'order': 350 ms",
    )
    expect(failureOf(() => expect(result).toHaveThroughputAbove(100, { scenario: 'buy' }))).toContain(
      "Expected throughput of scenario 'buy' to be above 100 rps",
    )
  })

  test('a part the result lacks is a usage error naming the parts it has', () => {
    expect(() => expect(result).toHaveP95Below(200, { endpoint: 'ordr' })).toThrow(MatcherUsageError)
    expect(() => expect(result).toHaveP95Below(200, { endpoint: 'ordr' })).toThrow(
      "endpoints: 'login', 'order'",
    )
    expect(() => expect(result).toHaveP95Below(200, { scenario: 'browse' })).toThrow("scenarios: 'buy'")
    const both = { endpoint: 'login', scenario: 'buy' } as unknown as { endpoint: string }
    expect(() => expect(result).toHaveP95Below(200, both)).toThrow(MatcherUsageError)
  })

  test('toPassThresholds with tagged thresholds judges the tagged endpoint', () => {
    expect(result).toPassThresholds({ 'http_req_duration{name:login}': ['p(95)<50'] })
    expect(result).not.toPassThresholds({ 'http_req_duration{name:order}': ['p(95)<300'] })
    expect(result).toPassThresholds({ 'http_req_duration{scenario:buy}': ['p(95)<301'] })
  })
})

describe('baselines per endpoint', () => {
  const machine = describeMachine()

  test('an entry keeps every endpoint’s p95 and rps', () => {
    expect(toBaselineEntry(result, machine).endpoints).toEqual({
      login: { p95: 20, rps: 500 },
      order: { p95: 350, rps: 40 },
    })
  })

  test('a comparison flags the endpoint whose p95 regressed, even when the run’s did not', () => {
    const baseline = toBaselineEntry(result, machine)
    const slower = makeJourneyResult(
      { latency: { p95: 100 }, rps: 500 },
      { login: { latency: { p95: 20 } }, order: { latency: { p95: 500 } } },
    )
    const comparison = compareWithBaseline(baseline, slower)
    expect(comparison.p95.regressed).toBe(false)
    expect(comparison.endpoints?.['order']?.p95.regressed).toBe(true)
    expect(comparison.endpoints?.['login']?.p95.regressed).toBe(false)
    expect(comparison.regressed).toBe(true)
  })

  test('toMatchPerfBaseline({ endpoint }) records and compares that endpoint under its own key', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'perfspec-baseline-'))
    try {
      setCurrentTestContext({ baselineDir: dir, root: process.cwd(), update: 'new' })
      await expect(result).toMatchPerfBaseline({ endpoint: 'order' })
      const file = baselinePath(expect.getState().testPath ?? '', { baselineDir: dir, root: process.cwd() })
      const stored = JSON.parse(await readFile(file, 'utf8')) as { entries: Record<string, { p95: number }> }
      const [key] = Object.keys(stored.entries)
      expect(key).toMatch(/ › order$/)
      expect(stored.entries[key!]!.p95).toBe(350)
      const regressed = makeJourneyResult({}, { order: { latency: { p95: 600 }, rps: 40 } })
      await expect(expect(regressed).toMatchPerfBaseline({ endpoint: 'order' })).rejects.toThrow('✗ p95')
      await expect(expect(result).toMatchPerfBaseline({ endpoint: 'nope' })).rejects.toThrow(
        MatcherUsageError,
      )
    } finally {
      setCurrentTestContext(undefined)
      await rm(dir, { recursive: true, force: true })
    }
  })
})
