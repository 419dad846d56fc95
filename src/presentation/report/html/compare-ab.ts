import type { ChangeVerdictName } from '../../../metrics/change-verdict.ts'
import type { AbCompareReport } from '../../../orchestration/ab-compare/types.ts'
import {
  describeCounts,
  describeInconclusive,
  describeRun,
  describeSampling,
  describeSides,
  formatConfidence,
  toCompareLines,
  VERDICT_LABEL,
} from '../compare-rows.ts'
import { htmlText } from '../escape.ts'
import { type Cell, num, renderSubheading, renderTable, txt } from './parts.ts'

// The report's palette has pass and fail; inconclusive is neither, so it reads as a failure's colour
// would not: bold, uncoloured, with its question mark.
const VERDICT_CLASS: Record<ChangeVerdictName, string> = {
  regressed: 'fail',
  improved: 'pass',
  unchanged: 'pass',
  inconclusive: '',
}

function verdictCell(verdict: ChangeVerdictName): Cell {
  return {
    html: `<span class="verdict ${VERDICT_CLASS[verdict]}">${htmlText(VERDICT_LABEL[verdict])}</span>`,
  }
}

/**
 * The comparison of `perfspec compare` as the first section of the HTML report: the sides and rounds, a
 * table of every gated metric (base, head, change with its interval, verdict, the reason on hover), the
 * one-sided runs and notes. Pure.
 */
export function renderAbCompareSection(report: AbCompareReport): string {
  const lines = toCompareLines(report)
  const rows = lines.map((line, index) => [
    txt(index > 0 && lines[index - 1]?.run === line.run ? '' : line.run),
    txt(line.metric),
    num(line.base),
    num(line.head),
    { html: `<span title="${htmlText(line.reason)}">${htmlText(line.change)}</span>` },
    verdictCell(line.verdict),
  ])
  const table =
    rows.length === 0
      ? '<p class="empty">No run exists on both sides: nothing was compared.</p>'
      : renderTable(
          [
            'run',
            'metric',
            'base',
            'head',
            `change [${formatConfidence(report.sampling.intervalConfidence)} CI]`,
            'verdict',
          ],
          rows,
        )
  const notes = [
    ...lines
      .filter((line) => line.verdict === 'regressed' || line.verdict === 'inconclusive')
      .map((line) => `${line.run}, ${line.metric}: ${line.reason}`),
    ...report.runs.flatMap((run) => run.notes.map((note) => `${describeRun(run)}: ${note}`)),
    ...report.onlyInBase.map((run) => `only in base, not compared: ${describeRun(run)}`),
    ...report.onlyInHead.map((run) => `only in head, not compared: ${describeRun(run)}`),
    ...(report.summary.inconclusive > 0 ? [describeInconclusive(report.summary.inconclusive)] : []),
  ]
  const list =
    notes.length === 0
      ? ''
      : `${renderSubheading('Notes', notes.length)}<ul class="warnings">${notes.map((note) => `<li>${htmlText(note)}</li>`).join('')}</ul>`
  const outcome = report.summary.regressed > 0 ? 'fail' : report.summary.inconclusive > 0 ? '' : 'pass'
  return (
    `<section class="result" id="compare" data-kind="compare">` +
    `<header><span class="verdict ${outcome}">${htmlText(describeCounts(report))}</span>` +
    `<h2>${htmlText(describeSides(report))}</h2><span class="kind">compare</span></header>` +
    `<p class="meta">${htmlText(`${describeSampling(report)} · ${report.sampling.stopReason}`)}</p>` +
    `${table}${list}</section>`
  )
}
