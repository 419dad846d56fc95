import { describe, expect, it } from 'vitest'
import { AppSampler, mergeIntoTimeline } from '../../../../src/engine/monitor/app-sampler.ts'
import type { TimelinePoint } from '../../../../src/foundation/model/index.ts'

const point = (second: number, requests: number): TimelinePoint => ({
  second,
  requests,
  errors: 0,
  p50: 1,
  p95: 1,
  p99: 1,
  activeUsers: 1,
})

describe('mergeIntoTimeline', () => {
  it('copies second i into timeline second i, CPU per request where the second had requests', () => {
    const timeline = [point(0, 100), point(1, 0), point(2, 10)]
    mergeIntoTimeline(timeline, [
      { cpuNs: 50_000_000, cpuPercent: 5, rssBytes: 100 },
      { cpuNs: 1_000_000, cpuPercent: 0.1, rssBytes: 200 },
    ])
    expect(timeline.map((p) => [p.appCpuPercent, p.appCpuPerRequestUs, p.appRssBytes])).toEqual([
      [5, 500, 100],
      [0.1, undefined, 200],
      [undefined, undefined, undefined],
    ])
  })
})

describe('AppSampler', () => {
  it('stops reading, and says so, once the app is gone', () => {
    const readings = [{ cpuNs: 0, rssBytes: 1 }, undefined, { cpuNs: 5, rssBytes: 1 }]
    let reads = 0
    const sampler = new AppSampler(() => readings[reads++])
    expect(sampler.start()).toEqual({ cpuNs: 0, rssBytes: 1 })
    expect(sampler.read()).toBeUndefined()
    expect(sampler.lost).toBe(true)
    expect(sampler.read()).toBeUndefined()
    expect(reads).toBe(2)
    sampler.stop()
    expect(sampler.seconds).toEqual([])
  })
})
