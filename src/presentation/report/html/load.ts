import type { BaselineCheck, LoadTestResult } from '../../../foundation/model/index.ts'
import { formatCount, formatMs, formatPercent, formatRps, formatUs } from '../../../foundation/util/format.ts'
import { htmlText } from '../escape.ts'
import { renderBarChart } from '../svg/bar-chart.ts'
import { renderLineChart } from '../svg/line-chart.ts'
import { bucketTimeline, MIN_TREND_POINTS } from '../timeline.ts'
import { checksTile, notSentTile, renderChecks, renderNotSent } from './checks.ts'
import { renderJourneyBody } from './journey.ts'
import {
  num,
  renderBaseline,
  renderSubheading,
  renderTable,
  renderThresholds,
  renderTiles,
  renderWarnings,
  txt,
} from './parts.ts'

const PERCENTILES = [
  ['min', 'min'],
  ['p50', 'p50'],
  ['p75', 'p75'],
  ['p90', 'p90'],
  ['p95', 'p95'],
  ['p99', 'p99'],
  ['p99.9', 'p999'],
  ['max', 'max'],
] as const

/** `GET http://127.0.0.1:3000/api · 10 users · 30.0 s · native` */
function describeLoad(result: LoadTestResult): string {
  const { options } = result
  const load =
    options.rate !== undefined
      ? `${options.rate} req/s arriving (up to ${options.maxUsers ?? options.users} users)`
      : options.stages !== undefined
        ? `${options.stages.length} arrival-rate stages (up to ${options.maxUsers ?? options.users} users)`
        : `${options.users} user${options.users === 1 ? '' : 's'}`
  const time = `${(result.durationMs / 1000).toFixed(1)} s`
  return [`${options.method} ${options.url}`, load, time, result.tool, `started ${result.startedAt}`].join(
    ' · ',
  )
}

/** The error rate and count, marked when there were any. */
function errorTile(errorRatePercent: number, failed: number): { label: string; value: string; tone?: 'bad' } {
  const value = `${formatPercent(errorRatePercent)} % (${failed})`
  return errorRatePercent > 0 ? { label: 'errors', value, tone: 'bad' } : { label: 'errors', value }
}

function renderTimeCharts(result: LoadTestResult): string {
  const timeline = bucketTimeline(result.timeline, { durationMs: result.durationMs })
  if (timeline.second.length === 0) {
    return `<p class="empty">No per-second timeline: ${htmlText(result.tool)} reported totals only.</p>`
  }
  const size = timeline.bucketSeconds
  const worst = size > 1 ? ` (each point: the worst of ${size} s)` : ''
  const mean = size > 1 ? ` (each point: the mean of ${size} s)` : ''
  // A run under 3 s: its seconds as points, no line that would read as a trend.
  const short = timeline.second.length < MIN_TREND_POINTS
  const shape = short ? { lines: false, dots: true } : {}
  const note = short ? ' (a short run: one point per second)' : ''
  return (
    renderLineChart({
      title: `Latency over time${worst}${note}`,
      ...shape,
      x: timeline.second,
      xUnit: 's',
      yUnit: 'ms',
      series: [
        { name: 'p50', values: timeline.p50, color: 1 },
        { name: 'p95', values: timeline.p95, color: 2 },
        { name: 'p99', values: timeline.p99, color: 3 },
      ],
    }) +
    renderLineChart({
      title: `Throughput and errors over time${mean}${note}`,
      ...shape,
      x: timeline.second,
      xUnit: 's',
      yUnit: 'req/s',
      series: [
        { name: 'requests/s', values: timeline.rps, color: 4, area: true },
        { name: 'errors/s', values: timeline.errorsPerSecond, color: 3 },
      ],
    }) +
    (timeline.appCpuPercent.some((cpu) => cpu !== null)
      ? renderLineChart({
          title: `The app’s CPU over time${mean}${note}`,
          ...shape,
          x: timeline.second,
          xUnit: 's',
          yUnit: '% CPU',
          series: [{ name: 'app CPU (100 = one core)', values: timeline.appCpuPercent, color: 5 }],
        })
      : '')
  )
}

function renderDistribution(result: LoadTestResult): string {
  const series = [
    {
      name: result.serviceTimes === undefined ? 'response time' : 'response time (from when due)',
      values: PERCENTILES.map(([, key]) => result.metrics.responseTimes[key]),
      color: 1,
    },
  ]
  const { serviceTimes } = result
  if (serviceTimes !== undefined) {
    series.push({
      name: 'service time (from when sent)',
      values: PERCENTILES.map(([, key]) => serviceTimes[key]),
      color: 5,
    })
  }
  return renderBarChart({
    title: 'Latency distribution',
    categories: PERCENTILES.map(([label]) => label),
    series,
    unit: 'ms',
    format: formatMs,
  })
}

function renderErrors(result: LoadTestResult): string {
  const entries = Object.entries(result.metrics.errorsByType)
  const codes = Object.entries(result.metrics.statusCodes)
    .map(([code, count]) => `${code} × ${formatCount(count)}`)
    .join(' · ')
  const statuses = codes === '' ? '' : `<p class="note">Status codes: ${htmlText(codes)}</p>`
  if (entries.length === 0) return statuses
  const rows = entries.map(([type, summary]) => [
    txt(type),
    num(formatCount(summary?.count ?? 0)),
    txt(summary?.sampleMessages[0] ?? ''),
  ])
  return (
    renderSubheading('Errors', entries.length) + renderTable(['type', 'count', 'example'], rows) + statuses
  )
}

function renderGenerator(result: LoadTestResult): string {
  const { generator } = result
  if (generator === undefined) return ''
  const text =
    `Load generator: event loop busy ${(generator.eventLoopUtilization * 100).toFixed(0)}%, ` +
    `lag p99 ${formatMs(generator.eventLoopLagP99Ms)} ms, CPU ${generator.cpuPercent.toFixed(0)}%` +
    (generator.saturated ? ' — saturated: the numbers describe the generator, not the server' : '')
  return `<p class="note${generator.saturated ? ' bad' : ''}">${htmlText(text)}</p>`
}

function megabytes(bytes: number): string {
  return `${bytes >= 0 ? '+' : '−'}${(Math.abs(bytes) / 1e6).toFixed(1)} MB`
}

/** The app's cost over the steady state, or why it was not measured. */
function renderApp(result: LoadTestResult): string {
  const { app } = result
  if (app === undefined) return ''
  if (!app.measured) return `<p class="note">${htmlText(`App cost not measured: ${app.reason}.`)}</p>`
  const where = app.source === 'pid' ? 'the monitored process' : 'the test’s thread'
  const parts = [
    `${formatUs(app.cpuPerRequestUs)} µs CPU per request (${formatCount(app.requests)} requests)`,
    `CPU ${app.cpuPercent.toFixed(0)}%`,
  ]
  if (app.eventLoopUtilization !== undefined) {
    parts.push(
      `event loop busy ${(app.eventLoopUtilization * 100).toFixed(0)}%, lag p99 ${formatMs(app.eventLoopLagP99Ms ?? 0)} ms`,
    )
  }
  if (app.heapGrowthBytes !== undefined) parts.push(`heap ${megabytes(app.heapGrowthBytes)}`)
  parts.push(`RSS ${megabytes(app.rssGrowthBytes)}`)
  return `<p class="note">${htmlText(`App under test (${where}): ${parts.join(', ')}`)}</p>`
}

/**
 * Everything about one load run: key numbers, charts over time, distribution, thresholds, named checks,
 * requests never sent, errors, warnings.
 */
export function renderLoadBody(result: LoadTestResult, baseline?: BaselineCheck): string {
  const { metrics } = result
  const times = metrics.responseTimes
  const tiles = [
    { label: 'requests', value: formatCount(metrics.totalRequests) },
    { label: 'throughput', value: `${formatRps(metrics.rps)} req/s` },
    { label: 'p50', value: `${formatMs(times.p50)} ms` },
    { label: 'p95', value: `${formatMs(times.p95)} ms` },
    { label: 'p99', value: `${formatMs(times.p99)} ms` },
    { label: 'max', value: `${formatMs(times.max)} ms` },
    errorTile(metrics.errorRatePercent, metrics.failedRequests),
  ]
  if (result.app?.measured === true) {
    tiles.push({ label: 'app CPU/req', value: `${formatUs(result.app.cpuPerRequestUs)} µs` })
  }
  const checks = checksTile(result)
  if (checks !== undefined) tiles.push(checks)
  const unsent = notSentTile(result)
  if (unsent !== undefined) tiles.push(unsent)
  if (result.droppedIterations !== undefined) {
    const tone = result.droppedIterations > 0 ? ('bad' as const) : undefined
    tiles.push({ label: 'dropped', value: formatCount(result.droppedIterations), ...(tone && { tone }) })
  }
  return (
    `<p class="run">${htmlText(describeLoad(result))}</p>` +
    renderTiles(tiles) +
    `<div class="charts">${renderTimeCharts(result)}${renderDistribution(result)}</div>` +
    renderJourneyBody(result, (run) => renderTimeCharts(run) + renderDistribution(run)) +
    renderThresholds(result.thresholds) +
    renderChecks(result) +
    renderBaseline(baseline) +
    renderNotSent(result) +
    renderErrors(result) +
    renderGenerator(result) +
    renderApp(result) +
    renderWarnings(result.warnings) +
    (result.aborted
      ? '<p class="note bad">Aborted before its end (a timeout or a signal): the numbers cover what ran.</p>'
      : '')
  )
}
