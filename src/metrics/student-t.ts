import { gammaln } from 'simple-statistics'

// simple-statistics has Student's t-tests but no t quantile: the quantile is found here by bisection on the
// two-sided tail, which is the regularised incomplete beta function.

/** P(|T| ≥ |t|) for Student's t with `df` degrees of freedom (any df > 0, not only integers). */
export function studentTwoSidedP(t: number, df: number): number {
  if (!Number.isFinite(t)) return 0
  return regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5)
}

/** The two-sided critical value of Student's t for `df` at `confidence` (bisection on the tail). */
export function studentCritical(df: number, confidence = 0.95): number {
  const alpha = 1 - confidence
  let low = 0
  let high = 1e3
  // High confidence at few degrees of freedom lies beyond 1000 (99.95% at df 1 is 1273).
  while (studentTwoSidedP(high, df) > alpha && high < 1e300) high *= 2
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
