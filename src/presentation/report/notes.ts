import { SATURATION_PREFIX } from '../../engine/monitor/generator.ts'
import type { LoadTestResult, MetricComparison } from '../../foundation/model/index.ts'
import { formatMs, formatRps } from '../../foundation/util/format.ts'
import type { ReportRow } from './rows.ts'

/** What went wrong or is worth knowing about one row, as a plain sentence. */
export interface RowNote {
  level: 'failure' | 'info' | 'warning'
  text: string
  /** A one-line form for the terminal, where the whole text would be one of many long paragraphs. */
  brief?: string
}

// `The load generator saturated (event loop busy 100% …, CPU 190%): …` → its CPU figure.
function briefSaturation(warning: string): string {
  const cpu = /CPU (\d+)%/.exec(warning)?.[1]
  return `load generator saturated${cpu === undefined ? '' : ` (CPU ${cpu}%)`}: numbers describe the tester too`
}

function loadRuns(row: ReportRow): { prefix: string; run: LoadTestResult }[] {
  const { result } = row
  if (result.kind === 'load') return [{ prefix: '', run: result }]
  if (result.kind === 'comparison')
    return result.runs.map(({ name, result: run }) => ({ prefix: `[${name}] `, run }))
  return []
}

function describeRegression(metric: MetricComparison): string {
  const format =
    metric.metric === 'p95' ? (n: number) => `${formatMs(n)} ms` : (n: number) => `${formatRps(n)} rps`
  return (
    `baseline: ${metric.metric} ${format(metric.actual)} vs ${format(metric.baseline)} ` +
    `(worse by ${metric.worsePercent.toFixed(1)}%, limit ${format(metric.limit)})`
  )
}

/**
 * Failed thresholds (with the value they saw), baseline regressions, a run cut short, a stress test's break
 * point, and warnings. Shared by the terminal, Markdown and JUnit reports. Pure.
 */
export function describeRow(row: ReportRow): RowNote[] {
  const notes: RowNote[] = []
  const { result } = row
  for (const { prefix, run } of loadRuns(row)) {
    for (const threshold of run.thresholds) {
      if (threshold.passed) continue
      notes.push({
        level: 'failure',
        text: `${prefix}${threshold.expression} (actual ${formatMs(threshold.actual)})`,
      })
    }
    if (run.aborted) {
      const why = run.abortedBy === undefined ? 'before its end' : `by ${run.abortedBy} (abortOnFail)`
      notes.push({ level: 'failure', text: `${prefix}run aborted ${why}` })
    }
  }
  const rewrote = row.baseline?.rewrote
  if (rewrote !== undefined) {
    const { before, after } = rewrote
    notes.push({
      level: 'info',
      text:
        `baseline rewritten (-u): ${row.baseline?.file} › "${row.baseline?.key}": p95 ${formatMs(before.p95)} → ` +
        `${formatMs(after.p95)} ms, rps ${formatRps(before.rps)} → ${formatRps(after.rps)}`,
    })
  }
  const comparison = row.baseline?.comparison
  for (const metric of comparison ? [comparison.p95, comparison.rps] : []) {
    if (metric.regressed) notes.push({ level: 'failure', text: describeRegression(metric) })
  }
  if (result.kind === 'stress') {
    const { breakPoint } = result
    if (breakPoint !== null) {
      notes.push({ level: 'info', text: `broke at ${breakPoint.users} users: ${breakPoint.reason}` })
    } else if (result.aborted) {
      notes.push({ level: 'failure', text: `aborted at ${result.maxUsersReached} users` })
    } else {
      notes.push({ level: 'info', text: `held up to ${result.maxUsersReached} users without breaking` })
    }
  }
  for (const warning of result.warnings) {
    notes.push(
      warning.startsWith(SATURATION_PREFIX)
        ? { level: 'warning', text: warning, brief: briefSaturation(warning) }
        : { level: 'warning', text: warning },
    )
  }
  return notes
}
