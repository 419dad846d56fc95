import { errorFunction, wilcoxonRankSum } from 'simple-statistics'
import { studentTwoSidedP } from '../../metrics/student-t.ts'

// Student's t lives in metrics/ (the regression verdicts use it too); re-exported for this layer's users.
export { regularizedIncompleteBeta, studentCritical, studentTwoSidedP } from '../../metrics/student-t.ts'

/** What a two-sample test needs to know of a sample when the samples themselves are gone. */
export interface SampleSummary {
  mean: number
  sd: number
  count: number
}

/** A test's outcome: its statistic and two-sided p-value. */
export interface TestOutcome {
  statistic: number
  pValue: number
}

/** Two-sided tail of the standard normal distribution beyond |z|. */
function normalTwoSidedP(z: number): number {
  return Math.min(1, Math.max(0, 1 - errorFunction(Math.abs(z) / Math.SQRT2)))
}

/**
 * Mann-Whitney U test (Wilcoxon rank-sum) with the normal approximation, corrected for ties and continuity.
 * The statistic is z; a negative z means `x` tends to be smaller.
 */
export function mannWhitney(x: readonly number[], y: readonly number[]): TestOutcome {
  const n1 = x.length
  const n2 = y.length
  if (n1 === 0 || n2 === 0) return { statistic: 0, pValue: 1 }
  const rankSum = wilcoxonRankSum(x as number[], y as number[])
  const u = rankSum - (n1 * (n1 + 1)) / 2
  const n = n1 + n2
  const pooled = [...x, ...y].sort((a, b) => a - b)
  let tieTerm = 0
  for (let start = 0; start < n; ) {
    let end = start + 1
    while (end < n && pooled[end] === pooled[start]) end++
    const tied = end - start
    tieTerm += tied ** 3 - tied
    start = end
  }
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)))
  if (variance <= 0) return { statistic: 0, pValue: 1 }
  const difference = u - (n1 * n2) / 2
  const corrected = Math.sign(difference) * Math.max(0, Math.abs(difference) - 0.5)
  const z = corrected / Math.sqrt(variance)
  return { statistic: z, pValue: normalTwoSidedP(z) }
}

/** Welch's t-test from means, standard deviations and counts. The statistic is t (a − b). */
export function welch(a: SampleSummary, b: SampleSummary): TestOutcome & { df: number } {
  const va = a.count > 0 ? (a.sd * a.sd) / a.count : 0
  const vb = b.count > 0 ? (b.sd * b.sd) / b.count : 0
  const se2 = va + vb
  if (a.count < 2 || b.count < 2 || se2 === 0) {
    return { statistic: 0, pValue: a.mean === b.mean || a.count < 2 || b.count < 2 ? 1 : 0, df: 0 }
  }
  const t = (a.mean - b.mean) / Math.sqrt(se2)
  const df = (se2 * se2) / ((va * va) / (a.count - 1) + (vb * vb) / (b.count - 1))
  return { statistic: t, pValue: studentTwoSidedP(t, df), df }
}
