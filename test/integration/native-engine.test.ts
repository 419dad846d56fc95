import type { IncomingMessage } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { isPerfError } from '../../src/foundation/errors.ts'
import type { LoadTestOptions, NativeTransport } from '../../src/foundation/types.ts'
import { loadTest } from '../../src/orchestration/load-test.ts'
import { afterFirstRequest } from '../helpers/after-first-request.ts'
import { delayed, startServer, type TestServer, unusedPort } from '../helpers/servers.ts'

let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const TRANSPORTS: NativeTransport[] = ['undici', 'fast']

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => resolve(Buffer.concat(chunks).toString()))
  })
}

// The core runs on both transports: the engine's own HTTP/1.1 connection (the default) and undici's Client.
describe.each(TRANSPORTS)('native engine, transport %s', (transport) => {
  const load = (options: LoadTestOptions) => loadTest({ ...options, transport })

  it('speaks through the chosen transport', async () => {
    const connectionHeaders = new Set<string | undefined>()
    server = await startServer((request, response) => {
      connectionHeaders.add(request.headers.connection)
      response.end('ok')
    })
    const result = await load({ url: server.url, users: 2, requests: 10 })
    expect(result.metrics.successfulRequests).toBe(10)
    // undici says keep-alive out loud; the fast transport leaves it to HTTP/1.1's default.
    expect([...connectionHeaders]).toEqual([transport === 'undici' ? 'keep-alive' : undefined])
  })

  describe('counting', () => {
    it('counts exactly the requests the server received in a timed run', async () => {
      server = await startServer(delayed(2))
      const result = await load({ url: `${server.url}/count`, users: 8, duration: '1s', tool: 'native' })
      // Several rounds of the 8 users (how many depends on the machine's neighbours), each counted.
      expect(result.metrics.totalRequests).toBeGreaterThan(2 * 8)
      expect(result.metrics.totalRequests).toBe(server.count)
      expect(result.metrics.successfulRequests).toBe(server.count)
      expect(result.metrics.statusCodes).toEqual({ '200': server.count })
      expect(result.metrics.bytesReceived).toBe(server.count * 2)
      expect(result.tool).toBe('native')
      expect(result.aborted).toBe(false)
    })

    it('sends exactly `requests` requests when bounded by count', async () => {
      server = await startServer()
      const result = await load({ url: server.url, users: 7, requests: 503 })
      expect(result.metrics.totalRequests).toBe(503)
      expect(server.count).toBe(503)
    })

    it('keeps one connection per user (keep-alive)', async () => {
      server = await startServer()
      await load({ url: server.url, users: 4, requests: 400 })
      expect(server.remotePorts.size).toBe(4)
    })

    // Between 20 and 25 ms on a quiet machine: `npm run bench` (bench/quiet-claims.mjs).
    it('measures a 20 ms server at p50 no lower than 20 ms, in ms', async () => {
      server = await startServer(delayed(20))
      const result = await load({ url: server.url, users: 5, duration: '1.5s' })
      // The server's delay is a floor on any machine; a busy one only adds to it. Under 200 ms: read in ms.
      expect(result.metrics.responseTimes.p50).toBeGreaterThanOrEqual(19.5)
      expect(result.metrics.responseTimes.p50).toBeLessThan(200)
      expect(result.metrics.responseTimes.min).toBeGreaterThanOrEqual(19)
    })

    it('starts users spread over the ramp-up', async () => {
      server = await startServer(delayed(5))
      const result = await load({ url: server.url, users: 4, duration: '2.2s', rampUp: '2s' })
      const firstSecond = result.timeline[0]
      expect(firstSecond?.activeUsers).toBeLessThanOrEqual(2)
      expect(result.timeline.at(-1)?.activeUsers).toBe(4)
      expect(server.remotePorts.size).toBe(4)
    })
  })

  describe('the request', () => {
    it('sends method, headers and a JSON body byte for byte', async () => {
      const seen: {
        method?: string | undefined
        header?: string
        contentType?: string | undefined
        body?: string
      }[] = []
      server = await startServer(async (request, response) => {
        seen.push({
          method: request.method,
          header: request.headers['x-token'] as string,
          contentType: request.headers['content-type'],
          body: await readBody(request),
        })
        response.end()
      })
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a hostile value, sent literally
      const body = { text: 'quotes " \' ` ${x} \n newline', n: 1 }
      await load({
        url: server.url,
        users: 1,
        requests: 3,
        method: 'POST',
        headers: { 'X-Token': 'a"b' },
        body,
      })
      expect(seen).toHaveLength(3)
      expect(seen[0]).toEqual({
        method: 'POST',
        header: 'a"b',
        contentType: 'application/json',
        body: JSON.stringify(body),
      })
    })

    it('counts a failed check as check_failed and passes the body to the check', async () => {
      let served = 0
      server = await startServer((_request, response) => {
        served++
        response.setHeader('x-served', String(served))
        response.end(served % 2 === 0 ? 'good' : 'bad')
      })
      const result = await load({
        url: server.url,
        users: 1,
        requests: 10,
        check: (response) => response.body === 'good' && response.headers['x-served'] !== undefined,
      })
      expect(result.metrics.successfulRequests).toBe(5)
      expect(result.metrics.errorsByType.check_failed?.count).toBe(5)
    })

    it('honours expectStatus', async () => {
      server = await startServer(delayed(0, 404))
      const result = await load({ url: server.url, users: 2, requests: 20, expectStatus: 404 })
      expect(result.metrics.errorRatePercent).toBe(0)
      expect(result.metrics.statusCodes).toEqual({ '404': 20 })
    })
  })

  describe('faults are counted and classified', () => {
    it('classifies 500s as http_5xx and 404s as http_4xx, with their latency', async () => {
      let served = 0
      server = await startServer((_request, response) => {
        served++
        response.statusCode = served % 2 === 0 ? 500 : 404
        response.end()
      })
      const result = await load({ url: server.url, users: 2, requests: 40 })
      expect(result.metrics.errorsByType.http_5xx?.count).toBe(20)
      expect(result.metrics.errorsByType.http_4xx?.count).toBe(20)
      expect(result.metrics.errorsByType.http_5xx?.sampleMessages).toEqual(['HTTP 500'])
      expect(result.metrics.errorRatePercent).toBe(100)
      expect(result.metrics.responseTimes.p50).toBeGreaterThan(0)
    })

    it('classifies a refused port as connection_refused and ends on time', async () => {
      const port = await unusedPort()
      const result = await load({ url: `http://127.0.0.1:${port}/`, users: 2, duration: '300ms' })
      expect(result.metrics.totalRequests).toBeGreaterThan(0)
      expect(result.metrics.errorsByType.connection_refused?.count).toBe(result.metrics.totalRequests)
      expect(Object.keys(result.metrics.errorsByType)).toEqual(['connection_refused'])
    })

    it('classifies a socket reset before the response as connection_reset', async () => {
      server = await startServer((request) => request.socket.destroy())
      const result = await load({ url: server.url, users: 2, requests: 10 })
      expect(result.metrics.errorsByType.connection_reset?.count).toBe(10)
      expect(result.metrics.totalRequests).toBe(10)
    })

    it('cuts a request that hangs past `timeout` and counts it as timeout', async () => {
      server = await startServer(() => {})
      const result = await load({ url: server.url, users: 2, requests: 2, timeout: '300ms' })
      expect(result.metrics.errorsByType.timeout?.count).toBe(2)
      expect(result.durationMs).toBeLessThan(5000)
    })

    it('times out a body trickled past `timeout` (total time, not idle time)', async () => {
      server = await startServer((_request, response) => {
        response.writeHead(200, { 'content-length': '100' })
        const timer = setInterval(() => response.write('x'), 50)
        response.on('close', () => clearInterval(timer))
      })
      const result = await load({ url: server.url, users: 1, requests: 1, timeout: '400ms' })
      expect(result.metrics.errorsByType.timeout?.count).toBe(1)
      expect(result.metrics.statusCodes).toEqual({ '200': 1 })
    })

    it('classifies a name that does not resolve as dns', async () => {
      const result = await load({
        url: 'http://perfspec-test.invalid/',
        users: 1,
        requests: 2,
        timeout: '5s',
      })
      expect(result.metrics.errorsByType.dns?.count).toBe(2)
    })
  })

  describe('abort', () => {
    it('stops on an abort and returns the partial metrics, marked aborted', async () => {
      server = await startServer(delayed(10))
      const controller = new AbortController()
      const trigger = afterFirstRequest(server, 500, () => controller.abort())
      const result = await load({ url: server.url, users: 4, duration: '10s', signal: controller.signal })
      const stoppedAfterMs = performance.now() - trigger.firedAt
      expect(result.aborted).toBe(true)
      expect(result.metrics.totalRequests).toBeGreaterThan(20)
      expect(result.metrics.errorRatePercent).toBe(0)
      // Stopped, not run out: 9.5 s of the run were left. Within ~100 ms on a quiet machine: `npm run bench`.
      expect(stoppedAfterMs).toBeLessThan(5000)
    })

    it('sends nothing when the signal is already aborted', async () => {
      server = await startServer()
      const result = await load({ url: server.url, users: 2, duration: '1s', signal: AbortSignal.abort() })
      expect(result.aborted).toBe(true)
      expect(result.metrics.totalRequests).toBe(0)
      expect(server.count).toBe(0)
    })
  })
})

describe('native engine: bad options', () => {
  it.each([
    [{ users: -1 }, 'PERF_INVALID_OPTION'],
    [{ duration: 'soon' }, 'PERF_INVALID_OPTION'],
    [{ thresholds: { http_req_duration: ['p(95)<'] } }, 'PERF_INVALID_THRESHOLD'],
    [{ transport: 'http2' }, 'PERF_INVALID_OPTION'],
    [{ transport: 'fast', tool: 'ab' }, 'PERF_INVALID_OPTION'],
  ])('rejects %j with %s and sends nothing', async (bad, code) => {
    server = await startServer()
    const error = await loadTest({ url: server.url, duration: '1s', ...bad } as never).catch(
      (caught: unknown) => caught,
    )
    expect(isPerfError(error)).toBe(true)
    expect((error as { code: string }).code).toBe(code)
    expect(server.count).toBe(0)
  })
})

describe('the result', () => {
  it('is plain JSON: it survives a round trip unchanged', async () => {
    server = await startServer(delayed(1))
    const result = await loadTest({
      url: `${server.url}/json`,
      users: 2,
      duration: '1s',
      headers: { authorization: 'Bearer secret' },
      thresholds: { maxAvgResponseTimeMs: 1000, http_req_duration: ['p(95)<1000'] },
    })
    expect(JSON.parse(JSON.stringify(result))).toEqual(result)
    expect(result.success).toBe(true)
    // The two given, then the error budget.
    expect(result.thresholds).toHaveLength(3)
    expect(result.options.headers.authorization).toBe('[redacted]')
    expect(JSON.stringify(result)).not.toContain('secret')
  })

  it("records the native engine's transport and pipelining depth", async () => {
    server = await startServer()
    const result = await loadTest({
      url: server.url,
      users: 2,
      requests: 20,
      transport: 'fast',
      pipelining: 2,
    })
    expect(result.options).toMatchObject({ transport: 'fast', pipelining: 2 })
    const byDefault = await loadTest({ url: server.url, users: 1, requests: 1 })
    expect(byDefault.options).toMatchObject({ transport: 'fast', pipelining: 1 })
  })

  it('is unsuccessful when a threshold fails', async () => {
    server = await startServer(delayed(15))
    const result = await loadTest({ url: server.url, users: 2, requests: 20, thresholds: { maxP95Ms: 5 } })
    expect(result.success).toBe(false)
    expect(result.thresholds[0]).toMatchObject({ expression: 'maxP95Ms: 5', passed: false })
  })

  it('redacts credentials in the URL', async () => {
    server = await startServer()
    const result = await loadTest({ url: server.url.replace('//', '//user:pa55@'), users: 1, requests: 1 })
    expect(result.options.url).not.toContain('pa55')
  })
})
