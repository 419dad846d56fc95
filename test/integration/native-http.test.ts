import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { isPerfError } from '../../src/foundation/errors.ts'
import type { LoadTestOptions, NativeTransport } from '../../src/foundation/types.ts'
import { loadTest } from '../../src/orchestration/load-test.ts'
import { type RawServer, startRawServer } from '../helpers/raw-server.ts'
import { delayed, startServer, type TestServer } from '../helpers/servers.ts'

// How the native engine speaks HTTP/1.1: framing, keep-alive, pipelining, TLS.

const TRANSPORTS: NativeTransport[] = ['undici', 'fast']

let close: (() => Promise<void>) | undefined
afterEach(async () => {
  await close?.()
  close = undefined
})

async function http(handler: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const server = await startServer(handler)
  close = () => server.close()
  return server
}

async function raw(onRequest: Parameters<typeof startRawServer>[0]): Promise<RawServer> {
  const server = await startRawServer(onRequest)
  close = () => server.close()
  return server
}

// Every case on both transports: the engine's own connection (the default) and undici's Client.
describe.each(TRANSPORTS)('transport %s', (transport) => {
  const load = (options: LoadTestOptions) => loadTest({ ...options, transport })

  describe('native engine: response framing', () => {
    it('reads chunked bodies and counts their decoded bytes', async () => {
      const server = await http((_request, response) => {
        response.write('hello ')
        response.end('world')
      })
      const result = await load({ url: server.url, users: 2, requests: 50 })
      expect(result.metrics.successfulRequests).toBe(50)
      expect(result.metrics.bytesReceived).toBe(50 * 11)
      expect(server.remotePorts.size).toBe(2)
    })

    it('reads no body for HEAD and keeps the connection', async () => {
      const server = await http(delayed(0))
      const result = await load({ url: server.url, method: 'HEAD', users: 2, requests: 40 })
      expect(result.metrics.successfulRequests).toBe(40)
      expect(result.metrics.bytesReceived).toBe(0)
      expect(server.remotePorts.size).toBe(2)
    })

    it('reads a body that runs to the end of the connection, then connects again', async () => {
      const server = await raw((socket) => socket.end('HTTP/1.1 200 OK\r\n\r\nuntil close'))
      const result = await load({ url: server.url, users: 2, requests: 20 })
      expect(result.metrics.successfulRequests).toBe(20)
      expect(result.metrics.bytesReceived).toBe(20 * 11)
      expect(server.requests).toBe(20)
    })

    it('skips 103 Early Hints', async () => {
      const server = await http((_request, response) => {
        response.writeEarlyHints({ link: '</style.css>; rel=preload' })
        response.end('ok')
      })
      const result = await load({ url: server.url, users: 1, requests: 10 })
      expect(result.metrics.successfulRequests).toBe(10)
      expect(result.metrics.statusCodes).toEqual({ '200': 10 })
    })

    it('opens a new connection after each `connection: close` response', async () => {
      const server = await http((_request, response) => {
        response.setHeader('connection', 'close')
        response.end('ok')
      })
      const result = await load({ url: server.url, users: 2, requests: 30 })
      expect(result.metrics.successfulRequests).toBe(30)
      expect(server.remotePorts.size).toBe(30)
    })
  })

  describe('native engine: pipelining', () => {
    it('keeps `pipelining` requests in flight per connection and counts exactly', async () => {
      let inFlight = 0
      let maxInFlight = 0
      const server = await http((_request, response) => {
        maxInFlight = Math.max(maxInFlight, ++inFlight)
        setTimeout(() => {
          inFlight--
          response.end('ok')
        }, 2)
      })
      const result = await load({ url: server.url, users: 2, requests: 600, pipelining: 8 })
      expect(result.metrics.totalRequests).toBe(600)
      expect(result.metrics.successfulRequests).toBe(600)
      expect(server.count).toBe(600)
      expect(server.remotePorts.size).toBe(2)
      expect(maxInFlight).toBeGreaterThan(2)
      expect(maxInFlight).toBeLessThanOrEqual(16)
    })

    // In the calling thread, the server's close and the pipelined writes interleave in one event loop.
    it('sends requests pipelined behind a `connection: close` again on a new connection', async () => {
      const server = await http((_request, response) => {
        response.setHeader('connection', 'close')
        response.end('ok')
      })
      const result = await load({ url: server.url, users: 2, requests: 40, pipelining: 4, workers: 0 })
      expect(result.metrics.successfulRequests).toBe(40)
      expect(result.metrics.failedRequests).toBe(0)
    })

    it.skipIf(transport === 'undici')(
      'sends them again from a worker thread too (skipped on undici: its pipelined writes racing the close get EPIPE, counted as connection_reset, left to the transports work)',
      async () => {
        const server = await http((_request, response) => {
          response.setHeader('connection', 'close')
          response.end('ok')
        })
        const result = await load({ url: server.url, users: 2, requests: 40, pipelining: 4 })
        expect(result.generator?.thread).toBe('worker')
        expect(result.metrics.successfulRequests).toBe(40)
        expect(result.metrics.failedRequests).toBe(0)
      },
    )

    it('is rejected with an arrival rate, and with an external tool', async () => {
      const server = await http(delayed(0))
      // The external tool's case leaves `transport` out: that option alone would be refused first.
      for (const bad of [{ rate: 10, transport }, { tool: 'ab' as const }]) {
        const error = await loadTest({ url: server.url, duration: '1s', pipelining: 4, ...bad }).catch(
          (caught: unknown) => caught,
        )
        expect(isPerfError(error)).toBe(true)
        expect(error).toMatchObject({ code: 'PERF_INVALID_OPTION', option: 'pipelining' })
      }
      expect(server.count).toBe(0)
    })
  })
})

/** A self-signed certificate for 127.0.0.1, made with the openssl CLI. */
function selfSignedCertificate(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'perfspec-tls-'))
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
      ...[
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
      ],
      ...['-addext', 'subjectAltName=IP:127.0.0.1'],
    ],
    { stdio: 'ignore' },
  )
  return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }
}

describe.each(TRANSPORTS)('transport %s', (transport) => {
  const load = (options: LoadTestOptions) => loadTest({ ...options, transport })

  describe.skipIf(!existsSync('/usr/bin/openssl'))('native engine: https', () => {
    async function httpsServer(): Promise<{ url: string; count: () => number }> {
      let count = 0
      const server = https.createServer(selfSignedCertificate(), (_request, response) => {
        count++
        response.end('ok')
      })
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      close = () => {
        server.closeAllConnections()
        return new Promise((resolve) => server.close(() => resolve()))
      }
      return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/`, count: () => count }
    }

    it('refuses a certificate it cannot verify, as an error of its own', async () => {
      const server = await httpsServer()
      const result = await load({ url: server.url, users: 1, requests: 3 })
      expect(result.metrics.errorsByType.tls?.count).toBe(3)
      expect(result.metrics.errorsByType.tls?.sampleMessages[0]).toMatch(/self[- ]signed/i)
      expect(server.count()).toBe(0)
    })

    it('speaks HTTP/1.1 over TLS on keep-alive connections', async () => {
      const server = await httpsServer()
      const previous = process.env.NODE_TLS_REJECT_UNAUTHORIZED
      process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'
      try {
        const result = await load({ url: server.url, users: 2, requests: 50, pipelining: 2 })
        expect(result.metrics.successfulRequests).toBe(50)
        expect(result.metrics.bytesReceived).toBe(100)
        expect(server.count()).toBe(50)
      } finally {
        if (previous === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED
        else process.env.NODE_TLS_REJECT_UNAUTHORIZED = previous
      }
    })
  })
})
