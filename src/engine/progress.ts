import type { LoadMetrics } from '../foundation/model/index.ts'
import type { EngineRunOptions } from './engine-options.ts'

/** What progress reads of a run: the callback, the run's name and planned duration. */
type ProgressOptions = Pick<EngineRunOptions, 'request' | 'shape' | 'native'>

/** How often `onProgress` is called: often enough to watch, rare enough to stay off the hot path. */
export const PROGRESS_INTERVAL_MS = 1000

/**
 * Calls `native.onProgress` once a second with a snapshot read by `readMetrics` (e.g. a collector's
 * `getMetrics()`), until the returned function is called. Does nothing without a callback.
 */
export function startProgress(options: ProgressOptions, readMetrics: () => LoadMetrics): () => void {
  if (options.native.onProgress === undefined) return () => {}
  const report = progressReporter(options)
  const timer = setInterval(() => report(readMetrics()), PROGRESS_INTERVAL_MS)
  timer.unref()
  return () => clearInterval(timer)
}

/**
 * Calls `native.onProgress` with a snapshot, when it is handed one (worker threads: as each second of
 * theirs has been merged, so the numbers are never a second behind). Does nothing without a callback.
 */
export function progressReporter(options: ProgressOptions): (metrics: LoadMetrics) => void {
  const { onProgress } = options.native
  const { name } = options.request
  const { durationMs } = options.shape
  if (onProgress === undefined) return () => {}
  return (metrics) => {
    try {
      onProgress({
        name,
        elapsedMs: metrics.durationMs,
        durationMs,
        requests: metrics.totalRequests,
        rps: metrics.rps,
        p95: metrics.responseTimes.p95,
        errorRatePercent: metrics.errorRatePercent,
      })
    } catch {
      // A broken progress display must not break the run it displays.
    }
  }
}
