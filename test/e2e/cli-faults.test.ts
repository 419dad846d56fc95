import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LoadTestResult } from '../../src/index.ts'
import { delayed, startServer, type TestServer } from '../helpers/servers.ts'

// The built CLI as a shell runs it (see cli.test.ts), with its own lock folder so a test can see that
// nothing is left in it.
const home = process.env['PERFSPEC_E2E_VITEST_HOME']
const CLI =
  home === undefined
    ? path.resolve(import.meta.dirname, '../../dist/cli.mjs')
    : path.resolve(home, 'node_modules/perfspec/dist/cli.mjs')
// A run that hangs (the faults these tests guard against) is killed after this long, and fails.
const HANG_MS = 20_000

interface CliRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

function startCli(args: string[], cwd: string, env: Record<string, string>) {
  const child: ChildProcess = spawn(process.execPath, [CLI, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', ...env },
  })
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const killer = setTimeout(() => child.kill('SIGKILL'), HANG_MS)
  const done = new Promise<CliRun>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(killer)
      resolve({ code, signal, stdout, stderr })
    })
  })
  return { child, done }
}

describe('perfspec CLI faults', () => {
  let server: TestServer
  let dir: string
  let lockDir: string
  const env = () => ({ PERFSPEC_RUN_LOCK_DIR: lockDir })
  const runCli = (args: string[]) => startCli(args, dir, env()).done

  beforeAll(async () => {
    server = await startServer(delayed(2))
    dir = await mkdtemp(path.join(os.tmpdir(), 'perfspec-cli-faults-'))
    lockDir = await mkdtemp(path.join(os.tmpdir(), 'perfspec-cli-lock-'))
  })
  afterAll(async () => {
    await server.close()
    await rm(dir, { recursive: true, force: true })
    await rm(lockDir, { recursive: true, force: true })
  })

  it.each(['__proto__', 'constructor'])(
    "--threshold '%s: rate<1' is bad input naming --threshold (exit 2, no stack, nothing sent)",
    async (metric) => {
      const before = server.count
      const run = await runCli([`${server.url}/proto`, '-n', '5', '--threshold', `${metric}: rate<1`])
      expect(run.code, run.stderr).toBe(2)
      expect(run.stderr).toContain('`--threshold`')
      expect(run.stderr).not.toContain('unexpected error')
      expect(run.stderr).not.toMatch(/\n\s+at /)
      expect(server.count).toBe(before)
    },
  )

  it.skipIf(!existsSync('/proc/self'))(
    'a report folder that cannot be made (/proc, a file in the way) is refused before the load, at once',
    async () => {
      await writeFile(path.join(dir, 'a-file'), 'in the way\n')
      const before = server.count
      for (const flags of [
        ['--html', '/proc/perfspec-no-such/r.html'],
        ['--junit', 'a-file/out/junit.xml'],
      ]) {
        const run = await runCli([`${server.url}/report`, '-n', '5', ...flags])
        expect(run.signal, `${flags.join(' ')} hung`).toBeNull()
        expect(run.code, run.stderr).toBe(2)
        expect(run.stderr).toContain(`\`${flags[0]}\``)
        expect(run.stderr).not.toMatch(/\n\s+at /)
      }
      expect(server.count).toBe(before)
    },
    2 * HANG_MS + 5000,
  )

  it.skipIf(!existsSync('/dev/zero'))(
    'run /dev/zero and an options file over 1 MiB are refused before reading them',
    async () => {
      const big = path.join(dir, 'big.yaml')
      await writeFile(big, `url: ${server.url}/big\n# ${'x'.repeat(1024 * 1024)}\n`)
      const before = server.count
      const zero = await runCli(['run', '/dev/zero'])
      expect(zero.signal, 'run /dev/zero hung').toBeNull()
      expect(zero.code, zero.stderr).toBe(2)
      expect(zero.stderr).toContain('not a regular file')
      const large = await runCli(['run', 'big.yaml'])
      expect(large.code, large.stderr).toBe(2)
      expect(large.stderr).toContain('larger than 1 MiB')
      expect(server.count).toBe(before)
    },
    2 * HANG_MS + 5000,
  )

  it('escapes control characters of names on the terminal', async () => {
    const run = await runCli([`${server.url}/x`, '-n', '5', '--name', 'red\x1b[31m\x07bell\x9b2J'])
    expect(run.code, run.stderr).toBe(0)
    const controls = [...run.stdout].filter((char) => {
      const code = char.charCodeAt(0)
      return code !== 0x0a && (code < 0x20 || (code >= 0x7f && code <= 0x9f))
    })
    expect(controls).toEqual([])
    expect(run.stdout).toContain('red\\x1b[31m\\x07bell\\x9b2J')
  })

  // Stops a run once the load is on, the way a shell (Ctrl-C) or a CI runner (a timeout) does.
  async function interrupt(signal: NodeJS.Signals, route: string): Promise<CliRun> {
    const before = server.count
    const { child, done } = startCli([`${server.url}/${route}`, '-u', '2', '-d', '30s', '--json'], dir, env())
    const started = Date.now()
    while (server.count - before < 20 && Date.now() - started < 15_000) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    child.kill(signal)
    return done
  }

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    '%s stops the load: the JSON says aborted and not successful, the summary no pass, no lock is left',
    async (signal, code) => {
      const run = await interrupt(signal, signal.toLowerCase())
      expect(run.signal).toBeNull()
      expect(run.code, run.stderr).toBe(code)
      const result = JSON.parse(run.stdout) as LoadTestResult
      expect(result.aborted).toBe(true)
      expect(result.success).toBe(false)
      expect(result.metrics.totalRequests).toBeGreaterThan(0)
      expect(run.stderr).toMatch(new RegExp(`perfspec › /${signal.toLowerCase()}\\s+native`))
      expect(run.stderr).toContain('interrupted')
      expect(run.stderr).not.toContain('✓ pass')
      expect(run.stderr).toContain('✗ abort')
      expect(await readdir(lockDir)).toEqual([])
    },
    HANG_MS + 10_000,
  )
})
