import { formatCount, formatMetricColumns, formatUs } from '../../foundation/util/format.ts'
import {
  caveatsOfMetrics,
  checkLinesOf,
  checkTotalsOf,
  countCaveats,
  describeCaveatCounts,
  formatCheckRate,
  hasCaveats,
} from './checks.ts'
import { escapeMarkdown, scrubReportText } from './escape.ts'
import { NO_TREND, toResultLines, whereOf } from './lines.ts'
import { describeRunContext, type ReportMeta } from './meta.ts'
import { describeRow, type RowNote } from './notes.ts'
import { countVerdicts, isFailure, loadRunsOf, type ReportRow, type Verdict, verdictOf } from './rows.ts'
import { renderSparkline } from './sparkline.ts'

const ICON: Record<Verdict, string> = { pass: '✅', inconclusive: '⚠️', fail: '❌', abort: '⏱️' }
const NOTE_ICON: Record<RowNote['level'], string> = { failure: '❌', info: '⚑', warning: '⚠️' }
// Beside a verdict: the run's checks failed or some of its requests were never sent.
const CAVEAT_ICON = ' ⚠️'

function text(value: string): string {
  return escapeMarkdown(scrubReportText(value))
}

/**
 * The run as GitHub-flavoured Markdown, for `$GITHUB_STEP_SUMMARY`: a heading with the counts, a table
 * of every result, then what failed (with the threshold and the value it saw) and notes. Pure.
 */
export function renderMarkdownSummary(rows: readonly ReportRow[], meta: ReportMeta): string {
  const { passed, inconclusive, failed } = countVerdicts(rows)
  const counts = [`${rows.length} result${rows.length === 1 ? '' : 's'}`, `${passed} passed`]
  if (inconclusive > 0) counts.push(`${inconclusive} inconclusive`)
  if (failed > 0) counts.push(`${failed} failed`)
  const caveats = describeCaveatCounts(countCaveats(rows))
  counts.push(...caveats)
  // Inconclusive, failed checks and requests never sent are never shown as a clean pass: no green heading.
  const icon = failed > 0 ? '❌' : inconclusive > 0 || caveats.length > 0 ? '⚠️' : '✅'
  const out = [`### ${icon} perfspec: ${counts.join(' · ')}`, '']
  if (rows.length > 0) {
    const lines = toResultLines(rows)
    // The app's CPU per request, when a run measured it (an app in the test's process, or `monitor`).
    const app = lines.some((line) => line.appCpuPerRequestUs !== undefined)
    // Named checks and requests never sent, when some line has them.
    const checks = lines.some((line) => line.metrics.checks !== undefined)
    const unsent = lines.some((line) => caveatsOfMetrics(line.metrics).notSent > 0)
    const optional = (name: string, shown: boolean) => (shown ? ` ${name} |` : '')
    const align = (shown: boolean) => (shown ? '--:|' : '')
    out.push(
      `| | test | tool | requests | req/s | p50 ms | p95 ms | p99 ms | errors % |${optional('checks %', checks)}` +
        `${optional('never sent', unsent)}${optional('app µs/req', app)} p95 trend |`,
      `|---|---|---|--:|--:|--:|--:|--:|--:|${align(checks)}${align(unsent)}${align(app)}---|`,
    )
    for (const line of lines) {
      const appCell = line.appCpuPerRequestUs === undefined ? '' : formatUs(line.appCpuPerRequestUs)
      const totals = checkTotalsOf(line.metrics)
      const lineCaveats = caveatsOfMetrics(line.metrics)
      const cells = [
        line.endpoint === undefined ? ICON[line.verdict] + (hasCaveats(lineCaveats) ? CAVEAT_ICON : '') : '',
        line.endpoint === undefined ? text(line.label) : `↳ ${text(line.endpoint)}`,
        line.tool,
        ...formatMetricColumns(line.metrics),
        ...(checks ? [totals === undefined ? '' : formatCheckRate(totals).replace('%', '')] : []),
        ...(unsent ? [lineCaveats.notSent === 0 ? '' : formatCount(lineCaveats.notSent)] : []),
        ...(app ? [appCell] : []),
        line.p95Trend.length === 0 ? NO_TREND : renderSparkline(line.p95Trend, 12),
      ]
      out.push(`| ${cells.join(' | ')} |`)
    }
    out.push('')
  }
  out.push(...renderChecksSection(rows))
  const failures: string[] = []
  const notes: string[] = []
  for (const row of rows) {
    const rowNotes = describeRow(row)
    const where = text(whereOf(row))
    if (isFailure(verdictOf(row)) && !rowNotes.some((note) => note.level === 'failure')) {
      failures.push(`- ${ICON[verdictOf(row)]} ${where}: the test failed`)
    }
    for (const note of rowNotes) {
      const item = `- ${NOTE_ICON[note.level]} ${where}: ${text(note.text)}`
      ;(note.level === 'failure' ? failures : notes).push(item)
    }
  }
  if (failures.length > 0) out.push('**Failures**', '', ...failures, '')
  if (notes.length > 0) out.push('**Notes**', '', ...notes, '')
  out.push(`<sub>${text(describeRunContext(meta))} · latencies in ms</sub>`, '')
  return out.join('\n')
}

/** `**Checks**` and a table of every run's named checks, then each endpoint's; nothing without checks. */
function renderChecksSection(rows: readonly ReportRow[]): string[] {
  const lines = rows.flatMap((row) =>
    loadRunsOf(row).flatMap(({ prefix, run }) =>
      checkLinesOf(run).map((check) => {
        const where = text(`${whereOf(row)}${prefix === '' ? '' : ` ${prefix.trim()}`}`)
        const name = check.endpoint === undefined ? check.name : `↳ ${check.endpoint}: ${check.name}`
        const cells = [
          check.fails > 0 ? '❌' : '✅',
          where,
          text(name),
          formatCount(check.passes),
          formatCount(check.fails),
          formatCheckRate(check),
        ]
        return `| ${cells.join(' | ')} |`
      }),
    ),
  )
  if (lines.length === 0) return []
  return [
    '**Checks**',
    '',
    '| | test | check | passes | fails | rate |',
    '|---|---|---|--:|--:|--:|',
    ...lines,
    '',
  ]
}
