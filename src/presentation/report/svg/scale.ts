/** A step of 1, 2, 2.5 or 5 × 10ⁿ that splits `span` into about `count` parts. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1
  const raw = span / count
  const magnitude = 10 ** Math.floor(Math.log10(raw))
  const factor = [1, 2, 2.5, 5, 10].find((candidate) => candidate * magnitude >= raw) ?? 10
  return factor * magnitude
}

/** Ticks from `min` to at least `max` on a nice step, the first at or below `min`. */
export function niceTicks(min: number, max: number, count = 4): number[] {
  const step = niceStep(max - min, count)
  const first = Math.floor(min / step) * step
  const ticks: number[] = []
  for (let tick = first; ticks.length === 0 || tick < max - step * 1e-9; tick += step) {
    ticks.push(withoutFloatNoise(tick))
    if (ticks.length > 50) break
  }
  ticks.push(withoutFloatNoise(ticks[ticks.length - 1]! + step))
  return ticks
}

/** Ticks inside [min, max] on a nice step of at least `minStep`, for an axis whose ends are the data's. */
export function innerTicks(min: number, max: number, count = 6, minStep = 0): number[] {
  if (!(max > min)) return [min]
  const step = Math.max(minStep, niceStep(max - min, count))
  const ticks: number[] = []
  for (let tick = Math.ceil(min / step) * step; tick <= max + step * 1e-9; tick += step)
    ticks.push(withoutFloatNoise(tick))
  return ticks
}

// 0.1 + 0.2 steps leave 0.30000000000000004: twelve significant digits drop the noise, keep the tick.
function withoutFloatNoise(value: number): number {
  return Number(value.toPrecision(12))
}

/** Maps [d0, d1] onto [r0, r1]; the middle of the range when the domain is a point. */
export function linearScale(d0: number, d1: number, r0: number, r1: number): (value: number) => number {
  if (d1 === d0) return () => (r0 + r1) / 2
  return (value) => r0 + ((value - d0) / (d1 - d0)) * (r1 - r0)
}

/** An axis label: 0, 2.5, 40, 1.2k, 3M. */
export function formatTick(value: number): string {
  const abs = Math.abs(value)
  if (abs >= 1e6) return `${trim(value / 1e6)}M`
  if (abs >= 1e3) return `${trim(value / 1e3)}k`
  return trim(value)
}

function trim(value: number): string {
  return String(Number(value.toPrecision(3)))
}

/** A whole-unit coordinate: the canvas is about as wide as the chart on screen, and the file stays short. */
export function coord(value: number): string {
  return String(Math.round(value))
}

/** Three significant digits: what a tooltip shows, and all the file needs to carry. */
export function compact(value: number | null): number | null {
  return value === null || !Number.isFinite(value) ? null : Number(value.toPrecision(3))
}
