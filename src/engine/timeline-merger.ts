import type { LoadMetrics, RunPhase, TimelinePoint } from '../foundation/model/index.ts'
import { MAX_TIMELINE_POINTS } from '../metrics/collector.ts'
import {
  createLatencyHistogram,
  decodeHistogram,
  type LatencyHistogram,
  percentileMs,
} from '../metrics/histogram.ts'
import { statsFromHistogram } from '../metrics/histogram-stats.ts'
import { deriveRequestCounts } from '../metrics/request-counts.ts'
import type { WorkerInterval } from './worker-protocol.ts'

interface PendingSecond {
  reported: number
  requests: number
  errors: number
  activeUsers: number
  histogram: LatencyHistogram
  phase: RunPhase | undefined
}

/**
 * Merges the per-second timelines of worker threads as their intervals arrive: second `k` of the run is
 * the sum of every worker's `k`-th interval (requests, errors, active users), its percentiles read from the
 * merged histogram of that second. A second is final once every worker has reported it, so at most a
 * second or two of histograms are held. Also keeps running totals for progress reports.
 */
export class TimelineMerger {
  private readonly workers: number
  private readonly reportedBy: number[]
  private readonly pending = new Map<number, PendingSecond>()
  private readonly points: TimelinePoint[] = []
  private readonly total = createLatencyHistogram()
  private requests = 0
  private errors = 0

  constructor(workers: number) {
    this.workers = workers
    this.reportedBy = new Array<number>(workers).fill(0)
  }

  /** Adds a worker's next second; true when that second is now complete (every worker reported it). */
  add(worker: number, interval: WorkerInterval): boolean {
    const second = this.reportedBy[worker]!++
    let slot = this.pending.get(second)
    if (slot === undefined) {
      slot = {
        reported: 0,
        requests: 0,
        errors: 0,
        activeUsers: 0,
        histogram: createLatencyHistogram(),
        phase: interval.phase,
      }
      this.pending.set(second, slot)
    }
    const histogram = decodeHistogram(interval.histogram)
    slot.histogram.add(histogram)
    this.total.add(histogram)
    slot.reported++
    slot.requests += interval.requests
    slot.errors += interval.errors
    slot.activeUsers += interval.activeUsers
    this.requests += interval.requests
    this.errors += interval.errors
    if (slot.reported !== this.workers) return false
    this.close(second, slot)
    return true
  }

  /** The merged timeline; call once every worker has sent its last interval. */
  timeline(): TimelinePoint[] {
    for (const [second, slot] of this.pending) this.close(second, slot)
    return this.points.filter((point) => point !== undefined)
  }

  /** What progress reports show while the run goes on: requests, errors and latency so far. */
  progress(durationMs: number): LoadMetrics {
    return {
      ...deriveRequestCounts({ total: this.requests, failed: this.errors, durationMs }),
      responseTimes: statsFromHistogram(this.total),
      errorsByType: {},
      statusCodes: {},
      bytesReceived: 0,
      durationMs,
    }
  }

  private close(second: number, slot: PendingSecond): void {
    this.pending.delete(second)
    if (second >= MAX_TIMELINE_POINTS) return
    const point: TimelinePoint = {
      second,
      requests: slot.requests,
      errors: slot.errors,
      p50: percentileMs(slot.histogram, 50),
      p95: percentileMs(slot.histogram, 95),
      p99: percentileMs(slot.histogram, 99),
      // The sum of each worker's peak in the second: an upper bound of the second's peak.
      activeUsers: slot.activeUsers,
    }
    if (slot.phase !== undefined) point.phase = slot.phase
    this.points[second] = point
  }
}
