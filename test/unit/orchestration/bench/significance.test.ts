import { describe, expect, it } from 'vitest'
import {
  mannWhitney,
  regularizedIncompleteBeta,
  studentCritical,
  studentTwoSidedP,
  welch,
} from '../../../../src/orchestration/bench/significance.ts'

describe('mannWhitney', () => {
  it("matches SciPy's mannwhitneyu (asymptotic, with continuity correction)", () => {
    // scipy.stats.mannwhitneyu([1,2,3,4,5], [6,7,8,9,10], method='asymptotic'): U = 0, p = 0.012185780355
    const outcome = mannWhitney([1, 2, 3, 4, 5], [6, 7, 8, 9, 10])
    expect(outcome.pValue).toBeCloseTo(0.012185780355, 6)
    expect(outcome.statistic).toBeLessThan(0)
    // With ties: mannwhitneyu([1,2,2,3,4], [2,3,5,6,6], method='asymptotic'): U = 4.5, p = 0.110492024056
    expect(mannWhitney([1, 2, 2, 3, 4], [2, 3, 5, 6, 6]).pValue).toBeCloseTo(0.110492024056, 6)
  })

  it('finds no difference between identical samples', () => {
    expect(mannWhitney([1, 2, 3], [1, 2, 3]).pValue).toBe(1)
    expect(mannWhitney([4, 4, 4], [4, 4, 4]).pValue).toBe(1)
  })
})

describe('welch', () => {
  it("matches SciPy's ttest_ind(equal_var=False)", () => {
    // ttest_ind([1,2,3,4,5], [2,4,6,8,10], equal_var=False): t = -1.897366596, df = 5.882352941, p = 0.107531194931
    const outcome = welch({ mean: 3, sd: Math.sqrt(2.5), count: 5 }, { mean: 6, sd: Math.sqrt(10), count: 5 })
    expect(outcome.statistic).toBeCloseTo(-1.897366596, 8)
    expect(outcome.df).toBeCloseTo(5.882352941, 8)
    expect(outcome.pValue).toBeCloseTo(0.107531194931, 9)
  })

  it('has no evidence from fewer than two samples', () => {
    expect(welch({ mean: 1, sd: 0, count: 1 }, { mean: 2, sd: 0, count: 1 }).pValue).toBe(1)
  })
})

describe("Student's t", () => {
  it('has the textbook critical values', () => {
    // scipy.stats.t.ppf(0.975, 9) = 2.262157163, t.ppf(0.975, 99) = 1.984216952
    expect(studentCritical(9)).toBeCloseTo(2.262157163, 7)
    expect(studentCritical(99)).toBeCloseTo(1.984216952, 7)
    expect(studentCritical(1e7)).toBeCloseTo(1.96, 3)
    expect(studentTwoSidedP(2.2622, 9)).toBeCloseTo(0.05, 4)
  })

  it('computes the regularized incomplete beta on both sides of the split', () => {
    expect(regularizedIncompleteBeta(0.5, 2, 2)).toBeCloseTo(0.5, 12)
    // I_x(1, 1) = x; I_x(a, 1) = x^a
    expect(regularizedIncompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 12)
    expect(regularizedIncompleteBeta(0.9, 3, 1)).toBeCloseTo(0.729, 12)
  })
})
