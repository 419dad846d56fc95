import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import type { Colors } from 'picocolors/types.js'
import { InvalidConfigError, isPerfError } from '../../foundation/errors.ts'
import { describeMachine } from '../../orchestration/baseline/machine.ts'
import {
  type PerfPluginOptions,
  type ResolvedPerfConfig,
  resolvePerfConfig,
} from '../../orchestration/config.ts'
import type { BaselineUpdateMode } from '../../orchestration/context.ts'
import { PERF_TEST_TIMEOUT_MS, toWorkerConfig } from '../../orchestration/session/worker-config.ts'
import { createReportColors } from '../../presentation/report/colors.ts'
import { terminalWidth } from '../../presentation/report/table.ts'
import { renderTerminalSummary } from '../../presentation/report/terminal-summary.ts'
import {
  anyReportUnwritten,
  describeReportOutcomes,
  reportTargetsOf,
  UNWRITTEN_REPORT_FAILS_RUN,
  writeReports,
} from '../../presentation/report/write-reports.ts'
import { collectRows, type JestFileResultLike } from './collect-rows.ts'
import {
  clearRecords,
  createResultsDir,
  RESULTS_DIR_ENV,
  readRecords,
  removeResultsDir,
  writeWorkerConfig,
} from './results-dir.ts'

/**
 * Options of `['perfspec/jest-reporter', { … }]`: the same as the Vitest plugin's `perf()` (defaults,
 * thresholds, config/qa.yaml, baselineDir, report, failOnThresholds). Every test file gets them through
 * `perfspec/jest`.
 */
export type PerfJestReporterOptions = PerfPluginOptions

/** The part of Jest's global config the reporter reads (Jest 29 and 30 alike). */
export interface JestGlobalConfigLike {
  rootDir: string
  updateSnapshot?: BaselineUpdateMode
  /** Undefined when neither the config nor the command line set one. */
  testTimeout?: number
}

/** The part of Jest's aggregated results the reporter reads. */
export interface JestAggregatedResultLike {
  testResults: readonly JestFileResultLike[]
}

function resolveConfig(rootDir: string, options: PerfJestReporterOptions): ResolvedPerfConfig {
  try {
    return resolvePerfConfig(rootDir, options ?? {})
  } catch (error) {
    if (!isPerfError(error)) throw error
    throw new InvalidConfigError(`perfspec/jest-reporter options: ${error.message}`, { cause: error })
  }
}

// The Jest that loaded this reporter: its @jest/core is in the module cache (versions move in lockstep).
function describeRunner(): string {
  const cache = createRequire(import.meta.url).cache
  for (const file of Object.keys(cache)) {
    const core = /^(.*[\\/]node_modules[\\/]@jest[\\/]core)[\\/]/.exec(file)?.[1]
    if (core === undefined) continue
    try {
      return `jest ${JSON.parse(readFileSync(path.join(core, 'package.json'), 'utf8')).version}`
    } catch {}
  }
  return 'jest'
}

/**
 * `reporters: ['default', 'perfspec/jest-reporter']`: prints the perf summary table after Jest's own
 * summary and writes the JSON report. Workers append their runs to a results folder this reporter makes
 * (named to them in an environment variable); it joins them with the tests' outcomes at the end.
 */
export class PerfJestReporter {
  private readonly config: ResolvedPerfConfig
  private readonly dir: string
  // The table goes to stderr, so that is the stream whose terminal decides.
  private readonly colors: Colors = createReportColors(process.env, process.stderr)
  // A report another process writes into the same place after this is merged with this run's.
  private startedAt = new Date()
  // Jest fails the run when a reporter has an error to give.
  private lastError: Error | undefined

  constructor(globalConfig: JestGlobalConfigLike, options: PerfJestReporterOptions = {}) {
    this.config = resolveConfig(globalConfig.rootDir, options)
    // Jest makes reporters before it spawns workers, so the workers inherit this variable.
    this.dir = createResultsDir()
    process.env[RESULTS_DIR_ENV] = this.dir
    const worker = toWorkerConfig(this.config, {
      update: globalConfig.updateSnapshot ?? 'new',
      progress: false,
    })
    if (globalConfig.testTimeout === undefined) worker.testTimeoutMs = PERF_TEST_TIMEOUT_MS
    writeWorkerConfig(this.dir, worker)
    process.once('exit', () => removeResultsDir(this.dir))
  }

  onRunStart(): void {
    clearRecords(this.dir)
    this.startedAt = new Date()
    this.lastError = undefined
  }

  async onRunComplete(_contexts: unknown, results: JestAggregatedResultLike): Promise<void> {
    const rows = collectRows(readRecords(this.dir), results.testResults, this.config.root)
    clearRecords(this.dir)
    if (rows.length === 0) return
    const c = this.colors
    const width = terminalWidth(process.stderr.columns)
    const lines = ['', ...renderTerminalSummary(rows, { colors: c, width, metrics: this.config.metrics })]
    const meta = { machine: describeMachine(), runner: describeRunner(), startedAt: this.startedAt }
    const outcomes = await writeReports(rows, meta, reportTargetsOf(this.config))
    lines.push(...describeReportOutcomes(outcomes, c))
    if (anyReportUnwritten(outcomes)) {
      lines.push(c.red(UNWRITTEN_REPORT_FAILS_RUN))
      this.lastError = new Error(UNWRITTEN_REPORT_FAILS_RUN)
    }
    // stderr, as Jest's own reporters: stdout may carry `--json` output.
    process.stderr.write(`${lines.join('\n')}\n`)
  }

  getLastError(): Error | undefined {
    return this.lastError
  }
}

export default PerfJestReporter
