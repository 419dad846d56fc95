import http2 from 'node:http2'
import https from 'node:https'
import net, { type AddressInfo } from 'node:net'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { LoadTestResult } from '../../../src/foundation/model/index.ts'
import type { LoadTestOptions, NativeTransport } from '../../../src/foundation/types.ts'
import { loadTest } from '../../../src/orchestration/load-test.ts'
import { startFramingServer } from '../../helpers/framing-servers.ts'
import { startRawServer } from '../../helpers/raw-server.ts'
import { unusedPort } from '../../helpers/servers.ts'
import { hasOpenssl, makeCertificates, type TestCertificates } from '../../helpers/tls-certs.ts'

// A journey's connections keep the rules of the run's users on both transports: the `tls` options, the
// head limit, one more try after an idle close, back-off after refused connections, and HTTP/2 on undici.

const TRANSPORTS: NativeTransport[] = ['undici', 'fast']
const STEPS = [{ path: '/a' }, { path: '/b' }]

let certs: TestCertificates
beforeAll(() => {
  if (hasOpenssl) certs = makeCertificates()
}, 30_000)

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

function closeLater(server: net.Server | http2.Http2Server, sockets: Set<{ destroy(): void }>): void {
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  )
}

async function listen(server: net.Server | http2.Http2Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}

/** An https server answering `ok`, counting what it answered. */
async function httpsServer(options: https.ServerOptions): Promise<{ url: string; count: () => number }> {
  let count = 0
  const sockets = new Set<net.Socket>()
  const server = https.createServer(options, (_request, response) => {
    count++
    response.end('ok')
  })
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  server.on('tlsClientError', () => {})
  closeLater(server, sockets)
  return { url: `https://127.0.0.1:${await listen(server)}`, count: () => count }
}

/**
 * Answers `ok` and ends each connection after `perConnection` responses without saying so (a FIN between
 * responses, as a keep-alive limit does); what is written after that is never read. Counts what it answered.
 */
async function closesAfter(perConnection: number): Promise<{ url: string; answered: () => number }> {
  let answered = 0
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    let served = 0
    let pending = ''
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1')
      for (let end = pending.indexOf('\r\n\r\n'); end !== -1; end = pending.indexOf('\r\n\r\n')) {
        pending = pending.slice(end + 4)
        if (served === perConnection) return
        served++
        answered++
        const response = 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok'
        if (served === perConnection) socket.end(response)
        else socket.write(response)
      }
    })
  })
  closeLater(server, sockets)
  return { url: `http://127.0.0.1:${await listen(server)}`, answered: () => answered }
}

const OK = 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok'

/** A raw server that answers as `respond` says and counts the requests it received by method and path. */
async function countingServer(
  respond: (socket: net.Socket, method: string) => void,
): Promise<{ url: string; received: Map<string, number> }> {
  const received = new Map<string, number>()
  const server = await startFramingServer((socket, head) => {
    const [method = '', path = ''] = head.split(' ', 2)
    const name = `${method} ${path}`
    received.set(name, (received.get(name) ?? 0) + 1)
    respond(socket, method)
  })
  cleanups.push(() => server.close())
  return { url: server.url, received }
}

/** The requests a result counted per step, by its endpoint names (`GET /a`), as the server counts them. */
function countedPerStep(result: LoadTestResult): Map<string, number> {
  return new Map(
    Object.entries(result.endpoints ?? {}).map(([name, { totalRequests }]) => [name, totalRequests]),
  )
}

describe.each(TRANSPORTS)('journeys on transport %s', (transport) => {
  const journey = (options: Omit<LoadTestOptions, 'steps'>) =>
    loadTest({ ...options, transport, steps: STEPS })

  it.skipIf(!hasOpenssl)('use the `tls` options (skipped without /usr/bin/openssl)', async () => {
    const server = await httpsServer(certs.server)
    const untrusted = await journey({ url: server.url, users: 1, requests: 4 })
    expect(Object.keys(untrusted.metrics.errorsByType)).toEqual(['tls'])
    const trusted = await journey({ url: server.url, users: 2, requests: 20, tls: { ca: certs.ca.cert } })
    expect(trusted.metrics.errorsByType).toEqual({})
    expect(trusted.metrics.successfulRequests).toBe(20)
    expect(server.count()).toBe(20)
  })

  it('send a step again once when the server closed its idle kept-alive connection under it', async () => {
    const server = await closesAfter(3)
    const result = await journey({ url: server.url, users: 2, requests: 60 })
    expect(result.metrics.errorsByType).toEqual({})
    expect(result.metrics.successfulRequests).toBe(60)
    expect(server.answered()).toBe(60)
    const { endpoints } = result
    expect(
      (endpoints?.['GET /a']?.successfulRequests ?? 0) + (endpoints?.['GET /b']?.successfulRequests ?? 0),
    ).toBe(60)
  })

  it('refuse a response head over `maxHeaderSize`, naming it, and read it when raised', async () => {
    const head = `HTTP/1.1 200 OK\r\nx-big: ${'a'.repeat(20 * 1024)}\r\ncontent-length: 2\r\n\r\nok`
    const server = await startRawServer((socket) => socket.write(head))
    cleanups.push(() => server.close())
    const refused = await journey({ url: server.url, users: 1, requests: 2 })
    expect(refused.metrics.errorsByType.invalid_response?.sampleMessages[0]).toMatch(/`maxHeaderSize`/)
    const read = await journey({ url: server.url, users: 1, requests: 4, maxHeaderSize: 64 * 1024 })
    expect(read.metrics.errorsByType).toEqual({})
    expect(read.metrics.successfulRequests).toBe(4)
  })

  it('read an unsolicited 100 Continue before the response of a step (a HEAD step too)', async () => {
    const server = await startRawServer((socket) =>
      socket.write('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok'),
    )
    cleanups.push(() => server.close())
    const result = await loadTest({
      url: server.url,
      transport,
      users: 2,
      requests: 30,
      // The HEAD's response has no body whatever its Content-Length says: the next one follows at once.
      steps: [{ path: '/a' }, { path: '/b', method: 'HEAD' }, { path: '/c' }],
    })
    expect(result.metrics.errorsByType).toEqual({})
    expect(result.metrics.successfulRequests).toBe(30)
    expect(server.requests).toBe(30)
  })

  it.each<Pick<LoadTestOptions, 'duration' | 'requests'>>([{ duration: '1s' }, { requests: 61 }])(
    'count each step as the server received it when it answers a GET twice (%o)',
    async (size) => {
      // The second answer lands where the POST's answer belongs, before the POST is written: it answers
      // nothing, and the connection is dropped (as the run's users do); the POST goes out on a new one.
      const server = await countingServer((socket, method) => socket.write(method === 'GET' ? OK + OK : OK))
      const result = await loadTest({
        url: server.url,
        transport,
        users: 2,
        ...size,
        steps: [{ path: '/a' }, { path: '/b', method: 'POST', body: 'order' }],
      })
      expect(result.metrics.errorsByType).toEqual({})
      expect(server.received.get('POST /b')).toBeGreaterThan(0)
      expect(countedPerStep(result)).toEqual(server.received)
      expect(result.metrics.successfulRequests).toBe(result.metrics.totalRequests)
      if (size.requests !== undefined) expect(result.metrics.totalRequests).toBe(size.requests)
    },
  )

  it('write the next step once after a response that ran to the end of its connection', async () => {
    // The second response on each connection has no length: it ends with the connection, and the next step
    // goes out on a new one while the old one's close is handled.
    const perSocket = new WeakMap<net.Socket, number>()
    const server = await countingServer((socket) => {
      const answered = (perSocket.get(socket) ?? 0) + 1
      perSocket.set(socket, answered)
      if (answered === 1) socket.write(OK)
      else socket.end('HTTP/1.1 200 OK\r\n\r\nuntil the end')
    })
    const result = await journey({ url: server.url, users: 1, requests: 30 })
    expect(result.metrics.errorsByType).toEqual({})
    expect(countedPerStep(result)).toEqual(
      new Map([
        ['GET /a', 15],
        ['GET /b', 15],
      ]),
    )
    expect(server.received).toEqual(
      new Map([
        ['GET /a', 15],
        ['GET /b', 15],
      ]),
    )
  })

  it.skipIf(!hasOpenssl)(
    'count a TLS 1.3 refusal of a missing client certificate as `tls` (skipped without /usr/bin/openssl)',
    async () => {
      const server = await httpsServer({
        ...certs.server,
        ca: certs.ca.cert,
        requestCert: true,
        rejectUnauthorized: true,
      })
      const result = await journey({ url: server.url, users: 1, requests: 4, tls: { ca: certs.ca.cert } })
      expect(Object.keys(result.metrics.errorsByType)).toEqual(['tls'])
      expect(result.metrics.errorsByType.tls?.sampleMessages[0]).toMatch(/CERTIFICATE_REQUIRED/)
    },
  )

  it('back off after refused connections, and say so in the result', async () => {
    const port = await unusedPort()
    const result = await journey({ url: `http://127.0.0.1:${port}`, users: 5, duration: '1s' })
    const refused = result.metrics.errorsByType.connection_refused?.count ?? 0
    expect(refused).toBeGreaterThan(5)
    // Without back-off five users loop through thousands of refusals a second.
    expect(refused).toBeLessThan(500)
    expect(result.warnings.join(' ')).toMatch(/refused; each user backed off/)
  })
})

describe('journeys over HTTP/2 (undici)', () => {
  it('speak h2c with `http2: true`, every step counted as the server saw it', async () => {
    const versions = new Map<string, number>()
    const sessions = new Set<http2.ServerHttp2Session>()
    const server = http2.createServer((request, response) => {
      versions.set(request.httpVersion, (versions.get(request.httpVersion) ?? 0) + 1)
      response.end('ok')
    })
    server.on('session', (session) => {
      sessions.add(session)
      session.on('close', () => sessions.delete(session))
    })
    closeLater(server, sessions)
    const url = `http://127.0.0.1:${await listen(server)}`
    const result = await loadTest({ url, http2: true, users: 2, requests: 40, steps: STEPS })
    expect(result.metrics.errorsByType).toEqual({})
    expect(result.metrics.successfulRequests).toBe(40)
    expect([...versions]).toEqual([['2.0', 40]])
    expect(Object.keys(result.endpoints ?? {}).sort()).toEqual(['GET /a', 'GET /b'])
  })
})
