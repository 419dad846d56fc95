import { randomUUID } from 'node:crypto'
import { constants } from 'node:fs'
import { access } from 'node:fs/promises'
import path from 'node:path'
import { ToolFailedError, ToolNotFoundError } from '../foundation/errors.ts'
import { parseDuration } from '../options/duration.ts'
import { runnerGoneSignal } from './runner-gone.ts'
import { startWatchdog, TOOL_RUN_ENV } from './watchdog.ts'

/** How perfspec finds and names one external tool. */
export interface ToolSpec {
  /** The tool's name in messages, e.g. `ab`. */
  tool: string
  /** The command looked up on PATH when neither the `binary` option nor the env variable is set. */
  command: string
  /** Environment variable that overrides the binary path, e.g. `PERFSPEC_AB`. */
  envVar: string
  /** What to run to install the tool. */
  installHint: string
}

/** How long a tool may take beyond the run's duration to start up and write its results. */
export const DEADLINE_GRACE_MS = 30_000

/** The grace period: `PERFSPEC_TOOL_GRACE` (a duration such as '10s') when set, else DEADLINE_GRACE_MS. */
export function deadlineGraceMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = env.PERFSPEC_TOOL_GRACE
  return value === undefined || value === '' ? DEADLINE_GRACE_MS : parseDuration(value, 'PERFSPEC_TOOL_GRACE')
}
/** After the polite stop signal (abort), how long before the process group is killed. */
const STOP_GRACE_MS = 5_000
const STDERR_TAIL_LINES = 20
const STDERR_TAIL_CHARS = 2_000

/** The binary to run: the `binary` option, else the tool's env variable, else its command name. */
export function resolveBinary(spec: ToolSpec, binary: string | undefined): string {
  return binary ?? process.env[spec.envVar] ?? spec.command
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** The absolute path of an executable (a path, or a name looked up on PATH), or undefined. */
export async function findExecutable(binary: string): Promise<string | undefined> {
  if (binary.includes('/')) return (await isExecutable(binary)) ? path.resolve(binary) : undefined
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue
    const candidate = path.join(dir, binary)
    if (await isExecutable(candidate)) return candidate
  }
  return undefined
}

/** Finds the tool's binary or throws ToolNotFoundError with its install hint. */
export async function locateTool(spec: ToolSpec, binary: string | undefined): Promise<string> {
  const wanted = resolveBinary(spec, binary)
  const found = await findExecutable(wanted)
  if (found === undefined) throw new ToolNotFoundError(spec.tool, wanted, spec.installHint)
  return found
}

/** The last lines of a tool's stderr, for error messages. */
export function tailOf(text: string): string {
  const tail = text.trimEnd().split('\n').slice(-STDERR_TAIL_LINES).join('\n')
  return tail.length > STDERR_TAIL_CHARS ? tail.slice(-STDERR_TAIL_CHARS) : tail
}

export interface SpawnToolOptions {
  /** The tool's name in messages. */
  tool: string
  /** Absolute path of the executable (see locateTool). */
  file: string
  /** Passed as an argument array; no shell is involved. */
  args: readonly string[]
  cwd?: string
  /** Added to this process's environment. */
  env?: Record<string, string>
  /** Aborting sends `stopSignal`, then kills the process group after a grace period. */
  signal?: AbortSignal | undefined
  /** The tool and its children are killed after this long and a ToolFailedError is thrown. */
  deadlineMs: number
  /** What asks the tool to stop early and still write its results (ab and k6: SIGINT, Locust: SIGTERM). */
  stopSignal: NodeJS.Signals
  /** Exit codes that are not failures, besides 0 (k6's 99: thresholds failed). */
  okExitCodes?: readonly number[]
  /** The run's folder, removed by the watchdog should this process die while the tool runs. */
  runDir?: string
}

export interface ToolOutput {
  stdout: string
  stderr: string
  exitCode: number | undefined
  /** True when the run was stopped through the AbortSignal. */
  aborted: boolean
}

/** A running tool. `done` settles once the process has exited and its group has been killed. */
export interface ToolProcess {
  readonly pid: number | undefined
  readonly done: Promise<ToolOutput>
  /** Asks the tool to stop (stopSignal), killing its process group if it has not exited after a grace period. */
  stop(): void
  /** Kills the tool and all its children at once. */
  kill(): void
}

// Process groups still running, killed if this process exits first (detached tools are not cleaned up by execa).
const liveGroups = new Set<number>()
let exitHookInstalled = false

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return
  try {
    process.kill(-pid, signal)
  } catch {
    // ESRCH: the whole group is gone already.
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once('exit', () => {
    for (const pid of liveGroups) killGroup(pid, 'SIGKILL')
  })
}

/**
 * Starts a tool in its own process group, so that a stop or kill reaches every process it started.
 * Non-zero exits (other than `okExitCodes`) reject with ToolFailedError; a missing binary with
 * ToolNotFoundError; passing the deadline kills the group and rejects with ToolFailedError. A watchdog
 * kills the group and removes `runDir` should this process die first (even by SIGKILL); a test runner
 * that is gone (see runnerGoneSignal) kills it at once.
 */
export async function startTool(options: SpawnToolOptions, spec?: ToolSpec): Promise<ToolProcess> {
  // Loaded on first use: a native run never spawns, and execa is most of what importing perfspec costs.
  const { execa } = await import('execa')
  installExitHook()
  // Nobody will read the result of a run whose test runner is gone: no polite stop. Asked before anything
  // starts, so that the runner this process started with is the one watched.
  const runnerGone = runnerGoneSignal()
  // The watchdog first: a runner that dies the moment the tool has started (a busy machine may pause it just
  // there, and a Ctrl-C land in the pause) leaves a tool its watchdog finds by the token.
  const token = randomUUID()
  const watchdog = startWatchdog(token, options.runDir)
  const subprocess = execa(options.file, [...options.args], {
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    env: { ...options.env, [TOOL_RUN_ENV]: token },
    detached: true,
    cleanup: false,
    reject: false,
    stdin: 'ignore',
    stripFinalNewline: false,
  })
  const pid = subprocess.pid
  if (pid !== undefined) {
    liveGroups.add(pid)
    watchdog.watch(pid)
  }
  let aborted = false
  let timedOut = false
  let stopTimer: NodeJS.Timeout | undefined
  const kill = (): void => killGroup(pid, 'SIGKILL')
  const stop = (): void => {
    killGroup(pid, options.stopSignal)
    stopTimer ??= setTimeout(kill, STOP_GRACE_MS)
  }
  const onAbort = (): void => {
    aborted = true
    stop()
  }
  const onRunnerGone = (): void => {
    aborted = true
    kill()
  }
  if (runnerGone.aborted) onRunnerGone()
  else runnerGone.addEventListener('abort', onRunnerGone, { once: true })
  const deadline = setTimeout(() => {
    timedOut = true
    kill()
  }, options.deadlineMs)
  if (options.signal?.aborted) onAbort()
  else options.signal?.addEventListener('abort', onAbort, { once: true })

  const done = subprocess.then(async (result) => {
    clearTimeout(deadline)
    if (stopTimer !== undefined) clearTimeout(stopTimer)
    options.signal?.removeEventListener('abort', onAbort)
    runnerGone.removeEventListener('abort', onRunnerGone)
    // The tool has exited; anything it left in its group goes with it.
    kill()
    if (pid !== undefined) liveGroups.delete(pid)
    await watchdog.release()
    const stdout = String(result.stdout ?? '')
    const stderr = String(result.stderr ?? '')
    if ((result as { code?: string }).code === 'ENOENT') {
      throw new ToolNotFoundError(options.tool, options.file, spec?.installHint ?? `install ${options.tool}`)
    }
    const stderrTail = tailOf(stderr || stdout)
    if (timedOut) {
      throw new ToolFailedError(options.tool, {
        exitCode: result.exitCode,
        signal: result.signal,
        stderrTail,
        reason: `did not finish within ${options.deadlineMs} ms (duration + grace) and was killed`,
      })
    }
    const ok = result.exitCode === 0 || (options.okExitCodes ?? []).includes(result.exitCode ?? -1)
    if (!ok && !aborted) {
      throw new ToolFailedError(options.tool, {
        exitCode: result.exitCode,
        signal: result.signal,
        stderrTail,
      })
    }
    return { stdout, stderr, exitCode: result.exitCode, aborted }
  })
  return { pid, done, stop, kill }
}

/** Runs a tool to its end; see startTool. */
export async function runTool(options: SpawnToolOptions, spec?: ToolSpec): Promise<ToolOutput> {
  return (await startTool(options, spec)).done
}

/** Runs `binary args` briefly (e.g. `--version`) and returns its stdout and stderr, or undefined on failure. */
export async function probeTool(file: string, args: readonly string[]): Promise<string | undefined> {
  const { execa } = await import('execa')
  const result = await execa(file, [...args], { reject: false, timeout: 10_000, stdin: 'ignore' })
  if (result.failed) return undefined
  return `${String(result.stdout ?? '')}\n${String(result.stderr ?? '')}`
}
