import type { ComparisonResult, ComparisonRow } from '../../../foundation/model/index.ts'
import { formatMs, formatPercent, formatRps } from '../../../foundation/util/format.ts'
import { htmlText } from '../escape.ts'
import { renderBarChart } from '../svg/bar-chart.ts'
import { renderLineChart } from '../svg/line-chart.ts'
import { bucketTimeline, MAX_POINTS } from '../timeline.ts'
import { renderChecks, renderNotSent } from './checks.ts'
import {
  type Cell,
  renderSubheading,
  renderTable,
  renderThresholds,
  renderTiles,
  renderWarnings,
} from './parts.ts'

const LABELS: Record<ComparisonRow['metric'], string> = {
  rps: 'Throughput',
  mean: 'Mean latency',
  p50: 'p50 latency',
  p95: 'p95 latency',
  p99: 'p99 latency',
  errorRatePercent: 'Error rate',
}

function formatValue(row: ComparisonRow, value: number): string {
  if (row.unit === 'req/s') return formatRps(value)
  if (row.unit === '%') return formatPercent(value)
  return formatMs(value)
}

/** Palette slot of the n-th configuration. */
function colorOf(index: number): number {
  return (index % 6) + 1
}

function renderP95OverTime(result: ComparisonResult): string {
  const longest = Math.max(0, ...result.runs.map((run) => run.result.timeline.length))
  // A line needs a few seconds to say anything; the bars above already compare short runs.
  if (longest < 3) return ''
  // One bucket size for every run, so their points line up in time.
  const bucketSeconds = Math.max(1, Math.ceil(longest / MAX_POINTS))
  const timelines = result.runs.map((run) =>
    bucketTimeline(run.result.timeline, { durationMs: run.result.durationMs, bucketSeconds }),
  )
  const x = Array.from(
    { length: Math.max(...timelines.map((t) => t.second.length)) },
    (_, index) => index * bucketSeconds,
  )
  return renderLineChart({
    title: 'p95 over time, each configuration',
    x,
    xUnit: 's',
    yUnit: 'ms',
    series: result.runs.map((run, index) => ({
      name: run.name,
      values: x.map((_, point) => timelines[index]?.p95[point] ?? null),
      color: colorOf(index),
    })),
  })
}

function renderTableOfMetrics(result: ComparisonResult): string {
  const names = result.runs.map((run) => run.name)
  const rows = result.table.map((row): Cell[] => [
    { html: htmlText(`${LABELS[row.metric]} (${row.unit})`) },
    ...names.map((name) => {
      const value = formatValue(row, row.values[name] ?? 0)
      const relative = row.relativePercent[name]
      const delta =
        name === result.baseline || relative === null || relative === undefined
          ? ''
          : ` <small>${relative >= 0 ? '+' : ''}${relative.toFixed(1)}%</small>`
      const winner = row.winner === name
      return {
        html: `${winner ? '★ ' : ''}${htmlText(value)}${delta}`,
        numeric: true,
        className: winner ? 'good' : '',
      }
    }),
  ])
  return renderTable(['metric', ...names.map((name) => htmlText(name))], rows)
}

/** A comparison: side-by-side bars per metric, p95 over time per configuration, and the table. */
export function renderComparisonBody(result: ComparisonResult): string {
  const names = result.runs.map((run) => run.name)
  const winnerOf = (metric: ComparisonRow['metric']) =>
    result.table.find((row) => row.metric === metric)?.winner
  const tiles = [
    { label: 'configurations', value: String(names.length) },
    { label: 'baseline', value: result.baseline },
    { label: 'best p95', value: winnerOf('p95') ?? 'tie' },
    { label: 'best throughput', value: winnerOf('rps') ?? 'tie' },
  ]
  const bars = result.table.map((row) =>
    renderBarChart({
      title: `${LABELS[row.metric]} (${row.better} is better)`,
      categories: names,
      series: [{ name: LABELS[row.metric], values: names.map((name) => row.values[name] ?? 0), color: 1 }],
      categoryColors: names.map((_, index) => colorOf(index)),
      unit: row.unit,
      highlight: row.winner === null ? [] : [names.indexOf(row.winner)],
      format: (value) => formatValue(row, value),
    }),
  )
  // Each configuration's thresholds, named checks and requests never sent, where it has any.
  const thresholds = result.runs
    .map(({ name, result: run }) => ({
      name,
      html: renderThresholds(run.thresholds) + renderChecks(run) + renderNotSent(run),
    }))
    .filter(({ html }) => html !== '')
    .map(({ name, html }) => `<div class="sub-run"><h4>${htmlText(name)}</h4>${html}</div>`)
  return (
    `<p class="run">${htmlText(`${names.join(' vs ')} · started ${result.startedAt}`)}</p>` +
    renderTiles(tiles) +
    `<div class="charts">${bars.join('')}${renderP95OverTime(result)}</div>` +
    renderSubheading('Side by side') +
    renderTableOfMetrics(result) +
    thresholds.join('') +
    renderWarnings(result.warnings)
  )
}
