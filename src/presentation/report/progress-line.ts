import type { Colors } from 'picocolors/types.js'
import type { LoadProgress } from '../../foundation/types.ts'
import { formatMs, formatPercent, formatRps } from '../../foundation/util/format.ts'
import { escapeTerminal } from './escape.ts'

/** Runs at least this long get live progress; shorter ones are over before a line would help. */
export const PROGRESS_MIN_MS = 2000

/** True when a run is long enough (planned, or so far) to show progress for. */
export function isLongRun(progress: LoadProgress): boolean {
  return (progress.durationMs ?? progress.elapsedMs) > PROGRESS_MIN_MS || progress.elapsedMs > PROGRESS_MIN_MS
}

/** `⏱ /api  3.0/10.0 s  412.3 rps  p95 2.31 ms  0.00% errors`. Pure. */
export function renderProgressLine(progress: LoadProgress, colors: Colors, label = progress.name): string {
  const elapsed = (progress.elapsedMs / 1000).toFixed(1)
  const total = progress.durationMs === undefined ? '' : `/${(progress.durationMs / 1000).toFixed(1)}`
  const errors = `${formatPercent(progress.errorRatePercent)}% errors`
  return [
    colors.cyan(`⏱ ${escapeTerminal(label)}`),
    `${elapsed}${total} s`,
    `${formatRps(progress.rps)} rps`,
    `p95 ${formatMs(progress.p95)} ms`,
    progress.errorRatePercent > 0 ? colors.red(errors) : colors.dim(errors),
  ].join('  ')
}
