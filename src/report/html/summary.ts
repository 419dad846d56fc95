import { htmlText } from '../escape.ts'
import { formatCount, formatMs, formatPercent, formatRps } from '../format.ts'
import { toResultLines } from '../lines.ts'
import type { ReportRow } from '../rows.ts'
import { renderSparkSvg } from '../svg/spark.ts'
import { num, renderTable, renderVerdict } from './parts.ts'

/** The table at the top: a line per result (per configuration of a comparison), linked to its section. */
export function renderSummary(rows: readonly ReportRow[], anchorOf: (row: ReportRow) => string): string {
  const lines = toResultLines(rows)
  const body = lines.map((line) => {
    const m = line.metrics
    return [
      { html: renderVerdict(line.verdict) },
      { html: `<a href="#${anchorOf(line.row)}">${htmlText(line.label)}</a>` },
      { html: htmlText(line.row.result.kind) },
      { html: htmlText(line.tool) },
      num(formatCount(m.totalRequests)),
      num(formatRps(m.throughput)),
      num(formatMs(m.responseTimes.p50)),
      num(formatMs(m.responseTimes.p95)),
      num(formatMs(m.responseTimes.p99)),
      num(formatPercent(m.errorRate), m.errorRate > 0 ? 'bad' : undefined),
      { html: renderSparkSvg(line.p95Trend) },
    ]
  })
  const headers = [
    'verdict',
    'test',
    'kind',
    'tool',
    'requests',
    'req/s',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'errors %',
    'p95 trend',
  ]
  return `<div class="summary">${renderTable(headers, body)}</div>`
}
