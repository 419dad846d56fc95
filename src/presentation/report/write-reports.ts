import { appendFile, stat } from 'node:fs/promises'
import path from 'node:path'
import type { Colors } from 'picocolors/types.js'
import { withLockFile } from '../../foundation/util/lock-file.ts'
import { JSON_REPORT_ENV } from '../../foundation/util/report-env.ts'
import { ensureDir, writeFileAtomic } from '../../foundation/util/write-atomic.ts'
import { readConcurrentRows } from './concurrent-rows.ts'
import { escapeTerminal } from './escape.ts'
import { renderHtmlReport } from './html/report.ts'
import { buildJsonReport, writeJsonReport } from './json.ts'
import { renderJunit } from './junit.ts'
import { renderMarkdownSummary } from './markdown.ts'
import type { ReportMeta } from './meta.ts'
import type { ReportRow } from './rows.ts'

/** Where each report goes; `false` (or no Markdown file) skips it. Paths are absolute. */
export interface ReportTargets {
  json: string | false
  html: string | false
  junit: string | false
  /** A file the Markdown summary is appended to: `$GITHUB_STEP_SUMMARY` on GitHub Actions. */
  markdown?: string | undefined
}

export type ReportFormat = 'json' | 'html' | 'junit' | 'markdown'

/** One report written, or the error that stopped it. */
export interface ReportOutcome {
  format: ReportFormat
  file: string
  error?: Error
}

/**
 * The report settings of a resolved config, as targets; the Markdown file comes from the environment.
 * `PERFSPEC_JSON_REPORT` (set by `perfspec compare` for each round) overrides them all: that JSON file only.
 */
export function reportTargetsOf(
  config: {
    jsonReport: string | false
    htmlReport: string | false
    junitReport: string | false
    githubSummary: boolean
  },
  env: Record<string, string | undefined> = process.env,
): ReportTargets {
  const only = env[JSON_REPORT_ENV]
  if (only !== undefined && only !== '') return { json: path.resolve(only), html: false, junit: false }
  const summary = env['GITHUB_STEP_SUMMARY']
  return {
    json: config.jsonReport,
    html: config.htmlReport,
    junit: config.junitReport,
    markdown: config.githubSummary && summary !== undefined && summary !== '' ? summary : undefined,
  }
}

/**
 * Writes every report of a run: JSON, HTML and JUnit atomically (temp file + rename), the Markdown summary
 * appended (GitHub reads the file after the step). One failing report does not stop the others.
 *
 * With `meta.startedAt` and a JSON report, the three files are rewritten under a lock file beside the JSON
 * one (`<json>.lock`), and the results of a JSON report another process wrote there since `startedAt` (two
 * runs sharing a report folder) are kept in all three, before this run's. An older report is replaced.
 */
export async function writeReports(
  rows: readonly ReportRow[],
  meta: ReportMeta,
  targets: ReportTargets,
): Promise<ReportOutcome[]> {
  const { startedAt } = meta
  const shared = targets.json
  if (startedAt === undefined || shared === false) return writeFiles(rows, rows, meta, targets)
  try {
    await ensureDir(path.dirname(shared))
    return await withLockFile(`${shared}.lock`, async () => {
      const others = await readConcurrentRows(shared, startedAt)
      return writeFiles([...others, ...rows], rows, meta, targets)
    })
  } catch {
    // No lock to be had (the folder refuses files): each write says for itself why it fails.
    return writeFiles(rows, rows, meta, targets)
  }
}

// `rows` go in the files; `own` (this run's) in the Markdown summary, which every run appends its own to.
async function writeFiles(
  rows: readonly ReportRow[],
  own: readonly ReportRow[],
  meta: ReportMeta,
  targets: ReportTargets,
): Promise<ReportOutcome[]> {
  const jobs: {
    format: ReportFormat
    file: string | false | undefined
    write: (file: string) => Promise<void>
  }[] = [
    {
      format: 'json',
      file: targets.json,
      write: (file) => writeJsonReport(file, buildJsonReport(rows, meta)),
    },
    {
      format: 'html',
      file: targets.html,
      write: (file) => writeFileAtomic(file, renderHtmlReport(rows, meta)),
    },
    { format: 'junit', file: targets.junit, write: (file) => writeFileAtomic(file, renderJunit(rows, meta)) },
    {
      format: 'markdown',
      file: targets.markdown,
      write: (file) => appendFile(file, `${renderMarkdownSummary(own, meta)}\n`),
    },
  ]
  const outcomes: ReportOutcome[] = []
  for (const { format, file, write } of jobs) {
    if (file === false || file === undefined) continue
    try {
      await write(file)
      outcomes.push({ format, file })
    } catch (error) {
      outcomes.push({ format, file, error: error instanceof Error ? error : new Error(String(error)) })
    }
  }
  return outcomes
}

/**
 * Makes sure a report can go to `file` before a run, so that a path no report can have is refused up front
 * rather than after the load: creates its folder (failing at once where it cannot be made: a file in the
 * way, /proc, no permission) and refuses a folder at `file` itself. Throws the file system's error.
 */
export async function prepareReportFile(file: string): Promise<void> {
  await ensureDir(path.dirname(file))
  const existing = await stat(file).catch(() => undefined)
  if (existing?.isDirectory()) {
    throw Object.assign(new Error(`EISDIR: illegal operation on a directory, open '${file}'`), {
      code: 'EISDIR',
    })
  }
}

/** True when any report could not be written: the run fails, as a test whose output is lost would. */
export function anyReportUnwritten(outcomes: readonly ReportOutcome[]): boolean {
  return outcomes.some((outcome) => outcome.error !== undefined)
}

/** The line under the report lines when one could not be written. */
export const UNWRITTEN_REPORT_FAILS_RUN = 'the run fails: a perfspec report could not be written'

const NAMES: Record<ReportFormat, string> = {
  json: 'JSON report',
  html: 'HTML report',
  junit: 'JUnit report',
  markdown: 'Markdown summary',
}

/** A line per report for the terminal: where it went, or why it could not be written. */
export function describeReportOutcomes(
  outcomes: readonly ReportOutcome[],
  colors: Colors,
  cwd = process.cwd(),
): string[] {
  return outcomes.map(({ format, file, error }) =>
    error === undefined
      ? colors.dim(escapeTerminal(`${NAMES[format]}: ${path.relative(cwd, file) || file}`))
      : colors.red(escapeTerminal(`perfspec could not write the ${NAMES[format]} ${file}: ${error.message}`)),
  )
}
