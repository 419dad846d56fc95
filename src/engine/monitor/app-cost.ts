import type { AppCost, AppCostSource, TimelinePoint } from '../../foundation/model/index.ts'
import { type AppProbe, type AppReading, AppSampler, mergeIntoTimeline } from './app-sampler.ts'
import type { CpuClock } from './cpu-clock.ts'
import { type EventLoopReading, EventLoopWatch } from './event-loop.ts'

// Every wake of the lag timer is CPU time on the app's thread, counted as the app's: ~3 ms a second at
// 20 ms on a busy 2-core machine (~7 ms at the generator's 10 ms).
const LAG_RESOLUTION_MS = 20

/** The end of the measured window: the app's reading then, and when. */
interface WindowEnd {
  reading: AppReading | undefined
  at: number
}

/** The test's own thread as the app: its CPU clock, the process's memory and this thread's heap. */
export function testThreadProbe(cpuNs: CpuClock): AppProbe {
  return () => {
    const cpu = cpuNs()
    if (cpu === undefined) return undefined
    const memory = process.memoryUsage()
    return { cpuNs: cpu, rssBytes: memory.rss, heapUsedBytes: memory.heapUsed }
  }
}

/**
 * Measures what the app under test cost over a run's steady state: its CPU time (divided by the requests
 * the steady state completed), memory growth, and for an app on this thread its event loop. Reads the app
 * once a second for the timeline, and at the steady state's start and end; nothing per request.
 */
export class AppCostMonitor {
  private readonly source: AppCostSource
  private readonly sampler: AppSampler
  private readonly loop: EventLoopWatch | undefined
  private readonly steadyFromMs: number
  private steadyTimer: NodeJS.Timeout | undefined
  private started = false
  private steadyStart: AppReading | undefined
  private steadyAt = 0
  private end: WindowEnd | undefined
  private loopReading: EventLoopReading | undefined

  /** `steadyFromMs`: when the steady state begins, after the start (the metrics count from there). */
  constructor(source: AppCostSource, probe: AppProbe, steadyFromMs: number) {
    this.source = source
    this.sampler = new AppSampler(probe)
    // Another process's event loop cannot be seen from here.
    this.loop = source === 'test-thread' ? new EventLoopWatch(LAG_RESOLUTION_MS) : undefined
    this.steadyFromMs = steadyFromMs
  }

  start(): void {
    this.started = true
    this.loop?.start()
    this.steadyStart = this.sampler.start()
    this.steadyAt = performance.now()
    if (this.steadyFromMs > 0) {
      this.steadyTimer = setTimeout(() => this.beginSteadyState(), this.steadyFromMs)
      this.steadyTimer.unref()
    }
  }

  // A run that ends before its steady state measures all of it, as its metrics do.
  private beginSteadyState(): void {
    if (this.end !== undefined) return
    this.steadyStart = this.sampler.read()
    this.steadyAt = performance.now()
    this.loop?.restart()
  }

  /** The load is over: the window ends here. Called again, it keeps the first end. */
  stop(): void {
    if (this.end !== undefined) return
    if (this.steadyTimer !== undefined) clearTimeout(this.steadyTimer)
    this.end = { reading: this.sampler.read(), at: performance.now() }
    this.loopReading = this.loop?.stop()
    this.sampler.stop()
  }

  /** Whether the app's process could not be read to the end of the run (it exited). */
  get lost(): boolean {
    return this.sampler.lost
  }

  /** The app's cost over the steady state, `requests` being what it completed; the seconds into `timeline`. */
  result(requests: number, timeline: TimelinePoint[]): AppCost {
    this.stop()
    mergeIntoTimeline(timeline, this.sampler.seconds)
    if (!this.started) return { measured: false, reason: 'the run ended before its load began' }
    const start = this.steadyStart
    const end = this.end?.reading
    if (start === undefined || end === undefined) {
      return { measured: false, reason: 'the app’s process exited during the run' }
    }
    if (requests === 0) {
      return {
        measured: false,
        reason: 'no request completed in the steady state to divide the app’s CPU by',
      }
    }
    const cpuNs = end.cpuNs - start.cpuNs
    const elapsedMs = (this.end?.at ?? this.steadyAt) - this.steadyAt
    const cost: AppCost = {
      measured: true,
      source: this.source,
      cpuPerRequestUs: round(cpuNs / 1000 / requests, 10),
      cpuPercent: elapsedMs > 0 ? round((cpuNs / 1e6 / elapsedMs) * 100, 10) : 0,
      requests,
      rssGrowthBytes: end.rssBytes - start.rssBytes,
    }
    if (start.heapUsedBytes !== undefined && end.heapUsedBytes !== undefined) {
      cost.heapGrowthBytes = end.heapUsedBytes - start.heapUsedBytes
    }
    if (this.loopReading !== undefined) {
      cost.eventLoopUtilization = round(this.loopReading.utilization, 100)
      cost.eventLoopLagP99Ms = round(this.loopReading.lagP99Ms, 100)
      cost.eventLoopLagMeanMs = round(this.loopReading.lagMeanMs, 100)
    }
    return cost
  }
}

function round(value: number, per: number): number {
  return Math.round(value * per) / per
}
