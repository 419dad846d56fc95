import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { ToolName } from '../../src/foundation/types.ts'
import { delayed, startServer } from '../helpers/servers.ts'
import { jestTarget, prepareJestFixture, removeJestFixture } from './jest-run-fixture.ts'
import { prepareFixture, removeFixture, target } from './run-fixture.ts'

// A runner (Vitest, Jest) with a 10 s run is signalled mid-run: SIGINT, SIGTERM, or SIGKILL (which no
// handler sees). Two seconds later no process of the tool is left, the server's count has stopped growing,
// and no run folder is left in the runner's TMPDIR. Vitest runs the file in a forked worker, so signalling
// its main process also covers the orphaned worker; Jest runs the files in band (its main process) or, in
// the `files in workers` cases, in worker processes.

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
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(VITEST|JEST_|CI$|GITHUB_)/.test(name)),
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
  try {
    // Mid-run: the load has reached the server.
    expect(await until(() => server.count > 20, 30_000)).toBe(true)
    if (signalled === 'main') {
      child.kill(signal)
      await exited
    } else {
      // The worker process that started the tool (Vitest's fork; Jest in band: its main process).
      const toolProcess = markedProcesses(marker).find(({ command }) => TOOL_COMMAND[tool]?.test(command))
      if (toolProcess === undefined) throw new Error('no tool process found')
      const worker = parentOf(toolProcess.pid)
      process.kill(worker, signal)
      await until(() => !markedProcesses(marker).some(({ pid }) => pid === worker), 10_000)
    }
    await sleep(2000)
    const countAfter = server.count
    const left = markedProcesses(marker).filter(
      ({ command }) => WATCHDOG.test(command) || (TOOL_COMMAND[tool]?.test(command) ?? false),
    )
    await sleep(1000)
    return {
      left,
      growth: server.count - countAfter,
      // The machine-wide run lock is a file, not a run folder: a killed holder leaves it stale (taken over).
      runFolders: readdirSync(tmp).filter(
        (name) => name.startsWith('perfspec-') && name !== 'perfspec-load-run.lock',
      ),
      lockHolderAlive: lockHolderAlive(path.join(tmp, 'perfspec-load-run.lock')),
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

describe.concurrent('a runner stopped mid-run stops its load', { timeout: 60_000 }, () => {
  it.each(cases.map((stop) => [title(stop), stop] as const))('%s', async (_title, stop) => {
    const { left, growth, runFolders, lockHolderAlive: holderAlive } = await stopMidRun(stop)
    expect(left).toEqual([])
    expect(growth).toBe(0)
    expect(runFolders).toEqual([])
    expect(holderAlive).toBe(false)
  })
})
