import { escapeHtml, htmlText, scrubReportText } from '../escape.ts'
import { renderXAxis, renderYAxis } from './axis.ts'
import { renderFigure } from './figure.ts'
import { compact, coord, innerTicks, linearScale, niceTicks } from './scale.ts'

export interface LineSeries {
  name: string
  /** One value per x; null where there is none (the line breaks there). */
  values: readonly (number | null)[]
  /** Palette slot, 1 to 6 (CSS classes `s1`…`s6`). */
  color: number
  /** Shade the area under the line. */
  area?: boolean
}

export interface LineChartSpec {
  title: string
  x: readonly number[]
  /** What x counts, for the tooltip: `'s'`, `'users'`. */
  xUnit: string
  /** Unit of every series: `'ms'`, `'req/s'`, `'%'`. */
  yUnit: string
  series: readonly LineSeries[]
  /** Vertical lines with a label, e.g. a stress test's break point. */
  markers?: readonly { x: number; label: string }[]
  /** Draw each point, for a few points far apart (stress steps). */
  dots?: boolean
  /** Points only, no lines between them: too few points for a line to mean a trend. @default true */
  lines?: boolean
}

// About the width a chart is shown at (two per row), so its text shows at about its font size.
const WIDTH = 560
const HEIGHT = 230
const PLOT = { left: 46, top: 12, right: 16, bottom: 40 }

/** Runs of consecutive non-null points, so a missing value breaks the line instead of bridging it. */
function segments(points: readonly (readonly [number, number] | null)[]): (readonly [number, number])[][] {
  const out: (readonly [number, number])[][] = [[]]
  for (const point of points) {
    if (point === null) out.push([])
    else out[out.length - 1]!.push(point)
  }
  return out.filter((segment) => segment.length > 0)
}

/**
 * A line chart as a `<figure>`: inline SVG (no script needed to see it), axes with nice ticks, a legend,
 * and the values in a `data-chart` attribute for the report's hover tooltip. Pure.
 */
export function renderLineChart(spec: LineChartSpec): string {
  const plotWidth = WIDTH - PLOT.left - PLOT.right
  const plotHeight = HEIGHT - PLOT.top - PLOT.bottom
  const x0 = Math.min(...spec.x)
  const x1 = Math.max(...spec.x)
  const values = spec.series.flatMap((s) =>
    s.values.filter((v): v is number => v !== null && Number.isFinite(v)),
  )
  const yTicks = niceTicks(0, Math.max(0, ...values))
  const yMax = yTicks[yTicks.length - 1]!
  const sx = linearScale(x0, x1, PLOT.left, PLOT.left + plotWidth)
  const sy = linearScale(0, yMax, PLOT.top + plotHeight, PLOT.top)
  const parts: string[] = []
  const bottom = PLOT.top + plotHeight
  parts.push(renderYAxis(yTicks, sy, PLOT.left, PLOT.left + plotWidth))
  parts.push(renderXAxis(innerTicks(x0, x1, 6, 1), sx, { top: PLOT.top, bottom, grid: false }))
  const axisTitle = spec.xUnit === 's' ? 'seconds since the start' : spec.xUnit
  const middle = coord(PLOT.left + plotWidth / 2)
  parts.push(`<text class="unit" x="${middle}" y="${bottom + 32}">${htmlText(axisTitle)}</text>`)
  for (const marker of spec.markers ?? []) {
    const x = coord(sx(marker.x))
    parts.push(`<line class="marker" x1="${x}" x2="${x}" y1="${PLOT.top}" y2="${bottom}"/>`)
    parts.push(
      `<text class="marker-label" x="${x}" y="${PLOT.top + 10}" dx="-4">${htmlText(marker.label)}</text>`,
    )
  }
  for (const series of spec.series) {
    const points = spec.x.map((x, index) => {
      const value = series.values[index]
      return value === null || value === undefined || !Number.isFinite(value)
        ? null
        : ([sx(x), sy(value)] as const)
    })
    for (const segment of segments(points)) {
      const path = segment.map(([x, y]) => `${coord(x)},${coord(y)}`).join(' ')
      const lines = spec.lines !== false
      if (lines && series.area === true && segment.length > 1) {
        const first = coord(segment[0]![0])
        const last = coord(segment[segment.length - 1]![0])
        parts.push(
          `<polygon class="area s${series.color}" points="${first},${bottom} ${path} ${last},${bottom}"/>`,
        )
      }
      if (lines) parts.push(`<polyline class="line s${series.color}" points="${path}"/>`)
      if (spec.dots === true || !lines || segment.length === 1) {
        for (const [x, y] of segment)
          parts.push(`<circle class="dot s${series.color}" cx="${coord(x)}" cy="${coord(y)}" r="3"/>`)
      }
    }
  }
  parts.push(`<line class="guide" x1="0" x2="0" y1="${PLOT.top}" y2="${bottom}"/>`)
  const data = {
    x: spec.x.map(compact),
    s: spec.series.map((s) => s.values.map((v) => compact(v ?? null))),
    n: spec.series.map((s) => scrubReportText(s.name)),
    u: spec.yUnit,
    xu: spec.xUnit,
    b: [PLOT.left, plotWidth],
    xr: [x0, x1],
  }
  return renderFigure({
    title: spec.title,
    unit: spec.yUnit,
    series: spec.series,
    svg: (label) =>
      `<svg class="plot" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${label}" ` +
      `data-chart="${escapeHtml(JSON.stringify(data))}">${parts.join('')}</svg>`,
  })
}
