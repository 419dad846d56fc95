import { describe, expect, it } from 'vitest'
import { isPerfError } from '../../../src/foundation/errors.ts'
import { type ChangeEstimate, estimateChange } from '../../../src/metrics/change-interval.ts'
import {
  lookConfidence,
  lookCount,
  nextDecision,
  PROVISIONAL_SAMPLING_BUDGET,
  type SamplingBudget,
  type SamplingDecision,
} from '../../../src/metrics/change-sampling.ts'
import type { VerdictRule } from '../../../src/metrics/change-verdict.ts'
import { pairedRounds, seededNormal } from '../../helpers/lognormal-samples.ts'

const rule: VerdictRule = { tolerancePercent: 5, better: 'lower' }
const budget: SamplingBudget = { minimumSamples: 4, maximumSamples: 12, lookEverySamples: 2 }

function estimate(pairs: number, lowPercent: number, highPercent: number, confidence = 0.99): ChangeEstimate {
  return {
    state: 'estimated',
    changePercent: (lowPercent + highPercent) / 2,
    lowPercent,
    highPercent,
    confidence,
    samples: { base: pairs, head: pairs },
    method: 'paired',
  }
}

describe('lookConfidence', () => {
  it('spreads the error over the looks the budget allows (Bonferroni)', () => {
    expect(lookCount(budget)).toBe(5) // at 4, 6, 8, 10, 12
    expect(lookConfidence(budget)).toBeCloseTo(0.99, 12)
    expect(lookCount({ minimumSamples: 4, maximumSamples: 11, lookEverySamples: 2 })).toBe(5) // 4, 6, 8, 10, 11
    expect(lookCount({ minimumSamples: 6, maximumSamples: 6 })).toBe(1)
    expect(lookConfidence({ minimumSamples: 6, maximumSamples: 6, confidence: 0.9 })).toBeCloseTo(0.9, 12)
    expect(lookConfidence(PROVISIONAL_SAMPLING_BUDGET)).toBeCloseTo(0.99, 12)
  })

  it('refuses a budget that cannot be kept', () => {
    for (const bad of [
      { minimumSamples: 1, maximumSamples: 4 },
      { minimumSamples: 4, maximumSamples: 3 },
      { minimumSamples: 4, maximumSamples: 8, lookEverySamples: 0 },
      { minimumSamples: 4.5, maximumSamples: 8 },
      { minimumSamples: 4, maximumSamples: 8, confidence: 95 },
    ]) {
      let caught: unknown
      try {
        lookConfidence(bad)
      } catch (error) {
        caught = error
      }
      expect(isPerfError(caught, 'PERF_INVALID_OPTION')).toBe(true)
    }
  })
})

describe('nextDecision', () => {
  it('does not look before the minimum, nor between looks', () => {
    // A decided interval at 3 and at 5 pairs is not looked at.
    expect(nextDecision(estimate(3, 20, 30), budget, rule)).toMatchObject({ action: 'sample' })
    expect(nextDecision(estimate(5, 20, 30), budget, rule)).toMatchObject({ action: 'sample' })
    expect(nextDecision(estimate(4, 20, 30), budget, rule)).toMatchObject({
      action: 'stop',
      verdict: 'regressed',
    })
    expect(nextDecision(estimate(6, -2, 2), budget, rule)).toMatchObject({
      action: 'stop',
      verdict: 'unchanged',
    })
  })

  it('samples on while undecided, and stops inconclusive when the budget is spent', () => {
    expect(nextDecision(estimate(10, 1, 9), budget, rule)).toMatchObject({ action: 'sample' })
    const last = nextDecision(estimate(12, 1, 9), budget, rule)
    expect(last).toMatchObject({ action: 'stop', verdict: 'inconclusive' })
    expect(last.reason).toContain('the budget of 12 samples is spent')
    // Past the maximum (a caller that overshot) is still the end.
    expect(nextDecision(estimate(13, 1, 9), budget, rule)).toMatchObject({
      action: 'stop',
      verdict: 'inconclusive',
    })
  })

  it('stops inconclusive on an estimate with unusable values: more rounds do not repair a zero', () => {
    const zero = estimateChange([100, 0, 100, 100], [110, 110, 110, 110], {
      method: 'paired',
      confidence: lookConfidence(budget),
    })
    expect(nextDecision(zero, budget, rule)).toMatchObject({
      action: 'stop',
      verdict: 'inconclusive',
      reason: expect.stringContaining('base sample 1 is 0'),
    })
  })

  it('refuses an estimate made at less than the look confidence', () => {
    let caught: unknown
    try {
      nextDecision(estimate(4, 20, 30, 0.95), budget, rule)
    } catch (error) {
      caught = error
    }
    expect(isPerfError(caught, 'PERF_INVALID_OPTION')).toBe(true)
    expect((caught as Error).message).toContain('Bonferroni over 5 looks')
  })

  // Auto-sampling one A/B run until decided; `perLook` is the confidence each look is made at.
  function autoSample(trueChange: number, tolerancePercent: number, perLook: number, seed: number) {
    const normal = seededNormal(seed)
    // The budget whose looks are made at `perLook`: 95% per look is a budget of 75% over its 5 looks.
    // The budget whose looks are made at `perLook`: 95% at each of 5 looks is a budget of 75% in all.
    const sequential = { ...budget, confidence: 1 - (1 - perLook) * lookCount(budget) }
    const verdicts = { regressed: 0, improved: 0, unchanged: 0, inconclusive: 0 }
    let pairsUsed = 0
    for (let trial = 0; trial < 1000; trial++) {
      const { base, head } = pairedRounds(normal, budget.maximumSamples, { trueChange, sdLog: 0.03 })
      let decision: SamplingDecision = { action: 'sample', reason: '' }
      let pairs = 1
      for (; decision.action === 'sample'; pairs++) {
        const now = estimateChange(base.slice(0, pairs), head.slice(0, pairs), {
          method: 'paired',
          confidence: perLook,
        })
        decision = nextDecision(now, sequential, { tolerancePercent, better: 'lower' })
      }
      if (decision.action === 'stop') verdicts[decision.verdict]++
      pairsUsed += pairs - 1
    }
    return { ...verdicts, meanPairs: pairsUsed / 1000 }
  }

  it('keeps wrong calls over all looks within the budget’s 5%, where 95% at every look does not', ({
    annotate,
  }) => {
    // No change and no tolerance: every decided verdict is a false alarm.
    const guarded = autoSample(0, 0, lookConfidence(budget), 11)
    const naive = autoSample(0, 0, 0.95, 11)
    annotate(`no change, tolerance 0, looks at 99%: ${JSON.stringify(guarded)}`)
    annotate(`… looks at 95% each: ${JSON.stringify(naive)}`)
    expect(guarded.regressed + guarded.improved).toBeLessThanOrEqual(0.05 * 1000)
    expect(naive.regressed + naive.improved).toBeGreaterThan(guarded.regressed + guarded.improved)
    // A change at the tolerance's edge: called unchanged (green) only within the budget's error.
    const edge = autoSample(0.05, 5, lookConfidence(budget), 12)
    annotate(`+5% at a 5% tolerance, looks at 99%: ${JSON.stringify(edge)}`)
    expect(edge.unchanged).toBeLessThanOrEqual(0.05 * 1000)
  })

  it('decides a +10% regression with 3% noise within the budget, and says how fast', ({ annotate }) => {
    const outcome = autoSample(0.1, 5, lookConfidence(budget), 13)
    annotate(`+10%, 3% noise, tolerance 5%, budget 4–12 pairs: ${JSON.stringify(outcome)}`)
    expect(outcome.unchanged + outcome.improved).toBe(0)
    expect(outcome.regressed).toBeGreaterThan(500)
  })
})
