import { describe, expect, it } from 'vitest'
import { isPerfError } from '../../../../src/foundation/errors.ts'
import type { LoadMetrics } from '../../../../src/foundation/model/index.ts'
import {
  findBreak,
  type MeasuredStep,
  resolveBreakCriteria,
} from '../../../../src/orchestration/stress/break-criteria.ts'

function step(
  users: number,
  { errorRatePercent = 0, p95 = 20, rps = 100 } = {},
  failed = false,
): MeasuredStep {
  const metrics = {
    errorRatePercent,
    rps,
    responseTimes: {
      min: 1,
      max: 100,
      mean: 10,
      sd: 1,
      p50: 10,
      p75: 12,
      p90: 15,
      p95,
      p99: 30,
      p999: 40,
    },
  } as LoadMetrics
  return {
    users,
    result: {
      metrics,
      success: !failed,
      thresholds: failed ? [{ expression: 'p(95)<10', actual: p95, passed: false }] : [],
    },
  }
}

const defaults = resolveBreakCriteria(undefined)

describe('findBreak', () => {
  it('holds while errors stay low, p95 stays within 2× the first step and throughput scales', () => {
    const first = step(10, { rps: 100 })
    expect(findBreak(first, undefined, undefined, defaults)).toBeUndefined()
    expect(findBreak(step(20, { p95: 39, rps: 190 }), first, first, defaults)).toBeUndefined()
  })

  it('breaks on an error rate above 5%, even at the first step', () => {
    expect(findBreak(step(10, { errorRatePercent: 5.1 }), undefined, undefined, defaults)).toEqual({
      criterion: 'errorRatePercent',
      reason: 'error rate 5.1% > 5%',
    })
  })

  it("breaks on p95 above twice the first step's", () => {
    const first = step(10, { p95: 20 })
    const broken = findBreak(step(20, { p95: 41, rps: 200 }), first, first, defaults)
    expect(broken?.criterion).toBe('p95')
    expect(broken?.reason).toBe("p95 41 ms > 2 × the first step's 20 ms")
  })

  it('breaks when added users add less than a quarter of linear throughput, or throughput falls', () => {
    const previous = step(40, { rps: 400 })
    // +25% users: +6.25% throughput is the least that holds.
    expect(findBreak(step(50, { rps: 425 }), previous, previous, defaults)).toBeUndefined()
    expect(findBreak(step(50, { rps: 424 }), previous, previous, defaults)?.criterion).toBe('rps')
    const off = resolveBreakCriteria({ minThroughputScaling: 0 })
    expect(findBreak(step(50, { rps: 398 }), previous, previous, off)?.reason).toMatch(
      /^throughput no longer rising: 398 req\/s at 50 users vs 400 req\/s at 40 \(-0\.5%, users \+25%\)$/,
    )
  })

  it("breaks when the run's own thresholds fail", () => {
    expect(findBreak(step(10, {}, true), undefined, undefined, defaults)).toEqual({
      criterion: 'thresholds',
      reason: 'thresholds failed: p(95)<10',
    })
  })

  it('turns criteria off with false', () => {
    const none = resolveBreakCriteria({
      maxErrorRatePercent: false,
      maxP95Ratio: false,
      minThroughputScaling: false,
    })
    const first = step(10)
    expect(
      findBreak(step(20, { errorRatePercent: 90, p95: 900, rps: 1 }), first, first, none),
    ).toBeUndefined()
  })
})

describe('resolveBreakCriteria', () => {
  it('fills in the defaults and keeps what is given', () => {
    expect(resolveBreakCriteria({ maxP95Ratio: 3 })).toEqual({
      maxErrorRatePercent: 5,
      maxP95Ratio: 3,
      minThroughputScaling: 0.25,
    })
  })

  it('names the bad option', () => {
    for (const [breakOn, option] of [
      [{ maxErrorRatePercent: 'high' }, 'breakOn.maxErrorRatePercent'],
      [{ maxP95Ratio: Number.NaN }, 'breakOn.maxP95Ratio'],
      [{ p99: 2 }, 'breakOn.p99'],
      [7, 'breakOn'],
    ] as const) {
      const error = (() => {
        try {
          resolveBreakCriteria(breakOn as never)
        } catch (caught) {
          return caught
        }
      })()
      expect(isPerfError(error, 'PERF_INVALID_OPTION')).toBe(true)
      expect((error as { option: string }).option).toBe(option)
    }
  })
})
