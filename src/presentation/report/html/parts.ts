import {
  BASELINE_METRIC_LABELS,
  type BaselineCheck,
  type BaselineComparison,
  type BaselineVerdict,
  type LoadMetrics,
  listMetricComparisons,
  type MetricComparison,
  type ThresholdResult,
} from '../../../foundation/model/index.ts'
import { formatMetricColumns, formatMs, formatRps, formatUs } from '../../../foundation/util/format.ts'
import { formatPercentChange } from '../../../metrics/change-format.ts'
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

// Inconclusive has no colour of its own (as in the compare section): bold, with its question mark.
const VERDICT_LABEL: Record<Verdict, string> = {
  pass: '✓ pass',
  inconclusive: '? inconclusive',
  fail: '✗ fail',
  abort: '✗ abort',
}

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
  // A note says why a verdict was reached with nothing to judge (`no check ran`, `never ran: 'buy'`).
  const notes = thresholds.some((threshold) => threshold.note !== undefined)
  const rows = thresholds.map((threshold) => [
    { html: `<code>${htmlText(threshold.expression)}</code>` },
    num(formatMs(threshold.actual)),
    renderCheck(threshold.passed),
    ...(notes ? [txt(threshold.note ?? '')] : []),
  ])
  const headers = ['threshold', 'actual', 'verdict', ...(notes ? ['note'] : [])]
  return renderSubheading('Thresholds', thresholds.length) + renderTable(headers, rows)
}

const METRIC_VERDICT: Record<BaselineVerdict, { label: string; className: string }> = {
  regressed: { label: '✗ regressed', className: 'fail' },
  improved: { label: '✓ improved', className: 'pass' },
  unchanged: { label: '✓ unchanged', className: 'pass' },
  inconclusive: { label: '? inconclusive', className: 'inconclusive' },
}

function formatBaselineValue(metric: MetricComparison['metric'], value: number): string {
  if (metric === 'cpuPerRequest') return `${formatUs(value)} µs`
  return metric === 'p95' ? `${formatMs(value)} ms` : `${formatRps(value)} req/s`
}

function formatChangeCell(metric: MetricComparison): string {
  const { interval } = metric
  if (interval === undefined) {
    const change = metric.metric === 'rps' ? -metric.worsePercent : metric.worsePercent
    return formatPercentChange(change)
  }
  const { changePercent, lowPercent, highPercent } = interval
  return `${formatPercentChange(changePercent)} [${formatPercentChange(lowPercent)}, ${formatPercentChange(highPercent)}]`
}

const METHOD_TEXT: Record<BaselineComparison['method'], string> = {
  interval: 'judged by 95% intervals over the steady-state seconds of both runs',
  point: 'judged one number against one number',
  'not-comparable': 'not judged: the baseline comes from another machine',
}

/** The baseline check of a run: each metric's numbers, change (with its interval) and verdict; the reason on hover. */
export function renderBaseline(check: BaselineCheck | undefined): string {
  if (check === undefined) return ''
  const where = `<p class="note">${htmlText(`${check.file} › "${check.key}"`)}</p>`
  const { comparison } = check
  if (comparison === null) {
    return `${renderSubheading('Baseline')}${where}<p>No baseline was stored: this run was recorded as the baseline.</p>`
  }
  const rows = listMetricComparisons(comparison).map(({ endpoint, metric }) => {
    const verdict = METRIC_VERDICT[metric.verdict]
    return [
      txt(`${BASELINE_METRIC_LABELS[metric.metric]}${endpoint === undefined ? '' : ` · ${endpoint}`}`),
      num(formatBaselineValue(metric.metric, metric.baseline)),
      num(formatBaselineValue(metric.metric, metric.actual)),
      {
        html: `<span title="${htmlText(metric.reason)}">${htmlText(formatChangeCell(metric))}</span>`,
        numeric: true,
        ...(metric.regressed && { className: 'bad' }),
      },
      num(`±${metric.tolerancePercent.toFixed(1)}%`),
      { html: `<span class="verdict ${verdict.className}">${htmlText(verdict.label)}</span>` },
    ]
  })
  const method = `<p class="note">${htmlText(`${METHOD_TEXT[comparison.method]} · ${comparison.verdict}`)}</p>`
  const notes = [
    ...comparison.notes,
    ...(comparison.verdict === 'inconclusive'
      ? ['inconclusive is not a pass: the data do not show the change within the tolerance nor beyond it']
      : []),
  ]
  const list =
    notes.length === 0
      ? ''
      : `<ul class="warnings">${notes.map((note) => `<li>${htmlText(note)}</li>`).join('')}</ul>`
  return (
    `${renderSubheading('Baseline')}${where}${method}` +
    `${renderTable(['metric', 'baseline', 'this run', 'change', 'tolerance', 'verdict'], rows)}${list}`
  )
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
