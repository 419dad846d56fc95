import { describe, expect, test } from 'vitest'
import { PROVISIONAL_SAMPLING_BUDGET } from '../../../../src/metrics/change-sampling.ts'
import { PairVerdicts } from '../../../../src/orchestration/ab-compare/pair-verdicts.ts'
import { keyOf, type RoundRuns } from '../../../../src/orchestration/ab-compare/round-samples.ts'
import type { GatedMetric } from '../../../../src/orchestration/ab-compare/types.ts'

type Values = Partial<Record<GatedMetric, number>>

/** A round's runs by test name (file `f`, run named as the test). */
function round(tests: Record<string, Values>, errorRatePercent = 0): RoundRuns {
  return new Map(
    Object.entries(tests).map(([test, values]) => {
      const identity = { file: 'f', test, run: test }
      return [keyOf(identity), { identity, values, errorRatePercent }]
    }),
  )
}

const TOLERANCES = { cpuPerRequest: 5, p95: 5, rps: 5 }
const verdictsOf = (compared: PairVerdicts, why?: string) =>
  Object.fromEntries(
    compared
      .results(why)
      .runs.flatMap((run) => run.metrics.map((metric) => [`${run.test}.${metric.metric}`, metric])),
  )

describe('fixed round pairs', () => {
  test('each gated metric of each matched run gets its paired estimate and verdict at 95%', () => {
    const compared = new PairVerdicts({ mode: 'fixed', pairs: 4 }, TOLERANCES)
    const noise = [1, 1.01, 0.99, 1.005]
    for (const factor of noise) {
      compared.add({
        base: round({ a: { p95: 10 * factor, rps: 1000 * factor } }),
        head: round({ a: { p95: 20 * factor * (2 - factor), rps: 1000 * factor * (2 - factor) } }),
      })
    }
    const metrics = verdictsOf(compared)
    expect(metrics['a.p95']).toMatchObject({ verdict: 'regressed', pairs: 4, unit: 'ms', better: 'lower' })
    expect(metrics['a.p95']!.estimate).toMatchObject({
      state: 'estimated',
      confidence: 0.95,
      method: 'paired',
    })
    expect(metrics['a.rps']).toMatchObject({ verdict: 'unchanged', unit: 'req/s', better: 'higher' })
    expect(metrics['a.p95']!.base).toEqual(noise.map((factor) => 10 * factor))
    expect(metrics['a.p95']!.baseValue).toBeCloseTo(10, 1)
    expect(metrics['a.p95']!.headValue).toBeCloseTo(20, 0)
    expect(compared.intervalConfidence).toBe(0.95)
  })

  test('a run found on one side only is listed, never paired; matching is by file, test and run', () => {
    const compared = new PairVerdicts({ mode: 'fixed', pairs: 2 }, TOLERANCES)
    for (let pair = 0; pair < 2; pair++) {
      compared.add({
        base: round({ same: { p95: 10, rps: 100 }, old: { p95: 10, rps: 100 } }),
        head: round({ same: { p95: 10, rps: 100 }, new: { p95: 10, rps: 100 } }),
      })
    }
    const { runs, onlyInBase, onlyInHead } = compared.results(undefined)
    expect(runs.map((run) => run.test)).toEqual(['same'])
    expect(onlyInBase).toEqual([{ file: 'f', test: 'old', run: 'old' }])
    expect(onlyInHead).toEqual([{ file: 'f', test: 'new', run: 'new' }])
  })

  test('a pair missing one side of a run is left out of its estimate, and said', () => {
    const compared = new PairVerdicts({ mode: 'fixed', pairs: 3 }, TOLERANCES)
    compared.add({ base: round({ a: { p95: 10, rps: 100 } }), head: round({ a: { p95: 11, rps: 100 } }) })
    compared.add({ base: round({ a: { p95: 10, rps: 100 } }), head: undefined })
    compared.add({ base: round({ a: { p95: 10, rps: 100 } }), head: round({ a: { p95: 12, rps: 100 } }) })
    const [run] = compared.results(undefined).runs
    const p95 = run!.metrics.find((metric) => metric.metric === 'p95')!
    expect(p95.head).toEqual([11, null, 12])
    expect(p95.pairs).toBe(2)
    expect(p95.estimate.samples).toEqual({ base: 2, head: 2 })
    expect(run!.notes).toContain('missing on one side in 1 of 3 round pairs')
  })

  test("the app's CPU per request is gated only where both sides measured it", () => {
    const compared = new PairVerdicts({ mode: 'fixed', pairs: 2 }, TOLERANCES)
    for (let pair = 0; pair < 2; pair++) {
      compared.add({
        base: round({ both: { p95: 10, rps: 100, cpuPerRequest: 400 }, headOnly: { p95: 10, rps: 100 } }),
        head: round({
          both: { p95: 10, rps: 100, cpuPerRequest: 800 + pair },
          headOnly: { p95: 10, rps: 100, cpuPerRequest: 500 },
        }),
      })
    }
    const runs = compared.results(undefined).runs
    expect(runs.map((run) => [run.test, run.metrics.map((metric) => metric.metric)])).toEqual([
      ['both', ['cpuPerRequest', 'p95', 'rps']],
      ['headOnly', ['p95', 'rps']],
    ])
    expect(runs[0]!.metrics[0]).toMatchObject({ verdict: 'regressed', unit: 'µs' })
  })

  test('failed requests on a side are noted: its latency and rps describe the failures too', () => {
    const compared = new PairVerdicts({ mode: 'fixed', pairs: 2 }, TOLERANCES)
    compared.add({
      base: round({ a: { p95: 10, rps: 100 } }),
      head: round({ a: { p95: 2, rps: 900 } }, 12.5),
    })
    compared.add({ base: round({ a: { p95: 10, rps: 100 } }), head: round({ a: { p95: 2, rps: 900 } }, 0) })
    expect(compared.results(undefined).runs[0]!.notes).toEqual([
      'head: up to 12.50% of requests failed (round pair 1); latency and rps describe the failures too',
    ])
  })
})

describe('sequential round pairs', () => {
  const sampling = { mode: 'sequential', budget: PROVISIONAL_SAMPLING_BUDGET } as const

  test('no look before the minimum; a look that decides freezes the verdict at its pairs', () => {
    const compared = new PairVerdicts(sampling, TOLERANCES)
    const add = (index: number) =>
      compared.add({
        base: round({ a: { p95: 10 + (index % 2) * 0.1, rps: 100 } }),
        head: round({ a: { p95: 20 + (index % 3) * 0.1, rps: 100 + (index % 2) * 30 } }),
      })
    for (let index = 0; index < 3; index++) add(index)
    expect(compared.openCount()).toEqual({ open: 2, gated: 2 })
    add(3)
    // p95 doubled: decided at the first look (4 pairs); rps swings ±30%: still open.
    expect(compared.openCount()).toEqual({ open: 1, gated: 2 })
    add(4)
    add(5)
    const metrics = verdictsOf(compared)
    expect(metrics['a.p95']).toMatchObject({ verdict: 'regressed', pairs: 4 })
    expect(metrics['a.p95']!.estimate.confidence).toBeCloseTo(0.99, 10)
    expect(metrics['a.p95']!.head).toHaveLength(6)
    expect(compared.intervalConfidence).toBeCloseTo(0.99, 10)
  })

  test('stopped before a decision (the time budget): one last judgement, the reason saying why', () => {
    const compared = new PairVerdicts(sampling, TOLERANCES)
    compared.add({ base: round({ a: { p95: 10, rps: 100 } }), head: round({ a: { p95: 10.5, rps: 80 } }) })
    compared.add({ base: round({ a: { p95: 10, rps: 100 } }), head: round({ a: { p95: 9.5, rps: 120 } }) })
    const metrics = verdictsOf(compared, 'the time budget of 10 s leaves no room for another round pair')
    expect(metrics['a.rps']!.verdict).toBe('inconclusive')
    expect(metrics['a.rps']!.reason).toMatch(
      /; the time budget of 10 s leaves no room for another round pair$/,
    )
    expect(metrics['a.rps']!.pairs).toBe(2)
  })
})
