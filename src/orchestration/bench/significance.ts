import { errorFunction, gammaln, wilcoxonRankSum } from 'simple-statistics'

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

/** P(|T| ≥ |t|) for Student's t with `df` degrees of freedom. */
export function studentTwoSidedP(t: number, df: number): number {
  if (!Number.isFinite(t)) return 0
  return regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5)
}

/** The two-sided critical value of Student's t for `df` at `confidence` (bisection on the tail). */
export function studentCritical(df: number, confidence = 0.95): number {
  const alpha = 1 - confidence
  let low = 0
  let high = 1e3
  for (let step = 0; step < 100; step++) {
    const middle = (low + high) / 2
    if (studentTwoSidedP(middle, df) > alpha) low = middle
    else high = middle
  }
  return (low + high) / 2
}

/** I_x(a, b), by the continued fraction (Lentz), on whichever side converges. */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0
  if (x >= 1) return 1
  const front = Math.exp(gammaln(a + b) - gammaln(a) - gammaln(b) + a * Math.log(x) + b * Math.log1p(-x))
  return x < (a + 1) / (a + b + 2)
    ? (front * betaContinuedFraction(x, a, b)) / a
    : 1 - (front * betaContinuedFraction(1 - x, b, a)) / b
}

const TINY = 1e-300

function betaContinuedFraction(x: number, a: number, b: number): number {
  let c = 1
  let d = 1 - ((a + b) * x) / (a + 1)
  d = 1 / (Math.abs(d) < TINY ? TINY : d)
  let h = d
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m
    for (const numerator of [
      (m * (b - m) * x) / ((a + m2 - 1) * (a + m2)),
      (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1)),
    ]) {
      d = 1 + numerator * d
      d = 1 / (Math.abs(d) < TINY ? TINY : d)
      c = 1 + numerator / c
      if (Math.abs(c) < TINY) c = TINY
      h *= d * c
    }
    if (Math.abs(d * c - 1) < 1e-15) break
  }
  return h
}
