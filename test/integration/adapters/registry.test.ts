import { afterEach, beforeEach, expect, it } from 'vitest'
import { ApacheBenchAdapter } from '../../../src/adapters/ab.ts'
import { availableTools, chooseTool } from '../../../src/adapters/index.ts'
import { K6Adapter } from '../../../src/adapters/k6.ts'
import { LocustAdapter } from '../../../src/adapters/locust.ts'
import { PerformanceClient } from '../../../src/orchestration/client.ts'
import { delayed, startServer, type TestServer } from '../../helpers/servers.ts'
import { describeWithTool } from '../../helpers/tools.ts'

let server: TestServer

beforeEach(async () => {
  server = await startServer(delayed(20))
})

afterEach(async () => {
  await server.close()
})

it('availableTools() lists native and exactly the installed tools', async () => {
  const expected = ['native']
  for (const adapter of [new K6Adapter(), new ApacheBenchAdapter(), new LocustAdapter()]) {
    if (await adapter.isAvailable()) expected.push(adapter.name)
  }
  expect(await availableTools()).toEqual(expected)
})

it("`tool: 'auto'` picks k6 for a script, Locust for a locustfile, else native", () => {
  expect(chooseTool('auto', { script: 'a.js', locustfile: undefined })).toBe('k6')
  expect(chooseTool('auto', { script: undefined, locustfile: 'a.py' })).toBe('locust')
  expect(chooseTool('auto', { script: undefined, locustfile: undefined })).toBe('native')
  expect(chooseTool('ab', { script: 'a.js', locustfile: undefined })).toBe('ab')
})

await describeWithTool(new ApacheBenchAdapter(), 'PerformanceClient({ tool })', () => {
  it('runs its load tests with the chosen tool', async () => {
    const client = new PerformanceClient({ tool: 'ab', baseUrl: server.url })
    try {
      const result = await client.loadTest({ url: '/client', requests: 10, users: 2 })
      expect(result.tool).toBe('ab')
      expect(result.metrics.totalRequests).toBe(10)
      // And the GET perfspec sends before an ab run to learn how the server frames HTTP/1.0 responses.
      expect(server.count).toBe(10 + 1)
    } finally {
      await client.close()
    }
  })
})
