import { describe, expect, it } from 'vitest'
import { TimelineMerger } from '../../../src/engine/timeline-merger.ts'
import { MetricsCollector } from '../../../src/metrics/collector.ts'
import {
  createLatencyHistogram,
  encodeHistogram,
  percentileMs,
  toHistogramValue,
} from '../../../src/metrics/histogram.ts'
import { seededRandom } from '../../helpers/seeded-random.ts'

type Event = { ms: number; status: number; error?: 'http_5xx' | 'timeout' }

function events(count: number, seed: number): Event[] {
  const random = seededRandom(seed)
  return Array.from({ length: count }, (_, index) => {
    // Log-normal around 5 ms with a slow tail, a few 500s and timeouts.
    const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
    const ms = index % 97 === 0 ? 200 + random() * 800 : Math.exp(Math.log(5) + 0.6 * normal)
    if (index % 50 === 0) return { ms, status: 500, error: 'http_5xx' }
    if (index % 333 === 0) return { ms, status: 0, error: 'timeout' }
    return { ms, status: 200 }
  })
}

function feed(collector: MetricsCollector, list: Event[]): void {
  for (const event of list) {
    if (event.status !== 0) collector.recordStatus(event.status)
    collector.recordBytes(2)
    if (event.error === 'http_5xx') collector.recordError('http_5xx', 'HTTP 500', event.ms)
    else if (event.error === 'timeout') collector.recordError('timeout', `timeout #${event.ms.toFixed(0)}`)
    else collector.recordResponseTime(event.ms)
  }
}

function collect(list: Event[]): MetricsCollector {
  const collector = new MetricsCollector({ timeline: false })
  collector.start()
  feed(collector, list)
  collector.stop()
  return collector
}

describe('MetricsCollector.merge', () => {
  const all = events(60_000, 7)

  it('gives exactly the percentiles, counts and errors of one collector fed the same data', () => {
    const single = collect(all).getMetrics()
    // Three "threads" with uneven shares, their snapshots cloned as postMessage would.
    const merged = new MetricsCollector({ timeline: false })
    for (const part of [all.slice(0, 10_000), all.slice(10_000, 45_000), all.slice(45_000)]) {
      merged.merge(structuredClone(collect(part).snapshot()))
    }
    const result = merged.getMetrics()

    for (const key of ['p50', 'p75', 'p90', 'p95', 'p99', 'p999', 'min', 'max'] as const) {
      expect(result.responseTimes[key], key).toBe(single.responseTimes[key])
    }
    expect(result.responseTimes.mean).toBeCloseTo(single.responseTimes.mean, 9)
    expect(result.responseTimes.sd).toBeCloseTo(single.responseTimes.sd, 9)
    expect(result.totalRequests).toBe(60_000)
    expect(result.successfulRequests).toBe(single.successfulRequests)
    expect(result.statusCodes).toEqual(single.statusCodes)
    expect(result.bytesReceived).toBe(single.bytesReceived)
    expect(result.errorsByType.http_5xx).toEqual(single.errorsByType.http_5xx)
    expect(result.errorsByType.timeout?.count).toBe(single.errorsByType.timeout?.count)
    expect(result.errorsByType.timeout?.sampleMessages).toHaveLength(5)
  })

  it('takes the longest duration of the merged collectors', () => {
    let now = 0
    const clock = () => now
    const short = new MetricsCollector({ timeline: false, now: clock })
    short.start()
    now = 800
    short.stop()
    const long = new MetricsCollector({ timeline: false, now: clock })
    long.start()
    now = 2000
    long.stop()
    const merged = new MetricsCollector({ timeline: false })
    merged.merge(short.snapshot())
    merged.merge(long.snapshot())
    expect(merged.getMetrics().durationMs).toBe(1200)
  })
})

describe('TimelineMerger', () => {
  it('sums each second over the workers and reads its percentiles from the merged histograms', () => {
    const data = events(8000, 11).map((event) => event.ms)
    // Two workers, two seconds each; worker 1 also has a last, partial third second.
    const seconds = [
      [data.slice(0, 1000), data.slice(1000, 3000)],
      [data.slice(3000, 5000), data.slice(5000, 7000), data.slice(7000)],
    ]
    const merger = new TimelineMerger(2)
    for (let second = 0; second < 3; second++) {
      for (const worker of [0, 1]) {
        const values = seconds[worker]?.[second]
        if (values === undefined) continue
        const histogram = createLatencyHistogram()
        for (const ms of values) histogram.recordValue(toHistogramValue(ms))
        merger.add(worker, {
          requests: values.length,
          errors: 1,
          activeUsers: 5,
          histogram: encodeHistogram(histogram),
        })
      }
    }
    const timeline = merger.timeline()

    expect(timeline.map((point) => [point.second, point.requests, point.errors, point.activeUsers])).toEqual([
      [0, 3000, 2, 10],
      [1, 4000, 2, 10],
      [2, 1000, 1, 5],
    ])
    const firstSecond = createLatencyHistogram()
    for (const ms of [...data.slice(0, 1000), ...data.slice(3000, 5000)])
      firstSecond.recordValue(toHistogramValue(ms))
    expect(timeline[0]?.p99).toBe(percentileMs(firstSecond, 99))
    expect(timeline[0]?.p50).toBe(percentileMs(firstSecond, 50))
    expect(merger.progress(2000)).toMatchObject({ totalRequests: 8000, failedRequests: 5, rps: 4000 })
  })
})
