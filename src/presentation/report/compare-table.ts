import type { Colors } from 'picocolors/types.js'
import type { ChangeVerdictName } from '../../metrics/change-verdict.ts'
import type { AbCompareReport } from '../../orchestration/ab-compare/types.ts'
import {
  type CompareLine,
  describeCounts,
  describeInconclusive,
  describeRun,
  describeSampling,
  describeSides,
  formatConfidence,
  toCompareLines,
  VERDICT_LABEL,
} from './compare-rows.ts'
import { scrubReportText } from './escape.ts'

function paint(verdict: ChangeVerdictName, text: string, c: Colors): string {
  if (verdict === 'regressed') return c.red(text)
  if (verdict === 'inconclusive') return c.yellow(text)
  return c.green(text)
}

/**
 * The comparison on a terminal: a heading (the two sides, the rounds, the intervals' confidence), then per
 * run a line with its name and a line per gated metric (base, head, change with its interval, verdict),
 * the one-sided runs, the counts, and why an inconclusive verdict is not a pass. Pure.
 */
export function renderCompareTable(report: AbCompareReport, colors: Colors): string {
  const c = colors
  const lines = toCompareLines(report)
  const headers = {
    metric: 'metric',
    base: 'base',
    head: 'head',
    change: `change [${formatConfidence(report.sampling.intervalConfidence)} CI]`,
  }
  const width = (pick: (line: CompareLine | typeof headers) => string) =>
    Math.max(...[headers, ...lines].map((line) => pick(line).length))
  const w = {
    metric: width((line) => line.metric),
    base: width((line) => line.base),
    head: width((line) => line.head),
    change: width((line) => line.change),
  }
  const row = (cells: { metric: string; base: string; head: string; change: string }, verdict: string) =>
    `  ${cells.metric.padEnd(w.metric)}  ${cells.base.padStart(w.base)}  ${cells.head.padStart(w.head)}  ${cells.change.padEnd(w.change)}  ${verdict}`
  const out = [
    `${c.bold(c.inverse(' PERF COMPARE '))} ${scrubReportText(describeSides(report))}`,
    c.dim(describeSampling(report)),
  ]
  if (lines.length > 0) out.push(c.dim(row(headers, 'verdict')))
  let current: string | undefined
  for (const line of lines) {
    if (line.run !== current) {
      current = line.run
      out.push(scrubReportText(line.run))
    }
    out.push(row(line, paint(line.verdict, VERDICT_LABEL[line.verdict], c)))
  }
  for (const line of lines) {
    if (line.change === 'no estimate')
      out.push(c.yellow(`? ${scrubReportText(`${line.run}, ${line.metric}: ${line.reason}`)}`))
  }
  for (const run of report.runs) {
    for (const note of run.notes) out.push(c.yellow(`⚠ ${scrubReportText(`${describeRun(run)}: ${note}`)}`))
  }
  for (const [side, runs] of [
    ['base', report.onlyInBase],
    ['head', report.onlyInHead],
  ] as const) {
    for (const run of runs) out.push(`⚑ only in ${side}, not compared: ${scrubReportText(describeRun(run))}`)
  }
  if (report.runs.length === 0) out.push(c.yellow('No run exists on both sides: nothing was compared.'))
  const counts = describeCounts(report)
  out.push(report.summary.regressed > 0 ? c.red(counts) : counts)
  if (report.summary.inconclusive > 0)
    out.push(c.yellow(`? ${describeInconclusive(report.summary.inconclusive)}`))
  return `${out.join('\n')}\n`
}
