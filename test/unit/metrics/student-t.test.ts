import { describe, expect, it } from 'vitest'
import { studentCritical, studentTwoSidedP } from '../../../src/metrics/student-t.ts'

describe("Student's t quantiles", () => {
  it('match SciPy at other confidences and at fractional degrees of freedom', () => {
    // scipy.stats.t.ppf(1 − (1 − confidence) / 2, df)
    expect(studentCritical(5, 0.9)).toBeCloseTo(2.015048373, 7)
    expect(studentCritical(5, 0.95)).toBeCloseTo(2.570581836, 7)
    expect(studentCritical(3, 0.99)).toBeCloseTo(5.84090931, 7)
    expect(studentCritical(7.5, 0.95)).toBeCloseTo(2.333039627, 7)
    expect(studentCritical(2.3, 0.98)).toBeCloseTo(5.853896768, 6)
  })

  it('finds quantiles beyond 1000 (high confidence, one degree of freedom)', () => {
    // t.ppf(1 − 0.0005 / 2, 1) = 1273.239: a look under Bonferroni can ask for it
    expect(studentCritical(1, 0.9995)).toBeCloseTo(1273.2392829, 3)
    expect(studentTwoSidedP(Number.POSITIVE_INFINITY, 3)).toBe(0)
  })
})
