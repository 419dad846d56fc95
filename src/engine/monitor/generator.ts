import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import type { GeneratorHealth } from '../../foundation/model/index.ts'
import { round } from '../../foundation/util/format.ts'

const LAG_RESOLUTION_MS = 10
/** Above this share of busy time the event loop queues responses before it reads them (Locust warns at 90% CPU). */
export const SATURATED_UTILIZATION = 0.9
/** A p99 event-loop lag above this delays the reading of responses visibly. */
export const SATURATED_LAG_MS = 50

/**
 * Watches the load generator itself while a run goes on: event-loop lag (sampled every 10 ms), event-loop
 * utilization and process CPU. Nothing of it runs per request.
 */
export class GeneratorMonitor {
  private readonly lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS })
  private utilizationAtStart = performance.eventLoopUtilization()
  private cpuAtStart = process.cpuUsage()
  private startedAt = 0

  start(): void {
    this.lag.reset()
    this.lag.enable()
    this.utilizationAtStart = performance.eventLoopUtilization()
    this.cpuAtStart = process.cpuUsage()
    this.startedAt = performance.now()
  }

  /**
   * Ends the watch. `busyWaits`: the generator spent its idle time on a busy loop (the open model's waits for
   * due times), so a busy event loop is no sign of saturation; the lag still is.
   */
  stop({ busyWaits = false }: { busyWaits?: boolean } = {}): GeneratorHealth {
    this.lag.disable()
    const elapsedMs = performance.now() - this.startedAt
    const cpu = process.cpuUsage(this.cpuAtStart)
    const utilization = performance.eventLoopUtilization(this.utilizationAtStart).utilization
    // The histogram holds whole timer periods (ns); the lag is what exceeds the period.
    const lagP99Ms = this.lag.count === 0 ? 0 : Math.max(0, this.lag.percentile(99) / 1e6 - LAG_RESOLUTION_MS)
    const cpuPercent = elapsedMs > 0 ? ((cpu.user + cpu.system) / 1000 / elapsedMs) * 100 : 0
    return {
      saturated: (!busyWaits && utilization >= SATURATED_UTILIZATION) || lagP99Ms >= SATURATED_LAG_MS,
      eventLoopLagP99Ms: round(lagP99Ms),
      eventLoopUtilization: round(utilization),
      cpuPercent: round(cpuPercent),
    }
  }
}

/** How a saturation warning begins: reports tell it from other warnings by this. */
export const SATURATION_PREFIX = 'The load generator saturated'

/** The warning a saturated generator puts on its result. */
export function saturationWarning(health: GeneratorHealth): string {
  return (
    `${SATURATION_PREFIX} (event loop busy ${Math.round(health.eventLoopUtilization * 100)}% of the time, ` +
    `lag p99 ${health.eventLoopLagP99Ms} ms, CPU ${Math.round(health.cpuPercent)}%): these numbers describe the ` +
    'tester as much as the server. Use fewer users or a lower rate, or move the target to another process or machine.'
  )
}
