import type { ChangeVerdictName } from '../../metrics/change-verdict.ts'
import type { AbCompareReport } from '../../orchestration/ab-compare/types.ts'
import {
  describeCounts,
  describeInconclusive,
  describeRun,
  describeSampling,
  describeSides,
  formatConfidence,
  toCompareLines,
} from './compare-rows.ts'
import { escapeMarkdown, scrubReportText } from './escape.ts'
import { describeRunContext } from './meta.ts'

const ICON: Record<ChangeVerdictName, string> = {
  regressed: '❌ regressed',
  improved: '✅ improved',
  unchanged: '✅ unchanged',
  inconclusive: '⚠️ inconclusive',
}

function text(value: string): string {
  return escapeMarkdown(scrubReportText(value))
}

/**
 * The comparison as GitHub-flavoured Markdown (`perfspec-compare.md`), for `$GITHUB_STEP_SUMMARY` or a pull
 * request comment: a heading with the counts, the sides and rounds, a table of every gated metric, the
 * one-sided runs, notes, and why inconclusive is not a pass. Pure.
 */
export function renderCompareMarkdown(report: AbCompareReport): string {
  const { summary } = report
  const icon = summary.regressed > 0 ? '❌' : summary.inconclusive > 0 ? '⚠️' : '✅'
  const out = [
    `### ${icon} perfspec compare: ${describeCounts(report)}`,
    '',
    `${text(describeSides(report))} · ${text(describeSampling(report))}`,
    '',
  ]
  const lines = toCompareLines(report)
  if (lines.length > 0) {
    out.push(
      `| run | metric | base | head | change [${formatConfidence(report.sampling.intervalConfidence)} CI] | verdict |`,
      '|---|---|--:|--:|---|---|',
    )
    let current: string | undefined
    for (const line of lines) {
      const run = line.run === current ? '' : text(line.run)
      current = line.run
      out.push(
        `| ${run} | ${line.metric} | ${line.base} | ${line.head} | ${line.change} | ${ICON[line.verdict]} |`,
      )
    }
    out.push('')
  } else {
    out.push('No run exists on both sides: nothing was compared.', '')
  }
  const notes: string[] = []
  for (const line of lines) {
    if (line.verdict === 'regressed' || line.verdict === 'inconclusive') {
      notes.push(`- ${ICON[line.verdict]} ${text(`${line.run}, ${line.metric}: ${line.reason}`)}`)
    }
  }
  for (const run of report.runs)
    for (const note of run.notes) notes.push(`- ⚠️ ${text(`${describeRun(run)}: ${note}`)}`)
  for (const [side, runs] of [
    ['base', report.onlyInBase],
    ['head', report.onlyInHead],
  ] as const) {
    for (const run of runs) notes.push(`- ⚑ only in ${side}, not compared: ${text(describeRun(run))}`)
  }
  if (summary.inconclusive > 0) notes.push(`- ⚠️ ${text(describeInconclusive(summary.inconclusive))}`)
  if (notes.length > 0) out.push(...notes, '')
  const context = describeRunContext({ machine: report.machine, runner: report.runner })
  out.push(`<sub>${text(`${context} · ${report.sampling.stopReason}`)}</sub>`, '')
  return out.join('\n')
}
