import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isLoadTestResult, type LoadTestResult } from '../../src/index.ts'
import { collectOutput, type ProcessOutput } from '../helpers/collect-output.ts'
import { delayed, startServer, type TestServer } from '../helpers/servers.ts'

// The built CLI, run as a user's shell runs it: a child process with its own stdout, stderr and exit code.
// Under run-matrix.sh, the one its scratch project installed from the tarball, on that Node.
const home = process.env['PERFSPEC_E2E_VITEST_HOME']
const CLI =
  home === undefined
    ? path.resolve(import.meta.dirname, '../../dist/cli.mjs')
    : path.resolve(home, 'node_modules/perfspec/dist/cli.mjs')

type CliRun = ProcessOutput

function startCli(args: string[], cwd: string): { child: ChildProcess; done: Promise<CliRun> } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } })
  return collectOutput(child)
}

const runCli = (args: string[], cwd: string) => startCli(args, cwd).done

describe('perfspec CLI', () => {
  let server: TestServer
  let dir: string

  beforeAll(async () => {
    server = await startServer(delayed(2))
    dir = await mkdtemp(path.join(os.tmpdir(), 'perfspec-cli-'))
  })
  afterAll(async () => {
    await server.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('prints the summary table and exits 0 when every threshold passes', async () => {
    const run = await runCli([`${server.url}/users`, '-u', '2', '-n', '20', '--threshold', 'p(95)<5000'], dir)
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/perfspec › \/users\s+native\s+20\s/)
    expect(run.stdout).toContain('✓ pass')
  })

  it('--json prints a LoadTestResult that counts what the server received', async () => {
    const before = server.count
    const run = await runCli([`${server.url}/json`, '-c', '2', '-n', '25', '--json', '--quiet'], dir)
    expect(run.code).toBe(0)
    const result = JSON.parse(run.stdout) as LoadTestResult
    expect(isLoadTestResult(result)).toBe(true)
    expect(result.metrics.totalRequests).toBe(25)
    expect(server.count - before).toBe(25)
    expect(result.options.users).toBe(2)
  })

  it('exits 1 with the failed threshold named when a threshold fails', async () => {
    const run = await runCli(
      [`${server.url}/slow`, '-n', '5', '--threshold', 'http_req_failed: rate<0.5', '--threshold', 'p(95)<0'],
      dir,
    )
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('✗ fail')
    expect(run.stdout).toContain('http_req_duration: p(95)<0 (actual')
  })

  it('--html and --junit write their reports', async () => {
    const html = path.join(dir, 'report.html')
    const junit = path.join(dir, 'out/junit.xml')
    const run = await runCli([`${server.url}/r`, '-n', '10', '--html', 'report.html', '--junit', junit], dir)
    expect(run.code).toBe(0)
    expect(await readFile(html, 'utf8')).toContain('<html')
    expect(await readFile(junit, 'utf8')).toContain('<testsuites')
    expect(run.stdout).toContain('HTML report: report.html')
  })

  it('run FILE takes loadTest options from YAML, flags laid over them', async () => {
    const file = path.join(dir, 'run.yaml')
    await writeFile(file, `url: ${server.url}/from-file\nusers: 3\nrequests: 1000\nname: from file\n`)
    const before = server.count
    const run = await runCli(['run', 'run.yaml', '-n', '12', '--json'], dir)
    expect(run.code).toBe(0)
    const result = JSON.parse(run.stdout) as LoadTestResult
    expect(result.name).toBe('from file')
    expect(result.options.users).toBe(3)
    expect(server.count - before).toBe(12)
  })

  it.each([
    [['-u', 'abc'], 'Expected the `users` option to be an integer'],
    [['--bogus'], "Unknown option '--bogus'"],
    [['-H', 'no colon here'], 'Expected the `--header` argument to be'],
    [['--threshold', 'p(95)<<200'], 'p(95)<<200'],
    [['-d', '10 seconds'], 'Expected the `duration` option to be'],
    [['-m', 'FETCH'], 'Expected the `method` option to be'],
  ])('bad input %j exits 2 with the message, no stack, and sends nothing', async (flags, message) => {
    const before = server.count
    const run = await runCli([`${server.url}/bad`, '-n', '5', ...flags], dir)
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(message)
    expect(run.stderr).not.toMatch(/\n\s+at /)
    expect(run.stdout).toBe('')
    expect(server.count).toBe(before)
  })

  it('a missing options file is bad input (exit 2)', async () => {
    const run = await runCli(['run', 'nope.json'], dir)
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('no such file')
  })

  it('--help and --version exit 0', async () => {
    const help = await runCli(['--help'], dir)
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('--threshold EXPR')
    const version = await runCli(['--version'], dir)
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/)
  })

  // util-linux `script` gives the CLI a pseudo-terminal, as a shell on a terminal would.
  it.skipIf(!existsSync('/usr/bin/script'))(
    'on a terminal a progress line is drawn once a second; piped, none',
    async () => {
      const command = [process.execPath, CLI, `${server.url}/tty`, '-u', '1', '-d', '3s']
        .map((part) => `'${part}'`)
        .join(' ')
      const tty = await new Promise<string>((resolve) => {
        const child = spawn('/usr/bin/script', ['-qec', command, '/dev/null'], {
          cwd: dir,
          env: { ...process.env, NO_COLOR: '1' },
        })
        let output = ''
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString()
        })
        child.on('close', () => resolve(output))
      })
      expect(tty).toMatch(/⏱ \/tty {2}\d\.\d\/3\.0 s/)
      expect(tty).toMatch(/perfspec › \/tty\s+native/)
      const piped = await runCli([`${server.url}/tty`, '-u', '1', '-d', '3s'], dir)
      expect(piped.stdout + piped.stderr).not.toContain('⏱')
    },
    20_000,
  )

  it('SIGINT stops the load, shows the partial summary and exits 130', async () => {
    const before = server.count
    const { child, done } = startCli([`${server.url}/long`, '-u', '2', '-d', '30s'], dir)
    const started = Date.now()
    // Interrupt once the load is on (the process has installed its SIGINT handler by then).
    while (server.count === before && Date.now() - started < 15_000) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    await new Promise((resolve) => setTimeout(resolve, 500))
    child.kill('SIGINT')
    const run = await done
    expect(run.code).toBe(130)
    expect(run.stdout).toContain('interrupted')
    expect(run.stdout).toMatch(/perfspec › \/long\s+native/)
    const after = server.count
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(server.count).toBe(after)
    expect(Date.now() - started).toBeLessThan(20_000)
  }, 30_000)
})
