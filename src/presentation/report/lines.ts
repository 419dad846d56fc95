import type { LoadMetrics, LoadTestResult } from '../../foundation/model/index.ts'
import type { ToolName } from '../../foundation/types.ts'
import { BENCHMARK_TOOL, benchmarkMetrics } from './benchmark.ts'
import { type ReportRow, type Verdict, verdictOf } from './rows.ts'
import { bucketTimeline, MIN_TREND_POINTS } from './timeline.ts'

/** One line of the summary: a load run, a stress test (its last step), or one configuration of a comparison. */
export interface ResultLine {
  row: ReportRow
  /** `file › test`, plus what tells it apart from the test's other lines. */
  label: string
  /** The load generator, or `tinybench` for a function benchmark. */
  tool: ToolName | typeof BENCHMARK_TOOL
  metrics: LoadMetrics
  verdict: Verdict
  /** p95 per second (a load run) or per step (a stress test), for sparklines; empty for a run under 3 s. */
  p95Trend: number[]
  /** Set on the line of one endpoint of a journey run, shown under its run (no verdict of its own). */
  endpoint?: string
  /** The app's CPU per request (µs), on the line of a run that measured it. */
  appCpuPerRequestUs?: number
}

const NO_METRICS: LoadMetrics = {
  totalRequests: 0,
  successfulRequests: 0,
  failedRequests: 0,
  errorRatePercent: 0,
  rps: 0,
  responseTimes: { min: 0, max: 0, mean: 0, sd: 0, p50: 0, p75: 0, p90: 0, p95: 0, p99: 0, p999: 0 },
  errorsByType: {},
  statusCodes: {},
  bytesReceived: 0,
  durationMs: 0,
}

/** The p95 trend of a run too short to have one (under 3 s). */
export const NO_TREND = '–'

/** `file › test` */
export function whereOf(row: ReportRow): string {
  return `${row.file} › ${row.test}`
}

/** The run's line, then one line per endpoint of a journey under it. */
function loadLines(row: ReportRow, result: LoadTestResult, label: string): ResultLine[] {
  const trend = (timeline: LoadTestResult['timeline']): number[] => {
    const p95 = bucketTimeline(timeline, { durationMs: result.durationMs }).p95.map((p95) => p95 ?? 0)
    return p95.length < MIN_TREND_POINTS ? [] : p95
  }
  const verdict = verdictOf({ ...row, result })
  const run: ResultLine = {
    row,
    label,
    tool: result.tool,
    metrics: result.metrics,
    verdict,
    // Under 3 s there is no trend to draw: the table says so rather than drawing one.
    p95Trend: trend(result.timeline),
  }
  if (result.app?.measured === true) run.appCpuPerRequestUs = result.app.cpuPerRequestUs
  const endpoints = Object.entries(result.endpoints ?? {}).map(
    ([name, endpoint]): ResultLine => ({
      row,
      label: `  ↳ ${name}`,
      tool: result.tool,
      metrics: endpoint,
      verdict,
      p95Trend: trend(endpoint.timeline),
      endpoint: name,
    }),
  )
  return [run, ...endpoints]
}

/** The lines of the summary, in row order: comparisons give one line per configuration. */
export function toResultLines(rows: readonly ReportRow[]): ResultLine[] {
  const testKey = (row: ReportRow) => `${row.file}\0${row.test}`
  const rowsPerTest = new Map<string, number>()
  for (const row of rows) rowsPerTest.set(testKey(row), (rowsPerTest.get(testKey(row)) ?? 0) + 1)
  return rows.flatMap((row): ResultLine[] => {
    const where = whereOf(row)
    const several = (rowsPerTest.get(testKey(row)) ?? 1) > 1
    const { result } = row
    if (result.kind === 'load') return loadLines(row, result, several ? `${where} [${result.name}]` : where)
    if (result.kind === 'comparison') {
      return result.runs.flatMap((run) => loadLines(row, run.result, `${where} [${run.name}]`))
    }
    if (result.kind === 'benchmark') {
      return [
        {
          row,
          label: `${where} [bench${several ? `: ${result.name}` : ''}]`,
          tool: BENCHMARK_TOOL,
          metrics: benchmarkMetrics(result),
          verdict: verdictOf(row),
          p95Trend: [],
        },
      ]
    }
    return [
      {
        row,
        label: `${where} [stress${several ? `: ${result.name}` : ''}]`,
        tool: result.tool,
        metrics: result.steps.at(-1)?.metrics ?? NO_METRICS,
        verdict: verdictOf(row),
        p95Trend: result.steps.map((step) => step.metrics.responseTimes.p95),
      },
    ]
  })
}
