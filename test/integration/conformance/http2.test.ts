import http2 from 'node:http2'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { isPerfError } from '../../../src/foundation/errors.ts'
import { loadTest } from '../../../src/orchestration/load-test.ts'
import { settledCount } from '../../helpers/conformance/server-process.ts'
import { nginxH2c } from '../../helpers/conformance/web-servers.ts'
import { hasOpenssl, makeCertificates, type TestCertificates } from '../../helpers/tls-certs.ts'
import { requiredTools } from '../../helpers/tools.ts'

// HTTP/2 on the undici transport: over TLS (ALPN) and h2c, counted, timed and classified as HTTP/1.1 is.

let certs: TestCertificates
let close: (() => Promise<void>) | undefined
beforeAll(() => {
  if (hasOpenssl) certs = makeCertificates()
}, 30_000)
afterEach(async () => {
  await close?.()
  close = undefined
})

interface H2Server {
  url: string
  /** Requests handled, by HTTP version seen. */
  readonly versions: Map<string, number>
  /** HTTP/2 sessions (connections) opened. */
  readonly sessions: number
}

async function start(
  server: http2.Http2Server | http2.Http2SecureServer,
  scheme: string,
  versions: Map<string, number>,
): Promise<H2Server> {
  let sessions = 0
  const open = new Set<http2.ServerHttp2Session>()
  server.on('session', (session) => {
    sessions++
    open.add(session)
    session.on('close', () => open.delete(session))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  close = () =>
    new Promise<void>((resolve) => {
      for (const session of open) session.destroy()
      server.close(() => resolve())
    })
  return {
    url: `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    versions,
    get sessions() {
      return sessions
    },
  }
}

function handler(versions: Map<string, number>, delayMs = 0) {
  return (request: http2.Http2ServerRequest, response: http2.Http2ServerResponse) => {
    versions.set(request.httpVersion, (versions.get(request.httpVersion) ?? 0) + 1)
    if (delayMs > 0) setTimeout(() => response.end('ok'), delayMs)
    else response.end('ok')
  }
}

describe.skipIf(!hasOpenssl)('http2 (skipped without /usr/bin/openssl)', () => {
  it('speaks HTTP/2 over TLS (ALPN), one session per user, counted as the server does', async () => {
    const versions = new Map<string, number>()
    const server = await start(http2.createSecureServer(certs.server, handler(versions)), 'https', versions)
    const result = await loadTest({
      url: server.url,
      http2: true,
      tls: { ca: certs.ca.cert },
      users: 3,
      requests: 90,
    })
    expect(result.metrics.errorsByType).toEqual({})
    expect(result.metrics.successfulRequests).toBe(90)
    expect(result.metrics.bytesReceived).toBe(180)
    expect([...versions]).toEqual([['2.0', 90]])
    expect(server.sessions).toBe(3)
    expect(result.options).toMatchObject({ transport: 'undici' })
  })

  it('speaks h2c (prior knowledge) to a plain HTTP/2 server, `pipelining` streams per connection', async () => {
    const versions = new Map<string, number>()
    const server = await start(http2.createServer(handler(versions, 2)), 'http', versions)
    const result = await loadTest({ url: server.url, http2: true, users: 2, pipelining: 4, requests: 80 })
    expect(result.metrics.errorsByType).toEqual({})
    expect(result.metrics.successfulRequests).toBe(80)
    expect([...versions]).toEqual([['2.0', 80]])
    expect(server.sessions).toBe(2)
  })

  it('cuts a stream at `timeout` and counts it as a timeout', async () => {
    const versions = new Map<string, number>()
    const server = await start(http2.createServer(handler(versions, 5_000)), 'http', versions)
    const result = await loadTest({ url: server.url, http2: true, users: 1, requests: 2, timeout: '300ms' })
    expect(result.metrics.errorsByType.timeout?.count).toBe(2)
  })

  it('counts a certificate it cannot verify as `tls`', async () => {
    const versions = new Map<string, number>()
    const server = await start(
      http2.createSecureServer(certs.selfSigned, handler(versions)),
      'https',
      versions,
    )
    const result = await loadTest({ url: server.url, http2: true, users: 1, requests: 3 })
    expect(result.metrics.errorsByType.tls?.count).toBe(3)
    expect(versions.size).toBe(0)
  })

  it.each([
    [{ transport: 'fast' as const }, 'PERF_INVALID_OPTION'],
    [{ tool: 'ab' as const }, 'PERF_TOOL_UNSUPPORTED_OPTION'],
    [{ tool: 'locust' as const }, 'PERF_TOOL_UNSUPPORTED_OPTION'],
    [{ tool: 'k6' as const }, 'PERF_TOOL_UNSUPPORTED_OPTION'],
  ])('refuses http2 where it cannot be spoken: %o', async (extra, code) => {
    const error = await loadTest({ url: 'http://127.0.0.1:9/', duration: '1s', http2: true, ...extra }).catch(
      (caught: unknown) => caught,
    )
    expect(isPerfError(error, code as 'PERF_INVALID_OPTION')).toBe(true)
  })
})

const nginxMissing = nginxH2c.missing()
describe.skipIf(nginxMissing !== undefined && !requiredTools().has('nginx'))(
  `http2 against nginx (h2c)${nginxMissing === undefined ? '' : ` (skipped: ${nginxMissing})`}`,
  () => {
    it('speaks h2c to nginx, every request an HTTP/2 one in its log, counted as nginx does', async () => {
      const server = await nginxH2c.start()
      close = () => server.close()
      const result = await loadTest({ url: server.url, http2: true, users: 2, pipelining: 4, requests: 200 })
      expect(result.metrics.errorsByType).toEqual({})
      expect(result.metrics.successfulRequests).toBe(200)
      expect(await settledCount(() => server.protocols?.()['HTTP/2.0'] ?? 0)).toBe(200)
      expect(await server.served()).toBe(200)
    })
  },
)
