import type { GeneratorHealth } from '../../foundation/model/index.ts'
import { round } from '../../foundation/util/format.ts'
import { EventLoopWatch } from './event-loop.ts'

/** How often the generator's event-loop lag is sampled (a timer on its own thread). */
const LAG_RESOLUTION_MS = 10
/** Above this share of busy time the event loop queues responses before it reads them (Locust warns at 90% CPU). */
export const SATURATED_UTILIZATION = 0.9
/** A p99 event-loop lag above this delays the reading of responses visibly. */
export const SATURATED_LAG_MS = 50
/**
 * The least watch that says anything about saturation: 50 lag samples. A shorter run (a few requests) is
 * mostly start-up — loading, compiling, connecting — which keeps the loop busy whatever the load.
 */
export const MIN_JUDGED_MS = 500

/**
 * The verdict on one watch: busy at least 90% of it (unless it `busyWaits`) or a lag p99 of 50 ms, over at
 * least MIN_JUDGED_MS. Shorter watches are never saturated.
 */
export function isSaturated(
  loop: { utilization: number; lagP99Ms: number },
  elapsedMs: number,
  busyWaits: boolean,
): boolean {
  if (elapsedMs < MIN_JUDGED_MS) return false
  return (!busyWaits && loop.utilization >= SATURATED_UTILIZATION) || loop.lagP99Ms >= SATURATED_LAG_MS
}

/**
 * Watches the load generator itself while a run goes on: event-loop lag (sampled every 10 ms), event-loop
 * utilization and process CPU. Nothing of it runs per request. Without `eventLoop` (a thread that only
 * waits for the generator's worker threads) it takes the process CPU alone.
 */
export class GeneratorMonitor {
  private readonly loop: EventLoopWatch | undefined
  private cpuAtStart = process.cpuUsage()
  private startedAt = 0

  constructor({ eventLoop = true }: { eventLoop?: boolean } = {}) {
    this.loop = eventLoop ? new EventLoopWatch(LAG_RESOLUTION_MS) : undefined
  }

  start(): void {
    this.loop?.start()
    this.cpuAtStart = process.cpuUsage()
    this.startedAt = performance.now()
  }

  /**
   * Ends the watch. `busyWaits`: the generator spent its idle time on a busy loop (the open model's waits for
   * due times), so a busy event loop is no sign of saturation; the lag still is.
   */
  stop({ busyWaits = false }: { busyWaits?: boolean } = {}): GeneratorHealth {
    const loop = this.loop?.stop() ?? { utilization: 0, lagP99Ms: 0 }
    const elapsedMs = performance.now() - this.startedAt
    const cpu = process.cpuUsage(this.cpuAtStart)
    const cpuPercent = elapsedMs > 0 ? ((cpu.user + cpu.system) / 1000 / elapsedMs) * 100 : 0
    return {
      saturated: isSaturated(loop, elapsedMs, busyWaits),
      eventLoopLagP99Ms: round(loop.lagP99Ms),
      eventLoopUtilization: round(loop.utilization),
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
