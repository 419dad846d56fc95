import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ApacheBenchAdapter } from '../../src/adapters/ab.ts'
import { K6Adapter } from '../../src/adapters/k6.ts'
import { LocustAdapter } from '../../src/adapters/locust.ts'
import { isPerfError, type PerfError } from '../../src/foundation/errors.ts'
import type { ToolName } from '../../src/foundation/types.ts'
import { loadTest } from '../../src/orchestration/load-test.ts'
import { delayed, startServer, type TestServer } from '../helpers/servers.ts'
import { childProcesses, describeWithTool, waitFor } from '../helpers/tools.ts'

// The external tool missing, crashing, hanging or killed by a signal: a typed error within its bound, the
// runner survives, and no process of the tool outlives the run. Crashing and hanging are provoked with
// fault-injection stand-ins (test/fixtures/fake-tools) given as the `binary`; the kill uses the real tools.

const fakeTools = fileURLToPath(new URL('../fixtures/fake-tools/', import.meta.url))
let server: TestServer
let scratch: string

beforeAll(async () => {
  server = await startServer(delayed(20))
  scratch = mkdtempSync(path.join(tmpdir(), 'perfspec-tool-faults-'))
})
afterAll(async () => {
  await server.close()
  rmSync(scratch, { recursive: true, force: true })
})
afterEach(() => {
  expect(childProcesses()).toEqual([])
})

/** True while `pid` runs (a zombie waiting to be reaped does not count). */
function isAlive(pid: number): boolean {
  if (!existsSync(`/proc/${pid}/stat`)) return false
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] !== 'Z'
}

async function failure(tool: ToolName, binary: string, extra: Record<string, unknown> = {}) {
  const started = performance.now()
  const error = await loadTest({ url: server.url, tool, binary, users: 2, duration: '1s', ...extra }).then(
    () => undefined,
    (caught: unknown) => caught,
  )
  return { error: error as PerfError, elapsedMs: performance.now() - started }
}

describe.each<ToolName>(['ab', 'k6', 'locust'])('%s', (tool) => {
  it('missing binary: PERF_TOOL_NOT_FOUND with the install hint, nothing sent', async () => {
    const before = server.count
    const { error } = await failure(tool, path.join(scratch, 'no-such-tool'))
    expect(isPerfError(error, 'PERF_TOOL_NOT_FOUND')).toBe(true)
    expect(error.message).toMatch(/apt-get install|k6\/latest\/set-up/)
    expect(server.count).toBe(before)
  })
})

describe.each<ToolName>(['ab', 'k6'])('%s stand-in', (tool) => {
  it('crashing: PERF_TOOL_FAILED with the exit code and the tail of stderr', async () => {
    const { error, elapsedMs } = await failure(tool, path.join(fakeTools, 'crash'))
    expect(isPerfError(error, 'PERF_TOOL_FAILED')).toBe(true)
    expect(error.message).toContain('exited with code 3')
    expect(error.message).toContain('simulated crash')
    // At its exit, not at the deadline (duration + the default 30 s grace): generous for a busy machine.
    expect(elapsedMs).toBeLessThan(15_000)
  })

  it('hanging: killed with its children at duration + grace, PERF_TOOL_FAILED', async () => {
    const pidFile = path.join(scratch, `${tool}-hang.pids`)
    process.env.PERFSPEC_FAKE_PIDFILE = pidFile
    process.env.PERFSPEC_TOOL_GRACE = '1s'
    try {
      // A short request timeout: k6 may rightly run up to it past the duration (its gracefulStop).
      const { error, elapsedMs } = await failure(tool, path.join(fakeTools, 'hang'), { timeout: 1 })
      expect(isPerfError(error, 'PERF_TOOL_FAILED')).toBe(true)
      expect(error.message).toMatch(/did not finish within \d+ ms/)
      // At the 2–3 s deadline, where the tool would hang for 300 s: generous for a busy machine.
      expect(elapsedMs).toBeLessThan(15_000)
      const pids = readFileSync(pidFile, 'utf8').trim().split(' ').map(Number)
      expect(pids).toHaveLength(2)
      await waitFor(() => !pids.some(isAlive))
    } finally {
      delete process.env.PERFSPEC_FAKE_PIDFILE
      delete process.env.PERFSPEC_TOOL_GRACE
    }
  })
})

describe('a failing tool that echoes its command line', () => {
  it('has credentials scrubbed from the error message and stderr tail', async () => {
    const url = server.url.replace('//', '//admin:pa55word@')
    const { error } = await failure('ab', path.join(fakeTools, 'echo-args'), {
      url,
      requests: 10,
      headers: { authorization: 'Bearer topsecret-token', cookie: 'session=abcdef123' },
    })
    expect(isPerfError(error, 'PERF_TOOL_FAILED')).toBe(true)
    expect(error.message).toContain('called with')
    expect(error.message).toContain('[redacted]')
    for (const secret of ['topsecret-token', 'session=abcdef123', 'pa55word']) {
      expect(error.message).not.toContain(secret)
      expect((error as unknown as { stderrTail: string }).stderrTail).not.toContain(secret)
    }
  })
})

/** Starts a real run, SIGKILLs the tool's process once it is up, and returns the error. `match` must pick
 * the load run itself, not a `--version` probe. */
async function killMidRun(tool: ToolName, match: RegExp): Promise<PerfError> {
  const running = loadTest({ url: server.url, tool, users: 2, duration: '5s' }).then(
    () => undefined,
    (caught: unknown) => caught,
  )
  await waitFor(() => childProcesses().some((child) => match.test(child.command)))
  await new Promise((resolve) => setTimeout(resolve, 1000))
  for (const child of childProcesses()) if (match.test(child.command)) process.kill(child.pid, 'SIGKILL')
  return (await running) as PerfError
}

await describeWithTool(new ApacheBenchAdapter(), 'ab killed by a signal', () => {
  it('rejects with PERF_TOOL_FAILED naming the signal', async () => {
    const error = await killMidRun('ab', /(^|\/)ab .*127\.0\.0\.1/)
    expect(isPerfError(error, 'PERF_TOOL_FAILED')).toBe(true)
    expect(error.message).toContain('SIGKILL')
  })
})

await describeWithTool(new K6Adapter(), 'k6 killed by a signal', () => {
  it('rejects with PERF_TOOL_FAILED naming the signal', async () => {
    const error = await killMidRun('k6', /k6 run .*perfspec-script\.js/)
    expect(isPerfError(error, 'PERF_TOOL_FAILED')).toBe(true)
    expect(error.message).toContain('SIGKILL')
  })
})

await describeWithTool(new LocustAdapter(), 'Locust killed by a signal', () => {
  it('rejects with PERF_TOOL_FAILED naming the signal', { timeout: 30_000 }, async () => {
    const error = await killMidRun('locust', /locust.*--headless/)
    expect(isPerfError(error, 'PERF_TOOL_FAILED')).toBe(true)
    expect(error.message).toContain('SIGKILL')
  })
})

/** Live processes whose environment holds `entry` (NAME=value), from /proc. */
function processesWith(entry: string): number[] {
  const found: number[] = []
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(entry) && isAlive(Number(pid)))
        found.push(Number(pid))
    } catch {
      // Gone while we looked, or not ours to read.
    }
  }
  return found
}

describe('a runner killed the moment its tool starts', () => {
  it.each([
    ['the runner', 'self'],
    ["a Jest worker's runner", 'parent'],
  ])(
    '%s: no process of the tool is left (the watchdog and the watch on the runner come first)',
    async (_who, kill) => {
      const marker = `PERFSPEC_KILLED_RUNNER=${path.basename(scratch)}-${kill}`
      const runner = spawn(
        process.execPath,
        [fileURLToPath(new URL('../fixtures/killed-runner.mjs', import.meta.url))],
        {
          env: {
            ...process.env,
            PERFSPEC_KILL: kill,
            PERFSPEC_DIST: new URL('../../dist/index.mjs', import.meta.url).href,
            PERFSPEC_TOOL: path.join(fakeTools, 'hang'),
            PERFSPEC_URL: server.url,
            PERFSPEC_FAKE_PIDFILE: path.join(scratch, `killed-runner-${kill}.pids`),
            PERFSPEC_KILLED_RUNNER: marker.split('=')[1],
          },
          stdio: 'ignore',
        },
      )
      const [, signal] = await once(runner, 'exit')
      // It died where it meant to: right after its tool (which would hang for 300 s) started.
      expect(signal).toBe('SIGKILL')
      const started = performance.now()
      // Within 10 s: the watchdog acts at once, a worker within its 250 ms poll; a busy machine is slower.
      await waitFor(() => processesWith(marker).length === 0 || performance.now() - started > 10_000)
      const left = processesWith(marker)
      for (const pid of left) process.kill(pid, 'SIGKILL')
      expect(left).toEqual([])
    },
  )
})
