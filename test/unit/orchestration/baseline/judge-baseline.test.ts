import { describe, expect, test } from 'vitest'
import {
  compareWithBaseline,
  toBaselineEntry,
} from '../../../../src/orchestration/baseline/judge-baseline.ts'
import {
  describeMachine,
  describeMachineDifferences,
} from '../../../../src/orchestration/baseline/machine.ts'
import { makeJourneyResult } from '../../../helpers/journey-results.ts'
import { makeResult } from '../../../helpers/results.ts'

const machine = describeMachine()
const baseline = toBaselineEntry(makeResult({ latency: { p95: 100 }, rps: 200 }), machine)
const limits = { tolerance: 0.2, floorMs: 2, floorRps: 1 }

describe('compareWithBaseline', () => {
  test.each([
    [119, false],
    [120, false],
    [121, true],
  ])('p95 %d ms against 100 ms with 20%% tolerance: regressed %s', (p95, regressed) => {
    const comparison = compareWithBaseline(baseline, makeResult({ latency: { p95 }, rps: 200 }), limits)
    expect(comparison.p95.regressed).toBe(regressed)
    expect(comparison.regressed).toBe(regressed)
  })

  test('the absolute floor wins on fast endpoints: 1 → 2.9 ms is +190% but under 2 ms more', () => {
    const fast = toBaselineEntry(makeResult({ latency: { p95: 1 }, rps: 200 }), machine)
    expect(
      compareWithBaseline(fast, makeResult({ latency: { p95: 2.9 }, rps: 200 }), limits).p95,
    ).toMatchObject({
      regressed: false,
      limit: 3,
    })
    expect(compareWithBaseline(fast, makeResult({ latency: { p95: 3.1 }, rps: 200 }), limits).regressed).toBe(
      true,
    )
  })

  test('rps regresses on its own, only below tolerance and floor', () => {
    const slower = compareWithBaseline(baseline, makeResult({ latency: { p95: 100 }, rps: 150 }), limits)
    expect(slower.p95.regressed).toBe(false)
    expect(slower.rps).toMatchObject({ regressed: true, limit: 160, worsePercent: 25 })
    expect(
      compareWithBaseline(baseline, makeResult({ latency: { p95: 100 }, rps: 161 }), limits).regressed,
    ).toBe(false)
  })

  test('improvements are never regressions and show as negative "worse" percentages', () => {
    const better = compareWithBaseline(baseline, makeResult({ latency: { p95: 50 }, rps: 400 }), limits)
    expect(better).toMatchObject({
      regressed: false,
      p95: { worsePercent: -50 },
      rps: { worsePercent: -100 },
    })
  })
})

describe('endpoints named like Object.prototype members', () => {
  test('an endpoint named `__proto__` is stored and compared like any other', () => {
    // Entries, not a literal: `{ __proto__: … }` would set the object's prototype.
    const endpoint = (p95: number) => Object.fromEntries([['__proto__', { latency: { p95 } }]])
    const result = makeJourneyResult({}, endpoint(100))
    const entry = toBaselineEntry(result, machine)
    expect(Object.keys(entry.endpoints ?? {})).toEqual(['__proto__'])
    const slower = makeJourneyResult({}, endpoint(200))
    const comparison = compareWithBaseline(entry, slower, limits)
    expect(Object.keys(comparison.endpoints ?? {})).toEqual(['__proto__'])
    expect(comparison.regressed).toBe(true)
  })
})

describe('describeMachineDifferences', () => {
  test('is empty for the same machine', () => {
    expect(describeMachineDifferences(machine, { ...machine })).toEqual([])
  })

  test('names another CPU and another Node major', () => {
    const other = { ...machine, cpuModel: 'Other', cores: machine.cores + 1, node: 'v1.0.0' }
    expect(describeMachineDifferences(other, machine)).toEqual([
      expect.stringContaining('baseline recorded on another machine (Other'),
      `baseline recorded on Node v1.0.0, this run uses ${machine.node}`,
    ])
  })
})

describe('toBaselineEntry and the app’s cost', () => {
  test('records the app’s CPU per request when the run measured it, and nothing when it did not', () => {
    const measured = makeResult()
    measured.app = {
      measured: true,
      source: 'pid',
      cpuPerRequestUs: 250.5,
      cpuPercent: 40,
      requests: 1000,
      rssGrowthBytes: 0,
    }
    expect(toBaselineEntry(measured, machine).appCpuPerRequestUs).toBe(250.5)
    const unmeasured = makeResult()
    unmeasured.app = { measured: false, reason: 'why' }
    expect(toBaselineEntry(unmeasured, machine)).not.toHaveProperty('appCpuPerRequestUs')
  })
})
