import type { Colors } from 'picocolors/types.js'
import type { Reporter, TestModule, Vitest } from 'vitest/node'
import { describeMachine } from '../../orchestration/baseline/machine.ts'
import type { MetricsDisplay } from '../../orchestration/config.ts'
import { createReportColors } from '../../presentation/report/colors.ts'
import { renderProgressLine } from '../../presentation/report/progress-line.ts'
import { terminalWidth } from '../../presentation/report/table.ts'
import { renderTerminalSummary } from '../../presentation/report/terminal-summary.ts'
import {
  anyReportUnwritten,
  describeReportOutcomes,
  reportTargetsOf,
  UNWRITTEN_REPORT_FAILS_RUN,
  writeReports,
} from '../../presentation/report/write-reports.ts'
import { collectRows } from './collect-rows.ts'
import { decodeProgress } from './progress-channel.ts'

export interface PerfReporterOptions {
  /** Absolute path of the JSON report, or false. @default '<root>/perfspec-report.json' */
  jsonReport?: string | false
  /** Absolute path of the HTML report, or false. @default false */
  htmlReport?: string | false
  /** Absolute path of the JUnit XML report, or false. @default false */
  junitReport?: string | false
  /** Append a Markdown summary to `$GITHUB_STEP_SUMMARY` when it is set. @default true */
  githubSummary?: boolean
  /** Which metric columns the table shows. @default all */
  metrics?: MetricsDisplay
  /** Render progress lines sent by long runs. @default false */
  progress?: boolean
  /** @default on for a terminal; off with NO_COLOR or when the output is not a TTY (FORCE_COLOR forces) */
  colors?: Colors
  /** Width to fit the table in. @default min(terminal width, 100) */
  width?: number
}

/**
 * Prints a table of every perf result at the end of the run and writes the reports (JSON, and HTML, JUnit
 * and the GitHub step summary when asked). Results arrive in each test's task meta; progress arrives as
 * console lines the plugin hides from the other reporters.
 */
export class PerfReporter implements Reporter {
  private vitest: Vitest | undefined
  private readonly options: PerfReporterOptions
  private readonly colors: Colors
  private pending: (() => Promise<void>) | undefined
  // A report another Vitest process writes into the same place after this is merged with this run's.
  private startedAt = new Date()

  constructor(options: PerfReporterOptions = {}) {
    this.options = options
    this.colors = options.colors ?? createReportColors()
  }

  onInit(vitest: Vitest): void {
    this.vitest = vitest
  }

  onTestRunStart(): void {
    this.startedAt = new Date()
  }

  onUserConsoleLog(log: { content: string; taskId?: string }): void {
    if (this.options.progress !== true) return
    const progress = decodeProgress(log.content)
    if (progress !== undefined) this.vitest?.logger.log(renderProgressLine(progress, this.colors))
  }

  async onTestRunEnd(testModules: ReadonlyArray<TestModule>): Promise<void> {
    const report = () => this.report(testModules)
    // Vitest 3 prints its summary in onFinished, after onTestRunEnd: wait for it so the table comes last.
    if (Number(this.vitest?.version.split('.')[0] ?? 4) < 4) this.pending = report
    else await report()
  }

  async onFinished(): Promise<void> {
    const report = this.pending
    this.pending = undefined
    await report?.()
  }

  private async report(testModules: ReadonlyArray<TestModule>): Promise<void> {
    const vitest = this.vitest
    if (vitest === undefined) return
    const root = vitest.config.root
    const rows = collectRows(testModules, root)
    if (rows.length === 0) return
    const c = this.colors
    const width = this.options.width ?? terminalWidth(process.stdout.columns)
    const lines = [
      '',
      ...renderTerminalSummary(rows, {
        colors: c,
        width,
        ...(this.options.metrics && { metrics: this.options.metrics }),
      }),
    ]
    const targets = reportTargetsOf({
      jsonReport: this.options.jsonReport ?? `${root}/perfspec-report.json`,
      htmlReport: this.options.htmlReport ?? false,
      junitReport: this.options.junitReport ?? false,
      githubSummary: this.options.githubSummary ?? true,
    })
    const meta = { machine: describeMachine(), runner: `vitest ${vitest.version}`, startedAt: this.startedAt }
    const outcomes = await writeReports(rows, meta, targets)
    lines.push(...describeReportOutcomes(outcomes, c))
    if (anyReportUnwritten(outcomes)) {
      lines.push(c.red(UNWRITTEN_REPORT_FAILS_RUN))
      // Vitest sets the exit code before this hook and never clears it: a CI step that keeps the report
      // must not pass without it. (Vitest 3 calls this from onFinished, also before it exits.)
      process.exitCode = 1
    }
    vitest.logger.log(`${lines.join('\n')}\n`)
  }
}
