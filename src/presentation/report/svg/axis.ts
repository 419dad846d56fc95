import { coord, formatTick } from './scale.ts'

// Grid lines as one path and labels in one group, their alignment in the stylesheet: a chart's frame
// costs a few hundred bytes, which matters with fifty results in a file.

/** Horizontal grid lines from `left` to `right`, labelled on the left (a line chart's y axis). */
export function renderYAxis(
  ticks: readonly number[],
  scale: (value: number) => number,
  left: number,
  right: number,
): string {
  const grid = ticks.map((tick) => `M${left} ${coord(scale(tick))}H${right}`).join('')
  const labels = ticks.map(
    (tick) => `<text x="${left - 6}" y="${coord(scale(tick))}">${formatTick(tick)}</text>`,
  )
  return `<path class="grid" d="${grid}"/><g class="ty">${labels.join('')}</g>`
}

/** Labels under the plot at each tick, with vertical grid lines from `top` to `bottom` when `grid`. */
export function renderXAxis(
  ticks: readonly number[],
  scale: (value: number) => number,
  area: { top: number; bottom: number; grid: boolean },
): string {
  const grid = area.grid
    ? `<path class="grid" d="${ticks.map((tick) => `M${coord(scale(tick))} ${area.top}V${area.bottom}`).join('')}"/>`
    : ''
  const labels = ticks.map(
    (tick) => `<text x="${coord(scale(tick))}" y="${area.bottom + 15}">${formatTick(tick)}</text>`,
  )
  return `${grid}<g class="tx">${labels.join('')}</g>`
}
