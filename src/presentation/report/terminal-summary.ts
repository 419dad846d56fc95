import { renderChecksTable } from './checks-table.ts'
import type { ReportRow } from './rows.ts'
import { renderHeading, renderNotes, renderSummaryTable, type TableOptions } from './table.ts'

/**
 * The end-of-run summary every terminal reporter prints (Vitest, Jest, the CLI): heading, table, the checks
 * table, then the notes (failed thresholds, warnings). One line per array element. Pure.
 */
export function renderTerminalSummary(
  rows: readonly ReportRow[],
  options: TableOptions & { width: number },
): string[] {
  const { colors, width } = options
  return [
    renderHeading(rows, colors),
    renderSummaryTable(rows, options),
    ...renderChecksTable(rows, colors, width),
    ...renderNotes(rows, colors, width),
  ]
}
