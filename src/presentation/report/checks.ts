import type {
  CheckCounts,
  ErrorSummary,
  LoadMetrics,
  LoadTestResult,
  NotSentReason,
} from '../../foundation/model/index.ts'
import { formatPercent } from '../../foundation/util/format.ts'
import { notSentCount } from '../../metrics/not-sent.ts'
import { checkTotals } from '../../options/thresholds.ts'
import { loadRunsOf, type ReportRow } from './rows.ts'

/** One named check of a run, or of one endpoint of it. */
export interface CheckLine {
  /** Set for an endpoint's own count of the check; absent for the whole run's. */
  endpoint?: string
  name: string
  passes: number
  fails: number
}

/** Passes in percent of the checks that ran: `97.46%`; `–` when none ran. */
export function formatCheckRate({ passes, fails }: CheckCounts): string {
  const ran = passes + fails
  return ran === 0 ? '–' : `${formatPercent((passes / ran) * 100)}%`
}

/** All checks of `metrics` added up, or undefined when none ran. */
export function checkTotalsOf(metrics: Pick<LoadMetrics, 'checks'>): CheckCounts | undefined {
  return metrics.checks === undefined ? undefined : checkTotals(metrics)
}

function linesOf(checks: LoadMetrics['checks'], endpoint?: string): CheckLine[] {
  return Object.entries(checks ?? {}).map(([name, { passes, fails }]) =>
    endpoint === undefined ? { name, passes, fails } : { endpoint, name, passes, fails },
  )
}

/** The run's checks, then each endpoint's (where the run has endpoints), in the order they were recorded. */
export function checkLinesOf(result: LoadTestResult): CheckLine[] {
  return [
    ...linesOf(result.metrics.checks),
    ...Object.entries(result.endpoints ?? {}).flatMap(([name, endpoint]) => linesOf(endpoint.checks, name)),
  ]
}

/** One reason requests were never sent, with its count and a sample message. */
export interface NotSentLine {
  reason: NotSentReason
  count: number
  example: string
}

/** The requests `metrics` never sent, by reason; empty when every prepared request went out. */
export function notSentLinesOf(metrics: Pick<LoadMetrics, 'notSent'>): NotSentLine[] {
  return (Object.entries(metrics.notSent ?? {}) as [NotSentReason, ErrorSummary][])
    .filter(([, summary]) => summary.count > 0)
    .map(([reason, summary]) => ({
      reason,
      count: summary.count,
      example: summary.sampleMessages[0] ?? '',
    }))
}

/** `3 template, 2 step_function` */
export function describeNotSent(metrics: Pick<LoadMetrics, 'notSent'>): string {
  return notSentLinesOf(metrics)
    .map(({ reason, count }) => `${count} ${reason}`)
    .join(', ')
}

/**
 * What a verdict alone does not say: named checks that failed (they fail no request and no run unless a
 * `checks` threshold judges them) and requests a journey never sent (they are in no request count).
 */
export interface Caveats {
  failedChecks: number
  notSent: number
}

export function caveatsOfMetrics(metrics: Pick<LoadMetrics, 'checks' | 'notSent'>): Caveats {
  return { failedChecks: checkTotals(metrics).fails, notSent: notSentCount(metrics) }
}

/** The caveats of a row: its load run, a comparison's runs or a stress test's steps added up; none for a benchmark. */
export function caveatsOf(row: ReportRow): Caveats {
  const caveats: Caveats = { failedChecks: 0, notSent: 0 }
  const { result } = row
  const parts =
    result.kind === 'stress'
      ? result.steps.map((step) => step.metrics)
      : loadRunsOf(row).map(({ run }) => run.metrics)
  for (const metrics of parts) {
    const { failedChecks, notSent } = caveatsOfMetrics(metrics)
    caveats.failedChecks += failedChecks
    caveats.notSent += notSent
  }
  return caveats
}

export function hasCaveats(caveats: Caveats): boolean {
  return caveats.failedChecks > 0 || caveats.notSent > 0
}

/** How many rows had failed checks, and how many requests never sent: what every report's heading adds. */
export function countCaveats(rows: readonly ReportRow[]): { failedChecks: number; notSent: number } {
  const all = rows.map(caveatsOf)
  return {
    failedChecks: all.filter((caveats) => caveats.failedChecks > 0).length,
    notSent: all.filter((caveats) => caveats.notSent > 0).length,
  }
}

/** The heading's words for `countCaveats`: `1 with failed checks`, `2 with requests never sent`. */
export function describeCaveatCounts(counts: { failedChecks: number; notSent: number }): string[] {
  const words: string[] = []
  if (counts.failedChecks > 0) words.push(`${counts.failedChecks} with failed checks`)
  if (counts.notSent > 0) words.push(`${counts.notSent} with requests never sent`)
  return words
}

/** `checks failed: 'has id' 3 of 118, 'status 200' 1 of 118 (98.31% of 236 passed)`; undefined when none failed. */
export function describeFailedChecks(metrics: Pick<LoadMetrics, 'checks'>): string | undefined {
  const failed = linesOf(metrics.checks).filter((line) => line.fails > 0)
  if (failed.length === 0) return undefined
  const totals = checkTotals(metrics)
  const each = failed.map((line) => `'${line.name}' ${line.fails} of ${line.passes + line.fails}`)
  return `checks failed: ${each.join(', ')} (${formatCheckRate(totals)} of ${totals.passes + totals.fails} passed)`
}
