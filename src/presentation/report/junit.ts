import type {
  BaselineComparison,
  BenchmarkResult,
  ComparisonResult,
  LoadMetrics,
  LoadTestResult,
  StressTestResult,
} from '../../foundation/model/index.ts'
import { listMetricComparisons, summarizeRun } from '../../foundation/model/index.ts'
import { round } from '../../foundation/util/format.ts'
import { formatPercentChange } from '../../metrics/change-format.ts'
import { BENCHMARK_TOOL, summarizeBenchmark } from './benchmark.ts'
import { checkTotalsOf, notSentLinesOf } from './checks.ts'
import { escapeXml, scrubReportText } from './escape.ts'
import type { ReportMeta } from './meta.ts'
import { describeRow } from './notes.ts'
import { isFailure, type ReportRow, verdictOf } from './rows.ts'

type Property = readonly [name: string, value: string | number | boolean]

function xml(value: string): string {
  return escapeXml(scrubReportText(value))
}

function metricProperties(metrics: LoadMetrics, prefix = ''): Property[] {
  const times = metrics.responseTimes
  return [
    [`${prefix}requests`, metrics.totalRequests],
    [`${prefix}failed_requests`, metrics.failedRequests],
    [`${prefix}error_rate_percent`, round(metrics.errorRatePercent, 3)],
    [`${prefix}rps`, round(metrics.rps, 3)],
    [`${prefix}mean_ms`, round(times.mean, 3)],
    [`${prefix}p50_ms`, round(times.p50, 3)],
    [`${prefix}p90_ms`, round(times.p90, 3)],
    [`${prefix}p95_ms`, round(times.p95, 3)],
    [`${prefix}p99_ms`, round(times.p99, 3)],
    [`${prefix}max_ms`, round(times.max, 3)],
  ]
}

/**
 * Named checks (`checks_rate_percent`, `checks.has id.fails`) and requests never sent (`not_sent`,
 * `not_sent.template`), when there are any.
 */
function checkProperties(metrics: LoadMetrics, prefix: string): Property[] {
  const properties: Property[] = []
  const totals = checkTotalsOf(metrics)
  if (totals !== undefined) {
    const ran = totals.passes + totals.fails
    properties.push(
      [`${prefix}checks_rate_percent`, ran === 0 ? 0 : round((totals.passes / ran) * 100, 3)],
      [`${prefix}checks_failed`, totals.fails],
    )
    for (const [name, { passes, fails }] of Object.entries(metrics.checks ?? {})) {
      properties.push([`${prefix}checks.${name}.passes`, passes], [`${prefix}checks.${name}.fails`, fails])
    }
  }
  const unsent = notSentLinesOf(metrics)
  if (unsent.length > 0) {
    properties.push([`${prefix}not_sent`, unsent.reduce((sum, line) => sum + line.count, 0)])
    for (const { reason, count } of unsent) properties.push([`${prefix}not_sent.${reason}`, count])
  }
  return properties
}

/** A property set per endpoint (`endpoint.login.p95_ms`) and per scenario (`scenario.buy.iterations`). */
function journeyProperties(result: LoadTestResult, prefix: string): Property[] {
  const properties: Property[] = []
  for (const [name, endpoint] of Object.entries(result.endpoints ?? {})) {
    properties.push(
      ...metricProperties(endpoint, `${prefix}endpoint.${name}.`),
      ...checkProperties(endpoint, `${prefix}endpoint.${name}.`),
    )
  }
  for (const [name, scenario] of Object.entries(result.scenarios ?? {})) {
    properties.push(
      [`${prefix}scenario.${name}.iterations`, scenario.iterations],
      [`${prefix}scenario.${name}.failed_iterations`, scenario.failedIterations],
      [`${prefix}scenario.${name}.iteration_p95_ms`, round(scenario.iterationDuration.p95, 3)],
    )
  }
  return properties
}

/** The app's cost when it was measured (`app_cpu_per_request_us`, …). */
function appProperties(result: LoadTestResult, prefix: string): Property[] {
  const { app } = result
  if (app?.measured !== true) return []
  return [
    [`${prefix}app_cpu_per_request_us`, round(app.cpuPerRequestUs)],
    [`${prefix}app_cpu_percent`, round(app.cpuPercent)],
  ]
}

function loadProperties(result: LoadTestResult, prefix = ''): Property[] {
  return [
    ...metricProperties(result.metrics, prefix),
    ...checkProperties(result.metrics, prefix),
    ...appProperties(result, prefix),
    ...journeyProperties(result, prefix),
    ...result.thresholds.map(
      (threshold): Property => [
        `${prefix}threshold ${threshold.expression}`,
        `${threshold.passed ? 'pass' : 'fail'} (actual ${round(threshold.actual, 3)}` +
          `${threshold.note === undefined ? '' : `; ${threshold.note}`})`,
      ],
    ),
  ]
}

function stressProperties(result: StressTestResult): Property[] {
  const last = result.steps.at(-1)
  const properties: Property[] = [
    ['max_users_reached', result.maxUsersReached],
    ['steps', result.steps.length],
    ['break_users', result.breakPoint?.users ?? 'none'],
  ]
  if (result.breakPoint !== null) {
    properties.push(
      ['break_criterion', result.breakPoint.criterion],
      ['break_reason', result.breakPoint.reason],
    )
  }
  if (last !== undefined) properties.push(...metricProperties(last.metrics, 'last_step.'))
  return properties
}

function comparisonProperties(result: ComparisonResult): Property[] {
  const properties: Property[] = [['baseline_configuration', result.baseline]]
  for (const row of result.table) {
    if (row.winner !== null) properties.push([`best_${row.metric}`, row.winner])
  }
  for (const run of result.runs) properties.push(...loadProperties(run.result, `${run.name}.`))
  return properties
}

function benchmarkProperties(result: BenchmarkResult): Property[] {
  const { stats } = result
  return [
    ['target', result.target],
    ['iterations', result.iterations],
    ['throughput_ops', round(result.throughput, 3)],
    ['mean_ms', round(stats.mean, 3)],
    ['sd_ms', round(stats.sd, 3)],
    ['rme_percent', round(stats.rme, 3)],
    ['p50_ms', round(stats.p50, 3)],
    ['p95_ms', round(stats.p95, 3)],
    ['p99_ms', round(stats.p99, 3)],
    ['max_ms', round(stats.max, 3)],
  ]
}

// JUnit has no state between passed and failed: an inconclusive baseline is a property, and a note in system-out.
function baselineProperties(comparison: BaselineComparison): Property[] {
  const properties: Property[] = [
    ['baseline_p95_ms', round(comparison.p95.baseline, 3)],
    ['baseline_rps', round(comparison.rps.baseline, 3)],
    ['baseline_regressed', comparison.regressed],
    ['baseline_verdict', comparison.verdict],
    ['baseline_method', comparison.method],
  ]
  for (const { endpoint, metric } of listMetricComparisons(comparison)) {
    const name = `baseline.${endpoint === undefined ? '' : `${endpoint}.`}${metric.metric}`
    properties.push([`${name}.verdict`, metric.verdict])
    const { interval } = metric
    if (interval !== undefined) {
      properties.push([
        `${name}.change`,
        `${formatPercentChange(interval.changePercent)} [${formatPercentChange(interval.lowPercent)}, ${formatPercentChange(interval.highPercent)}]`,
      ])
    }
  }
  return properties
}

function propertiesOf(row: ReportRow): Property[] {
  const { result } = row
  const common: Property[] = [['kind', result.kind]]
  if (result.kind === 'benchmark') common.push(['tool', BENCHMARK_TOOL], ['run', result.name])
  else if (result.kind !== 'comparison') common.push(['tool', result.tool], ['run', result.name])
  const specific =
    result.kind === 'load'
      ? loadProperties(result)
      : result.kind === 'stress'
        ? stressProperties(result)
        : result.kind === 'benchmark'
          ? benchmarkProperties(result)
          : comparisonProperties(result)
  const baseline = row.baseline?.comparison
  if (baseline !== undefined && baseline !== null) specific.push(...baselineProperties(baseline))
  return [...common, ...specific]
}

// A matcher's message spans lines (hint, expected, received): the attribute carries them joined by spaces.
function firstLine(text: string | undefined): string | undefined {
  if (text === undefined) return undefined
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' ')
}

function summaryOf(row: ReportRow): string {
  const { result } = row
  if (result.kind === 'load') return summarizeRun(result)
  if (result.kind === 'comparison') return result.runs.map((run) => summarizeRun(run.result)).join('\n')
  if (result.kind === 'benchmark') return summarizeBenchmark(result)
  return `${result.name} (${result.tool}): ${result.steps.length} steps up to ${result.maxUsersReached} users`
}

function renderTestCase(row: ReportRow): string {
  const verdict = verdictOf(row)
  const notes = describeRow(row)
  const failures = notes.filter((note) => note.level === 'failure').map((note) => note.text)
  const lines = [
    `    <testcase classname="${xml(row.file)}" name="${xml(row.test)}" time="${round(row.result.durationMs / 1000, 3)}">`,
    '      <properties>',
    ...propertiesOf(row).map(
      ([name, value]) => `        <property name="${xml(name)}" value="${xml(String(value))}"/>`,
    ),
    '      </properties>',
  ]
  if (row.state === 'skipped' || row.state === 'pending') lines.push('      <skipped/>')
  else if (isFailure(verdict)) {
    // A failed threshold names itself; otherwise the matcher's own message says what was expected.
    const assertion = row.errors?.find((error) => error.trim() !== '')
    const message =
      failures[0] ??
      firstLine(assertion) ??
      (verdict === 'abort' ? 'the run was aborted (timed out)' : 'the test failed')
    const type = verdict === 'abort' ? 'aborted' : failures.length > 0 ? 'threshold' : 'assertion'
    const body = [...failures, ...(row.errors ?? [])].join('\n') || message
    lines.push(`      <failure message="${xml(message)}" type="${type}">${xml(body)}</failure>`)
  }
  const out = [summaryOf(row), ...notes.map((note) => `${note.level}: ${note.text}`)].join('\n')
  lines.push(`      <system-out>${xml(out)}</system-out>`, '    </testcase>')
  return lines.join('\n')
}

/**
 * JUnit XML: a testsuite per test file, a testcase per perf result (a comparison is one), its metrics as
 * `<property>`s so CI dashboards show them, a `<failure>` naming the failed threshold. Pure.
 */
export function renderJunit(rows: readonly ReportRow[], meta: ReportMeta): string {
  const files = [...new Set(rows.map((row) => row.file))]
  const timestamp = (meta.now ?? new Date()).toISOString().replace(/\.\d+Z$/, '')
  const count = (list: readonly ReportRow[]) => ({
    tests: list.length,
    failures: list.filter(
      (row) => row.state !== 'skipped' && row.state !== 'pending' && isFailure(verdictOf(row)),
    ).length,
    skipped: list.filter((row) => row.state === 'skipped' || row.state === 'pending').length,
    time: round(list.reduce((sum, row) => sum + row.result.durationMs, 0) / 1000, 3),
  })
  const attributes = (list: readonly ReportRow[]) => {
    const { tests, failures, skipped, time } = count(list)
    return `tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}" time="${time}"`
  }
  const suites = files.map((file) => {
    const inFile = rows.filter((row) => row.file === file)
    return [
      `  <testsuite name="${xml(file)}" ${attributes(inFile)} timestamp="${timestamp}">`,
      ...inFile.map(renderTestCase),
      '  </testsuite>',
    ].join('\n')
  })
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="perfspec (${xml(meta.runner)})" ${attributes(rows)}>`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n')
}
