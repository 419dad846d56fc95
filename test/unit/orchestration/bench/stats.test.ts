import { describe, expect, it } from 'vitest'
import {
  quantileSorted,
  relativeMarginOfError,
  statsFromSorted,
  thinSorted,
} from '../../../../src/orchestration/bench/stats.ts'

const oneToHundred = Array.from({ length: 100 }, (_, index) => index + 1)

describe('statsFromSorted', () => {
  it('describes 1..100 exactly', () => {
    const stats = statsFromSorted(oneToHundred)
    expect(stats.mean).toBe(50.5)
    expect(stats.sd).toBeCloseTo(Math.sqrt((100 * 101) / 12), 10)
    expect(stats.p50).toBe(50.5)
    expect(stats.p90).toBeCloseTo(90.1, 10)
    expect(stats.p99).toBeCloseTo(99.01, 10)
    expect([stats.min, stats.max, stats.samples]).toEqual([1, 100, 100])
    // t(0.975, 99) × sd / √n / mean
    expect(stats.rme).toBeCloseTo(((1.984217 * stats.sd) / 10 / 50.5) * 100, 4)
  })

  it('gives zeros for no samples and no spread for one', () => {
    expect(statsFromSorted([]).samples).toBe(0)
    expect(statsFromSorted([]).p99).toBe(0)
    expect(statsFromSorted([7])).toMatchObject({ mean: 7, sd: 0, rme: 0, p50: 7, p999: 7 })
  })
})

describe('quantileSorted', () => {
  it('interpolates between order statistics', () => {
    expect(quantileSorted([10, 20], 0.25)).toBe(12.5)
    expect(quantileSorted([10, 20, 30], 1)).toBe(30)
  })
})

describe('relativeMarginOfError', () => {
  it('is 0 around a zero mean, so results stay JSON-safe', () => {
    expect(relativeMarginOfError(0, 1, 10)).toBe(0)
  })
})

describe('thinSorted', () => {
  it('keeps the ends and the quantiles of a long sample', () => {
    const long = Array.from({ length: 100_001 }, (_, index) => index)
    const thin = thinSorted(long, 1001)
    expect(thin).toHaveLength(1001)
    expect([thin[0], thin[500], thin[1000]]).toEqual([0, 50_000, 100_000])
    expect(thinSorted([1, 2, 3], 10)).toEqual([1, 2, 3])
  })
})
