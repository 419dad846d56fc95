import { afterEach, describe, expect, it } from 'vitest'
import type { ErrorType } from '../../src/foundation/model/index.ts'
import type { LoadTestOptions, NativeTransport } from '../../src/foundation/types.ts'
import { loadTest } from '../../src/orchestration/load-test.ts'
import { afterFirstRequest } from '../helpers/after-first-request.ts'
import { faultServers } from '../helpers/fault-servers.ts'
import { openNetworkHandles, openTcpSocketFds } from '../helpers/raw-server.ts'
import { unusedPort } from '../helpers/servers.ts'

// The fault matrix for the native engine: every case ends within its bound, classifies what happened,
// keeps partial metrics, and leaves no socket behind.

const { http, raw, close: closeServer } = faultServers()
afterEach(async () => {
  await closeServer()
  // undici closes sockets asynchronously; give it a moment, then nothing may remain.
  for (
    let attempt = 0;
    attempt < 20 && (openNetworkHandles().length > 0 || openTcpSocketFds() > 0);
    attempt++
  ) {
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  expect(openNetworkHandles()).toEqual([])
  // Descriptors too, not only Node's handles: no TCP socket fd is left open.
  expect(openTcpSocketFds()).toBe(0)
})

const MB = 1024 * 1024
// Every run is capped at 2 s (and 6 requests); a fault that hung it would hold it for the 30 s default
// timeout, or for ever. 10 s tells the two apart on a busy machine too (reconnect backoff, slow threads).
const HANG_BOUND_MS = 10_000
const TRANSPORTS: NativeTransport[] = ['undici', 'fast']

interface FaultCase {
  name: string
  target: () => Promise<string>
  options?: Partial<LoadTestOptions>
  /** Every request ends as this error type. */
  expectType: ErrorType
  /**
   * What a client that reads only after the fault arrived sees instead (a busy machine): Linux hands it the
   * data the server sent before a reset, then the end of the stream, not ECONNRESET.
   */
  readLate?: { type: ErrorType; message: RegExp }
  /** The whole run ends within this many ms (less any wait for another run). */
  boundMs: number
}

const cases: FaultCase[] = [
  {
    name: 'connection refused',
    target: async () => `http://127.0.0.1:${await unusedPort()}/`,
    expectType: 'connection_refused',
    boundMs: HANG_BOUND_MS,
  },
  {
    name: 'reset before headers',
    target: async () => (await raw((socket) => socket.resetAndDestroy())).url,
    expectType: 'connection_reset',
    boundMs: HANG_BOUND_MS,
  },
  {
    name: 'reset mid-body',
    target: async () =>
      (
        await raw((socket) => {
          socket.write('HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n0123456789')
          setTimeout(() => socket.resetAndDestroy(), 20)
        })
      ).url,
    expectType: 'connection_reset',
    readLate: { type: 'invalid_response', message: /closed the connection mid-body/ },
    boundMs: HANG_BOUND_MS,
  },
  {
    name: 'a server that hangs past the timeout',
    target: async () => (await http(() => {})).url,
    options: { timeout: '300ms' },
    expectType: 'timeout',
    boundMs: HANG_BOUND_MS,
  },
  {
    name: 'a body trickled one byte per 100 ms',
    target: async () =>
      (
        await http((_request, response) => {
          response.writeHead(200, { 'content-length': '1000' })
          const timer = setInterval(() => response.write('x'), 100)
          response.on('close', () => clearInterval(timer))
        })
      ).url,
    options: { timeout: '500ms' },
    expectType: 'timeout',
    boundMs: HANG_BOUND_MS,
  },
  {
    name: 'a response that never ends',
    target: async () =>
      (
        await http((_request, response) => {
          response.writeHead(200)
          const chunk = Buffer.alloc(16 * 1024, 'y')
          const timer = setInterval(() => response.write(chunk), 5)
          response.on('close', () => clearInterval(timer))
        })
      ).url,
    options: { timeout: '500ms' },
    expectType: 'timeout',
    boundMs: HANG_BOUND_MS,
  },
  {
    name: 'a 5xx storm',
    target: async () =>
      (
        await http((_request, response) => {
          response.statusCode = 503
          response.end('unavailable')
        })
      ).url,
    expectType: 'http_5xx',
    boundMs: HANG_BOUND_MS,
  },
  {
    name: 'HTTP 429 with Retry-After',
    target: async () =>
      (
        await http((_request, response) => {
          response.writeHead(429, { 'retry-after': '1' })
          response.end()
        })
      ).url,
    expectType: 'http_4xx',
    boundMs: HANG_BOUND_MS,
  },
  {
    name: 'malformed HTTP',
    target: async () => (await raw((socket) => socket.end('HTTP/1.1 abc nonsense\r\n\r\n'))).url,
    expectType: 'invalid_response',
    boundMs: HANG_BOUND_MS,
  },
  {
    name: 'a body shorter than its Content-Length',
    target: async () =>
      (await raw((socket) => socket.end('HTTP/1.1 200 OK\r\ncontent-length: 50\r\n\r\nshort'))).url,
    expectType: 'invalid_response',
    boundMs: HANG_BOUND_MS,
  },
  {
    name: 'a name that does not resolve (.invalid)',
    target: async () => 'http://no-such-host.invalid/',
    options: { timeout: '5s' },
    expectType: 'dns',
    boundMs: 6000,
  },
]

// Both transports, the engine's own HTTP/1.1 connection (the default) and undici's Client, classify every
// fault the same way.
describe.each(TRANSPORTS)('transport %s', (transport) => {
  const load = (options: LoadTestOptions) => loadTest({ ...options, transport })

  describe('native engine fault matrix', () => {
    it.each(cases)('$name: classified as $expectType, bounded, nothing leaked', async (fault) => {
      const url = await fault.target()
      const started = performance.now()
      const result = await load({ url, users: 2, requests: 6, duration: '2s', ...fault.options })
      // A wait for another run (the run lock) is not the fault's.
      const elapsedMs = performance.now() - started - (result.waitedMs ?? 0)
      expect(elapsedMs).toBeLessThan(fault.boundMs)
      const { totalRequests, errorsByType } = result.metrics
      expect(totalRequests).toBeGreaterThan(0)
      const types = Object.keys(errorsByType) as ErrorType[]
      const allowed =
        fault.readLate === undefined ? [fault.expectType] : [fault.expectType, fault.readLate.type]
      expect(types.length).toBeGreaterThan(0)
      expect(allowed).toEqual(expect.arrayContaining(types))
      expect(types.reduce((sum, type) => sum + errorsByType[type]!.count, 0)).toBe(totalRequests)
      for (const type of types) expect(errorsByType[type]!.sampleMessages.length).toBeGreaterThan(0)
      for (const message of fault.readLate ? (errorsByType[fault.readLate.type]?.sampleMessages ?? []) : [])
        expect(message).toMatch(fault.readLate!.message)
    })

    it('reads 1 MB bodies to the end and counts their bytes', async () => {
      const body = Buffer.alloc(MB, 'a')
      const server = await http((_request, response) => response.end(body))
      const result = await load({ url: server.url, users: 2, requests: 10 })
      expect(result.metrics.successfulRequests).toBe(10)
      expect(result.metrics.bytesReceived).toBe(10 * MB)
    })

    it('streams 50 MB bodies through without buffering them', async () => {
      const chunk = Buffer.alloc(MB, 'b')
      const server = await http((_request, response) => {
        response.writeHead(200, { 'content-length': String(50 * MB) })
        let sent = 0
        // Every write counts, also one that asks to wait for 'drain': else the body outgrows its length.
        const pump = (): void => {
          while (sent < 50) {
            sent++
            if (!response.write(chunk) && sent < 50) return void response.once('drain', pump)
          }
          response.end()
        }
        pump()
      })
      const result = await load({ url: server.url, users: 1, requests: 2, timeout: '20s' })
      expect(result.metrics.successfulRequests).toBe(2)
      expect(result.metrics.bytesReceived).toBe(100 * MB)
    })
  })

  // Each abort comes seconds before the run would end by itself, and is asked to stop it within half of
  // that: so it holds on a busy machine. How soon on a quiet one (~100 ms): `npm run bench`.
  describe('native engine: abort at every phase', () => {
    async function abortAfter(delayMs: number, options: Partial<LoadTestOptions>, handlerDelayMs = 5) {
      const server = await http((_request, response) => {
        setTimeout(() => response.end('ok'), handlerDelayMs)
      })
      const controller = new AbortController()
      const trigger = afterFirstRequest(server, delayMs, () => controller.abort())
      const result = await load({
        url: server.url,
        users: 4,
        duration: '5s',
        ...options,
        signal: controller.signal,
      })
      return { result, stoppedAfterMs: performance.now() - trigger.firedAt, server }
    }

    it('during ramp-up: returns what the started users measured', async () => {
      // 3.7 s of the ramp-up, and more of the run, were left.
      const { result, stoppedAfterMs } = await abortAfter(300, { rampUp: '4s' })
      expect(result.aborted).toBe(true)
      expect(result.metrics.totalRequests).toBeGreaterThan(0)
      expect(Math.max(...result.timeline.map((point) => point.activeUsers))).toBeLessThan(4)
      expect(stoppedAfterMs).toBeLessThan(1800)
    })

    it('mid-run: partial metrics, no errors invented for the cut requests', async () => {
      // 4.6 s of the run were left.
      const { result, stoppedAfterMs } = await abortAfter(400, {}, 50)
      expect(result.aborted).toBe(true)
      expect(result.metrics.totalRequests).toBeGreaterThan(0)
      expect(result.metrics.failedRequests).toBe(0)
      expect(stoppedAfterMs).toBeLessThan(2300)
    })

    it('during teardown (requests draining after the duration): stops at once', async () => {
      // The requests in flight when the 500 ms end take 10 s: about 9.3 s of draining were left.
      const { result, stoppedAfterMs } = await abortAfter(700, { duration: '500ms', timeout: '20s' }, 10_000)
      expect(result.aborted).toBe(true)
      expect(stoppedAfterMs).toBeLessThan(4600)
    })
  })
})
