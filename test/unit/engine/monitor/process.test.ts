import { describe, expect, it } from 'vitest'
import { mergeIntoTimeline, parseProcFiles } from '../../../../src/engine/monitor/process.ts'
import type { TimelinePoint } from '../../../../src/foundation/model/index.ts'

const STAT =
  '4242 (node (worker) x) S 1 4242 4242 0 -1 4194560 5000 0 0 0 250 50 0 0 20 0 11 0 100 1000000 2500 ' +
  '18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0'

describe('parseProcFiles', () => {
  it('reads utime + stime after the last parenthesis, and VmRSS', () => {
    const status = 'Name:\tnode\nVmPeak:\t 999 kB\nVmRSS:\t   51200 kB\nThreads:\t11\n'
    expect(parseProcFiles(STAT, status)).toEqual({ cpuSeconds: 3, rssBytes: 51200 * 1024 })
  })
})

describe('mergeIntoTimeline', () => {
  it('copies sample i into second i, leaving seconds without a sample alone', () => {
    const point = (second: number): TimelinePoint => ({
      second,
      requests: 1,
      errors: 0,
      p50: 1,
      p95: 1,
      p99: 1,
      activeUsers: 1,
    })
    const timeline = [point(0), point(1), point(2)]
    mergeIntoTimeline(timeline, [
      { cpuPercent: 12.5, rssBytes: 100 },
      { cpuPercent: 50, rssBytes: 200 },
    ])
    expect(timeline.map((p) => [p.targetCpuPercent, p.targetRssBytes])).toEqual([
      [12.5, 100],
      [50, 200],
      [undefined, undefined],
    ])
  })
})
