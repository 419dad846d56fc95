import path from 'node:path'
import pc from 'picocolors'
import type { Colors } from 'picocolors/types.js'
import { toK6Script, toLocustfile } from '../../adapters/export-script.ts'
import { InvalidOptionError, isPerfError } from '../../foundation/errors.ts'
import type { LoadProgress, LoadTestOptions } from '../../foundation/types.ts'
import { describeMachine } from '../../orchestration/baseline/machine.ts'
import { loadTest } from '../../orchestration/load-test.ts'
import { createReportColors } from '../../presentation/report/colors.ts'
import { escapeTerminal } from '../../presentation/report/escape.ts'
import { isLongRun, renderProgressLine } from '../../presentation/report/progress-line.ts'
import {
  anyReportUnwritten,
  describeReportOutcomes,
  prepareReportFile,
  writeReports,
} from '../../presentation/report/write-reports.ts'
import { type CliCommand, type CliOutput, parseCli } from './args.ts'
import { runCompareCommand } from './compare-command.ts'
import { HELP } from './help.ts'
import { readOptionsFile } from './options-file.ts'
import { type CliStreams, renderCliSummary, toReportRow, widthOf } from './output.ts'

/** The exit codes: what a CI step or a shell script branches on. 128 + the signal's number, as shells do. */
export const EXIT = { passed: 0, failed: 1, badInput: 2, interrupted: 130, terminated: 143 } as const

/** The exit code of a run stopped by each signal the CLI handles. */
export const EXIT_ON_SIGNAL = { SIGINT: EXIT.interrupted, SIGTERM: EXIT.terminated } as const

export interface CliContext extends CliStreams {
  env: Record<string, string | undefined>
  /**
   * Aborted on SIGINT or SIGTERM, with the signal's name as its reason: the run stops, its partial summary
   * is shown, and the exit code is the signal's (130, 143).
   */
  signal: AbortSignal
  version: string
  cwd: string
}

/** Runs one command line to its exit code. Writes only through `context`; never calls `process.exit`. */
export async function runCli(argv: readonly string[], context: CliContext): Promise<number> {
  // `compare` has flags of its own and runs the project's test runner, not a load run.
  if (argv[0] === 'compare') return runCompareCommand(argv.slice(1), context)
  let command: CliCommand
  try {
    command = parseCli(argv)
  } catch (error) {
    return reportError(error, context)
  }
  if (command.kind === 'help') {
    context.stdout.write(HELP)
    return EXIT.passed
  }
  if (command.kind === 'version') {
    context.stdout.write(`${context.version}\n`)
    return EXIT.passed
  }
  if (command.kind === 'export') {
    try {
      const fromFile = await readOptionsFile(path.resolve(context.cwd, command.file))
      const options = { ...fromFile, ...command.options } as LoadTestOptions
      const script = command.format === 'k6' ? await toK6Script(options) : await toLocustfile(options)
      context.stdout.write(script.endsWith('\n') ? script : `${script}\n`)
      return EXIT.passed
    } catch (error) {
      return reportError(error, context)
    }
  }
  try {
    const fromFile =
      command.file === undefined ? {} : await readOptionsFile(path.resolve(context.cwd, command.file))
    return await runLoad({ ...fromFile, ...command.options } as LoadTestOptions, command, context)
  } catch (error) {
    return reportError(error, context)
  }
}

async function runLoad(
  options: LoadTestOptions,
  command: Extract<CliCommand, { kind: 'load' }>,
  context: CliContext,
): Promise<number> {
  const { output } = command
  const html = output.html === undefined ? false : path.resolve(context.cwd, output.html)
  const junit = output.junit === undefined ? false : path.resolve(context.cwd, output.junit)
  await prepareReports({ '--html': html, '--junit': junit })
  // Human output goes to stderr when stdout carries the JSON.
  const human = output.json ? context.stderr : context.stdout
  const colors = colorsFor(output, context.env, human)
  const progress = output.quiet || context.stderr.isTTY !== true ? undefined : progressWriter(context, colors)
  const measured = await loadTest({
    ...options,
    signal: context.signal,
    ...(progress !== undefined && { onProgress: progress.update }),
  })
  progress?.clear()
  // A run a signal cut short is never a pass: its JSON and its table say so, whatever its thresholds saw.
  const interrupted = measured.aborted && context.signal.aborted
  const result = interrupted ? { ...measured, success: false } : measured
  const row = toReportRow(result, command.file ?? 'perfspec')
  if (output.json) context.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
  const outcomes = await writeReports(
    [row],
    { machine: describeMachine(), runner: `perfspec ${context.version}` },
    { json: false, html, junit },
  )
  if (!output.quiet) {
    const reports = describeReportOutcomes(outcomes, colors, context.cwd)
    human.write(renderCliSummary(row, colors, widthOf(human)) + reports.map((line) => `${line}\n`).join(''))
  }
  if (interrupted) return context.signal.reason === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted
  return result.success && !anyReportUnwritten(outcomes) ? EXIT.passed : EXIT.failed
}

// A report path no file can have (a file in the way, /proc, no permission) is bad input, found before the
// load rather than after it.
async function prepareReports(targets: Record<'--html' | '--junit', string | false>): Promise<void> {
  for (const [flag, file] of Object.entries(targets)) {
    if (file === false) continue
    try {
      await prepareReportFile(file)
    } catch (error) {
      throw new InvalidOptionError(
        flag,
        `Cannot write the \`${flag}\` report ${file}: ${(error as Error).message}`,
      )
    }
  }
}

function colorsFor(output: CliOutput, env: CliContext['env'], stream: { isTTY?: boolean }): Colors {
  return output.color ? createReportColors(env, stream) : pc.createColors(false)
}

// One line, rewritten in place on the terminal once a second (the engine calls onProgress that often).
function progressWriter(context: CliContext, colors: Colors) {
  let shown = false
  return {
    update(progress: LoadProgress): void {
      if (!isLongRun(progress)) return
      context.stderr.write(`\r\x1b[2K${renderProgressLine(progress, colors)}`)
      shown = true
    },
    clear(): void {
      if (shown) context.stderr.write('\r\x1b[2K')
    },
  }
}

// Bad input is the error's own message, no stack; anything else is a bug, shown whole.
function reportError(error: unknown, context: CliContext): number {
  // Messages quote what the user gave: shown, never obeyed by the terminal.
  if (isPerfError(error)) {
    context.stderr.write(`perfspec: ${escapeTerminal(error.message, { keepLines: true })}\n`)
    return EXIT.badInput
  }
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error)
  context.stderr.write(
    `perfspec: unexpected error (please report it)\n${escapeTerminal(text, { keepLines: true })}\n`,
  )
  return EXIT.badInput
}
