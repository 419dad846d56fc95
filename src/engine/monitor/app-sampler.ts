import type { TimelinePoint } from '../../foundation/model/index.ts'

const SAMPLE_INTERVAL_MS = 1000

/** One reading of the app under test: CPU time used so far, memory. */
export interface AppReading {
  cpuNs: number
  rssBytes: number
  /** The app thread's JavaScript heap (an app in the test's own thread only). */
  heapUsedBytes?: number
}

/** Reads the app; undefined once it can no longer be read (its process exited). */
export type AppProbe = () => AppReading | undefined

/** One second of the app. */
export interface AppSecond {
  cpuNs: number
  cpuPercent: number
  rssBytes: number
}

/**
 * Reads the app once a second while a run goes on, and when asked. The seconds line up with the collector's
 * timeline: second `i` covers timeline second `i`. Nothing of it runs per request.
 */
export class AppSampler {
  readonly seconds: AppSecond[] = []
  /** Set when the app could not be read mid-run (its process exited). */
  lost = false
  private readonly probe: AppProbe
  private timer: NodeJS.Timeout | undefined
  private last: AppReading | undefined
  private lastAt = 0

  constructor(probe: AppProbe) {
    this.probe = probe
  }

  /** Starts the seconds; returns the first reading. */
  start(): AppReading | undefined {
    this.last = this.read()
    this.lastAt = performance.now()
    this.timer = setInterval(() => this.sample(), SAMPLE_INTERVAL_MS)
    this.timer.unref()
    return this.last
  }

  /** A reading now, outside the seconds; undefined once the app is lost. */
  read(): AppReading | undefined {
    if (this.lost) return undefined
    const reading = this.probe()
    if (reading === undefined) this.lost = true
    return reading
  }

  /** Stops the seconds; a last partial second is kept when it is long enough to mean something. */
  stop(): void {
    if (this.timer === undefined) return
    clearInterval(this.timer)
    this.timer = undefined
    if (performance.now() - this.lastAt >= SAMPLE_INTERVAL_MS / 10) this.sample()
  }

  private sample(): void {
    if (this.last === undefined) return
    const reading = this.read()
    if (reading === undefined) return
    const now = performance.now()
    const cpuNs = reading.cpuNs - this.last.cpuNs
    const elapsedMs = now - this.lastAt
    this.seconds.push({
      cpuNs,
      cpuPercent: elapsedMs > 0 ? round((cpuNs / 1e6 / elapsedMs) * 100) : 0,
      rssBytes: reading.rssBytes,
    })
    this.last = reading
    this.lastAt = now
  }
}

function round(value: number): number {
  return Math.round(value * 10) / 10
}

/** Copies the app's seconds into the timeline points of the same second. */
export function mergeIntoTimeline(timeline: TimelinePoint[], seconds: readonly AppSecond[]): void {
  const count = Math.min(timeline.length, seconds.length)
  for (let index = 0; index < count; index++) {
    const point = timeline[index]!
    const second = seconds[index]!
    point.appCpuPercent = second.cpuPercent
    if (point.requests > 0) point.appCpuPerRequestUs = round(second.cpuNs / 1000 / point.requests)
    point.appRssBytes = second.rssBytes
  }
}
