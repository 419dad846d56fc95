import type { LoadMetrics } from '../foundation/model/index.ts'
import type { ResolvedLoadOptions } from '../options/load-options.ts'

/** How often `onProgress` is called: often enough to watch, rare enough to stay off the hot path. */
export const PROGRESS_INTERVAL_MS = 1000

/**
 * Calls `options.onProgress` once a second with a snapshot read by `readMetrics` (e.g. a collector's
 * `getMetrics()`), until the returned function is called. Does nothing without a callback.
 */
export function startProgress(options: ResolvedLoadOptions, readMetrics: () => LoadMetrics): () => void {
  if (options.onProgress === undefined) return () => {}
  const report = progressReporter(options)
  const timer = setInterval(() => report(readMetrics()), PROGRESS_INTERVAL_MS)
  timer.unref()
  return () => clearInterval(timer)
}

/**
 * Calls `options.onProgress` with a snapshot, when it is handed one (worker threads: as each second of
 * theirs has been merged, so the numbers are never a second behind). Does nothing without a callback.
 */
export function progressReporter(options: ResolvedLoadOptions): (metrics: LoadMetrics) => void {
  const { onProgress } = options
  if (onProgress === undefined) return () => {}
  return (metrics) => {
    try {
      onProgress({
        name: options.name,
        elapsedMs: metrics.durationMs,
        durationMs: options.durationMs,
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
