import type { Colors } from 'picocolors/types.js'
import { formatCount, formatMs, formatPercent, formatRps, formatUs } from '../../foundation/util/format.ts'
import type { MetricsDisplay } from '../../orchestration/config.ts'
import {
  caveatsOfMetrics,
  checkTotalsOf,
  countCaveats,
  describeCaveatCounts,
  formatCheckRate,
  hasCaveats,
} from './checks.ts'
import { escapeTerminal } from './escape.ts'
import { NO_TREND, type ResultLine, toResultLines, whereOf } from './lines.ts'
import { describeRow, type RowNote } from './notes.ts'
import { countVerdicts, type ReportRow, type Verdict } from './rows.ts'
import { renderSparkline } from './sparkline.ts'

export interface TableOptions {
  colors: Colors
  /** Terminal width to fit in. @default 100 */
  width?: number
  /** Which metric columns to show (config/qa.yaml `performance.metrics`). @default all */
  metrics?: MetricsDisplay
}

interface Column {
  header: string
  align: 'left' | 'right'
  cell(line: ResultLine): string
  color?(line: ResultLine, text: string, colors: Colors): string
}

const VERDICT_TEXT: Record<Verdict, string> = {
  pass: '✓ pass',
  inconclusive: '? inconclusive',
  fail: '✗ fail',
  abort: '✗ abort',
}
/** The narrowest a name column gets before names go on lines of their own. */
export const MIN_NAME_WIDTH = 16
/** Characters of the p95 sparkline: one per second (or stress step), squeezed beyond this. */
export const TREND_WIDTH = 10

function latency(header: string, pick: (line: ResultLine) => number): Column {
  return { header, align: 'right', cell: (line) => formatMs(pick(line)) }
}

/** The app's CPU per request: shown when a run measured it (an app in the test's process, or `monitor`). */
const APP_COLUMN: Column = {
  header: 'app µs/req',
  align: 'right',
  cell: (line) => (line.appCpuPerRequestUs === undefined ? '' : formatUs(line.appCpuPerRequestUs)),
}

/** Passes in percent of the line's named checks; blank for a line without checks. */
const CHECKS_COLUMN: Column = {
  header: 'checks%',
  align: 'right',
  cell: (line) => {
    const totals = checkTotalsOf(line.metrics)
    return totals === undefined ? '' : formatCheckRate(totals).replace('%', '')
  },
  color: (line, text, c) => (caveatsOfMetrics(line.metrics).failedChecks > 0 ? c.red(text) : text),
}

/** Requests the line's journey prepared and never sent: in no other column. */
const UNSENT_COLUMN: Column = {
  header: 'unsent',
  align: 'right',
  cell: (line) => {
    const count = caveatsOfMetrics(line.metrics).notSent
    return count === 0 ? '' : formatCount(count)
  },
  color: (_line, text, c) => c.red(text),
}

/** Which optional columns a table has: each only when some line has something to show in it. */
interface OptionalColumns {
  app: boolean
  checks: boolean
  unsent: boolean
}

// A run whose checks failed or whose requests were never sent is marked beside its verdict, whatever it is.
const CAVEAT_MARK = ' ⚠'

function verdictCell(line: ResultLine): string {
  if (line.endpoint !== undefined) return ''
  return VERDICT_TEXT[line.verdict] + (hasCaveats(caveatsOfMetrics(line.metrics)) ? CAVEAT_MARK : '')
}

function paintVerdict(line: ResultLine, text: string, c: Colors): string {
  const paint = line.verdict === 'pass' ? c.green : line.verdict === 'inconclusive' ? c.yellow : c.red
  const mark = text.indexOf(CAVEAT_MARK)
  return mark === -1
    ? paint(text)
    : paint(text.slice(0, mark)) +
        c.yellow(text.slice(mark, mark + CAVEAT_MARK.length)) +
        text.slice(mark + CAVEAT_MARK.length)
}

function columns(metrics: MetricsDisplay, optional: OptionalColumns): Column[] {
  const list: Column[] = [
    { header: 'tool', align: 'left', cell: (line) => line.tool },
    { header: 'reqs', align: 'right', cell: (line) => formatCount(line.metrics.totalRequests) },
  ]
  if (metrics.throughput) {
    list.push({ header: 'rps', align: 'right', cell: (line) => formatRps(line.metrics.rps) })
  }
  if (metrics.responseTimes) {
    list.push(
      latency('mean', (line) => line.metrics.responseTimes.mean),
      latency('p50', (line) => line.metrics.responseTimes.p50),
      latency('p95', (line) => line.metrics.responseTimes.p95),
      latency('p99', (line) => line.metrics.responseTimes.p99),
    )
  }
  if (metrics.errorRates) {
    list.push({
      header: 'err%',
      align: 'right',
      cell: (line) => formatPercent(line.metrics.errorRatePercent),
      color: (line, text, c) => (line.metrics.errorRatePercent > 0 ? c.red(text) : text),
    })
  }
  if (optional.checks) list.push(CHECKS_COLUMN)
  if (optional.unsent) list.push(UNSENT_COLUMN)
  if (optional.app) list.push(APP_COLUMN)
  if (metrics.responseTimes) {
    list.push({
      header: 'p95 trend',
      align: 'left',
      cell: (line) => (line.p95Trend.length === 0 ? NO_TREND : renderSparkline(line.p95Trend, TREND_WIDTH)),
      color: (_line, text, c) => c.cyan(text),
    })
  }
  list.push({ header: 'verdict', align: 'left', cell: verdictCell, color: paintVerdict })
  return list
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  return align === 'left' ? text.padEnd(width) : text.padStart(width)
}

/**
 * The end-of-run summary: one line per perf result (per configuration of a comparison), columns sized to
 * their content, the name column taking what is left of `width` (longer names go on lines above their
 * numbers). Pure: colors injected.
 */
export function renderSummaryTable(rows: readonly ReportRow[], options: TableOptions): string {
  const { colors: c } = options
  const width = options.width ?? 100
  const lines = toResultLines(rows)
  const metricColumns = columns(
    options.metrics ?? { responseTimes: true, throughput: true, errorRates: true },
    {
      app: lines.some((line) => line.appCpuPerRequestUs !== undefined),
      checks: lines.some((line) => line.metrics.checks !== undefined),
      unsent: lines.some((line) => caveatsOfMetrics(line.metrics).notSent > 0),
    },
  )
  const labels = lines.map((line) => escapeTerminal(line.label))
  const cells = lines.map((line) => metricColumns.map((column) => column.cell(line)))
  const widths = metricColumns.map((column, index) =>
    Math.max(column.header.length, ...cells.map((line) => line[index]?.length ?? 0)),
  )
  const fixed = widths.reduce((sum, w) => sum + w + 2, 0)
  const longest = Math.max(4, ...labels.map((label) => label.length))
  // Names that don't fit beside the numbers go on a line of their own (wrapped), above them: every row
  // alike, so the columns stay aligned and no file or test name is cut.
  const stacked = longest > Math.max(MIN_NAME_WIDTH, width - fixed)
  const nameWidth = stacked ? 0 : longest
  const join = (name: string, rest: string[]) =>
    stacked ? `  ${rest.join('  ')}` : [name, ...rest].join('  ')
  const header = metricColumns.map((col, i) => pad(col.header, widths[i] ?? 0, col.align))
  const out = [c.dim(join(pad('test', nameWidth, 'left'), header).trimEnd())]
  lines.forEach((line, lineIndex) => {
    const label = labels[lineIndex] ?? ''
    if (stacked) out.push(...wrapText(label, width))
    const rest = metricColumns.map((column, index) => {
      const cell = cells[lineIndex]?.[index] ?? ''
      // The last column is not padded: no trailing blanks inside its color codes.
      const text = index === metricColumns.length - 1 ? cell : pad(cell, widths[index] ?? 0, column.align)
      return column.color === undefined ? text : column.color(line, text, c)
    })
    out.push(join(pad(label, nameWidth, 'left'), rest).trimEnd())
  })
  return out.join('\n')
}

/** The width to fit a report in: a terminal's columns, capped at 100; 0 or unknown (piped, some CIs) is 100. */
export function terminalWidth(columns: number | undefined): number {
  return columns === undefined || !Number.isFinite(columns) || columns <= 0 ? 100 : Math.min(columns, 100)
}

/** Wraps text at spaces to `width`, continuation lines indented by two; a word longer than a line is split. */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = []
  let line = ''
  const words = text.split(' ').flatMap((word) => {
    const room = Math.max(1, width - 2)
    if (word.length <= room) return [word]
    return Array.from({ length: Math.ceil(word.length / room) }, (_, index) =>
      word.slice(index * room, (index + 1) * room),
    )
  })
  for (const word of words) {
    if (line.length > 0 && line.length + 1 + word.length > width) {
      lines.push(line)
      line = `  ${word}`
    } else {
      line = line.length === 0 ? word : `${line} ${word}`
    }
  }
  if (line.length > 0) lines.push(line)
  return lines
}

function fitLine(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(1, width - 1))}…`
}

const NOTE_MARK: Record<RowNote['level'], string> = { failure: '✗', info: '⚑', warning: '⚠' }

/**
 * Failed thresholds, regressions, break points and warnings under the table, wrapped to `width`. A note with
 * a brief form (a saturated generator) takes one line, cut to `width`: the HTML report has the details.
 */
export function renderNotes(rows: readonly ReportRow[], colors: Colors, width = 100): string[] {
  const paint: Record<RowNote['level'], (text: string) => string> = {
    failure: colors.red,
    info: colors.cyan,
    warning: colors.yellow,
  }
  const notes: string[] = []
  // Notes may run over several lines (a tool's stderr); names and messages in them are user text.
  const multiLine = { keepLines: true }
  for (const row of rows) {
    for (const note of describeRow(row)) {
      if (note.brief !== undefined) {
        const brief = escapeTerminal(`${NOTE_MARK[note.level]} ${whereOf(row)}: ${note.brief}`, multiLine)
        notes.push(paint[note.level](fitLine(brief, width)))
        continue
      }
      const text = escapeTerminal(`${NOTE_MARK[note.level]} ${whereOf(row)}: ${note.text}`, multiLine)
      for (const line of wrapText(text, width)) notes.push(paint[note.level](line))
    }
  }
  return notes
}

/**
 * The heading: `perf  3 runs · 1 passed · 1 inconclusive · 1 failed · latencies in ms`, and when some run had
 * failed checks or requests never sent, a second line that says so: `⚠ 1 with failed checks · …`.
 */
export function renderHeading(rows: readonly ReportRow[], colors: Colors): string {
  const { passed, inconclusive, failed } = countVerdicts(rows)
  const parts = [`${rows.length} run${rows.length === 1 ? '' : 's'}`, colors.green(`${passed} passed`)]
  if (inconclusive > 0) parts.push(colors.yellow(`${inconclusive} inconclusive`))
  if (failed > 0) parts.push(colors.red(`${failed} failed`))
  parts.push(colors.dim('latencies in ms'))
  const heading = `${colors.bold(colors.cyan(' PERF '))} ${parts.join(colors.dim(' · '))}`
  // A line of its own: beside the counts it would push the heading past the terminal's width.
  const caveats = describeCaveatCounts(countCaveats(rows))
  return caveats.length === 0
    ? heading
    : `${heading}\n${' '.repeat(7)}${colors.yellow(`⚠ ${caveats.join(' · ')}`)}`
}
