import http from 'node:http'
import net, { type AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import type { LoadTestOptions, NativeTransport } from '../../../src/foundation/types.ts'
import { loadTest } from '../../../src/orchestration/load-test.ts'
import { type RawServer, startRawServer } from '../../helpers/raw-server.ts'
import { startServer, type TestServer, unusedPort } from '../../helpers/servers.ts'

// Odd but legal (or common) server behaviour, on both transports: each request is counted once, as the
// server saw it, and classified the same way.

const TRANSPORTS: NativeTransport[] = ['undici', 'fast']

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

async function http1(handler: http.RequestListener): Promise<TestServer> {
  const server = await startServer(handler)
  cleanups.push(() => server.close())
  return server
}

async function raw(onRequest: (socket: net.Socket) => void): Promise<RawServer> {
  const server = await startRawServer(onRequest)
  cleanups.push(() => server.close())
  return server
}

/**
 * A server that answers `ok` and closes each connection after `perConnection` responses without saying so
 * (a FIN between responses, as an idle or request-count keep-alive limit does). Counts what it answered.
 */
async function closesAfter(perConnection: number): Promise<{ url: string; answered: () => number }> {
  let answered = 0
  const server = net.createServer((socket) => {
    let served = 0
    let pending = ''
    socket.on('error', () => {})
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1')
      for (let end = pending.indexOf('\r\n\r\n'); end !== -1; end = pending.indexOf('\r\n\r\n')) {
        pending = pending.slice(end + 4)
        if (served === perConnection) return // closed: what comes after is never read
        served++
        answered++
        const response = 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok'
        if (served === perConnection) socket.end(response)
        else socket.write(response)
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.unref()
      }),
  )
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, answered: () => answered }
}

describe.each(TRANSPORTS)('transport %s: odd but legal servers', (transport) => {
  const load = (options: LoadTestOptions) => loadTest({ ...options, transport })

  describe('pipelining', () => {
    it('never pipelines to a server that closes after each response (`connection: close`)', async () => {
      const server = await http1((_request, response) => {
        response.setHeader('connection', 'close')
        response.end('ok')
      })
      const result = await load({ url: server.url, users: 2, requests: 40, pipelining: 4 })
      expect(result.metrics.errorsByType).toEqual({})
      expect(result.metrics.successfulRequests).toBe(40)
      expect(server.count).toBe(40)
    })

    it('never pipelines to an HTTP/1.0 server', async () => {
      const server = await raw((socket) => socket.end('HTTP/1.0 200 OK\r\ncontent-length: 2\r\n\r\nok'))
      const result = await load({ url: server.url, users: 2, requests: 40, pipelining: 4 })
      expect(result.metrics.errorsByType).toEqual({})
      expect(result.metrics.successfulRequests).toBe(40)
      expect(server.requests).toBe(40)
    })

    it.each(['GET', 'POST'] as const)(
      'counts %s requests written behind a closing response once each, never sending them again',
      async (method) => {
        let handled = 0
        const server = await http1((request, response) => {
          handled++
          // Every 5th response closes its connection, after the others have been pipelined behind it.
          if (handled % 5 === 0) response.setHeader('connection', 'close')
          request.resume()
          request.on('end', () => response.end('ok'))
        })
        const result = await load({ url: server.url, method, users: 2, requests: 100, pipelining: 4 })
        const { totalRequests, successfulRequests, failedRequests, errorsByType } = result.metrics
        expect(totalRequests).toBe(100)
        // None is sent twice: the server ran at most what the result counts (Node's server runs every
        // request it has read, answered or not; one that raced the close it never read).
        expect(server.count).toBeLessThanOrEqual(totalRequests)
        expect(server.count).toBeGreaterThanOrEqual(successfulRequests)
        expect(successfulRequests + failedRequests).toBe(100)
        if (failedRequests > 0) {
          expect(Object.keys(errorsByType)).toEqual(['connection_reset'])
          expect(errorsByType.connection_reset?.sampleMessages[0]).toMatch(/not answered.*not sent again/)
        }
      },
    )
  })

  it('never sends again a request whose `connection: close` response was still arriving', async () => {
    // Per connection: three responses kept alive (pipelining begins), then a closing one whose body comes
    // 30 ms after its head; what was pipelined behind it is never answered.
    const served = new WeakMap<net.Socket, number>()
    let answered = 0
    const server = await raw((socket) => {
      const count = (served.get(socket) ?? 0) + 1
      served.set(socket, count)
      if (count < 4) {
        answered++
        socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok')
      } else if (count === 4) {
        answered++
        socket.write('HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 2\r\n\r\n')
        setTimeout(() => socket.end('ok'), 30)
      }
    })
    const result = await load({ url: server.url, users: 2, requests: 60, pipelining: 4 })
    const { totalRequests, successfulRequests, errorsByType } = result.metrics
    expect(successfulRequests).toBe(answered)
    // Each request the server saw is counted once: none was sent twice.
    expect(server.requests).toBeLessThanOrEqual(totalRequests)
    expect(Object.keys(errorsByType).filter((type) => type !== 'connection_reset')).toEqual([])
  })

  it('sends a request again once when the server closed an idle kept-alive connection under it', async () => {
    const server = await closesAfter(7)
    const result = await load({ url: server.url, users: 2, requests: 100 })
    expect(result.metrics.errorsByType).toEqual({})
    expect(result.metrics.successfulRequests).toBe(100)
    expect(server.answered()).toBe(100)
  })

  it('drops a connection after an unrequested extra response and reads the next one right', async () => {
    const extra = 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok'
    const server = await raw((socket) => socket.write(extra + extra))
    const result = await load({ url: server.url, users: 1, requests: 20 })
    expect(result.metrics.errorsByType).toEqual({})
    expect(result.metrics.statusCodes).toEqual({ '200': 20 })
  })

  it.each([
    ['HEAD', 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok'],
    ['GET', 'HTTP/1.1 204 No Content\r\ncontent-length: 2\r\n\r\nok'],
  ] as const)('counts a %s answered with a body it must not have as its status', async (method, response) => {
    const server = await raw((socket) => socket.write(response))
    const result = await load({ url: server.url, method, users: 2, requests: 30 })
    expect(result.metrics.errorsByType).toEqual({})
    expect(result.metrics.successfulRequests).toBe(30)
    expect(server.requests).toBe(30)
  })

  it('classifies a body shorter than its Content-Length as invalid_response', async () => {
    const server = await raw((socket) => socket.end('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nshort'))
    const result = await load({ url: server.url, users: 1, requests: 5 })
    expect(result.metrics.errorsByType.invalid_response?.count).toBe(5)
    expect(result.metrics.errorsByType.invalid_response?.sampleMessages[0]).toMatch(/mid-body/)
  })

  it('reads an HTTP/1.0 body without Content-Length to the end of the connection', async () => {
    const server = await raw((socket) => socket.end('HTTP/1.0 200 OK\r\n\r\nuntil the end'))
    const result = await load({ url: server.url, users: 2, requests: 20 })
    expect(result.metrics.successfulRequests).toBe(20)
    expect(result.metrics.bytesReceived).toBe(20 * 13)
  })

  it('reads chunks with extensions, tiny chunks, and trailers', async () => {
    const tiny = Array.from('abcdefghij', (letter) => `1;n=${letter}\r\n${letter}\r\n`).join('')
    const server = await raw((socket) =>
      socket.write(
        `HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\ntrailer: x-sum\r\n\r\n5;ext="a b"\r\nhello\r\n${tiny}0\r\nx-sum: 15\r\n\r\n`,
      ),
    )
    const result = await load({
      url: server.url,
      users: 1,
      requests: 10,
      check: ({ body }) => body === 'helloabcdefghij',
    })
    expect(result.metrics.errorsByType).toEqual({})
    expect(result.metrics.bytesReceived).toBe(10 * 15)
    expect(server.connections).toBe(1)
  })

  it('reads a body written one byte at a time', async () => {
    const server = await http1((_request, response) => {
      let left = 30
      const next = () => {
        if (left-- === 0) return response.end()
        response.write('x')
        setImmediate(next)
      }
      next()
    })
    const result = await load({ url: server.url, users: 1, requests: 5 })
    expect(result.metrics.successfulRequests).toBe(5)
    expect(result.metrics.bytesReceived).toBe(150)
  })

  it('reads 10 MB bodies', async () => {
    const big = Buffer.alloc(10 * 1024 * 1024, 'a')
    const server = await http1((_request, response) => response.end(big))
    const result = await load({ url: server.url, users: 2, requests: 4 })
    expect(result.metrics.successfulRequests).toBe(4)
    expect(result.metrics.bytesReceived).toBe(4 * big.length)
  })

  it('replaces a connection idle longer than the keep-alive timeout the server announced', async () => {
    const server = await raw((socket) =>
      socket.write('HTTP/1.1 200 OK\r\nkeep-alive: timeout=1\r\ncontent-length: 2\r\n\r\nok'),
    )
    // About 700 ms between requests, past the announced 1 s less a margin.
    const result = await load({ url: server.url, rate: 1.4, duration: '1600ms', maxUsers: 1 })
    expect(result.metrics.successfulRequests).toBeGreaterThanOrEqual(2)
    expect(server.connections).toBe(result.metrics.successfulRequests)
  })

  it('refuses a 64 KB response head by default, naming `maxHeaderSize`, and reads it when raised', async () => {
    const head = `HTTP/1.1 200 OK\r\nx-big: ${'a'.repeat(64 * 1024)}\r\ncontent-length: 2\r\n\r\nok`
    const server = await raw((socket) => socket.write(head))
    const refused = await load({ url: server.url, users: 1, requests: 3 })
    expect(refused.metrics.errorsByType.invalid_response?.count).toBe(3)
    expect(refused.metrics.errorsByType.invalid_response?.sampleMessages[0]).toMatch(/`maxHeaderSize`/)
    const read = await load({ url: server.url, users: 1, requests: 3, maxHeaderSize: 128 * 1024 })
    expect(read.metrics.errorsByType).toEqual({})
    expect(read.metrics.successfulRequests).toBe(3)
  })

  it('does not follow redirects: a 302 counts as its status (a success unless `expectStatus` says otherwise)', async () => {
    const server = await http1((request, response) => {
      if (request.url === '/elsewhere') return response.end('moved here')
      response.writeHead(302, { location: '/elsewhere' })
      response.end()
    })
    const result = await load({ url: server.url, users: 1, requests: 10 })
    expect(result.metrics.statusCodes).toEqual({ '302': 10 })
    expect(result.metrics.successfulRequests).toBe(10)
    expect(server.count).toBe(10)
    const strict = await load({ url: server.url, users: 1, requests: 5, expectStatus: [200] })
    expect(strict.metrics.errorsByType.unexpected_status?.count).toBe(5)
  })

  it('backs off after refused connections, and says so in the result', async () => {
    const port = await unusedPort()
    const result = await load({ url: `http://127.0.0.1:${port}/`, users: 10, duration: '1s' })
    const refused = result.metrics.errorsByType.connection_refused?.count ?? 0
    expect(refused).toBeGreaterThan(10)
    // Without back-off ten users loop through tens of thousands of refusals a second.
    expect(refused).toBeLessThan(1000)
    expect(result.warnings.join(' ')).toMatch(/refused; each user backed off/)
  })

  it('speaks to IPv6 loopback [::1]', async (context) => {
    const server = http.createServer((_request, response) => response.end('ok'))
    const listening = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false))
      server.listen(0, '::1', () => resolve(true))
    })
    if (!listening) return context.skip('no IPv6 loopback on this machine')
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())))
    const { port } = server.address() as AddressInfo
    const result = await load({ url: `http://[::1]:${port}/`, users: 2, requests: 20 })
    server.closeAllConnections()
    expect(result.metrics.successfulRequests).toBe(20)
  })
})
