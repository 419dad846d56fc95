import { formatCount } from '../../../foundation/util/format.ts'
import { caveatsOfMetrics, checkTotalsOf, formatCheckRate } from '../checks.ts'
import { htmlText } from '../escape.ts'
import { NO_TREND, toResultLines } from '../lines.ts'
import type { ReportRow } from '../rows.ts'
import { renderSparkSvg } from '../svg/spark.ts'
import { renderCaveatBadges } from './checks.ts'
import { METRIC_HEADERS, metricCells, num, renderTable, renderVerdict } from './parts.ts'

/** The table at the top: a line per result (per configuration of a comparison), linked to its section. */
export function renderSummary(rows: readonly ReportRow[], anchorOf: (row: ReportRow) => string): string {
  const lines = toResultLines(rows)
  // Named checks and requests never sent: columns of their own when some line has them.
  const checks = lines.some((line) => line.metrics.checks !== undefined)
  const unsent = lines.some((line) => caveatsOfMetrics(line.metrics).notSent > 0)
  const body = lines.map((line) => {
    const totals = checkTotalsOf(line.metrics)
    const caveats = caveatsOfMetrics(line.metrics)
    return [
      { html: line.endpoint === undefined ? renderVerdict(line.verdict) + renderCaveatBadges(caveats) : '' },
      { html: `<a href="#${anchorOf(line.row)}">${htmlText(line.label)}</a>` },
      { html: htmlText(line.row.result.kind) },
      { html: htmlText(line.tool) },
      ...metricCells(line.metrics),
      ...(checks
        ? [
            num(
              totals === undefined ? '' : formatCheckRate(totals),
              caveats.failedChecks > 0 ? 'bad' : undefined,
            ),
          ]
        : []),
      ...(unsent ? [caveats.notSent === 0 ? num('') : num(formatCount(caveats.notSent), 'bad')] : []),
      { html: line.p95Trend.length === 0 ? htmlText(NO_TREND) : renderSparkSvg(line.p95Trend) },
    ]
  })
  const headers = [
    'verdict',
    'test',
    'kind',
    'tool',
    ...METRIC_HEADERS,
    ...(checks ? ['checks'] : []),
    ...(unsent ? ['never sent'] : []),
    'p95 trend',
  ]
  return `<div class="summary">${renderTable(headers, body)}</div>`
}
