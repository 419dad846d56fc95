import { describe, expect, it } from 'vitest'
import { MetricsCollector } from '../../../src/metrics/collector.ts'
import { seededRandom } from '../../helpers/seeded-random.ts'

/** Exact percentile by the nearest-rank method on sorted samples. */
function exactPercentile(sorted: number[], percentile: number): number {
  const rank = Math.max(1, Math.ceil((percentile / 100) * sorted.length))
  return sorted[rank - 1]!
}

function collect(samples: number[]): MetricsCollector {
  const collector = new MetricsCollector({ timeline: false })
  collector.start()
  for (const sample of samples) collector.recordResponseTime(sample)
  collector.stop()
  return collector
}

describe('MetricsCollector percentiles', () => {
  const random = seededRandom(42)
  const distributions: Record<string, number[]> = {
    // Log-normal around 20 ms: the shape of most service latencies.
    lognormal: Array.from({ length: 50_000 }, () => {
      const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
      return Math.exp(Math.log(20) + 0.5 * normal)
    }),
    uniform: Array.from({ length: 20_000 }, () => 0.05 + random() * 500),
    bimodal: Array.from({ length: 30_000 }, (_, index) =>
      index % 10 === 0 ? 300 + random() * 50 : 2 + random() * 3,
    ),
  }

  for (const [name, samples] of Object.entries(distributions)) {
    it(`matches exact percentiles within 1% on a ${name} distribution`, () => {
      const metrics = collect(samples).getMetrics()
      const sorted = [...samples].sort((a, b) => a - b)
      const pairs = [
        [metrics.responseTimes.p50, 50],
        [metrics.responseTimes.p75, 75],
        [metrics.responseTimes.p90, 90],
        [metrics.responseTimes.p95, 95],
        [metrics.responseTimes.p99, 99],
        [metrics.responseTimes.p999, 99.9],
      ] as const
      for (const [reported, percentile] of pairs) {
        const exact = exactPercentile(sorted, percentile)
        expect(
          Math.abs(reported - exact) / exact,
          `p${percentile}: ${reported} vs ${exact}`,
        ).toBeLessThanOrEqual(0.01)
      }
      const mean = samples.reduce((sum, value) => sum + value, 0) / samples.length
      expect(metrics.responseTimes.mean).toBeCloseTo(mean, 6)
      expect(metrics.responseTimes.min).toBe(sorted[0])
      expect(metrics.responseTimes.max).toBe(sorted.at(-1))
      const variance = samples.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (samples.length - 1)
      expect(metrics.responseTimes.sd).toBeCloseTo(Math.sqrt(variance), 4)
    })
  }
})

describe('MetricsCollector counts', () => {
  it('counts successes, errors by type with sample messages, status codes and bytes', () => {
    const collector = new MetricsCollector({ timeline: false })
    collector.start()
    collector.recordResponseTime(10)
    collector.recordStatus(200)
    collector.recordResponseTime(12)
    collector.recordStatus(200)
    collector.recordError('http_5xx', 'HTTP 500', 30)
    collector.recordStatus(500)
    collector.recordError('timeout', 'request exceeded the 100 ms timeout')
    collector.recordBytes(1024)
    collector.stop()
    const metrics = collector.getMetrics()
    expect(metrics.totalRequests).toBe(4)
    expect(metrics.successfulRequests).toBe(2)
    expect(metrics.failedRequests).toBe(2)
    expect(metrics.errorRatePercent).toBe(50)
    expect(metrics.statusCodes).toEqual({ '200': 2, '500': 1 })
    expect(metrics.errorsByType).toEqual({
      http_5xx: { count: 1, sampleMessages: ['HTTP 500'] },
      timeout: { count: 1, sampleMessages: ['request exceeded the 100 ms timeout'] },
    })
    // A timeout has no latency; a 500 does.
    expect(metrics.responseTimes.max).toBe(30)
    expect(metrics.bytesReceived).toBe(1024)
  })

  it('keeps at most five distinct sample messages per error type', () => {
    const collector = new MetricsCollector({ timeline: false })
    collector.start()
    for (let index = 0; index < 100; index++) collector.recordError('other', `message ${index % 8}`)
    collector.stop()
    const other = collector.getMetrics().errorsByType.other
    expect(other?.count).toBe(100)
    expect(other?.sampleMessages).toEqual(['message 0', 'message 1', 'message 2', 'message 3', 'message 4'])
  })

  it('computes throughput over the measured duration using the injected clock', () => {
    let now = 0
    const collector = new MetricsCollector({ timeline: false, now: () => now })
    collector.start()
    for (let index = 0; index < 500; index++) collector.recordResponseTime(1)
    now = 2000
    collector.stop()
    const metrics = collector.getMetrics()
    expect(metrics.durationMs).toBe(2000)
    expect(metrics.rps).toBe(250)
  })

  it('reports zeros, not NaN, for an empty run', () => {
    const collector = new MetricsCollector({ timeline: false })
    collector.start()
    collector.stop()
    const metrics = collector.getMetrics()
    expect(metrics.totalRequests).toBe(0)
    expect(metrics.errorRatePercent).toBe(0)
    expect(Object.values(metrics.responseTimes).every((value) => value === 0)).toBe(true)
  })

  it('can be read while running and still merges everything at the end', () => {
    const collector = new MetricsCollector({ timeline: false })
    collector.start()
    collector.recordResponseTime(5)
    expect(collector.getMetrics().totalRequests).toBe(1)
    collector.recordResponseTime(7)
    collector.stop()
    expect(collector.getMetrics().totalRequests).toBe(2)
    expect(collector.getHistogram().totalCount).toBe(2)
  })

  it('writes the last partial second into the timeline', () => {
    const collector = new MetricsCollector()
    collector.start()
    collector.setActiveUsers(3)
    collector.recordResponseTime(4)
    collector.recordError('http_4xx', 'HTTP 404', 2)
    collector.stop()
    // Histogram values are exact to 3 significant digits.
    expect(collector.getTimeline()).toEqual([
      {
        second: 0,
        requests: 2,
        errors: 1,
        p50: expect.closeTo(2, 2),
        p95: expect.closeTo(4, 2),
        p99: expect.closeTo(4, 2),
        activeUsers: 3,
      },
    ])
  })
})
