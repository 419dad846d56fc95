import { htmlText } from '../escape.ts'

/**
 * A chart's frame: the title with its unit, the keys of its series (HTML, so they wrap and stay
 * selectable), then the SVG.
 */
export function renderFigure(parts: {
  title: string
  unit: string
  series: readonly { name: string; color: number }[]
  svg: (label: string) => string
}): string {
  const label = htmlText(parts.title)
  const keys = parts.series.map((s) => `<span><i class="key s${s.color}"></i>${htmlText(s.name)}</span>`)
  const legend = keys.length > 0 ? `<div class="legend">${keys.join('')}</div>` : ''
  return (
    `<figure class="chart"><figcaption>${label} <small>${htmlText(parts.unit)}</small></figcaption>` +
    `${legend}${parts.svg(label)}</figure>`
  )
}
