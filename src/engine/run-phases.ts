import type { RunPhases } from '../metrics/collector.ts'
import type { LoadShape } from '../options/shape.ts'

/** How a run of the native engine is laid out in time: how long it sends, and where its phases end. */
export interface RunPlan {
  /** How long load is sent (warm-up + duration); undefined when `requests` alone bound the run. */
  runMs: number | undefined
  phases: RunPhases
  /** Set when the ramp-up fills the whole run, so it is measured after all. */
  warning: string | undefined
}

/**
 * The warm-up comes first and is never measured; the ramp-up starts with the run (so a warm-up at least as
 * long covers it); the steady state, which metrics judge, begins when both are over. A run bounded by a
 * count of `requests` measures them all.
 */
export function planRun(shape: LoadShape): RunPlan {
  const { warmupMs, rampUpMs, durationMs, measureRampUp } = shape
  if (durationMs === undefined) {
    return { runMs: undefined, phases: { warmupMs: 0, steadyFromMs: 0 }, warning: undefined }
  }
  const runMs = warmupMs + durationMs
  const steadyFromMs = measureRampUp ? warmupMs : Math.max(warmupMs, rampUpMs)
  if (steadyFromMs < runMs) return { runMs, phases: { warmupMs, steadyFromMs }, warning: undefined }
  return {
    runMs,
    phases: { warmupMs, steadyFromMs: warmupMs },
    warning:
      `The ramp-up (${rampUpMs} ms) lasts the whole run: there is no steady state, so the metrics include ` +
      'the ramp-up. Make `duration` longer than `rampUp` to judge the steady state.',
  }
}
