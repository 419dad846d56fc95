import { afterEach, expect, it } from 'vitest'
import { LocustAdapter } from '../../../src/adapters/locust.ts'
import { loadTest } from '../../../src/orchestration/load-test.ts'
import {
  type FramingServer,
  RESPONSES,
  type Respond,
  startFramingServer,
} from '../../helpers/framing-servers.ts'
import { childProcesses, describeWithTool } from '../../helpers/tools.ts'

// Locust files a request whose response makes its HTTP client raise as a task exception, apart from its
// request stats: perfspec reads the exceptions and counts each as a failed request, so the result's count
// is the server's (less the requests in flight at the end).

const USERS = 2
let server: FramingServer | undefined

afterEach(async () => {
  await server?.close()
  server = undefined
  expect(childProcesses()).toEqual([])
})

await describeWithTool(new LocustAdapter(), 'Locust against responses its client raises on', () => {
  it.each([
    ['a 1xx interim response before each 200', RESPONSES.interim, 'GET'],
    ['HEAD answered with a body', RESPONSES.headWithBody, 'HEAD'],
  ] as const)(
    '%s: every request counted as a failure, as many as the server saw',
    async (_name, respond, method) => {
      server = await startFramingServer(respond as Respond)
      const result = await loadTest({ url: server.url, tool: 'locust', users: USERS, duration: '2s', method })
      const { metrics } = result
      expect(metrics.totalRequests).toBeGreaterThan(0)
      expect(server.count - metrics.totalRequests).toBeGreaterThanOrEqual(0)
      expect(server.count - metrics.totalRequests).toBeLessThanOrEqual(USERS)
      expect(metrics.failedRequests).toBe(metrics.totalRequests)
      expect(metrics.errorsByType.invalid_response?.count).toBe(metrics.totalRequests)
    },
  )
})
