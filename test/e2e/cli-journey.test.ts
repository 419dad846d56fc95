import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LoadTestResult } from '../../src/index.ts'
import { countPaths } from '../helpers/path-counts.ts'
import { startServer, type TestServer } from '../helpers/servers.ts'

const home = process.env['PERFSPEC_E2E_VITEST_HOME']
const CLI =
  home === undefined
    ? path.resolve(import.meta.dirname, '../../dist/cli.mjs')
    : path.resolve(home, 'node_modules/perfspec/dist/cli.mjs')

function run(command: string, args: string[], cwd: string) {
  const child = spawn(command, args, { cwd, env: { ...process.env, NO_COLOR: '1' } })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
  })
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

describe('perfspec run and export with a journey file', () => {
  let server: TestServer
  let dir: string
  let journey: string

  beforeAll(async () => {
    server = await startServer()
    dir = await mkdtemp(path.join(os.tmpdir(), 'perfspec-cli-journey-'))
    journey = path.join(dir, 'journey.json')
    const options = {
      url: server.url,
      users: 2,
      duration: '1s',
      steps: [
        { name: 'list', path: '/items' },
        { name: 'one', path: '/items/1', expectStatus: 200 },
      ],
      thresholds: { http_req_duration: ['p(95)<5000'] },
    }
    await writeFile(journey, JSON.stringify(options))
  })
  afterAll(async () => {
    await server.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('run FILE runs the journey: each step an endpoint, counted as the server counted it', async () => {
    const counts = countPaths(server)
    const result = await run(process.execPath, [CLI, 'run', 'journey.json', '--json', '--quiet'], dir)
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const parsed = JSON.parse(result.stdout) as LoadTestResult
    expect(Object.keys(parsed.endpoints ?? {}).sort()).toEqual(['list', 'one'])
    expect(counts.get('/items')).toBeGreaterThan(0)
    expect(parsed.endpoints?.['list']?.totalRequests).toBe(counts.get('/items'))
    expect(parsed.endpoints?.['one']?.totalRequests).toBe(counts.get('/items/1'))
    expect(parsed.thresholds).toMatchObject([
      { passed: true },
      { expression: expect.stringMatching(/^errorBudget/), passed: true },
    ])
  })

  it('export FILE --k6 prints a k6 script of the steps that parses as JavaScript', async () => {
    const result = await run(process.execPath, [CLI, 'export', 'journey.json', '--k6'], dir)
    expect(result.code).toBe(0)
    // CommonJS: k6 compiles it as it is, where an ES module goes through Babel first.
    expect(result.stdout).toContain("require('k6/http')")
    expect(result.stdout).toContain('/items/1')
    await writeFile(path.join(dir, 'script.cjs'), result.stdout)
    expect((await run(process.execPath, ['--check', 'script.cjs'], dir)).code).toBe(0)
  })

  it('export FILE --locust prints a locustfile that compiles', async () => {
    const result = await run(process.execPath, [CLI, 'export', 'journey.json', '--locust'], dir)
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('from locust import')
    await writeFile(path.join(dir, 'locustfile.py'), result.stdout)
    expect((await run('python3', ['-m', 'py_compile', 'locustfile.py'], dir)).code).toBe(0)
  })

  it('export of a journey with neither --k6 nor --locust is bad input (exit 2)', async () => {
    const result = await run(process.execPath, [CLI, 'export', 'journey.json'], dir)
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('--k6 and --locust')
  })
})
