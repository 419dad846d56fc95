import { describe, expect, it } from 'vitest'
import { formatChange } from '../../../src/metrics/change-format.ts'
import { type ChangeEstimate, estimateChange } from '../../../src/metrics/change-interval.ts'

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

describe('formatChange', () => {
  it('signs every number and keeps one decimal', () => {
    expect(formatChange(interval(14, 9.06, 19.24))).toBe('+14.0% [+9.1%, +19.2%]')
    expect(formatChange(interval(-3.25, -7.5, 1.04))).toBe('-3.3% [-7.5%, +1.0%]')
    expect(formatChange(interval(0, -0.04, 0.04))).toBe('0.0% [-0.0%, +0.0%]')
    expect(formatChange(interval(1234.5, 120, 9999.99))).toBe('+1234.5% [+120.0%, +10000.0%]')
  })

  it('says why there is no estimate', () => {
    expect(formatChange(estimateChange([100], [110], { method: 'paired' }))).toBe(
      'no estimate (an interval needs at least 2 pairs, got 1)',
    )
  })
})
