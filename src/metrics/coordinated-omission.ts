import { round } from '../foundation/util/format.ts'
import type { LatencyHistogram } from './histogram.ts'

/** The part of hdr-histogram-js's JS histogram this module reads (the default, non-WebAssembly build). */
interface CountsAccess {
  countsArrayLength: number
  getCountAtIndex(index: number): number
  valueFromIndex(index: number): number
}

/** Below this gap between corrected and recorded p99 the difference is noise, not a hidden tail. */
const MIN_HIDDEN_TAIL_MS = 10

/**
 * The p99 (ms) a closed-model histogram would show had each user kept sending every `intervalUs` instead of
 * waiting: a response that took `v` hides the `v/interval − 1` requests that were never sent, which would
 * have waited `v − interval`, `v − 2·interval`, … (HdrHistogram's correction, computed without
 * materialising the synthetic values). Undefined when the histogram cannot be read bucket by bucket.
 */
export function correctedP99Ms(histogram: LatencyHistogram, intervalUs: number): number | undefined {
  const access = histogram as unknown as Partial<CountsAccess>
  if (typeof access.getCountAtIndex !== 'function' || typeof access.valueFromIndex !== 'function') {
    return undefined
  }
  const { countsArrayLength = 0 } = access
  const values: number[] = []
  const counts: number[] = []
  let total = 0
  for (let index = 0; index < countsArrayLength; index++) {
    const count = access.getCountAtIndex(index)
    if (count === 0) continue
    const value = access.valueFromIndex(index)
    values.push(value)
    counts.push(count)
    total += count * (1 + hidden(value, intervalUs))
  }
  if (values.length === 0) return 0
  // Count of corrected values ≥ x, decreasing in x: bisect for where it falls to 1% of the total.
  const atOrAbove = (x: number): number => {
    let sum = 0
    for (let index = 0; index < values.length; index++) {
      const value = values[index]!
      if (value < x) continue
      sum += counts[index]! * (1 + Math.min(hidden(value, intervalUs), Math.floor((value - x) / intervalUs)))
    }
    return sum
  }
  let low = 0
  let high = values.at(-1)!
  while (high - low > 1) {
    const middle = (low + high) / 2
    if (atOrAbove(middle) > total * 0.01) low = middle
    else high = middle
  }
  return high / 1000
}

function hidden(valueUs: number, intervalUs: number): number {
  return valueUs >= 2 * intervalUs ? Math.floor(valueUs / intervalUs) - 1 : 0
}

/**
 * A warning when a closed-model run's outliers suggest coordinated omission: users that waited on slow
 * responses sent nothing meanwhile, so the recorded p99 understates what an open stream of requests would
 * have seen. The interval is the median response time (a closed user sends again as soon as it can).
 */
export function coordinatedOmissionWarning(histogram: LatencyHistogram): string | undefined {
  if (histogram.totalCount < 100) return undefined
  const recordedP99Ms = histogram.getValueAtPercentile(99) / 1000
  const medianUs = Math.max(1, histogram.getValueAtPercentile(50))
  const corrected = correctedP99Ms(histogram, medianUs)
  if (corrected === undefined) return undefined
  if (corrected < 2 * recordedP99Ms || corrected - recordedP99Ms < MIN_HIDDEN_TAIL_MS) return undefined
  return (
    `Coordinated omission likely hides tail latency: users waiting on slow responses sent nothing meanwhile. ` +
    `Corrected for the requests they did not send, p99 would be about ${Math.round(corrected)} ms, not ` +
    `${round(recordedP99Ms, 1)} ms. Measure latency with an arrival rate (\`rate\`), which counts from when each ` +
    'request was due.'
  )
}
