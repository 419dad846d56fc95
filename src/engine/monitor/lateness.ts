import type { LatenessStats } from '../../foundation/model/index.ts'
import { round } from '../../foundation/util/format.ts'
import { type LatencyHistogram, percentileMs } from '../../metrics/histogram.ts'

/** Lateness p99 at or above this means the generator no longer keeps the arrival schedule. */
export const SATURATED_LATENESS_P99_MS = 10
/** Below this many sends the p99 is the latest one (often the first, at start-up): no saturation verdict. */
export const MIN_SENDS_JUDGED = 100
/** A p50 lateness this share of the p50 latency (or more) is a visible part of the numbers. */
const VISIBLE_SHARE = 0.1
/** Below this the lateness is timer noise, whatever the latency. */
const NEGLIGIBLE_MS = 0.1

/** p50, p99 and max of a lateness histogram (µs), in ms. */
export function latenessStats(histogram: LatencyHistogram): LatenessStats {
  return {
    p50: round(percentileMs(histogram, 50), 3),
    p99: round(percentileMs(histogram, 99), 3),
    max: round(histogram.maxValue / 1000, 3),
  }
}

/**
 * The warning late sends deserve: in the open model a request's latency counts from when it was due, so
 * the generator's lateness is part of every number. Undefined when it is too small to matter. `sends` is
 * how many were timed (the lateness histogram's count).
 */
export function latenessWarning(
  lateness: LatenessStats,
  latencyP50Ms: number,
  sends: number,
): { message: string; saturated: boolean } | undefined {
  const saturated = sends >= MIN_SENDS_JUDGED && lateness.p99 >= SATURATED_LATENESS_P99_MS
  const visible = lateness.p50 >= NEGLIGIBLE_MS && lateness.p50 >= VISIBLE_SHARE * latencyP50Ms
  if (!saturated && !visible) return undefined
  return {
    saturated,
    message:
      `The load generator sent requests late (p50 ${lateness.p50} ms, p99 ${lateness.p99} ms after they were ` +
      `due) and the latencies count from the due time: ${saturated ? 'it could not keep the arrival rate, so ' : ''}` +
      'part of each number is the tester, not the server. Lower the rate, use `workers`, or move the target ' +
      'to another process.',
  }
}
