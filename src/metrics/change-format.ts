import type { ChangeResult } from './change-interval.ts'

/** A percent change, signed, one decimal: +14.0%, -3.2%, 0.0%. */
export function formatPercentChange(percent: number): string {
  // The sign is the value's, not the rounded one's: -0.04 stays "-0.0%", an interval that does not clear 0.
  const sign = percent > 0 ? '+' : percent < 0 ? '-' : ''
  return `${sign}${Math.abs(percent).toFixed(1)}%`
}

/** An estimate as a person reads it: "+14.0% [+9.1%, +19.2%]", or why there is none. */
export function formatChange(estimate: ChangeResult): string {
  if (estimate.state === 'insufficient') return `no estimate (${estimate.reason})`
  const { changePercent, lowPercent, highPercent } = estimate
  return `${formatPercentChange(changePercent)} [${formatPercentChange(lowPercent)}, ${formatPercentChange(highPercent)}]`
}
