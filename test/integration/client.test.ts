import { afterEach, describe, expect, it } from 'vitest'
import { isPerfError } from '../../src/foundation/errors.ts'
import { PerformanceClient } from '../../src/orchestration/client.ts'
import { setCurrentTestContext } from '../../src/orchestration/context.ts'
import { afterFirstRequest } from '../helpers/after-first-request.ts'
import { delayed, startServer, type TestServer } from '../helpers/servers.ts'

let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

describe('PerformanceClient', () => {
  it('resolves relative URLs against baseUrl and applies its thresholds', async () => {
    server = await startServer()
    const client = new PerformanceClient({
      tool: 'native',
      baseUrl: server.url,
      thresholds: { maxErrorRatePercent: 0 },
    })
    const result = await client.loadTest({ url: '/items?page=2', users: 2, requests: 10 })
    expect(result.options.url).toBe(`${server.url}/items?page=2`)
    expect(result.name).toBe('/items?page=2')
    // The client's error-rate threshold, then the error budget (its rate left to that threshold).
    expect(result.thresholds).toEqual([
      { expression: 'maxErrorRatePercent: 0', actual: 0, passed: true },
      { expression: 'errorBudget: some request succeeded', actual: 10, passed: true },
    ])
    expect(server.count).toBe(10)
    await client.close()
  })

  it('uses its defaults for users', async () => {
    server = await startServer()
    const client = new PerformanceClient({ baseUrl: server.url, defaults: { users: 3 } })
    const result = await client.loadTest({ url: '/', requests: 30 })
    expect(result.options.users).toBe(3)
    expect(server.remotePorts.size).toBe(3)
  })

  it('leaves what it was not given to the test context (plugin and config/qa.yaml defaults)', async () => {
    server = await startServer()
    setCurrentTestContext({ defaults: { users: 4 }, tool: 'native' })
    try {
      const client = new PerformanceClient({ baseUrl: server.url })
      const result = await client.loadTest({ url: '/', requests: 40 })
      expect(result.options.users).toBe(4)
      expect(result.tool).toBe('native')
      const own = new PerformanceClient({ baseUrl: server.url, defaults: { users: 2 } })
      expect((await own.loadTest({ url: '/', requests: 10 })).options.users).toBe(2)
    } finally {
      setCurrentTestContext(undefined)
    }
  })

  it('close() aborts a running test, which returns partial results', async () => {
    server = await startServer(delayed(5))
    const client = new PerformanceClient({ baseUrl: server.url })
    const running = client.loadTest({ url: '/', users: 2, duration: '10s' })
    afterFirstRequest(server, 300, () => void client.close())
    const result = await running
    expect(result.aborted).toBe(true)
    expect(result.metrics.totalRequests).toBeGreaterThan(0)
  })

  it('throws PERF_CLIENT_CLOSED after close()', async () => {
    const client = new PerformanceClient()
    await client.close()
    const error = await client.loadTest({ url: 'http://127.0.0.1:9/' }).catch((caught: unknown) => caught)
    expect(isPerfError(error, 'PERF_CLIENT_CLOSED')).toBe(true)
  })

  it('rejects a bad baseUrl naming the option', () => {
    expect(() => new PerformanceClient({ baseUrl: 'not a url' })).toThrow(/`baseUrl`/)
  })
})
