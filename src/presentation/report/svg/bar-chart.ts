import { htmlText } from '../escape.ts'
import { renderXAxis } from './axis.ts'
import { renderFigure } from './figure.ts'
import { coord, formatTick, linearScale, niceTicks } from './scale.ts'

export interface BarSeries {
  name: string
  /** One value per category. */
  values: readonly number[]
  /** Palette slot, 1 to 6. */
  color: number
}

export interface BarChartSpec {
  title: string
  /** One row of bars each: percentiles, or configurations. */
  categories: readonly string[]
  series: readonly BarSeries[]
  unit: string
  /** A palette slot per category, instead of the series' (a comparison colors each configuration). */
  categoryColors?: readonly number[]
  /** Categories drawn stronger (a comparison's winner). */
  highlight?: readonly number[]
  /** Value labels beside the bars; defaults to the tick format. */
  format?: (value: number) => string
}

const WIDTH = 560
const LABEL_WIDTH = 96
const VALUE_WIDTH = 64
const BAR = 13
const GAP = 3
const ROW_GAP = 9
const TOP = 6
const AXIS = 20

/**
 * Horizontal bars as a `<figure>` of inline SVG: a row per category, a bar per series, the value at the
 * end of each bar, a shared axis from 0. Pure.
 */
export function renderBarChart(spec: BarChartSpec): string {
  const format = spec.format ?? formatTick
  const values = spec.series.flatMap((s) => s.values.filter((v) => Number.isFinite(v)))
  const ticks = niceTicks(0, Math.max(0, ...values))
  const max = ticks[ticks.length - 1]!
  const left = LABEL_WIDTH
  const right = WIDTH - VALUE_WIDTH
  const sx = linearScale(0, max, left, right)
  const rowHeight = spec.series.length * (BAR + GAP) - GAP + ROW_GAP
  const height = TOP + spec.categories.length * rowHeight + AXIS
  const bottom = height - AXIS
  const parts: string[] = []
  parts.push(renderXAxis(ticks, sx, { top: TOP, bottom, grid: true }))
  spec.categories.forEach((category, row) => {
    const top = TOP + row * rowHeight
    const strong = spec.highlight?.includes(row) === true ? ' strong' : ''
    const middle = top + (rowHeight - ROW_GAP) / 2
    parts.push(
      `<text class="label${strong}" x="${left - 8}" y="${coord(middle)}">${htmlText(category)}</text>`,
    )
    spec.series.forEach((series, index) => {
      const value = series.values[row] ?? 0
      const y = top + index * (BAR + GAP)
      const color = spec.categoryColors?.[row] ?? series.color
      const width = Math.max(Number.isFinite(value) ? sx(value) - left : 0, value > 0 ? 1 : 0)
      parts.push(
        `<rect class="bar s${color}${strong}" x="${left}" y="${coord(y)}" width="${coord(width)}" height="${BAR}"/>`,
      )
      parts.push(
        `<text class="value" x="${coord(left + width + 4)}" y="${coord(y + BAR / 2)}">${htmlText(format(value))}</text>`,
      )
    })
  })
  return renderFigure({
    title: spec.title,
    unit: spec.unit,
    series: spec.series.length > 1 ? spec.series : [],
    svg: (label) =>
      `<svg class="bars" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${label}">${parts.join('')}</svg>`,
  })
}
