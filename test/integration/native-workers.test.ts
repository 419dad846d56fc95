import { readdirSync } from 'node:fs'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { isPerfError } from '../../src/foundation/errors.ts'
import { loadTest } from '../../src/orchestration/load-test.ts'
import { afterFirstRequest } from '../helpers/after-first-request.ts'
import { openTcpSocketFds } from '../helpers/raw-server.ts'
import { delayed, startServer, type TestServer } from '../helpers/servers.ts'

// Worker threads load the built engine worker (dist/engine-worker.mjs): `npm test` builds first.

let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

/** OS threads of this process. */
function threadCount(): number {
  return readdirSync('/proc/self/task').length
}

/** Waits up to 5 s for `done` (threads and sockets close asynchronously, later on a busy machine). */
async function eventually(done: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 200 && !done(); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

beforeAll(async () => {
  // A first run starts the threads Node creates lazily and keeps (libuv's pool), so counts compare.
  const warm = await startServer()
  await loadTest({ url: warm.url, users: 2, requests: 20, workers: 2 })
  await warm.close()
})

describe('native engine with worker threads', () => {
  it('counts exactly the requests the server received in a timed run', async () => {
    server = await startServer(delayed(1))
    const result = await loadTest({ url: `${server.url}/count`, users: 8, duration: '1s', workers: 2 })
    // Several rounds of the 8 users (how many depends on the machine's neighbours), each counted.
    expect(result.metrics.totalRequests).toBeGreaterThan(2 * 8)
    expect(result.metrics.totalRequests).toBe(server.count)
    expect(result.metrics.successfulRequests).toBe(server.count)
    expect(result.metrics.statusCodes).toEqual({ '200': server.count })
    expect(result.metrics.bytesReceived).toBe(server.count * 2)
    expect(result.timeline.reduce((sum, point) => sum + point.requests, 0)).toBe(server.count)
    // The users are split over the threads, one connection each.
    expect(server.remotePorts.size).toBe(8)
    expect(result.aborted).toBe(false)
  })

  it('sends exactly `requests` requests, split over the threads', async () => {
    server = await startServer()
    const result = await loadTest({ url: server.url, users: 7, requests: 1001, workers: 3 })
    expect(result.metrics.totalRequests).toBe(1001)
    expect(server.count).toBe(1001)
  })

  it.each(['undici', 'fast'] as const)('passes `transport: %s` to every thread', async (transport) => {
    const connectionHeaders = new Set<string | undefined>()
    server = await startServer((request, response) => {
      connectionHeaders.add(request.headers.connection)
      response.end('ok')
    })
    const result = await loadTest({ url: server.url, users: 4, requests: 400, workers: 2, transport })
    expect(result.metrics.successfulRequests).toBe(400)
    expect(server.count).toBe(400)
    expect(server.remotePorts.size).toBe(4)
    // undici says keep-alive out loud; the fast transport leaves it to HTTP/1.1's default.
    expect([...connectionHeaders]).toEqual([transport === 'undici' ? 'keep-alive' : undefined])
  })

  it('open model: the threads together schedule exactly rate × duration arrivals', async () => {
    server = await startServer(delayed(2))
    const result = await loadTest({ url: server.url, rate: 400, duration: '1s', maxUsers: 40, workers: 2 })
    expect(result.metrics.totalRequests + result.droppedIterations!).toBe(400)
    expect(result.metrics.totalRequests).toBe(server.count)
    expect(result.serviceTimes?.p50).toBeGreaterThan(0)
  })

  it('an abort stops every thread; no thread or socket outlives the run', async () => {
    server = await startServer(delayed(20))
    const threadsBefore = threadCount()
    const socketsBefore = openTcpSocketFds()
    // Read when the abort fires: the load has reached the server, so every thread is up (they start together).
    let threadsDuring = 0
    const controller = new AbortController()
    const trigger = afterFirstRequest(server, 500, () => {
      threadsDuring = threadCount()
      controller.abort()
    })
    const result = await loadTest({
      url: server.url,
      users: 4,
      duration: '10s',
      workers: 2,
      signal: controller.signal,
    })
    const stoppedAfterMs = performance.now() - trigger.firedAt
    expect(result.aborted).toBe(true)
    expect(result.metrics.totalRequests).toBeGreaterThan(10)
    expect(result.metrics.failedRequests).toBe(0)
    // Stopped, not run out: 9.5 s of the run were left. How soon, on a quiet machine: `npm run bench`.
    expect(stoppedAfterMs).toBeLessThan(5000)
    expect(threadsDuring).toBeGreaterThanOrEqual(threadsBefore + 2)
    await eventually(() => threadCount() === threadsBefore && openTcpSocketFds() === socketsBefore)
    expect(threadCount()).toBe(threadsBefore)
    expect(openTcpSocketFds()).toBe(socketsBefore)
    // With every socket closed, the server's count has settled: nothing is sent any more.
    const settled = server.count
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(server.count).toBe(settled)
  })

  it('sends nothing when the signal is already aborted', async () => {
    server = await startServer()
    const result = await loadTest({ url: server.url, users: 2, workers: 2, signal: AbortSignal.abort() })
    expect(result.aborted).toBe(true)
    expect(server.count).toBe(0)
  })

  it.each([
    [{ check: () => true }, 'check'],
    [{ users: 2, workers: 3 }, 'workers'],
    [{ rate: 10, maxUsers: 1, workers: 2 }, 'workers'],
  ])('rejects %j before sending anything', async (bad, option) => {
    server = await startServer()
    const error = await loadTest({ url: server.url, users: 4, duration: '1s', workers: 2, ...bad }).catch(
      (caught: unknown) => caught,
    )
    expect(isPerfError(error)).toBe(true)
    expect(error).toMatchObject({ code: 'PERF_INVALID_OPTION', option })
    expect(server.count).toBe(0)
  })
})
