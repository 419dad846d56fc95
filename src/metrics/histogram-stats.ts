import type { ResponseTimeStats } from '../foundation/model/index.ts'
import { type LatencyHistogram, percentileMs } from './histogram.ts'

/** The percentiles of ResponseTimeStats (ms) read from a µs histogram; 0 when it is empty. */
export function percentilesOf(
  histogram: LatencyHistogram,
): Pick<ResponseTimeStats, 'p50' | 'p75' | 'p90' | 'p95' | 'p99' | 'p999'> {
  return {
    p50: percentileMs(histogram, 50),
    p75: percentileMs(histogram, 75),
    p90: percentileMs(histogram, 90),
    p95: percentileMs(histogram, 95),
    p99: percentileMs(histogram, 99),
    p999: percentileMs(histogram, 99.9),
  }
}

/** Response time statistics (ms) read from a µs histogram alone; all zero when it is empty. */
export function statsFromHistogram(histogram: LatencyHistogram): ResponseTimeStats {
  const empty = histogram.totalCount === 0
  return {
    min: empty ? 0 : histogram.minNonZeroValue / 1000,
    max: empty ? 0 : histogram.maxValue / 1000,
    mean: empty ? 0 : histogram.mean / 1000,
    sd: empty ? 0 : histogram.stdDeviation / 1000,
    ...percentilesOf(histogram),
  }
}
