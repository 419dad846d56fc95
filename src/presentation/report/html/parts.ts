import type { BaselineCheck, LoadMetrics, ThresholdResult } from '../../../foundation/model/index.ts'
import { formatMetricColumns, formatMs, formatRps } from '../../../foundation/util/format.ts'
import { htmlText } from '../escape.ts'
import type { Verdict } from '../rows.ts'

/** A cell of an HTML table: already-escaped HTML, and whether it holds a number (right-aligned). */
export interface Cell {
  html: string
  numeric?: boolean
  className?: string
}

/** A table from escaped header texts and cells. */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly Cell[])[],
  className = '',
): string {
  const head = headers.map((header, index) => {
    const numeric = rows[0]?.[index]?.numeric === true ? ' class="num"' : ''
    return `<th${numeric}>${header}</th>`
  })
  const body = rows.map((row) => {
    const cells = row.map((cell) => {
      const classes = [cell.numeric === true ? 'num' : '', cell.className ?? ''].filter(Boolean).join(' ')
      return `<td${classes ? ` class="${classes}"` : ''}>${cell.html}</td>`
    })
    return `<tr>${cells.join('')}</tr>`
  })
  return `<table class="${className}"><thead><tr>${head.join('')}</tr></thead><tbody>${body.join('')}</tbody></table>`
}

/** A number cell. */
export function num(text: string, className?: string): Cell {
  return className === undefined
    ? { html: htmlText(text), numeric: true }
    : { html: htmlText(text), numeric: true, className }
}

/** A text cell from user data. */
export function txt(text: string): Cell {
  return { html: htmlText(text) }
}

const VERDICT_LABEL: Record<Verdict, string> = { pass: '✓ pass', fail: '✗ fail', abort: '✗ abort' }

export function renderVerdict(verdict: Verdict): string {
  return `<span class="verdict ${verdict}">${VERDICT_LABEL[verdict]}</span>`
}

/** A pass/fail mark for one check. */
function renderCheck(passed: boolean): Cell {
  return { html: renderVerdict(passed ? 'pass' : 'fail') }
}

/** The key numbers of a result, large. */
export function renderTiles(
  tiles: readonly { label: string; value: string; tone?: 'bad' | 'good' }[],
): string {
  const items = tiles.map(
    ({ label, value, tone }) =>
      `<div class="tile${tone === undefined ? '' : ` ${tone}`}"><span>${htmlText(label)}</span><b>${htmlText(value)}</b></div>`,
  )
  return `<div class="tiles">${items.join('')}</div>`
}

export function renderSubheading(title: string, count?: number): string {
  return `<h3>${htmlText(title)}${count === undefined ? '' : ` <small>${count}</small>`}</h3>`
}

export function renderThresholds(thresholds: readonly ThresholdResult[]): string {
  if (thresholds.length === 0) return ''
  const rows = thresholds.map((threshold) => [
    { html: `<code>${htmlText(threshold.expression)}</code>` },
    num(formatMs(threshold.actual)),
    renderCheck(threshold.passed),
  ])
  return (
    renderSubheading('Thresholds', thresholds.length) + renderTable(['threshold', 'actual', 'verdict'], rows)
  )
}

export function renderBaseline(check: BaselineCheck | undefined): string {
  if (check === undefined) return ''
  const where = `<p class="note">${htmlText(`${check.file} › "${check.key}"`)}</p>`
  if (check.comparison === null) {
    return `${renderSubheading('Baseline')}${where}<p>No baseline was stored: this run was recorded as the baseline.</p>`
  }
  const rows = [check.comparison.p95, check.comparison.rps].map((metric) => {
    const format =
      metric.metric === 'p95' ? (n: number) => `${formatMs(n)} ms` : (n: number) => `${formatRps(n)} req/s`
    const change = `${metric.worsePercent > 0 ? 'worse' : 'better'} by ${Math.abs(metric.worsePercent).toFixed(1)}%`
    return [
      txt(metric.metric),
      num(format(metric.baseline)),
      num(format(metric.actual)),
      num(change, metric.regressed ? 'bad' : ''),
      num(format(metric.limit)),
      renderCheck(!metric.regressed),
    ]
  })
  return `${renderSubheading('Baseline')}${where}${renderTable(['metric', 'baseline', 'this run', 'change', 'limit', 'verdict'], rows)}`
}

export function renderWarnings(warnings: readonly string[]): string {
  if (warnings.length === 0) return ''
  return `${renderSubheading('Warnings', warnings.length)}<ul class="warnings">${warnings.map((w) => `<li>${htmlText(w)}</li>`).join('')}</ul>`
}

/** Headers of the cells `metricCells` makes. */
export const METRIC_HEADERS = ['requests', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors %'] as const

/** A run's requests, req/s, p50, p95, p99 and error rate as number cells, errors marked when above 0. */
export function metricCells(metrics: LoadMetrics): Cell[] {
  return formatMetricColumns(metrics).map((text, index, all) =>
    num(text, index === all.length - 1 && metrics.errorRatePercent > 0 ? 'bad' : undefined),
  )
}
