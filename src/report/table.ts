import type { Colors } from 'picocolors/types.js'
import type { MetricsDisplay } from '../config.ts'
import { formatCount, formatMs, formatPercent, formatRps } from './format.ts'
import { type ReportRow, type Verdict, verdictOf } from './rows.ts'

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
  cell(row: ReportRow): string
  color?(row: ReportRow, text: string, colors: Colors): string
}

const VERDICT_TEXT: Record<Verdict, string> = { pass: '✓ pass', fail: '✗ fail', abort: '✗ abort' }
const MIN_NAME_WIDTH = 16

function latency(header: string, pick: (row: ReportRow) => number): Column {
  return { header, align: 'right', cell: (row) => formatMs(pick(row)) }
}

function columns(metrics: MetricsDisplay): Column[] {
  const list: Column[] = [
    { header: 'tool', align: 'left', cell: (row) => row.result.tool },
    { header: 'reqs', align: 'right', cell: (row) => formatCount(row.result.metrics.totalRequests) },
  ]
  if (metrics.throughput) {
    list.push({ header: 'rps', align: 'right', cell: (row) => formatRps(row.result.metrics.throughput) })
  }
  if (metrics.responseTimes) {
    list.push(
      latency('avg', (row) => row.result.metrics.responseTimes.avg),
      latency('p50', (row) => row.result.metrics.responseTimes.p50),
      latency('p95', (row) => row.result.metrics.responseTimes.p95),
      latency('p99', (row) => row.result.metrics.responseTimes.p99),
    )
  }
  if (metrics.errorRates) {
    list.push({
      header: 'err%',
      align: 'right',
      cell: (row) => formatPercent(row.result.metrics.errorRate),
      color: (row, text, c) => (row.result.metrics.errorRate > 0 ? c.red(text) : text),
    })
  }
  list.push({
    header: 'verdict',
    align: 'left',
    cell: (row) => VERDICT_TEXT[verdictOf(row)],
    color: (row, text, c) => (verdictOf(row) === 'pass' ? c.green(text) : c.red(text)),
  })
  return list
}

/** `file › test`, plus the run's name when a test made several runs. */
export function rowLabel(row: ReportRow, runsInTest: number): string {
  const label = `${row.file} › ${row.test}`
  return runsInTest > 1 ? `${label} [${row.result.name}]` : label
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  return align === 'left' ? text.padEnd(width) : text.padStart(width)
}

/**
 * The end-of-run summary: one line per perf result, columns sized to their content, the name column
 * taking what is left of `width` (longer names go on lines above their numbers). Pure: colors injected.
 */
export function renderSummaryTable(rows: readonly ReportRow[], options: TableOptions): string {
  const { colors: c } = options
  const width = options.width ?? 100
  const metricColumns = columns(
    options.metrics ?? { responseTimes: true, throughput: true, errorRates: true },
  )
  const testKey = (row: ReportRow) => `${row.file}\0${row.test}`
  const runsPerTest = new Map<string, number>()
  for (const row of rows) runsPerTest.set(testKey(row), (runsPerTest.get(testKey(row)) ?? 0) + 1)
  const labels = rows.map((row) => rowLabel(row, runsPerTest.get(testKey(row)) ?? 1))
  const cells = rows.map((row) => metricColumns.map((column) => column.cell(row)))
  const widths = metricColumns.map((column, index) =>
    Math.max(column.header.length, ...cells.map((line) => line[index]?.length ?? 0)),
  )
  const fixed = widths.reduce((sum, w) => sum + w + 2, 0)
  const longest = Math.max(4, ...labels.map((label) => label.length))
  // Names that don't fit beside the numbers go on a line of their own, above them: every row alike,
  // so the columns stay aligned and no file or test name is cut.
  const stacked = longest > Math.max(MIN_NAME_WIDTH, width - fixed)
  const nameWidth = stacked ? 0 : longest
  const join = (name: string, rest: string[]) =>
    stacked ? `  ${rest.join('  ')}` : [name, ...rest].join('  ')
  const header = metricColumns.map((col, i) => pad(col.header, widths[i] ?? 0, col.align))
  const lines = [c.dim(join(pad('test', nameWidth, 'left'), header).trimEnd())]
  rows.forEach((row, rowIndex) => {
    const label = labels[rowIndex] ?? ''
    if (stacked) lines.push(label)
    const rest = metricColumns.map((column, index) => {
      const cell = cells[rowIndex]?.[index] ?? ''
      // The last column is not padded: no trailing blanks inside its color codes.
      const text = index === metricColumns.length - 1 ? cell : pad(cell, widths[index] ?? 0, column.align)
      return column.color === undefined ? text : column.color(row, text, c)
    })
    lines.push(join(pad(label, nameWidth, 'left'), rest).trimEnd())
  })
  return lines.join('\n')
}

/** Wraps text at spaces to `width`, continuation lines indented by two. */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(' ')) {
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

/** Failed thresholds and warnings under the table, wrapped to `width`. */
export function renderNotes(rows: readonly ReportRow[], colors: Colors, width = 100): string[] {
  const notes: string[] = []
  const add = (text: string, color: (text: string) => string) => {
    for (const line of wrapText(text, width)) notes.push(color(line))
  }
  for (const row of rows) {
    const where = `${row.file} › ${row.test}`
    for (const threshold of row.result.thresholds) {
      if (!threshold.passed)
        add(`✗ ${where}: ${threshold.expression} (actual ${formatMs(threshold.actual)})`, colors.red)
    }
    for (const warning of row.result.warnings) add(`⚠ ${where}: ${warning}`, colors.yellow)
  }
  return notes
}

/** The heading: `perf  3 runs · 2 passed · 1 failed · latencies in ms`. */
export function renderHeading(rows: readonly ReportRow[], colors: Colors): string {
  const failed = rows.filter((row) => verdictOf(row) !== 'pass').length
  const parts = [
    `${rows.length} run${rows.length === 1 ? '' : 's'}`,
    colors.green(`${rows.length - failed} passed`),
  ]
  if (failed > 0) parts.push(colors.red(`${failed} failed`))
  parts.push(colors.dim('latencies in ms'))
  return `${colors.bold(colors.cyan(' PERF '))} ${parts.join(colors.dim(' · '))}`
}
