import { htmlText } from '../escape.ts'
import { NO_TREND, toResultLines } from '../lines.ts'
import type { ReportRow } from '../rows.ts'
import { renderSparkSvg } from '../svg/spark.ts'
import { METRIC_HEADERS, metricCells, renderTable, renderVerdict } from './parts.ts'

/** The table at the top: a line per result (per configuration of a comparison), linked to its section. */
export function renderSummary(rows: readonly ReportRow[], anchorOf: (row: ReportRow) => string): string {
  const lines = toResultLines(rows)
  const body = lines.map((line) => [
    { html: line.endpoint === undefined ? renderVerdict(line.verdict) : '' },
    { html: `<a href="#${anchorOf(line.row)}">${htmlText(line.label)}</a>` },
    { html: htmlText(line.row.result.kind) },
    { html: htmlText(line.tool) },
    ...metricCells(line.metrics),
    { html: line.p95Trend.length === 0 ? htmlText(NO_TREND) : renderSparkSvg(line.p95Trend) },
  ])
  const headers = ['verdict', 'test', 'kind', 'tool', ...METRIC_HEADERS, 'p95 trend']
  return `<div class="summary">${renderTable(headers, body)}</div>`
}
