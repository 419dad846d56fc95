import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { ToolName } from '../../src/foundation/types.ts'
import { delayed, startServer } from '../helpers/servers.ts'
import { jestTarget, prepareJestFixture, removeJestFixture } from './jest-run-fixture.ts'
import { prepareFixture, removeFixture, target } from './run-fixture.ts'

// A runner (Vitest, Jest) with a 60 s run is signalled mid-run: SIGINT, SIGTERM, or SIGKILL (which no
// handler sees). Soon after (within 20 s: a busy machine is slow to start and end processes, and the run
// would go on for most of its minute) no process of the tool is left, the server's count has stopped
// growing, and no run folder is left in the runner's TMPDIR. Vitest runs the file in a forked worker, so
// signalling its main process also covers the orphaned worker; Jest runs the files in band (its main
// process) or, in the `files in workers` cases, in worker processes.

type Runner = 'vitest' | 'jest'
type Signal = 'SIGINT' | 'SIGTERM' | 'SIGKILL'
/** Which process gets the signal: the runner's main process, or the one that started the tool. */
type Target = 'main' | 'worker'
interface StopCase {
  runner: Runner
  tool: ToolName
  signal: Signal
  target?: Target
  /** Locust's distributed mode: a master and this many worker processes. */
  workers?: number
  /** Jest: run the files in worker processes (two files), not in band. */
  jestWorkers?: boolean
}

const TOOL_COMMAND: Record<ToolName, RegExp | undefined> = {
  ab: /(^|\/)ab\s/,
  k6: /(^|\/)k6\s+run/,
  locust: /locust/,
  native: undefined,
}
const WATCHDOG = /perfspec-watchdog/

function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
}

/**
 * State, parent and where it sleeps in the kernel, as in /proc (e.g. `S 1 do_epoll_wait`: an idle event
 * loop); `gone` once it has.
 */
function statOf(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const [state, parent] = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return `${state} ${parent} ${readFileSync(`/proc/${pid}/wchan`, 'utf8') || '-'}`
  } catch {
    return 'gone'
  }
}

/** Live processes whose environment carries `marker` (everything the runner started), from /proc. */
function markedProcesses(marker: string): { pid: number; command: string }[] {
  const found: { pid: number; command: string }[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (!readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(marker)) continue
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ')
      found.push({ pid: Number(entry), command })
    } catch {
      // Gone while we looked.
    }
  }
  return found
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
/**
 * How long the load may take to reach the server: a runner, and a tool, start slowly on a busy machine (five
 * cases start theirs at once; beside other work, at load average 17 on 2 cores, a Vitest runner took over
 * 60 s).
 */
const START_LIMIT_MS = 90_000
/** How long after the signal everything must have stopped; the fixture's run is 60 s. */
const STOP_LIMIT_MS = 20_000
/** How long the server's count must stand still to count as stopped. */
const QUIET_MS = 1000

async function until(condition: () => boolean, limitMs: number): Promise<boolean> {
  const end = performance.now() + limitMs
  while (!condition()) {
    if (performance.now() > end) return false
    await sleep(50)
  }
  return true
}

const projects: string[] = []
afterAll(async () => {
  for (const dir of projects) {
    await (dir.includes('e2e-jest') ? removeJestFixture(dir) : removeFixture(dir))
  }
})

async function stopMidRun({
  runner,
  tool,
  signal,
  target: signalled = 'main',
  workers,
  jestWorkers = false,
}: StopCase) {
  const server = await startServer(delayed(5))
  const project =
    runner === 'vitest' ? await prepareFixture('stop-on-signal') : await prepareJestFixture('stop-on-signal')
  projects.push(project)
  const tmp = mkdtempSync(path.join(path.dirname(project), 'tmp-'))
  const marker = `PERFSPEC_STOP_CASE=${path.basename(tmp)}`
  // The run lock goes to the runner's TMPDIR (the default folder), where this test reads it.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(VITEST|JEST_|CI$|GITHUB_|PERFSPEC_RUN_LOCK_DIR$)/.test(name),
    ),
  )
  const jestMode = jestWorkers ? ['--maxWorkers=2'] : ['--runInBand']
  const args = runner === 'vitest' ? [target.cli, 'run'] : [jestTarget.cli, ...jestMode]
  const child = spawn(process.execPath, args, {
    cwd: project,
    env: {
      ...env,
      NO_COLOR: '1',
      TMPDIR: tmp,
      PERFSPEC_STOP_URL: server.url,
      PERFSPEC_STOP_TOOL: tool,
      PERFSPEC_STOP_WORKERS: workers === undefined ? '' : String(workers),
      [marker.split('=')[0] as string]: path.basename(tmp),
    },
    stdio: 'ignore',
  })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const lockFile = path.join(tmp, 'perfspec-load-run.lock')
  const toolsLeft = () =>
    markedProcesses(marker).filter(
      ({ command }) => WATCHDOG.test(command) || (TOOL_COMMAND[tool]?.test(command) ?? false),
    )
  // The runner's own run folders; the machine-wide run lock is a file, not a run folder: a killed holder
  // leaves it stale (taken over).
  const runFolders = () =>
    readdirSync(tmp).filter((name) => name.startsWith('perfspec-') && name !== 'perfspec-load-run.lock')
  try {
    // Mid-run: the load has reached the server.
    const started = await until(() => server.count > 20 || child.exitCode !== null, START_LIMIT_MS)
    const runner = child.exitCode === null ? 'still running' : `exited with ${child.exitCode}`
    expect(
      started && server.count > 20,
      `${server.count} requests reached the server; the runner ${runner}`,
    ).toBe(true)
    if (signalled === 'main') {
      child.kill(signal)
      await exited
    } else {
      // The worker process that started the tool (Vitest's fork; Jest in band: its main process).
      const toolProcess = markedProcesses(marker).find(({ command }) => TOOL_COMMAND[tool]?.test(command))
      if (toolProcess === undefined) throw new Error('no tool process found')
      const worker = parentOf(toolProcess.pid)
      process.kill(worker, signal)
      await until(() => !markedProcesses(marker).some(({ pid }) => pid === worker), STOP_LIMIT_MS)
    }
    // Stopped: nothing left, and the count has stood still for a second.
    let count = server.count
    let stillSince = performance.now()
    await until(() => {
      if (server.count !== count) {
        count = server.count
        stillSince = performance.now()
      }
      const quiet = performance.now() - stillSince >= QUIET_MS
      return quiet && toolsLeft().length === 0 && runFolders().length === 0 && !lockHolderAlive(lockFile)
    }, STOP_LIMIT_MS)
    const countAfter = server.count
    const left = toolsLeft()
    // Every process the runner started that is still there, to tell what held on when this fails.
    const processes = markedProcesses(marker).map(({ pid, command }) => `${pid} ${statOf(pid)} ${command}`)
    await sleep(QUIET_MS)
    return {
      left,
      processes,
      growth: server.count - countAfter,
      runFolders: runFolders(),
      lockHolderAlive: lockHolderAlive(lockFile),
    }
  } finally {
    child.kill('SIGKILL')
    // Whatever the runner left (an orphaned worker, a tool that survived) is this test's to end.
    for (const { pid } of markedProcesses(marker)) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // Already gone.
      }
    }
    rmSync(tmp, { recursive: true, force: true })
    await server.close()
  }
}

const cases: StopCase[] = []
for (const runner of ['vitest', 'jest'] as const)
  for (const tool of ['ab', 'k6', 'locust'] as const)
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGKILL'] as const) cases.push({ runner, tool, signal })
cases.push(
  { runner: 'vitest', tool: 'native', signal: 'SIGTERM' },
  { runner: 'vitest', tool: 'native', signal: 'SIGKILL' },
  { runner: 'vitest', tool: 'ab', signal: 'SIGTERM', target: 'worker' },
  { runner: 'vitest', tool: 'k6', signal: 'SIGKILL', target: 'worker' },
  { runner: 'vitest', tool: 'locust', signal: 'SIGINT', workers: 2 },
  { runner: 'vitest', tool: 'locust', signal: 'SIGKILL', workers: 2 },
  { runner: 'jest', tool: 'ab', signal: 'SIGKILL', jestWorkers: true },
  { runner: 'jest', tool: 'native', signal: 'SIGKILL', jestWorkers: true },
)

function title(stop: StopCase): string {
  const tool = stop.workers === undefined ? stop.tool : `${stop.tool} (master + ${stop.workers} workers)`
  const runner = stop.jestWorkers ? 'jest (files in workers)' : stop.runner
  return `${runner}, tool ${tool}, ${stop.signal} to the ${stop.target === 'worker' ? 'worker' : 'runner'}`
}

/** Whether the process that wrote a run lock file is still alive (false when there is no lock file). */
function lockHolderAlive(file: string): boolean {
  let pid: number
  try {
    pid = (JSON.parse(readFileSync(file, 'utf8')) as { pid: number }).pid
  } catch {
    return false
  }
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe.concurrent('a runner stopped mid-run stops its load', { timeout: 150_000 }, () => {
  it.each(cases.map((stop) => [title(stop), stop] as const))('%s', async (_title, stop) => {
    const { left, processes, growth, runFolders, lockHolderAlive: holderAlive } = await stopMidRun(stop)
    expect(left, processes.join('\n')).toEqual([])
    expect(growth).toBe(0)
    expect(runFolders).toEqual([])
    expect(holderAlive).toBe(false)
  })
})
