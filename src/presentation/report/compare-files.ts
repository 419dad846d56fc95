import { appendFile } from 'node:fs/promises'
import path from 'node:path'
import { writeFileAtomic } from '../../foundation/util/write-atomic.ts'
import type { AbCompareReport } from '../../orchestration/ab-compare/types.ts'
import { renderCompareMarkdown } from './compare-markdown.ts'
import { renderAbCompareSection } from './html/compare-ab.ts'
import { renderHtmlReport } from './html/report.ts'
import type { ReportMeta } from './meta.ts'
import type { ReportRow } from './rows.ts'
import type { ReportOutcome } from './write-reports.ts'

/** The files `perfspec compare` writes into its report folder. */
export const COMPARE_FILES = {
  json: 'perfspec-compare.json',
  markdown: 'perfspec-compare.md',
  html: 'perfspec-compare.html',
} as const

/**
 * Writes the comparison: `perfspec-compare.json` (the report as is), `perfspec-compare.md` and
 * `perfspec-compare.html` (the comparison first, then the head's last round with its charts) into `dir`,
 * atomically; appends the Markdown to `stepSummary` (`$GITHUB_STEP_SUMMARY`) when given. One failing file
 * does not stop the others.
 */
export async function writeCompareReports(
  report: AbCompareReport,
  headRows: readonly ReportRow[],
  dir: string,
  stepSummary: string | undefined,
): Promise<ReportOutcome[]> {
  const markdown = renderCompareMarkdown(report)
  const meta: ReportMeta = { machine: report.machine, runner: report.runner }
  const jobs: { format: ReportOutcome['format']; file: string; write: (file: string) => Promise<void> }[] = [
    {
      format: 'json',
      file: path.join(dir, COMPARE_FILES.json),
      write: (file) => writeFileAtomic(file, `${JSON.stringify(report, null, 2)}\n`),
    },
    {
      format: 'markdown',
      file: path.join(dir, COMPARE_FILES.markdown),
      write: (file) => writeFileAtomic(file, markdown),
    },
    {
      format: 'html',
      file: path.join(dir, COMPARE_FILES.html),
      write: (file) =>
        writeFileAtomic(
          file,
          renderHtmlReport(headRows, meta, {
            lead: renderAbCompareSection(report),
            heading: 'perfspec compare',
          }),
        ),
    },
  ]
  if (stepSummary !== undefined && stepSummary !== '') {
    jobs.push({ format: 'markdown', file: stepSummary, write: (file) => appendFile(file, `${markdown}\n`) })
  }
  const outcomes: ReportOutcome[] = []
  for (const { format, file, write } of jobs) {
    try {
      await write(file)
      outcomes.push({ format, file })
    } catch (error) {
      outcomes.push({ format, file, error: error instanceof Error ? error : new Error(String(error)) })
    }
  }
  return outcomes
}
