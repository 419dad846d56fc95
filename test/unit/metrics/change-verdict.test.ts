import { describe, expect, it } from 'vitest'
import { isPerfError } from '../../../src/foundation/errors.ts'
import { type ChangeEstimate, estimateChange } from '../../../src/metrics/change-interval.ts'
import { judgeChange, type VerdictRule } from '../../../src/metrics/change-verdict.ts'
import { pairedRounds, seededNormal } from '../../helpers/lognormal-samples.ts'

function interval(changePercent: number, lowPercent: number, highPercent: number): ChangeEstimate {
  return {
    state: 'estimated',
    changePercent,
    lowPercent,
    highPercent,
    confidence: 0.95,
    samples: { base: 6, head: 6 },
    method: 'paired',
  }
}

const lower: VerdictRule = { tolerancePercent: 5, better: 'lower' }
const higher: VerdictRule = { tolerancePercent: 5, better: 'higher' }

describe('judgeChange', () => {
  // [change, low, high] → verdict when lower is better (latency, CPU per request), and when higher is (rps)
  const table: [number, number, number, string, string][] = [
    [14, 9, 19, 'regressed', 'improved'],
    [-14, -19, -9, 'improved', 'regressed'],
    [1, -2, 4, 'unchanged', 'unchanged'],
    [0, -5, 5, 'unchanged', 'unchanged'], // touching ±T from inside is still within
    [8, 5, 11, 'inconclusive', 'inconclusive'], // touching +T from beyond is not wholly beyond
    [5.5, 5.01, 6, 'regressed', 'improved'],
    [-5.5, -6, -5.01, 'improved', 'regressed'],
    [8, 3, 13, 'inconclusive', 'inconclusive'], // clears 0, not the tolerance
    [-8, -13, -3, 'inconclusive', 'inconclusive'],
    [3, -2, 8, 'inconclusive', 'inconclusive'], // within and beyond, contains 0
    [0, -40, 90, 'inconclusive', 'inconclusive'], // a p95 interval over a few rounds
  ]
  for (const [change, low, high, whenLower, whenHigher] of table) {
    it(`judges ${change}% [${low}%, ${high}%] ${whenLower} when lower is better, ${whenHigher} when higher is`, () => {
      expect(judgeChange(interval(change, low, high), lower).verdict).toBe(whenLower)
      expect(judgeChange(interval(change, low, high), higher).verdict).toBe(whenHigher)
    })
  }

  it('decides an interval that clears 0 but not the tolerance only with decideBeyondZero, and only past T', () => {
    const beyondZero = { ...lower, decideBeyondZero: true }
    expect(judgeChange(interval(8, 3, 13), beyondZero).verdict).toBe('regressed')
    expect(judgeChange(interval(-8, -13, -3), beyondZero).verdict).toBe('improved')
    expect(judgeChange(interval(8, 3, 13), { ...higher, decideBeyondZero: true }).verdict).toBe('improved')
    // The estimate itself within the tolerance: a reported +1% is never called a regression.
    expect(judgeChange(interval(1, 0.2, 6), beyondZero).verdict).toBe('inconclusive')
    // Not clearing 0 stays inconclusive, the point estimate notwithstanding.
    expect(judgeChange(interval(8, -1, 17), beyondZero).verdict).toBe('inconclusive')
    // What the tolerance already decides is unmoved by the option.
    expect(judgeChange(interval(1, 0.2, 3), beyondZero).verdict).toBe('unchanged')
    expect(judgeChange(interval(14, 9, 19), beyondZero).verdict).toBe('regressed')
  })

  it('explains the verdict with the estimate and the rule', () => {
    expect(judgeChange(interval(14, 9.1, 19.2), lower).reason).toBe(
      '+14.0% [+9.1%, +19.2%] at 95%: the whole interval is worse than +5.0% (lower is better)',
    )
    expect(judgeChange(interval(-14, -19.2, -9.1), higher).reason).toBe(
      '-14.0% [-19.2%, -9.1%] at 95%: the whole interval is worse than -5.0% (higher is better)',
    )
    expect(judgeChange(interval(1, -2, 4), lower).reason).toBe(
      '+1.0% [-2.0%, +4.0%] at 95%: the whole interval lies within ±5%',
    )
    expect(judgeChange(interval(8, 3, 13), lower).reason).toBe(
      '+8.0% [+3.0%, +13.0%] at 95%: the interval reaches both within and beyond ±5%; more samples would narrow it',
    )
  })

  it('never passes an estimate that has no interval', () => {
    const insufficient = estimateChange([100], [110], { method: 'paired' })
    expect(judgeChange(insufficient, lower)).toEqual({
      verdict: 'inconclusive',
      reason: 'no interval: an interval needs at least 2 pairs, got 1',
    })
    expect(judgeChange(estimateChange([0, 0], [0, 0], { method: 'paired' }), lower).verdict).toBe(
      'inconclusive',
    )
  })

  it('refuses a tolerance or a direction that is none', () => {
    for (const rule of [
      { tolerancePercent: -1, better: 'lower' },
      { tolerancePercent: Number.NaN, better: 'lower' },
      { tolerancePercent: 5, better: 'faster' },
    ]) {
      let caught: unknown
      try {
        judgeChange(interval(1, 0, 2), rule as VerdictRule)
      } catch (error) {
        caught = error
      }
      expect(isPerfError(caught, 'PERF_INVALID_OPTION')).toBe(true)
    }
  })
})

describe('verdicts on synthetic round pairs', () => {
  const TRIALS = 1000

  function verdictRates(trueChange: number, sdLog: number, pairs: number, rule: VerdictRule, seed: number) {
    const normal = seededNormal(seed)
    const counts = { regressed: 0, improved: 0, unchanged: 0, inconclusive: 0 }
    for (let trial = 0; trial < TRIALS; trial++) {
      const { base, head } = pairedRounds(normal, pairs, { trueChange, sdLog })
      counts[judgeChange(estimateChange(base, head, { method: 'paired' }), rule).verdict]++
    }
    return {
      regressed: counts.regressed / TRIALS,
      improved: counts.improved / TRIALS,
      unchanged: counts.unchanged / TRIALS,
      inconclusive: counts.inconclusive / TRIALS,
    }
  }

  it('raises a false alarm on unchanged data in at most ~5% of trials, even at a tolerance of 0', ({
    annotate,
  }) => {
    for (const rule of [
      lower,
      { tolerancePercent: 0, better: 'lower' } as const,
      { tolerancePercent: 0, better: 'higher' } as const,
      { tolerancePercent: 0, better: 'lower', decideBeyondZero: true } as const,
    ]) {
      const rates = verdictRates(0, 0.05, 6, rule, 31_415)
      annotate(`unchanged data, ${JSON.stringify(rule)}: ${JSON.stringify(rates)}`)
      expect(rates.regressed).toBeLessThanOrEqual(0.05)
    }
  })

  it('calls a change at the edge of the tolerance green in at most ~5% of trials (equivalence)', ({
    annotate,
  }) => {
    const rates = verdictRates(0.05, 0.02, 8, lower, 16_180)
    annotate(`+5% at a 5% tolerance, 2% noise, 8 pairs: ${JSON.stringify(rates)}`)
    expect(rates.unchanged).toBeLessThanOrEqual(0.05)
    expect(rates.regressed).toBeLessThanOrEqual(0.05)
  })

  it('reports how often +10% is caught with 3% noise over 8 pairs', ({ annotate }) => {
    const strict = verdictRates(0.1, 0.03, 8, lower, 27_182)
    const beyondZero = verdictRates(0.1, 0.03, 8, { ...lower, decideBeyondZero: true }, 27_182)
    annotate(`+10%, 3% noise, 8 pairs, tolerance 5%: default ${JSON.stringify(strict)}`)
    annotate(`… with decideBeyondZero: ${JSON.stringify(beyondZero)}`)
    // A real regression is never called green; the exact detection rate is the bench's to tune.
    expect(strict.unchanged + strict.improved).toBe(0)
    expect(strict.regressed).toBeGreaterThan(0.5)
    expect(beyondZero.regressed).toBeGreaterThanOrEqual(strict.regressed)
  })
})
