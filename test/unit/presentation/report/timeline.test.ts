import { describe, expect, test } from 'vitest'
import { bucketTimeline } from '../../../../src/presentation/report/timeline.ts'
import { makeTimeline } from '../../../helpers/report-results.ts'

describe('bucketTimeline', () => {
  test('keeps a short run second by second', () => {
    const chart = bucketTimeline(makeTimeline([5, 6, 7], 100, 2), { durationMs: 3000 })
    expect(chart).toMatchObject({
      second: [0, 1, 2],
      rps: [100, 100, 100],
      errorsPerSecond: [2, 2, 2],
      p95: [5, 6, 7],
    })
    expect(chart.bucketSeconds).toBe(1)
  })

  test('thins a long run to at most maxPoints: mean rates, the worst latency of each bucket', () => {
    const p95s = Array.from({ length: 600 }, (_, second) => (second === 301 ? 90 : 5))
    const chart = bucketTimeline(makeTimeline(p95s), { maxPoints: 100 })
    expect(chart.second).toHaveLength(100)
    expect(chart.bucketSeconds).toBe(6)
    expect(chart.second.slice(0, 3)).toEqual([0, 6, 12])
    expect(chart.p95[50]).toBe(90)
    expect(chart.p95.filter((p95) => p95 === 90)).toHaveLength(1)
    expect(new Set(chart.rps)).toEqual(new Set([100]))
  })

  test('folds a sliver of a last second into the one before, so the end does not look like a collapse', () => {
    const timeline = makeTimeline([5, 6, 9], 100)
    timeline[2]!.requests = 4 // requests that finished in the 20 ms after the end
    const chart = bucketTimeline(timeline, { durationMs: 2020 })
    expect(chart.second).toEqual([0, 1])
    expect(chart.rps[1]).toBeCloseTo(104 / 1.02)
    expect(chart.p95[1]).toBe(9)
  })

  test('weighs a longer last part by the time it covered', () => {
    const timeline = makeTimeline([5, 5], 100)
    timeline[1]!.requests = 50
    expect(bucketTimeline(timeline, { durationMs: 1500 }).rps).toEqual([100, 100])
  })

  test('a second without a completed request has no latency, rather than 0 ms', () => {
    const timeline = makeTimeline([5, 5, 5])
    timeline[1]!.requests = 0
    expect(bucketTimeline(timeline).p95).toEqual([5, null, 5])
  })
})
