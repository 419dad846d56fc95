import type { BenchmarkResult } from '../../../foundation/model/index.ts'
import { formatCount, formatMs, formatRps } from '../../../foundation/util/format.ts'
import { summarizeBenchmark } from '../benchmark.ts'
import { htmlText } from '../escape.ts'
import { renderBarChart } from '../svg/bar-chart.ts'
import { renderTiles, renderWarnings } from './parts.ts'

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

/** A function benchmark: its key numbers and the distribution of time per iteration. Pure. */
export function renderBenchmarkBody(result: BenchmarkResult): string {
  const { stats } = result
  const tiles = [
    { label: 'iterations', value: formatCount(result.iterations) },
    { label: 'throughput', value: `${formatRps(result.throughput)} ops/s` },
    { label: 'mean', value: `${formatMs(stats.mean)} ms` },
    { label: '± (rme)', value: `${stats.rme.toFixed(2)} %` },
    { label: 'p50', value: `${formatMs(stats.p50)} ms` },
    { label: 'p99', value: `${formatMs(stats.p99)} ms` },
  ]
  const chart = renderBarChart({
    title: 'Time per iteration',
    categories: PERCENTILES.map(([label]) => label),
    series: [{ name: 'time per iteration', values: PERCENTILES.map(([, key]) => stats[key]), color: 1 }],
    unit: 'ms',
    format: formatMs,
  })
  return (
    `<p class="run">${htmlText(`${summarizeBenchmark(result)} · started ${result.startedAt}`)}</p>` +
    renderTiles(tiles) +
    `<div class="charts">${chart}</div>` +
    renderWarnings(result.warnings)
  )
}
