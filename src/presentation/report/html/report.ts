import { caveatsOf, countCaveats, describeCaveatCounts } from '../checks.ts'
import { htmlText } from '../escape.ts'
import { describeRunContext, type ReportMeta } from '../meta.ts'
import { countVerdicts, type ReportRow, verdictOf } from '../rows.ts'
import { renderBenchmarkBody } from './benchmark.ts'
import { renderCaveatBadges } from './checks.ts'
import { renderComparisonBody } from './comparison.ts'
import { renderLoadBody } from './load.ts'
import { renderVerdict } from './parts.ts'
import { SCRIPT } from './script.ts'
import { renderStressBody } from './stress.ts'
import { STYLES } from './styles.ts'
import { renderSummary } from './summary.ts'

// Nothing may leave the file: no fonts, images, scripts or styles from anywhere (the report works offline,
// and a stray reference shows up as a blocked request instead of a silent fetch).
const CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"

function renderSection(row: ReportRow, id: string): string {
  const { result } = row
  const body =
    result.kind === 'load'
      ? renderLoadBody(result, row.baseline)
      : result.kind === 'stress'
        ? renderStressBody(result)
        : result.kind === 'benchmark'
          ? renderBenchmarkBody(result)
          : renderComparisonBody(result)
  const name = result.kind === 'comparison' ? '' : ` <span class="file">[${htmlText(result.name)}]</span>`
  const verdict = verdictOf(row)
  return (
    `<section class="result" id="${id}" data-kind="${result.kind}" data-verdict="${verdict}">` +
    `<header>${renderVerdict(verdict)}${renderCaveatBadges(caveatsOf(row))}<h2>${htmlText(row.test)}</h2>${name}` +
    `<span class="kind">${result.kind}</span><span class="file">${htmlText(row.file)}</span></header>` +
    `${body}</section>`
  )
}

/** What a report made by another command adds: `perfspec compare` puts its comparison first. */
export interface HtmlReportExtras {
  /** A section (escaped HTML) before the summary table. */
  lead?: string
  /** The page's heading. @default 'perfspec report' */
  heading?: string
}

/**
 * The HTML report of a run: one self-contained file (inline CSS, inline SVG charts, a small inline script
 * for tooltips; nothing fetched), a summary table, then a section per result. Pure.
 */
export function renderHtmlReport(
  rows: readonly ReportRow[],
  meta: ReportMeta,
  extras: HtmlReportExtras = {},
): string {
  const ids = new Map(rows.map((row, index) => [row, `r${index + 1}`]))
  const anchorOf = (row: ReportRow) => ids.get(row) ?? ''
  const { passed, inconclusive, failed } = countVerdicts(rows)
  const caveats = describeCaveatCounts(countCaveats(rows))
  const heading = extras.heading ?? 'perfspec report'
  const title =
    `${heading} · ${rows.length} result${rows.length === 1 ? '' : 's'}` +
    `${inconclusive > 0 ? ` · ${inconclusive} inconclusive` : ''}${failed > 0 ? ` · ${failed} failed` : ''}` +
    caveats.map((words) => ` · ${words}`).join('')
  const generated = (meta.now ?? new Date()).toISOString()
  const counts =
    `<div class="counts"><span class="count">${rows.length} results</span>` +
    `<span class="count pass">${passed} passed</span>` +
    (inconclusive > 0 ? `<span class="count inconclusive">${inconclusive} inconclusive</span>` : '') +
    (failed > 0 ? `<span class="count fail">${failed} failed</span>` : '') +
    caveats.map((words) => `<span class="count caveat">⚠ ${words}</span>`).join('') +
    '</div>'
  const content =
    (extras.lead ?? '') +
    (rows.length === 0
      ? '<p class="empty">No perf results in this run.</p>'
      : renderSummary(rows, anchorOf) + rows.map((row) => renderSection(row, anchorOf(row))).join('\n'))
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="color-scheme" content="light dark">
<title>${htmlText(title)}</title>
<style>${STYLES}</style>
</head>
<body>
<header><h1>${htmlText(heading)}</h1>
<p class="meta">${htmlText(`${generated} · ${describeRunContext(meta)} · latencies in ms`)}</p>${counts}</header>
<main>
${content}
</main>
<footer>Made by perfspec. Numbers describe this machine and this run.</footer>
<div id="tip" role="tooltip" hidden></div>
<script>${SCRIPT}</script>
</body>
</html>
`
}
