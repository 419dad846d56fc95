import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { LocustAdapter } from '../../../src/adapters/locust.ts'
import { loadTest } from '../../../src/orchestration/load-test.ts'
import { countPaths } from '../../helpers/path-counts.ts'
import { startServer, type TestServer } from '../../helpers/servers.ts'
import { describeWithTool } from '../../helpers/tools.ts'

let server: TestServer
let dir: string

beforeEach(async () => {
  server = await startServer()
  dir = await mkdtemp(path.join(tmpdir(), 'perfspec-locust-endpoints-'))
})

afterEach(async () => {
  await server.close()
  await rm(dir, { recursive: true, force: true })
})

await describeWithTool(new LocustAdapter(), "Locust's per-name rows come back as endpoints", () => {
  it("a user's locustfile with two names gives two endpoints, each counted, failed and timed on its own", async () => {
    const locustfile = path.join(dir, 'two_names.py')
    await writeFile(
      locustfile,
      [
        'from locust import FastHttpUser, constant, task',
        'class Visitor(FastHttpUser):',
        '    wait_time = constant(0.01)',
        '    @task',
        '    def visit(self):',
        '        self.client.get("/items/1", name="item")',
        '        self.client.get("/missing")',
        '',
      ].join('\n'),
    )
    const counts = countPaths(server, { statusOf: (pathname) => (pathname === '/missing' ? 404 : 200) })
    const users = 2
    const result = await loadTest({ url: server.url, locustfile, users, duration: 2 })
    const endpoints = result.endpoints ?? {}
    expect(Object.keys(endpoints).sort()).toEqual(['/missing', 'item'])
    const item = endpoints.item
    const missing = endpoints['/missing']
    expect(item?.method).toBe('GET')
    expect(item?.failedRequests).toBe(0)
    expect(missing?.path).toBe('/missing')
    expect(missing?.failedRequests).toBe(missing?.totalRequests)
    expect(missing?.errorsByType.http_4xx?.count).toBe(missing?.totalRequests)
    // Locust counts a request when it completes: the server may have a few more (those in flight at the end).
    for (const [name, pathname] of [
      ['item', '/items/1'],
      ['/missing', '/missing'],
    ] as const) {
      const counted = endpoints[name]?.totalRequests ?? 0
      expect(counted).toBeGreaterThan(0)
      expect((counts.get(pathname) ?? 0) - counted).toBeGreaterThanOrEqual(0)
      expect((counts.get(pathname) ?? 0) - counted).toBeLessThanOrEqual(users)
      const timeline = endpoints[name]?.timeline ?? []
      expect(timeline.reduce((sum, point) => sum + point.requests, 0)).toBe(counted)
    }
    expect((item?.totalRequests ?? 0) + (missing?.totalRequests ?? 0)).toBe(result.metrics.totalRequests)
  })
})
