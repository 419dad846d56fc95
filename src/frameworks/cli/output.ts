import type { Colors } from 'picocolors/types.js'
import type { LoadTestResult } from '../../foundation/model/index.ts'
import type { ReportRow } from '../../presentation/report/rows.ts'
import { terminalWidth } from '../../presentation/report/table.ts'
import { renderTerminalSummary } from '../../presentation/report/terminal-summary.ts'

/** Where a CLI run writes: the streams and their widths, injectable for tests. */
export interface CliStreams {
  stdout: { write(text: string): unknown; isTTY?: boolean; columns?: number }
  stderr: { write(text: string): unknown; isTTY?: boolean; columns?: number }
}

/** The run as the reports see it: one row, named by the command that made it. */
export function toReportRow(result: LoadTestResult, source: string): ReportRow {
  return { file: source, test: result.name, state: result.success ? 'passed' : 'failed', result }
}

/** Terminal width to fit the table in: 0 or unknown means 100, and never wider than 100. */
export function widthOf(stream: { columns?: number }): number {
  return terminalWidth(stream.columns)
}

/** The end-of-run summary: heading, table, checks and notes (failed thresholds, warnings). Pure. */
export function renderCliSummary(row: ReportRow, colors: Colors, width: number): string {
  const lines = renderTerminalSummary([row], { colors, width })
  if (row.result.kind === 'load' && row.result.aborted) {
    lines.push(colors.yellow('interrupted: the summary covers the load sent before the stop'))
  }
  return `${lines.join('\n')}\n`
}
