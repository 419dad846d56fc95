import type { TimelinePoint } from '../foundation/model/index.ts'

const WINDOW_MS = 1000

/** A run's steady-state windows: one value per window and metric, what a baseline's interval is made of. */
export interface SteadyWindows {
  /** How many windows the run had. */
  count: number
  /** The app's CPU time per request (µs) of each window that has it. */
  cpuPerRequest: number[]
  /** Each window's p95 (ms), where a response was timed in it. */
  p95: number[]
  /** Each window's completed requests (per second: every window is a full one). */
  rps: number[]
}

/**
 * The windows of a per-second timeline: its seconds that belong to the steady state (a warm-up's and a
 * ramp-up's seconds do not; a timeline without phases, an external tool's, is all steady), that lasted a full
 * second, and in which a request completed. `runMs` is how long the timeline's run was planned to send
 * (warm-up included): a last second cut short by the end of the run is no window, and without `runMs` (a
 * run bounded by a count of requests) the last second is never taken for a full one.
 */
export function steadyWindows(timeline: readonly TimelinePoint[], runMs: number | undefined): SteadyWindows {
  const windows: SteadyWindows = { count: 0, cpuPerRequest: [], p95: [], rps: [] }
  const last = timeline.at(-1)
  for (const point of timeline) {
    if (point.phase !== undefined && point.phase !== 'steady') continue
    if (point.requests <= 0) continue
    if (point === last && !(runMs !== undefined && (point.second + 1) * WINDOW_MS <= runMs)) continue
    windows.count++
    windows.rps.push(point.requests)
    if (point.p95 > 0) windows.p95.push(point.p95)
    const cpu = point.appCpuPerRequestUs
    if (cpu !== undefined && cpu > 0) windows.cpuPerRequest.push(cpu)
  }
  return windows
}

/** How long a run was planned to send, warm-up included; undefined for a run bounded by requests alone. */
export function plannedRunMs(options: { durationMs?: number; warmupMs?: number }): number | undefined {
  return options.durationMs === undefined ? undefined : (options.warmupMs ?? 0) + options.durationMs
}
