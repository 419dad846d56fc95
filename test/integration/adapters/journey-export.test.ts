import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { K6Adapter } from '../../../src/adapters/k6.ts'
import { LocustAdapter } from '../../../src/adapters/locust.ts'
import type { LoadTestOptions } from '../../../src/foundation/types.ts'
import { toK6Script, toLocustfile } from '../../../src/index.ts'
import { countPaths } from '../../helpers/path-counts.ts'
import { startServer, type TestServer } from '../../helpers/servers.ts'
import { describeWithTool } from '../../helpers/tools.ts'

const run = promisify(execFile)
let server: TestServer
let dir: string

beforeEach(async () => {
  server = await startServer()
  dir = await mkdtemp(path.join(tmpdir(), 'perfspec-export-'))
})

afterEach(async () => {
  await server.close()
  await rm(dir, { recursive: true, force: true })
})

const journey = (url: string): LoadTestOptions => ({
  url: `${url}/shop`,
  users: 2,
  duration: 1,
  setup: () => ({ region: 'eu' }),
  data: [{ id: 'a' }, { id: 'b' }],
  scenarios: [
    { name: 'browse', weight: 3, steps: [{ name: 'item', path: '/items/{{id}}' }] },
    { name: 'buy', steps: [{ name: 'order', method: 'POST', path: '/orders', body: { id: '{{id}}' } }] },
  ],
})

it('refuses teardown and function fields before writing anything', async () => {
  await expect(toK6Script({ ...journey(server.url), teardown: () => {} })).rejects.toMatchObject({
    code: 'PERF_TOOL_UNSUPPORTED_OPTION',
    option: 'teardown',
  })
  await expect(toLocustfile({ url: server.url, steps: [{ path: () => '/x' }] })).rejects.toMatchObject({
    code: 'PERF_TOOL_UNSUPPORTED_OPTION',
    option: 'steps[0].path',
  })
  // A module iteration runs on k6 through perfspec, not as an exported script.
  const iteration = new URL('../../fixtures/iterations/shopper.mjs', import.meta.url)
  await expect(toK6Script({ url: server.url, duration: 1, iteration })).rejects.toMatchObject({
    code: 'PERF_TOOL_UNSUPPORTED_OPTION',
    option: 'iteration',
  })
})

it('embeds everything: no temp path, no spec file beside the script', async () => {
  const k6 = await toK6Script(journey(server.url))
  const locust = await toLocustfile(journey(server.url))
  for (const script of [k6, locust]) expect(script).not.toContain(tmpdir())
  // The k6 script reads no file: it holds its JSON in string literals.
  expect(k6).not.toContain('open(')
  expect(k6).toContain('\\"region\\":\\"eu\\"')
  expect(locust).toContain('"region": "eu"')
})

await describeWithTool(new K6Adapter(), 'an exported k6 script', () => {
  it('runs with a bare `k6 run`, both scenarios and every data row reach the server', async () => {
    const file = path.join(dir, 'journey.k6.js')
    await writeFile(file, await toK6Script({ ...journey(server.url), users: 4 }))
    const counts = countPaths(server)
    const summary = path.join(dir, 'summary.json')
    await run('k6', ['run', '--quiet', '--no-color', '--summary-export', summary, file], { cwd: dir })
    expect(counts.get('/shop/items/a')).toBeGreaterThan(0)
    expect(counts.get('/shop/items/b')).toBeGreaterThan(0)
    expect(counts.get('/shop/orders')).toBeGreaterThan(0)
    const metrics = JSON.parse(await readFile(summary, 'utf8')).metrics
    expect(metrics['http_reqs{name:item}'].count).toBe(
      (counts.get('/shop/items/a') ?? 0) + (counts.get('/shop/items/b') ?? 0),
    )
  })
})

await describeWithTool(new K6Adapter(), "an exported k6 script's thresholds", () => {
  /** Runs the script with a bare `k6 run`: its exit code, k6's threshold verdicts and how long it ran. */
  async function runExport(options: LoadTestOptions) {
    const file = path.join(dir, 'thresholds.k6.js')
    await writeFile(file, await toK6Script(options))
    const summary = path.join(dir, 'summary.json')
    const began = Date.now()
    const exitCode = await run('k6', ['run', '--quiet', '--no-color', '--summary-export', summary, file], {
      cwd: dir,
    }).then(
      () => 0,
      (error: { code?: number }) => error.code,
    )
    // k6 writes no summary when it refuses the script (exit code 104).
    const text = await readFile(summary, 'utf8').catch(() => '{ "metrics": {} }')
    const metrics = JSON.parse(text).metrics as Record<string, { thresholds?: Record<string, boolean> }>
    const verdicts = Object.fromEntries(
      Object.entries(metrics).flatMap(([metric, { thresholds = {} }]) =>
        Object.entries(thresholds).map(([expression, failed]) => [`${metric}: ${expression}`, !failed]),
      ),
    )
    return { exitCode, verdicts, ranMs: Date.now() - began }
  }

  it('writes the object form and the seed names in k6 spelling, and k6 judges each of them', async () => {
    const { exitCode, verdicts } = await runExport({
      url: server.url,
      users: 1,
      duration: 1,
      steps: [{ name: 'home', path: '/' }],
      thresholds: {
        http_req_duration: [{ threshold: 'p(95)<10000', abortOnFail: true, delayAbortEval: '1s' }],
        'http_req_duration{name:home}': [{ threshold: 'p(99)<10000' }, 'max<10000'],
        maxP95Ms: 10_000,
        minThroughputRps: 1,
      },
    })
    expect(exitCode).toBe(0)
    expect(verdicts).toMatchObject({
      'http_req_duration: p(95)<10000': true,
      'http_req_duration: p(95)<=10000': true,
      'http_req_duration{name:home}: p(99)<10000': true,
      'http_req_duration{name:home}: max<10000': true,
      'http_reqs: rate>=1': true,
    })
  }, 30_000)

  it('carries the seed form `{ limit, abortOnFail }`: k6 stops the run when it is breached', async () => {
    countPaths(server, { statusOf: () => 500 })
    const { exitCode, verdicts, ranMs } = await runExport({
      url: server.url,
      users: 1,
      duration: '20s',
      thresholds: { maxErrorRatePercent: { limit: 5, abortOnFail: true } },
    })
    expect(exitCode).toBe(99)
    expect(verdicts['http_req_failed: rate<=0.05']).toBe(false)
    expect(ranMs).toBeLessThan(15_000)
  }, 40_000)
})

await describeWithTool(new LocustAdapter(), 'an exported locustfile', () => {
  it('runs with a bare `locust -f`, the users split by weight over the scenarios', async () => {
    const file = path.join(dir, 'journey_locustfile.py')
    await writeFile(file, await toLocustfile({ ...journey(server.url), users: 4 }))
    const counts = countPaths(server)
    await run(
      'locust',
      [
        '-f',
        file,
        '--headless',
        '-u',
        '4',
        '-r',
        '4',
        '-t',
        '2s',
        '--only-summary',
        '--exit-code-on-error',
        '0',
      ],
      { cwd: dir },
    )
    // 4 users at 3:1: three browse, one buys.
    const items = (counts.get('/shop/items/a') ?? 0) + (counts.get('/shop/items/b') ?? 0)
    const orders = counts.get('/shop/orders') ?? 0
    expect(items).toBeGreaterThan(0)
    expect(orders).toBeGreaterThan(0)
    expect(items / orders).toBeGreaterThan(2)
    expect(items / orders).toBeLessThan(4.5)
  })
})

await describeWithTool(new LocustAdapter(), "an exported locustfile's verdicts", () => {
  /** Runs the file with a bare `locust -f … --headless`: its exit code, what it printed, how long it ran. */
  async function runExport(options: LoadTestOptions, seconds = 2) {
    const file = path.join(dir, 'verdicts_locustfile.py')
    await writeFile(file, await toLocustfile(options))
    const args = ['-f', file, '--headless', '-u', '2', '-r', '2', '-t', `${seconds}s`, '-H', server.url]
    const began = Date.now()
    const { exitCode, output } = await run('locust', [...args, '--only-summary'], { cwd: dir }).then(
      ({ stdout, stderr }) => ({ exitCode: 0, output: stdout + stderr }),
      (error: { code?: number; stdout?: string; stderr?: string }) => ({
        exitCode: error.code,
        output: `${error.stdout ?? ''}${error.stderr ?? ''}`,
      }),
    )
    return { exitCode, output, ranMs: Date.now() - began }
  }

  it('judges a breached latency threshold itself: exit 1 and the ✗ line', async () => {
    countPaths(server, { delayMs: 20 })
    const { exitCode, output } = await runExport({
      url: server.url,
      steps: [{ name: 'home', path: '/' }],
      thresholds: { http_req_duration: ['p(95)<1'], 'http_reqs{name:home}': ['count>0'] },
    })
    expect(output).toMatch(/✗ http_req_duration: p\(95\)<1: \d+/)
    expect(output).toMatch(/✓ http_reqs\{name:home\}: count>0: [1-9]\d*/)
    expect(exitCode).toBe(1)
  }, 30_000)

  it('judges the error budget: an all-500 server fails it, its share and its "some request succeeded"', async () => {
    countPaths(server, { statusOf: () => 500 })
    const { exitCode, output } = await runExport({ url: server.url, errorBudget: 0.05 })
    expect(output).toContain('✗ errorBudget: rate<=0.05: 1')
    expect(output).toContain('✗ errorBudget: some request succeeded: 0')
    expect(exitCode).toBe(1)
  }, 30_000)

  it('exits 0 when every verdict passes: seed names, k6 spelling, tags, checks and the budget', async () => {
    const counts = countPaths(server)
    const { exitCode, output } = await runExport({
      url: server.url,
      steps: [{ name: 'home', path: '/', checks: { 'says ok': { bodyIncludes: 'ok' } } }],
      thresholds: {
        checks: ['rate==1'],
        'checks{name:home}': ['rate>0.99'],
        maxP95Ms: 10_000,
        maxAvgResponseTimeMs: 10_000,
        maxErrorRatePercent: 1,
        minThroughputRps: 1,
        http_req_duration: ['med<10000', 'max<10000', 'min>=0', 'p(99.9)<10000'],
        'http_req_failed{name:home}': ['rate<0.01'],
        'http_reqs{name:home}': ['count>0', 'rate>0'],
      },
    })
    expect(counts.get('/')).toBeGreaterThan(0)
    for (const line of [
      'maxP95Ms: 10000',
      'maxAvgResponseTimeMs: 10000',
      'maxErrorRatePercent: 1',
      'minThroughputRps: 1',
      'http_req_duration: p(99.9)<10000',
      'http_req_failed{name:home}: rate<0.01',
      'http_reqs{name:home}: count>0',
      'checks: rate==1: 1',
      'checks{name:home}: rate>0.99: 1',
      'errorBudget: some request succeeded',
    ])
      expect(output).toContain(`✓ ${line}`)
    expect(output).not.toContain('✗')
    expect(exitCode).toBe(0)
  }, 30_000)

  it('carries abortOnFail: a breached one stops the run long before its end', async () => {
    countPaths(server, { statusOf: () => 500 })
    const { exitCode, output, ranMs } = await runExport(
      { url: server.url, thresholds: { maxErrorRatePercent: { limit: 5, abortOnFail: true } } },
      20,
    )
    expect(output).toContain('✗ maxErrorRatePercent: 5')
    expect(exitCode).toBe(1)
    expect(ranMs).toBeLessThan(15_000)
  }, 40_000)
})

it('refuses, naming it, a threshold an exported locustfile cannot judge', async () => {
  await expect(
    toLocustfile({ ...journey(server.url), thresholds: { 'http_reqs{scenario:buy}': ['count>0'] } }),
  ).rejects.toMatchObject({
    code: 'PERF_TOOL_UNSUPPORTED_OPTION',
    option: 'thresholds.http_reqs{scenario:buy}',
  })
})
