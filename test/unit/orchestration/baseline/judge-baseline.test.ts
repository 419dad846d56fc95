import { describe, expect, test } from 'vitest'
import {
  compareWithBaseline,
  DEFAULT_LIMITS,
  toBaselineEntry,
} from '../../../../src/orchestration/baseline/judge-baseline.ts'
import {
  describeMachine,
  describeMachineDifferences,
} from '../../../../src/orchestration/baseline/machine.ts'
import { makeJourneyResult } from '../../../helpers/journey-results.ts'
import { makeResult, makeWindowedResult } from '../../../helpers/results.ts'

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

// Seconds of a steady run: a little noise around each metric's level (±2% CPU, ±10% p95 and rps).
const CPU_NOISE = [1, 1.02, 0.98, 1.01, 0.99, 1.0]
const NOISE = [1, 1.1, 0.9, 1.05, 0.95, 1.0]
function steadyRun(cpuUs: number, { seconds = 6, p95 = 10, rps = 400 } = {}) {
  return makeWindowedResult({
    cpu: CPU_NOISE.slice(0, seconds).map((factor) => cpuUs * factor),
    p95: NOISE.slice(0, seconds).map((factor) => p95 * factor),
    rps: NOISE.slice(0, seconds).map((factor) => rps / factor),
  })
}

describe('compareWithBaseline, by windows', () => {
  test('an entry keeps the log summary of each metric’s windows', () => {
    const entry = toBaselineEntry(steadyRun(200), machine)
    expect(entry.samples).toEqual({
      windows: 6,
      cpuPerRequest: { meanLog: expect.closeTo(Math.log(200), 2), sdLog: expect.any(Number), count: 6 },
      p95: { meanLog: expect.closeTo(Math.log(10), 1), sdLog: expect.any(Number), count: 6 },
      rps: { meanLog: expect.closeTo(Math.log(400), 1), sdLog: expect.any(Number), count: 6 },
    })
    // ab and k6 give no per-second timeline: nothing to keep.
    expect(toBaselineEntry(makeResult(), machine)).not.toHaveProperty('samples')
  })

  test('a handler twice as heavy regresses on the app’s CPU per request, with its interval', () => {
    const comparison = compareWithBaseline(toBaselineEntry(steadyRun(200), machine), steadyRun(400))
    expect(comparison).toMatchObject({ method: 'interval', verdict: 'regressed', regressed: true })
    expect(comparison.cpuPerRequest).toMatchObject({
      verdict: 'regressed',
      tolerancePercent: 10,
      interval: { windows: { baseline: 6, run: 6 }, confidence: 0.95 },
    })
    const { lowPercent, highPercent } = comparison.cpuPerRequest!.interval!
    expect(lowPercent).toBeGreaterThan(90)
    expect(highPercent).toBeLessThan(110)
    expect(comparison.cpuPerRequest!.reason).toMatch(/the whole interval is worse than \+10\.0%/)
    expect(comparison.p95.verdict).toBe('unchanged')
  })

  test('the same handler is unchanged: every interval lies within its tolerance', () => {
    const comparison = compareWithBaseline(toBaselineEntry(steadyRun(200), machine), steadyRun(201))
    expect(comparison.verdict).toBe('unchanged')
    expect([comparison.cpuPerRequest, comparison.p95, comparison.rps].map((m) => m?.verdict)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
    ])
  })

  test('a run with too few windows is inconclusive, and says which side and what gives more', () => {
    const baseline = toBaselineEntry(steadyRun(200), machine)
    const short = compareWithBaseline(baseline, steadyRun(400, { seconds: 2 }))
    expect(short).toMatchObject({ verdict: 'inconclusive', regressed: false })
    expect(short.cpuPerRequest).toMatchObject({
      verdict: 'inconclusive',
      reason: expect.stringMatching(
        /^no interval: this run has 2 windows .* at least 3 on each side: run it longer$/,
      ),
    })
    expect(short.cpuPerRequest).not.toHaveProperty('interval')
    const thin = compareWithBaseline(toBaselineEntry(steadyRun(200, { seconds: 1 }), machine), steadyRun(400))
    expect(thin.p95.reason).toMatch(
      /the baseline has 1 window and .* record it again from a longer run \(-u\)/,
    )
  })

  test('an undecided interval is inconclusive, never unchanged', () => {
    const baseline = toBaselineEntry(steadyRun(200), machine)
    // +10%: surely worse, but by more or by less than the 10% tolerance?
    const comparison = compareWithBaseline(baseline, steadyRun(220))
    expect(comparison.cpuPerRequest?.interval?.lowPercent).toBeGreaterThan(0)
    expect(comparison.cpuPerRequest?.verdict).toBe('inconclusive')
    expect(comparison.verdict).toBe('inconclusive')
  })

  test('tolerances per metric, and the floors widen them for fast endpoints', () => {
    const baseline = toBaselineEntry(steadyRun(200, { p95: 1 }), machine)
    const comparison = compareWithBaseline(baseline, steadyRun(200, { p95: 1 }), {
      tolerance: { cpu: 0.05 },
      floorMs: 2,
      floorRps: 1,
    })
    expect(comparison.cpuPerRequest?.tolerancePercent).toBe(5)
    // 2 ms on a 1 ms p95 is 200%, beyond the 20% tolerance.
    expect(comparison.p95.tolerancePercent).toBeCloseTo(200, 0)
    expect(comparison.rps.tolerancePercent).toBe(20)
  })

  test('a run that did not measure the app is judged on p95 and rps, saying why not on CPU', () => {
    const baseline = toBaselineEntry(steadyRun(200), machine)
    const unmeasured = steadyRun(400)
    unmeasured.app = { measured: false, reason: 'the app runs in another process' }
    const comparison = compareWithBaseline(baseline, unmeasured)
    expect(comparison.cpuPerRequest).toBeUndefined()
    expect(comparison.notes).toEqual([
      expect.stringContaining(
        'not compared: the baseline measured it, this run did not (the app runs in another process)',
      ),
    ])
  })
})

describe('compareWithBaseline across machines', () => {
  test('a baseline from another kind of machine is not judged: every verdict is inconclusive', () => {
    const baseline = toBaselineEntry(steadyRun(200), { ...machine, cpuModel: 'Laptop CPU', cores: 10 })
    const comparison = compareWithBaseline(baseline, steadyRun(400), DEFAULT_LIMITS, machine)
    expect(comparison).toMatchObject({ method: 'not-comparable', verdict: 'inconclusive', regressed: false })
    for (const metric of [comparison.cpuPerRequest, comparison.p95, comparison.rps]) {
      expect(metric).toMatchObject({
        verdict: 'inconclusive',
        reason: 'not compared: the baseline was recorded on another machine',
      })
      expect(metric).not.toHaveProperty('interval')
    }
    expect(comparison.notes[0]).toMatch(/^not comparable: .* nothing was judged/)
    // Numbers one by one do not change that either.
    const old = toBaselineEntry(makeResult({ latency: { p95: 10 } }), { ...machine, arch: 'arm64' })
    expect(compareWithBaseline(old, makeResult({ latency: { p95: 100 } })).verdict).toBe('inconclusive')
  })

  test('another Node version on the same hardware is still judged', () => {
    const baseline = toBaselineEntry(steadyRun(200), { ...machine, node: 'v1.0.0' })
    expect(compareWithBaseline(baseline, steadyRun(400), DEFAULT_LIMITS, machine).method).toBe('interval')
  })
})

describe('compareWithBaseline, one number against one number', () => {
  test('an entry without windows (version 2 before intervals, ab, k6) is judged as before, and says so', () => {
    const comparison = compareWithBaseline(baseline, makeResult({ latency: { p95: 130 }, rps: 200 }), limits)
    expect(comparison).toMatchObject({ method: 'point', verdict: 'regressed' })
    expect(comparison.p95.reason).toBe('worse by 30.0%; at most 120.0 ms allowed')
    expect(comparison.notes).toEqual([
      expect.stringMatching(/^judged one number against one number, as before/),
    ])
  })
})

describe('compareWithBaseline, journeys by windows', () => {
  // A 4 s run with a 1 s warm-up: the run's first second is warm-up, and so is each endpoint's.
  function journeyRun(orderP95: number) {
    const result = makeWindowedResult({ p95: [50, 10, 11, 9], rps: [100, 400, 380, 420] })
    result.options.durationMs = 3000
    result.options.warmupMs = 1000
    result.timeline[0]!.phase = 'warmup'
    const endpoint = (p95s: number[]) => {
      const { metrics, timeline } = makeWindowedResult({ p95: p95s, rps: [50, 200, 190, 210] })
      return {
        ...metrics,
        method: 'GET' as const,
        path: '/x',
        timeline: timeline.map(({ phase: _phase, ...point }) => point),
      }
    }
    result.endpoints = {
      login: endpoint([90, 5, 5.5, 4.5]),
      order: endpoint([90, orderP95, orderP95 * 1.1, orderP95 * 0.9]),
    }
    return result
  }

  test('each endpoint keeps its steady windows, and regresses on its own', () => {
    const entry = toBaselineEntry(journeyRun(20), machine)
    // The warm-up second (p95 90 ms) is no window of the endpoint either.
    expect(entry.endpoints?.['order']?.samples).toMatchObject({ windows: 3, p95: { count: 3 } })
    expect(entry.endpoints?.['order']?.samples?.p95.meanLog).toBeCloseTo(Math.log(20), 1)
    const comparison = compareWithBaseline(entry, journeyRun(60))
    expect(comparison.endpoints?.['order']?.p95.verdict).toBe('regressed')
    // Three windows of ±10% leave these undecided at ±20%: not regressed is what they show.
    for (const metric of [
      comparison.endpoints?.['order']?.rps,
      comparison.endpoints?.['login']?.p95,
      comparison.p95,
    ]) {
      expect(metric?.verdict).not.toBe('regressed')
    }
    expect(comparison).toMatchObject({ method: 'interval', verdict: 'regressed' })
  })
})
