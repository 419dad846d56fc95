import { afterEach, expect, it } from 'vitest'
import { LocustAdapter } from '../../../src/adapters/locust.ts'
import type { HttpMethod } from '../../../src/foundation/types.ts'
import { loadTest } from '../../../src/orchestration/load-test.ts'
import {
  type FramingServer,
  RESPONSES,
  type Respond,
  startFramingServer,
} from '../../helpers/framing-servers.ts'
import { childProcesses, describeWithTool } from '../../helpers/tools.ts'

// Locust's client raises on some responses (a 1xx interim response, a HEAD answered with a body) before
// Locust counts the request, and counts a body cut short itself before the locustfile sees it. perfspec's
// locustfiles count each such request once, as a failed invalid_response of its endpoint, so the result's
// count is the server's (less the requests in flight at the end).

const USERS = 2
let server: FramingServer | undefined

afterEach(async () => {
  await server?.close()
  server = undefined
  expect(childProcesses()).toEqual([])
})

const CASES = [
  ['a 1xx interim response before each 200', RESPONSES.interim, 'GET'],
  ['HEAD answered with a body', RESPONSES.headWithBody, 'HEAD'],
  ['a body cut short', RESPONSES.truncated, 'GET'],
] as const satisfies readonly (readonly [string, Respond, HttpMethod])[]

/** The server saw every request the result counts, and at most the users' last ones more. */
function expectServerCount(counted: number): void {
  expect(counted).toBeGreaterThan(0)
  expect(server!.count - counted).toBeGreaterThanOrEqual(0)
  expect(server!.count - counted).toBeLessThanOrEqual(USERS)
}

await describeWithTool(new LocustAdapter(), 'Locust against responses its client raises on', () => {
  it.each(CASES)('%s: every request counted once, as a failure', async (_name, respond, method) => {
    server = await startFramingServer(respond)
    const result = await loadTest({ url: server.url, tool: 'locust', users: USERS, duration: '2s', method })
    const { metrics } = result
    expectServerCount(metrics.totalRequests)
    expect(metrics.failedRequests).toBe(metrics.totalRequests)
    expect(metrics.errorsByType.invalid_response?.count).toBe(metrics.totalRequests)
    expect(result.warnings.join('\n')).not.toMatch(/raised \d+ exceptions/)
  })

  it.each(CASES)('%s, in a journey: counted once, on its endpoint', async (_name, respond, method) => {
    server = await startFramingServer(respond)
    const result = await loadTest({
      url: server.url,
      tool: 'locust',
      users: USERS,
      duration: '2s',
      steps: [{ name: 'odd', method, path: '/odd' }],
    })
    const { metrics } = result
    expectServerCount(metrics.totalRequests)
    expect(result.endpoints?.odd?.totalRequests).toBe(metrics.totalRequests)
    expect(result.endpoints?.odd?.errorsByType.invalid_response?.count).toBe(metrics.totalRequests)
    expect(result.scenarios?.default?.failedIterations).toBe(metrics.totalRequests)
  })

  it('an `onStart` step its client raises on: counted, on its endpoint, and retried after a pause', async () => {
    let logins = 0
    server = await startFramingServer((socket, head, n) => {
      if (head.startsWith('GET /login ')) {
        logins++
        RESPONSES.interim(socket, head, n)
      } else RESPONSES.echo(socket, head, n)
    })
    const result = await loadTest({
      url: server.url,
      tool: 'locust',
      users: USERS,
      duration: '2s',
      onStart: [{ name: 'login', path: '/login' }],
      steps: [{ name: 'item', path: '/item' }],
    })
    const failures = result.scenarios?.default?.onStartFailures ?? 0
    expectServerCount(result.metrics.totalRequests)
    expect(logins).toBe(server.count)
    expect(failures).toBe(result.metrics.totalRequests)
    expect(result.endpoints?.login?.totalRequests).toBe(failures)
    expect(result.endpoints?.item?.totalRequests ?? 0).toBe(0)
    // At least 100 ms between a user's attempts over the 2 s run: 21 each at most (a busy machine: fewer).
    expect(logins).toBeLessThanOrEqual(USERS * 21)
  })
})
