import { describe, expect, it } from 'vitest'
import type { TimelinePoint } from '../../../src/foundation/model/index.ts'
import { plannedRunMs, steadyWindows } from '../../../src/metrics/steady-windows.ts'

function point(second: number, requests: number, extra: Partial<TimelinePoint> = {}): TimelinePoint {
  return { second, requests, errors: 0, p50: 1, p95: 2 + second, p99: 3, activeUsers: 2, ...extra }
}

describe('steadyWindows', () => {
  it('takes the steady seconds only: a warm-up’s and a ramp-up’s are no windows', () => {
    const timeline = [
      point(0, 100, { phase: 'warmup' }),
      point(1, 150, { phase: 'rampUp' }),
      point(2, 200, { phase: 'steady', appCpuPerRequestUs: 50 }),
      point(3, 210, { phase: 'steady', appCpuPerRequestUs: 52 }),
      point(4, 190, { phase: 'steady', appCpuPerRequestUs: 49 }),
    ]
    expect(steadyWindows(timeline, 5000)).toEqual({
      count: 3,
      cpuPerRequest: [50, 52, 49],
      p95: [4, 5, 6],
      rps: [200, 210, 190],
    })
  })

  it('leaves out a last second the end of the run cut short, and keeps one that was whole', () => {
    const timeline = [point(0, 100), point(1, 100), point(2, 40)]
    expect(steadyWindows(timeline, 2500).rps).toEqual([100, 100])
    expect(steadyWindows(timeline, 3000).rps).toEqual([100, 100, 40])
    // Bounded by a count of requests: how long the last second lasted is unknown.
    expect(steadyWindows(timeline, undefined).rps).toEqual([100, 100])
  })

  it('a second without a completed request is no window; one without a timed response has no p95', () => {
    const timeline = [point(0, 0), point(1, 80, { p95: 0 }), point(2, 90), point(3, 95)]
    expect(steadyWindows(timeline, 4000)).toEqual({
      count: 3,
      cpuPerRequest: [],
      p95: [4, 5],
      rps: [80, 90, 95],
    })
  })

  it('plans a run as its warm-up and its duration', () => {
    expect(plannedRunMs({ durationMs: 3000, warmupMs: 500 })).toBe(3500)
    expect(plannedRunMs({ durationMs: 3000 })).toBe(3000)
    expect(plannedRunMs({})).toBeUndefined()
  })
})
