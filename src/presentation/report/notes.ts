import { SATURATION_PREFIX } from '../../engine/monitor/generator.ts'
import type { ThresholdResult } from '../../foundation/model/index.ts'
import { formatMs, formatRps } from '../../foundation/util/format.ts'
import { describeBaselineCheck } from './baseline-notes.ts'
import { describeFailedChecks } from './checks.ts'
import type { RowNote } from './row-note.ts'
import { loadRunsOf, type ReportRow } from './rows.ts'

export type { RowNote } from './row-note.ts'

// `The load generator saturated (event loop busy 100% …, CPU 190%): …` → its CPU figure.
function briefSaturation(warning: string): string {
  const cpu = /CPU (\d+)%/.exec(warning)?.[1]
  return `load generator saturated${cpu === undefined ? '' : ` (CPU ${cpu}%)`}: numbers describe the tester too`
}

/** `p(95)<200 (actual 250.3)`, with the threshold's note when it has one: `(actual 1; never ran: 'buy')`. */
export function describeThreshold(threshold: ThresholdResult): string {
  const note = threshold.note === undefined ? '' : `; ${threshold.note}`
  return `${threshold.expression} (actual ${formatMs(threshold.actual)}${note})`
}

/**
 * Failed thresholds (with the value they saw and their note), failed checks, baseline regressions, a run cut
 * short, a stress test's break point, and warnings. Shared by the terminal, Markdown and JUnit reports. Pure.
 */
export function describeRow(row: ReportRow): RowNote[] {
  const notes: RowNote[] = []
  const { result } = row
  for (const { prefix, run } of loadRunsOf(row)) {
    for (const threshold of run.thresholds) {
      // A passed threshold is news only when it says something of its own.
      if (threshold.passed && threshold.note === undefined) continue
      notes.push({
        level: threshold.passed ? 'info' : 'failure',
        text: `${prefix}${describeThreshold(threshold)}`,
      })
    }
    // Named checks fail no request: without this a run whose checks failed would read clean.
    const failedChecks = describeFailedChecks(run.metrics)
    if (failedChecks !== undefined) notes.push({ level: 'warning', text: `${prefix}${failedChecks}` })
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
  if (row.baseline !== undefined) notes.push(...describeBaselineCheck(row.baseline))
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
