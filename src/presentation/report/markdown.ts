import { formatMetricColumns, formatUs } from '../../foundation/util/format.ts'
import { escapeMarkdown, scrubReportText } from './escape.ts'
import { NO_TREND, toResultLines, whereOf } from './lines.ts'
import { describeRunContext, type ReportMeta } from './meta.ts'
import { describeRow, type RowNote } from './notes.ts'
import { countVerdicts, isFailure, type ReportRow, type Verdict, verdictOf } from './rows.ts'
import { renderSparkline } from './sparkline.ts'

const ICON: Record<Verdict, string> = { pass: '✅', inconclusive: '⚠️', fail: '❌', abort: '⏱️' }
const NOTE_ICON: Record<RowNote['level'], string> = { failure: '❌', info: '⚑', warning: '⚠️' }

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
  // Inconclusive is never shown as a pass: no green heading while one is.
  const icon = failed > 0 ? '❌' : inconclusive > 0 ? '⚠️' : '✅'
  const out = [`### ${icon} perfspec: ${counts.join(' · ')}`, '']
  if (rows.length > 0) {
    const lines = toResultLines(rows)
    // The app's CPU per request, when a run measured it (an app in the test's process, or `monitor`).
    const app = lines.some((line) => line.appCpuPerRequestUs !== undefined)
    out.push(
      `| | test | tool | requests | req/s | p50 ms | p95 ms | p99 ms | errors % |${app ? ' app µs/req |' : ''} p95 trend |`,
      `|---|---|---|--:|--:|--:|--:|--:|--:|${app ? '--:|' : ''}---|`,
    )
    for (const line of lines) {
      const appCell = line.appCpuPerRequestUs === undefined ? '' : formatUs(line.appCpuPerRequestUs)
      const cells = [
        line.endpoint === undefined ? ICON[line.verdict] : '',
        line.endpoint === undefined ? text(line.label) : `↳ ${text(line.endpoint)}`,
        line.tool,
        ...formatMetricColumns(line.metrics),
        ...(app ? [appCell] : []),
        line.p95Trend.length === 0 ? NO_TREND : renderSparkline(line.p95Trend, 12),
      ]
      out.push(`| ${cells.join(' | ')} |`)
    }
    out.push('')
  }
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
