const LEVELS = '▁▂▃▄▅▆▇█'

/** At most `width` values: each the largest of its share of `values` (a spike must not vanish). */
export function resampleMax(values: readonly number[], width: number): number[] {
  if (values.length <= width) return [...values]
  const out: number[] = []
  for (let index = 0; index < width; index++) {
    const from = Math.floor((index * values.length) / width)
    const to = Math.floor(((index + 1) * values.length) / width)
    out.push(Math.max(...values.slice(from, Math.max(to, from + 1))))
  }
  return out
}

/**
 * `▂▂▃▂▇▃`: one block per value (resampled to at most `width`), scaled from 0 to the largest so a flat
 * series reads flat, not as noise. Pure; empty for no values.
 */
export function renderSparkline(values: readonly number[], width = 10): string {
  const finite = resampleMax(values, width).map((value) => (Number.isFinite(value) && value > 0 ? value : 0))
  const max = Math.max(0, ...finite)
  return finite
    .map((value) => LEVELS[max === 0 ? 0 : Math.round((value / max) * (LEVELS.length - 1))])
    .join('')
}
