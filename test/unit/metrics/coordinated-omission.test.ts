import { describe, expect, it } from 'vitest'
import { coordinatedOmissionWarning, correctedP99Ms } from '../../../src/metrics/coordinated-omission.ts'
import { createLatencyHistogram, type LatencyHistogram } from '../../../src/metrics/histogram.ts'

function histogramOf(valuesUs: number[]): LatencyHistogram {
  const histogram = createLatencyHistogram()
  for (const value of valuesUs) histogram.recordValue(value)
  return histogram
}

describe('correctedP99Ms', () => {
  it("matches HdrHistogram's own correction", () => {
    const values = [
      ...Array.from({ length: 10_000 }, () => 1000),
      ...Array.from({ length: 10 }, () => 300_000),
    ]
    const histogram = histogramOf(values)
    const reference = histogram.copyCorrectedForCoordinatedOmission(1000).getValueAtPercentile(99) / 1000
    // Equal up to the histogram's 3 significant digits.
    expect(Math.abs(correctedP99Ms(histogram, 1000)! - reference) / reference).toBeLessThan(0.005)
  })

  it('leaves a histogram without outliers as it is', () => {
    const histogram = histogramOf(Array.from({ length: 1000 }, (_, index) => 1000 + (index % 500)))
    expect(correctedP99Ms(histogram, 1250)).toBeCloseTo(histogram.getValueAtPercentile(99) / 1000, 0)
  })
})

describe('coordinatedOmissionWarning', () => {
  it('warns when a few long stalls hide many requests', () => {
    // 10 users × 3 stalls of 300 ms among 20,000 fast responses: recorded p99 stays at 1 ms.
    const values = [
      ...Array.from({ length: 20_000 }, () => 1000),
      ...Array.from({ length: 30 }, () => 300_000),
    ]
    const warning = coordinatedOmissionWarning(histogramOf(values))
    expect(warning).toMatch(/p99 would be about \d+ ms, not 1 ms/)
  })

  it('stays quiet for steady latency and for small samples', () => {
    expect(
      coordinatedOmissionWarning(histogramOf(Array.from({ length: 5000 }, () => 20_000))),
    ).toBeUndefined()
    expect(coordinatedOmissionWarning(histogramOf([1000, 300_000]))).toBeUndefined()
  })
})
