import {
  type EventLoopUtilization,
  type IntervalHistogram,
  monitorEventLoopDelay,
  performance,
} from 'node:perf_hooks'

/** How busy the calling thread's event loop was over a watch. */
export interface EventLoopReading {
  /** Share of the time the loop was busy (0..1). */
  utilization: number
  lagP99Ms: number
  lagMeanMs: number
}

/**
 * Watches the calling thread's event loop: its lag (a timer every `resolutionMs`, in native code) and
 * utilization. Nothing of it runs per request.
 */
export class EventLoopWatch {
  private readonly resolutionMs: number
  private readonly lag: IntervalHistogram
  private utilizationAtStart: EventLoopUtilization = performance.eventLoopUtilization()

  constructor(resolutionMs: number) {
    this.resolutionMs = resolutionMs
    this.lag = monitorEventLoopDelay({ resolution: resolutionMs })
  }

  start(): void {
    this.lag.enable()
    this.restart()
  }

  /** Forgets what was seen so far: the watch counts from here. */
  restart(): void {
    this.lag.reset()
    this.utilizationAtStart = performance.eventLoopUtilization()
  }

  stop(): EventLoopReading {
    this.lag.disable()
    const empty = this.lag.count === 0
    // The histogram holds whole timer periods (ns); the lag is what exceeds the period.
    const lagMs = (ns: number) => (empty ? 0 : Math.max(0, ns / 1e6 - this.resolutionMs))
    return {
      utilization: performance.eventLoopUtilization(this.utilizationAtStart).utilization,
      lagP99Ms: lagMs(this.lag.percentile(99)),
      lagMeanMs: lagMs(this.lag.mean),
    }
  }
}
