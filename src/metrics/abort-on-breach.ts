import { InvalidThresholdError } from '../foundation/errors.ts'
import type { LoadProgress } from '../foundation/types.ts'
import { meetsThreshold, type ParsedThreshold, type ThresholdStat } from '../options/thresholds.ts'

const TICK_SLACK_MS = 100

// What the once-a-second progress snapshot carries: the stats an abortOnFail threshold can watch live.
const LIVE_STATS: Partial<Record<ThresholdStat, (progress: LoadProgress) => number>> = {
  p95: (progress) => progress.p95,
  errorRatePercent: (progress) => progress.errorRatePercent,
  errorFraction: (progress) => progress.errorRatePercent / 100,
  rps: (progress) => progress.rps,
  totalRequests: (progress) => progress.requests,
}

/** The thresholds that stop the run when breached; throws for one whose stat is only known at the end. */
export function abortingThresholds(thresholds: readonly ParsedThreshold[]): ParsedThreshold[] {
  const aborting = thresholds.filter((threshold) => threshold.abortOnFail !== undefined)
  for (const { expression, stat } of aborting) {
    if (LIVE_STATS[stat] === undefined) {
      throw new InvalidThresholdError(
        `\`abortOnFail\` cannot watch '${expression}' while the run goes on: the live view of a run has p(95), ` +
          'the error rate (http_req_failed rate, maxErrorRatePercent), throughput (http_reqs rate, ' +
          'minThroughputRps) and the request count (http_reqs count)',
      )
    }
  }
  return aborting
}

/**
 * The first aborting threshold that a progress snapshot breaches, past its `delayAbortEval`; undefined while
 * all hold. A snapshot with no request yet breaches nothing.
 */
export function findBreach(
  aborting: readonly ParsedThreshold[],
  progress: LoadProgress,
): ParsedThreshold | undefined {
  if (progress.requests === 0) return undefined
  return aborting.find((threshold) => {
    const read = LIVE_STATS[threshold.stat]
    // The once-a-second tick lands a few ms short of each second: a '2s' delay is over at the second tick.
    const delayMs = (threshold.abortOnFail?.delayMs ?? 0) - TICK_SLACK_MS
    if (read === undefined || progress.elapsedMs < delayMs) return false
    return !meetsThreshold(threshold, read(progress))
  })
}
