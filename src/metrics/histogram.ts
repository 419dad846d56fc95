import * as hdr from 'hdr-histogram-js'

/** A streaming latency histogram in microseconds: 1 µs to 1 h, 3 significant digits, fixed memory. */
export type LatencyHistogram = hdr.Histogram

/** Highest latency the histograms track (1 hour, in µs); longer values are clamped. */
export const HIGHEST_TRACKABLE_US = 3_600_000_000

export function createLatencyHistogram(): LatencyHistogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: 3,
    autoResize: false,
  })
}

/** Milliseconds (float) to the histogram's integer microseconds, clamped into range. */
export function toHistogramValue(ms: number): number {
  const us = Math.round(ms * 1000)
  return Math.min(Math.max(us, 1), HIGHEST_TRACKABLE_US)
}

/** The value at a percentile (0..100), in ms; 0 for an empty histogram. */
export function percentileMs(histogram: LatencyHistogram, percentile: number): number {
  if (histogram.totalCount === 0) return 0
  return histogram.getValueAtPercentile(percentile) / 1000
}

/** Serializes a histogram so another thread or process can merge it exactly. */
export function encodeHistogram(histogram: LatencyHistogram): string {
  return hdr.encodeIntoCompressedBase64(histogram)
}

/** The inverse of encodeHistogram. */
export function decodeHistogram(encoded: string): LatencyHistogram {
  return hdr.decodeFromCompressedBase64(encoded, 32, false)
}
