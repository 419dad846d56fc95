import type { StressTestResult } from '../../../foundation/model/index.ts'
import { htmlText } from '../escape.ts'
import { renderLineChart } from '../svg/line-chart.ts'
import {
  METRIC_HEADERS,
  metricCells,
  num,
  renderSubheading,
  renderTable,
  renderTiles,
  renderWarnings,
} from './parts.ts'

/** A stress test: latency and throughput against users, the break point marked, and every step. */
export function renderStressBody(result: StressTestResult): string {
  const { steps, breakPoint } = result
  const users = steps.map((step) => step.users)
  const markers =
    breakPoint === null ? [] : [{ x: breakPoint.users, label: `break: ${breakPoint.users} users` }]
  const tiles = [
    { label: 'steps', value: String(steps.length) },
    { label: 'most users', value: String(result.maxUsersReached) },
    breakPoint === null
      ? { label: 'break point', value: result.aborted ? 'aborted' : 'none' }
      : { label: 'break point', value: `${breakPoint.users} users`, tone: 'bad' as const },
  ]
  if (breakPoint !== null) tiles.push({ label: 'broken by', value: breakPoint.criterion })
  const verdict =
    breakPoint === null
      ? result.aborted
        ? 'Aborted before the last step.'
        : `Held up to ${result.maxUsersReached} users without breaking.`
      : `Broke at ${breakPoint.users} users: ${breakPoint.reason}.`
  const charts =
    steps.length === 0
      ? '<p class="empty">No step completed.</p>'
      : renderLineChart({
          title: 'Latency by users',
          x: users,
          xUnit: 'users',
          yUnit: 'ms',
          dots: true,
          markers,
          series: (['p50', 'p95', 'p99'] as const).map((key, index) => ({
            name: key,
            values: steps.map((step) => step.metrics.responseTimes[key]),
            color: index + 1,
          })),
        }) +
        renderLineChart({
          title: 'Throughput by users',
          x: users,
          xUnit: 'users',
          yUnit: 'req/s',
          dots: true,
          markers,
          series: [{ name: 'requests/s', values: steps.map((step) => step.metrics.rps), color: 4 }],
        })
  const rows = steps.map((step) => [
    num(String(step.users), breakPoint?.users === step.users ? 'bad' : undefined),
    ...metricCells(step.metrics),
  ])
  return (
    `<p class="run">${htmlText(`${result.name} · ${result.tool} · started ${result.startedAt}`)}</p>` +
    renderTiles(tiles) +
    `<p class="${breakPoint === null ? 'note' : 'note bad'}">${htmlText(verdict)}</p>` +
    `<div class="charts">${charts}</div>` +
    renderSubheading('Steps', steps.length) +
    renderTable(['users', ...METRIC_HEADERS], rows) +
    renderWarnings(result.warnings)
  )
}
