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
})

it('embeds everything: no temp path, no spec file beside the script', async () => {
  for (const script of [await toK6Script(journey(server.url)), await toLocustfile(journey(server.url))]) {
    expect(script).not.toContain(tmpdir())
    expect(script).not.toContain('open(__ENV')
    expect(script).toContain('"region": "eu"')
  }
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
