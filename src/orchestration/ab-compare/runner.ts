import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { stripVTControlCharacters } from 'node:util'
import { findExecutable, startTool, tailOf } from '../../adapters/spawn.ts'
import { CompareSetupError, isPerfError } from '../../foundation/errors.ts'
import { JSON_REPORT_ENV } from '../../foundation/util/report-env.ts'
import type { CompareRunner } from './types.ts'

const CONFIG_FILES: Record<CompareRunner, RegExp> = {
  vitest: /^vite(st)?\.config\.[cm]?[jt]s$/,
  jest: /^jest\.config\.([cm]?[jt]s|json)$/,
}
// A round is a test run of a few load tests; one that takes this long hangs.
const ROUND_DEADLINE_MS = 60 * 60_000

/**
 * The project's test runner: its config file (vitest.config.*, jest.config.* or `jest` in package.json),
 * else its dependencies. Neither, or both, is a CompareSetupError asking for `--runner`.
 */
export function detectRunner(projectDir: string): CompareRunner {
  const files = safeList(projectDir)
  const manifest = readManifest(projectDir)
  const byConfig = (['vitest', 'jest'] as const).filter(
    (runner) => files.some((file) => CONFIG_FILES[runner].test(file)) || (runner === 'jest' && manifest.jest),
  )
  if (byConfig.length === 1) return byConfig[0]!
  const byDependency = (['vitest', 'jest'] as const).filter((runner) => manifest.dependencies.has(runner))
  if (byConfig.length === 0 && byDependency.length === 1) return byDependency[0]!
  const found = byConfig.length > 1 ? 'both Vitest and Jest' : 'neither Vitest nor Jest'
  throw new CompareSetupError(
    'runner',
    `${projectDir} has ${found} configured: name the runner of its perf specs with --runner vitest or --runner jest`,
  )
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}

function readManifest(dir: string): { jest: boolean; dependencies: Set<string> } {
  try {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >
    const dependencies = new Set<string>()
    for (const field of ['dependencies', 'devDependencies']) {
      const deps = manifest[field]
      if (typeof deps === 'object' && deps !== null)
        for (const name of Object.keys(deps)) dependencies.add(name)
    }
    return { jest: manifest['jest'] !== undefined, dependencies }
  } catch {
    return { jest: false, dependencies: new Set() }
  }
}

/** The runner's executable in `node_modules/.bin`, from the project folder up to the tree's top. */
export async function locateRunner(runner: CompareRunner, projectDir: string, root: string): Promise<string> {
  for (let dir = projectDir; ; dir = path.dirname(dir)) {
    const found = await findExecutable(path.join(dir, 'node_modules', '.bin', runner))
    if (found !== undefined) return found
    if (dir === root || path.dirname(dir) === dir) break
  }
  throw new CompareSetupError(
    'runner',
    `${runner} is not installed in ${projectDir} (no node_modules/.bin/${runner} there or above it)`,
  )
}

/** One run of the perf specs in one tree. */
export interface RoundRequest {
  runner: CompareRunner
  /** The runner's executable (see locateRunner). */
  executable: string
  cwd: string
  /** The selected spec files, then the arguments that followed `--`. */
  files: readonly string[]
  runnerArgs: readonly string[]
  /** Where the perfspec reporter writes this round's JSON report. */
  reportFile: string
  signal: AbortSignal
  /** The base's temp folder: removed by the tool watchdog should this process die mid-round. */
  runDir: string
}

export interface RoundOutcome {
  exitCode: number | undefined
  /** The end of the runner's output, for a message when the round gave no results. */
  outputTail: string
  /** The runner's whole output. */
  output: string
}

/** The runner's arguments for a round. */
export function roundArguments(
  runner: CompareRunner,
  files: readonly string[],
  runnerArgs: readonly string[],
) {
  return runner === 'vitest' ? ['run', ...files, ...runnerArgs] : [...files, ...runnerArgs]
}

/**
 * Runs the runner once, in its own process group (a stop reaches every process it started), with the
 * perfspec reporter's JSON report pointed at `reportFile` and its other report files off. Failing tests are
 * not a failed round: the report has their runs. Throws only when aborted.
 */
export async function runRound(request: RoundRequest): Promise<RoundOutcome> {
  const env: Record<string, string> = {
    [JSON_REPORT_ENV]: request.reportFile,
    NO_COLOR: '1',
    FORCE_COLOR: '0',
  }
  try {
    const output = await (
      await startTool({
        tool: request.runner,
        file: request.executable,
        args: roundArguments(request.runner, request.files, request.runnerArgs),
        cwd: request.cwd,
        env,
        signal: request.signal,
        deadlineMs: ROUND_DEADLINE_MS,
        stopSignal: 'SIGTERM',
        // Failing tests exit non-zero and still leave their runs in the report: any exit is a finished round.
        okExitCodes: Array.from({ length: 255 }, (_, code) => code + 1),
        runDir: request.runDir,
      })
    ).done
    if (output.aborted) request.signal.throwIfAborted()
    // Some tools color their errors whatever NO_COLOR says; messages and the JSON stay plain text.
    const all = stripVTControlCharacters(`${output.stdout}\n${output.stderr}`)
    return { exitCode: output.exitCode, outputTail: tailOf(all), output: all }
  } catch (error) {
    if (request.signal.aborted) request.signal.throwIfAborted()
    const message = isPerfError(error) ? error.message : String(error)
    return { exitCode: undefined, outputTail: message, output: message }
  }
}
