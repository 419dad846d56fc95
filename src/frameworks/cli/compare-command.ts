import path from 'node:path'
import { parseArgs } from 'node:util'
import pc from 'picocolors'
import type { Colors } from 'picocolors/types.js'
import { InvalidOptionError, isPerfError } from '../../foundation/errors.ts'
import { PROVISIONAL_SAMPLING_BUDGET } from '../../metrics/change-sampling.ts'
import { requireDurationMs } from '../../options/duration.ts'
import { argument, fail } from '../../options/validate.ts'
import {
  type CompareProgress,
  type HeadEntry,
  runAbCompare,
} from '../../orchestration/ab-compare/run-compare.ts'
import type {
  AbCompareReport,
  CompareRunner,
  CompareSampling,
  GatedMetric,
} from '../../orchestration/ab-compare/types.ts'
import { createReportColors } from '../../presentation/report/colors.ts'
import { writeCompareReports } from '../../presentation/report/compare-files.ts'
import { renderCompareTable } from '../../presentation/report/compare-table.ts'
import type { ReportRow } from '../../presentation/report/rows.ts'
import { describeReportOutcomes } from '../../presentation/report/write-reports.ts'
import type { CliStreams } from './output.ts'

/** `perfspec compare --help`. */
export const COMPARE_HELP = `perfspec compare: the perf specs of a git ref against the working tree, on this machine

Usage
  perfspec compare --base REF [FILES…] [flags] [-- RUNNER ARGS…]

  Checks REF out in a temp git worktree (its node_modules linked from the working tree when the lockfile is
  unchanged, else installed), then runs the perf specs of both trees alternately (A B, B A, …) with the
  project's Vitest or Jest, and judges p95, rps and the app's CPU per request (when measured) of every run
  found on both sides: regressed, improved, unchanged or inconclusive, with a 95% interval.

Flags
      --base REF             the git ref to compare with (branch, tag, commit)                 required
      --rounds N             exactly N round pairs (N >= 2)
      --budget D             sample until decided, or until D is spent: 10m, 1h         [4 to 12 pairs]
      --tolerance T          ±T% counts as unchanged; METRIC=T for one of p95, rps, cpu (repeatable)  [5]
      --fail-on-inconclusive exit 1 on an inconclusive verdict too (by default it is shown, exit 0)
      --runner R             vitest or jest                                          [from the project]
      --allow-dirty          measure uncommitted changes as part of the head (else: exit 2)
      --install CMD          install the base tree's dependencies with CMD (a shell command)
      --out DIR              where perfspec-compare.json, .md and .html go                         [.]
      --verbose              print the runner's output of every round
  -q, --quiet                no progress lines, no table
      --no-color             no colors
  -h, --help                 this help

Exit codes
  0 no regression   1 a regression (or, with --fail-on-inconclusive, an inconclusive verdict)
  2 usage or setup error (bad ref, uncommitted changes, install failed, no results)   130 interrupted

Examples
  perfspec compare --base main test/perf
  perfspec compare --base origin/main --rounds 6 -- --config vitest.perf.config.ts
  perfspec compare --base v1.4.0 --budget 10m --tolerance p95=20 --fail-on-inconclusive
`

/** The compare command's own exit codes (those of the CLI, with 1 for a regression). */
const EXIT = { passed: 0, regressed: 1, badInput: 2, interrupted: 130 } as const

const OPTIONS = {
  base: { type: 'string' },
  rounds: { type: 'string' },
  budget: { type: 'string' },
  tolerance: { type: 'string', multiple: true },
  'fail-on-inconclusive': { type: 'boolean' },
  runner: { type: 'string' },
  'allow-dirty': { type: 'boolean' },
  install: { type: 'string' },
  out: { type: 'string' },
  verbose: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

const METRIC_NAMES: Record<string, GatedMetric> = { p95: 'p95', rps: 'rps', cpu: 'cpuPerRequest' }
/** Provisional, as every default of docs/regression-verdicts.md: the feasibility check's 5%. */
const DEFAULT_TOLERANCE_PERCENT = 5
const MAX_ROUNDS = 1000

/** What `perfspec compare …` asks for. */
export interface CompareCommand {
  help: boolean
  base: string
  files: string[]
  runnerArgs: string[]
  runner: CompareRunner | undefined
  sampling: CompareSampling
  tolerances: Record<GatedMetric, number>
  failOnInconclusive: boolean
  allowDirty: boolean
  install: string | undefined
  out: string | undefined
  verbose: boolean
  quiet: boolean
  color: boolean
}

/** Parses the arguments after `compare`; bad input is an InvalidOptionError naming the flag. */
export function parseCompareArgs(argv: readonly string[]): CompareCommand {
  const split = argv.indexOf('--')
  const own = split === -1 ? [...argv] : argv.slice(0, split)
  const runnerArgs = split === -1 ? [] : argv.slice(split + 1)
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>
  try {
    parsed = parseArgs({ args: own, options: OPTIONS, allowPositionals: true, strict: true })
  } catch (error) {
    throw new InvalidOptionError('argv', error instanceof Error ? error.message : String(error))
  }
  const { values, positionals } = parsed
  const help = values.help === true
  if (!help && (values.base === undefined || values.base.trim() === '')) {
    fail(argument('--base'), 'a git ref to compare with (a branch, tag or commit)', values.base)
  }
  if (values.rounds !== undefined && values.budget !== undefined) {
    fail(
      argument('--rounds'),
      'given without --budget (a fixed count, or sampling within a time budget)',
      values.rounds,
    )
  }
  const runner = values.runner
  if (runner !== undefined && runner !== 'vitest' && runner !== 'jest')
    fail(argument('--runner'), "'vitest' or 'jest'", runner)
  return {
    help,
    base: values.base ?? '',
    files: positionals,
    runnerArgs,
    runner,
    sampling: samplingOf(values.rounds, values.budget),
    tolerances: parseTolerances(values.tolerance ?? []),
    failOnInconclusive: values['fail-on-inconclusive'] === true,
    allowDirty: values['allow-dirty'] === true,
    install: values.install,
    out: values.out,
    verbose: values.verbose === true,
    quiet: values.quiet === true,
    color: values['no-color'] !== true,
  }
}

function samplingOf(rounds: string | undefined, budget: string | undefined): CompareSampling {
  if (rounds !== undefined) {
    const pairs = Number(rounds)
    if (!/^\d+$/.test(rounds.trim()) || pairs < 2 || pairs > MAX_ROUNDS) {
      fail(argument('--rounds'), `a whole number of round pairs from 2 to ${MAX_ROUNDS}`, rounds)
    }
    return { mode: 'fixed', pairs }
  }
  const sequential: CompareSampling = { mode: 'sequential', budget: { ...PROVISIONAL_SAMPLING_BUDGET } }
  if (budget !== undefined) sequential.timeBudgetMs = requireDurationMs(argument('--budget'), budget)
  return sequential
}

/** `['5']` → 5% for every metric; `['p95=20', 'rps=5']` → per metric, the rest at the default. */
export function parseTolerances(texts: readonly string[]): Record<GatedMetric, number> {
  const tolerances: Record<GatedMetric, number> = {
    cpuPerRequest: DEFAULT_TOLERANCE_PERCENT,
    p95: DEFAULT_TOLERANCE_PERCENT,
    rps: DEFAULT_TOLERANCE_PERCENT,
  }
  for (const text of texts) {
    const match = /^\s*(?:([a-z0-9]+)\s*=\s*)?(\d+(?:\.\d+)?)\s*%?\s*$/i.exec(text)
    const metric = match?.[1] === undefined ? undefined : METRIC_NAMES[match[1].toLowerCase()]
    if (match === null || (match[1] !== undefined && metric === undefined)) {
      fail(argument('--tolerance'), 'a percent (5), or METRIC=percent for p95, rps or cpu (p95=20)', text)
    }
    const percent = Number(match[2])
    if (metric === undefined) {
      for (const key of Object.keys(tolerances) as GatedMetric[]) tolerances[key] = percent
    } else {
      tolerances[metric] = percent
    }
  }
  return tolerances
}

export interface CompareContext extends CliStreams {
  env: Record<string, string | undefined>
  signal: AbortSignal
  cwd: string
}

/** Runs `perfspec compare …` to its exit code; writes only through `context`. */
export async function runCompareCommand(argv: readonly string[], context: CompareContext): Promise<number> {
  let command: CompareCommand
  try {
    command = parseCompareArgs(argv)
  } catch (error) {
    return reportError(error, context)
  }
  if (command.help) {
    context.stdout.write(COMPARE_HELP)
    return EXIT.passed
  }
  const colors = command.color ? createReportColors(context.env, context.stderr) : pc.createColors(false)
  const showProgress = !command.quiet
  try {
    const { report, headEntries } = await runAbCompare({
      cwd: context.cwd,
      base: command.base,
      files: command.files,
      runnerArgs: command.runnerArgs,
      runner: command.runner,
      sampling: command.sampling,
      tolerances: command.tolerances,
      allowDirty: command.allowDirty,
      installCommand: command.install,
      signal: context.signal,
      onProgress: (progress) => {
        if (showProgress || command.verbose) context.stderr.write(describeProgress(progress, command, colors))
      },
    })
    const outDir = path.resolve(context.cwd, command.out ?? '.')
    const outcomes = await writeCompareReports(
      report,
      headEntries.map(toReportRow),
      outDir,
      context.env['GITHUB_STEP_SUMMARY'],
    )
    if (!command.quiet) {
      const reports = describeReportOutcomes(outcomes, colors, context.cwd)
      context.stdout.write(renderCompareTable(report, colors) + reports.map((line) => `${line}\n`).join(''))
    }
    if (outcomes.some((outcome) => outcome.error !== undefined)) {
      context.stderr.write('perfspec: a compare report could not be written (see above)\n')
      return EXIT.regressed
    }
    return exitCodeOf(report, command.failOnInconclusive)
  } catch (error) {
    if (context.signal.aborted) {
      context.stderr.write('perfspec: interrupted; the base worktree was removed, no comparison was made\n')
      return EXIT.interrupted
    }
    return reportError(error, context)
  }
}

/** 1 on any regressed metric; on an inconclusive one too with --fail-on-inconclusive; else 0. */
export function exitCodeOf(report: AbCompareReport, failOnInconclusive: boolean): number {
  if (report.summary.regressed > 0) return EXIT.regressed
  if (failOnInconclusive && report.summary.inconclusive > 0) return EXIT.regressed
  return EXIT.passed
}

function toReportRow(entry: HeadEntry): ReportRow {
  const row: ReportRow = { file: entry.file, test: entry.test, state: entry.state, result: entry.result }
  if (entry.baseline !== undefined) row.baseline = entry.baseline
  return row
}

function describeProgress(progress: CompareProgress, command: CompareCommand, c: Colors): string {
  switch (progress.kind) {
    case 'setup':
      return c.dim(`${progress.message}\n`)
    case 'round-start':
      return c.dim(`round pair ${progress.pair}/${progress.maxPairs}: ${progress.side}…\n`)
    case 'round-end': {
      const seconds = (progress.ms / 1000).toFixed(1)
      const runs =
        progress.runs === undefined ? 'no report' : `${progress.runs} run${progress.runs === 1 ? '' : 's'}`
      const output = command.verbose ? `${progress.outcome.output.trimEnd()}\n` : ''
      return `${output}${c.dim(`round pair ${progress.pair}: ${progress.side} done in ${seconds} s, ${runs}`)}\n`
    }
    case 'look':
      return progress.gated === 0 || command.sampling.mode === 'fixed'
        ? ''
        : c.dim(
            `after ${progress.pair} pairs: ${progress.gated - progress.open} of ${progress.gated} metrics decided\n`,
          )
  }
}

// Bad input and setup failures are the error's own message, no stack; anything else is a bug, shown whole.
function reportError(error: unknown, context: CompareContext): number {
  if (isPerfError(error)) {
    context.stderr.write(`perfspec compare: ${error.message}\n`)
    return EXIT.badInput
  }
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error)
  context.stderr.write(`perfspec compare: unexpected error (please report it)\n${text}\n`)
  return EXIT.badInput
}
