import { describe, expect, it } from 'vitest'
import { isPerfError } from '../../../src/foundation/errors.ts'
import {
  type ChangeResult,
  estimateChange,
  type LogSampleSummary,
  summarizeLogSamples,
} from '../../../src/metrics/change-interval.ts'
import { lognormalSamples, pairedRounds, seededNormal } from '../../helpers/lognormal-samples.ts'

const TRIALS = 1000

function estimated(result: ChangeResult) {
  if (result.state !== 'estimated') throw new Error(`expected an estimate, got: ${result.reason}`)
  return result
}

function covers(result: ChangeResult, truePercent: number): boolean {
  const { lowPercent, highPercent } = estimated(result)
  return lowPercent <= truePercent && truePercent <= highPercent
}

describe('estimateChange, paired', () => {
  it("matches SciPy's t-interval over the log ratios, back-transformed", () => {
    // d = log(head / base); exp(mean(d) ± t.ppf(.975, 3) · sd(d) / √4) − 1
    const base = [100, 102, 98, 101]
    const head = [110, 111, 107, 113]
    const result = estimated(estimateChange(base, head, { method: 'paired' }))
    expect(result.changePercent).toBeCloseTo(9.965781746, 7)
    expect(result.lowPercent).toBeCloseTo(7.824259928, 6)
    expect(result.highPercent).toBeCloseTo(12.149836809, 6)
    expect(result).toMatchObject({ confidence: 0.95, samples: { base: 4, head: 4 }, method: 'paired' })
    const ninety = estimated(estimateChange(base, head, { method: 'paired', confidence: 0.9 }))
    expect(ninety.lowPercent).toBeCloseTo(8.378113355, 6)
    expect(ninety.highPercent).toBeCloseTo(11.576708439, 6)
  })

  it('is JSON-safe: the estimate survives a round trip unchanged', () => {
    const result = estimateChange([100, 102, 98], [110, 111, 107], { method: 'paired' })
    expect(JSON.parse(JSON.stringify(result))).toEqual(result)
  })

  for (const [confidence, low, high] of [
    [0.95, 0.93, 0.97],
    [0.9, 0.88, 0.92],
  ] as const) {
    it(`covers a true +10% in ${low * 100}–${high * 100}% of ${TRIALS} trials at ${confidence * 100}% (6 pairs, 5% noise)`, () => {
      const normal = seededNormal(20_240_601)
      let covered = 0
      for (let trial = 0; trial < TRIALS; trial++) {
        const { base, head } = pairedRounds(normal, 6, { trueChange: 0.1, sdLog: 0.05 })
        if (covers(estimateChange(base, head, { method: 'paired', confidence }), 10)) covered++
      }
      expect(covered / TRIALS).toBeGreaterThanOrEqual(low)
      expect(covered / TRIALS).toBeLessThanOrEqual(high)
    })
  }

  it('cancels what the machine does to both halves of a round pair', () => {
    // Rounds differing by a factor of 2 around a steady +10%: Welch sees the spread, pairing does not.
    const base = [100, 200, 50, 150]
    const head = base.map((value) => value * 1.1)
    const paired = estimated(estimateChange(base, head, { method: 'paired' }))
    expect(paired.lowPercent).toBeCloseTo(10, 9)
    expect(paired.highPercent).toBeCloseTo(10, 9)
    const unpaired = estimated(estimateChange(base, head, { method: 'welch' }))
    expect(unpaired.highPercent - unpaired.lowPercent).toBeGreaterThan(100)
  })
})

describe('estimateChange, Welch', () => {
  it("matches SciPy's ttest_ind(equal_var=False).confidence_interval over the logs", () => {
    const base = [10, 11, 12, 9, 10.5]
    const head = [12, 13, 11.5, 14]
    const result = estimated(estimateChange(base, head, { method: 'welch' }))
    expect(result.changePercent).toBeCloseTo(20.444360659, 6)
    expect(result.lowPercent).toBeCloseTo(3.32117382, 5)
    expect(result.highPercent).toBeCloseTo(40.405334921, 5)
    expect(result).toMatchObject({ samples: { base: 5, head: 4 }, method: 'welch' })
  })

  it('gives the same interval from a stored summary as from the samples', () => {
    const base = [10, 11, 12, 9, 10.5]
    const head = [12, 13, 11.5, 14]
    const summary = summarizeLogSamples(base) as LogSampleSummary
    expect(summary.meanLog).toBeCloseTo(2.34679737, 8)
    expect(summary.sdLog).toBeCloseTo(0.107276362, 8)
    expect(summary.count).toBe(5)
    const fromSamples = estimateChange(base, head, { method: 'welch' })
    expect(estimateChange(summary, head, { method: 'welch' })).toEqual(fromSamples)
    const headSummary = summarizeLogSamples(head) as LogSampleSummary
    expect(estimateChange(summary, headSummary, { method: 'welch' })).toEqual(fromSamples)
  })

  for (const [name, baseCount, headCount, baseSd, headSd, confidence, low, high] of [
    ['10 vs 10, 5% noise', 10, 10, 0.05, 0.05, 0.95, 0.93, 0.97],
    ['10 vs 10, 5% noise', 10, 10, 0.05, 0.05, 0.9, 0.88, 0.92],
    ['10 vs 6, 3% vs 8% noise', 10, 6, 0.03, 0.08, 0.95, 0.93, 0.97],
  ] as const) {
    it(`covers a true +10% in ${low * 100}–${high * 100}% of ${TRIALS} trials at ${confidence * 100}% (${name})`, () => {
      const normal = seededNormal(7_031_977)
      let covered = 0
      for (let trial = 0; trial < TRIALS; trial++) {
        const base = lognormalSamples(normal, baseCount, 100, baseSd)
        const head = lognormalSamples(normal, headCount, 110, headSd)
        if (covers(estimateChange(base, head, { method: 'welch', confidence }), 10)) covered++
      }
      expect(covered / TRIALS).toBeGreaterThanOrEqual(low)
      expect(covered / TRIALS).toBeLessThanOrEqual(high)
    })
  }
})

describe('estimateChange, samples it cannot use', () => {
  it('names a zero, a negative or a NaN instead of estimating around it', () => {
    expect(estimateChange([100, 0, 98], [110, 111, 107], { method: 'paired' })).toMatchObject({
      state: 'insufficient',
      reason: 'base sample 1 is 0: a change in percent needs positive, finite values',
    })
    expect(estimateChange([100, 99], [110, -3], { method: 'paired' })).toMatchObject({
      state: 'insufficient',
      reason: expect.stringContaining('head sample 1 is negative (-3)'),
    })
    expect(estimateChange([100, 99, 101], [110, 111, Number.NaN], { method: 'welch' })).toMatchObject({
      state: 'insufficient',
      reason: expect.stringContaining('head sample 2 is NaN'),
    })
    expect(summarizeLogSamples([1, Number.POSITIVE_INFINITY])).toMatchObject({
      state: 'insufficient',
      reason: expect.stringContaining('sample 1 is Infinity'),
    })
  })

  it('needs two pairs, or two samples a side, and as many head as base values when paired', () => {
    expect(estimateChange([100], [110], { method: 'paired' })).toMatchObject({
      state: 'insufficient',
      reason: 'an interval needs at least 2 pairs, got 1',
      samples: { base: 1, head: 1 },
    })
    expect(estimateChange([], [], { method: 'paired' }).state).toBe('insufficient')
    expect(estimateChange([100, 101, 99], [110, 111], { method: 'paired' })).toMatchObject({
      state: 'insufficient',
      reason: expect.stringContaining('base has 3, head 2'),
    })
    expect(estimateChange([100, 101, 99], [110], { method: 'welch' })).toMatchObject({
      state: 'insufficient',
      reason: 'an interval needs at least 2 head samples, got 1',
    })
    expect(
      estimateChange({ meanLog: 4.6, sdLog: 0, count: 1 }, [110, 111], { method: 'welch' }),
    ).toMatchObject({
      state: 'insufficient',
      reason: 'an interval needs at least 2 base samples, got 1',
    })
  })

  it('refuses a summary that is none (a corrupt baseline) as insufficient', () => {
    expect(
      estimateChange({ meanLog: 4.6, sdLog: -1, count: 5 }, [110, 111], { method: 'welch' }),
    ).toMatchObject({
      state: 'insufficient',
      reason: expect.stringContaining('base summary is not one'),
    })
  })

  it('gives a zero-width interval, not NaN, to samples without spread', () => {
    // Constant sides that differ: the change is exactly known; identical ones: exactly none.
    expect(estimateChange([100, 100, 100], [110, 110, 110], { method: 'welch' })).toMatchObject({
      state: 'estimated',
      changePercent: expect.closeTo(10, 9),
      lowPercent: expect.closeTo(10, 9),
      highPercent: expect.closeTo(10, 9),
    })
    expect(estimateChange([5, 5], [5, 5], { method: 'paired' })).toMatchObject({
      changePercent: 0,
      lowPercent: 0,
      highPercent: 0,
    })
    // One side constant: the width is the other side's alone (df from that side).
    const oneSided = estimated(estimateChange([100, 100, 100], [105, 110, 115], { method: 'welch' }))
    expect(oneSided.lowPercent).toBeLessThan(10)
    expect(oneSided.highPercent).toBeGreaterThan(10)
  })

  it('refuses a confidence that is no fraction with an InvalidOptionError', () => {
    for (const confidence of [95, 0, 1, Number.NaN]) {
      let caught: unknown
      try {
        estimateChange([1, 2], [1, 2], { method: 'paired', confidence })
      } catch (error) {
        caught = error
      }
      expect(isPerfError(caught) && caught.code).toBe('PERF_INVALID_OPTION')
      expect((caught as Error).message).toContain('`confidence`')
    }
  })
})
