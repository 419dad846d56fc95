import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { K6Adapter } from '../../../src/adapters/k6.ts'
import { toK6Script } from '../../../src/index.ts'
import { loadTest } from '../../../src/orchestration/load-test.ts'
import { countPaths } from '../../helpers/path-counts.ts'
import { startServer, type TestServer } from '../../helpers/servers.ts'
import { describeWithTool } from '../../helpers/tools.ts'

// k6 once compiled the journey as one JavaScript literal: 100,000 rows (or weights 1:1,000,000) were still
// compiling when the run was killed after a minute, with no request sent.
const ROWS = Array.from({ length: 100_000 }, (_, index) => ({ id: `r${index}` }))

const run = promisify(execFile)
let server: TestServer
let dir: string

beforeEach(async () => {
  server = await startServer()
  dir = await mkdtemp(path.join(tmpdir(), 'perfspec-k6-size-'))
})

afterEach(async () => {
  await server.close()
  await rm(dir, { recursive: true, force: true })
})

await describeWithTool(new K6Adapter(), 'k6 journeys whose data is large', () => {
  it('100,000 data rows: k6 starts at once, sends requests and takes the rows in order', async () => {
    const counts = countPaths(server)
    const result = await loadTest({
      url: server.url,
      tool: 'k6',
      users: 2,
      duration: 1,
      data: ROWS,
      steps: [{ name: 'item', path: '/items/{{id}}' }],
    })
    expect(server.count).toBeGreaterThan(0)
    expect(result.metrics.totalRequests).toBe(server.count)
    expect(counts.get('/items/r0')).toBe(1)
    expect(counts.get('/items/r1')).toBe(1)
  }, 40_000)

  it('weights 1:1,000,000 do not expand: the run sends requests, all of them the heavy scenario’s', async () => {
    const counts = countPaths(server)
    const result = await loadTest({
      url: server.url,
      tool: 'k6',
      users: 2,
      duration: 1,
      scenarios: [
        { name: 'rare', weight: 1, steps: [{ path: '/rare' }] },
        { name: 'common', weight: 1_000_000, steps: [{ path: '/common' }] },
      ],
    })
    expect(counts.get('/common')).toBeGreaterThan(0)
    expect(counts.get('/rare')).toBeUndefined()
    expect(result.scenarios?.common?.iterations).toBe(counts.get('/common'))
  }, 40_000)

  it('an exported script with 100,000 rows runs with a bare `k6 run` and sends requests', async () => {
    const file = path.join(dir, 'journey.k6.js')
    await writeFile(
      file,
      await toK6Script({
        url: server.url,
        users: 2,
        duration: 1,
        data: ROWS,
        steps: [{ name: 'item', path: '/items/{{id}}' }],
      }),
    )
    const counts = countPaths(server)
    await run('k6', ['run', '--quiet', '--no-color', file], { cwd: dir, timeout: 35_000 })
    expect(server.count).toBeGreaterThan(0)
    expect(counts.get('/items/r0')).toBe(1)
  }, 40_000)
})
