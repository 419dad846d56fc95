import http2 from 'node:http2'
import { afterEach, describe, expect, it } from 'vitest'
import type { HttpMethod } from '../../../src/foundation/types.ts'
import { loadTest } from '../../../src/orchestration/load-test.ts'
import {
  announcesShutdownAt,
  bigHeaders,
  closesAfter,
  goesAwayAfter,
  goesAwayAtOnce,
  type Http2TestServer,
  resetsStreams,
} from '../../helpers/http2-servers.ts'

// HTTP/2 servers that go away, refuse or reset streams (RFC 9113 §6.8, §8.7): what a server says it never
// ran is sent once more whatever its method; what it may have run is sent again only when idempotent.

const { NGHTTP2_REFUSED_STREAM, NGHTTP2_INTERNAL_ERROR, NGHTTP2_CANCEL } = http2.constants

let server: Http2TestServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const withBody = (method: HttpMethod) => (method === 'POST' ? { method, body: 'x' } : { method })

describe('a graceful GOAWAY', () => {
  it.each<HttpMethod>(['GET', 'POST'])(
    '%s: the streams above its last stream id go out again, counted as the server ran them',
    async (method) => {
      server = await goesAwayAfter(20)
      const result = await loadTest({
        url: server.url,
        http2: true,
        users: 3,
        pipelining: 8,
        requests: 300,
        ...withBody(method),
      })
      expect(result.metrics.errorsByType).toEqual({})
      expect(result.metrics.successfulRequests).toBe(300)
      expect(server.processed).toBe(300)
      // The case happened: streams came after the last one each connection ran.
      expect(server.received).toBeGreaterThan(300)
    },
  )

  it('a stream above its last stream id twice is `stream_refused`, whatever its method', async () => {
    server = await goesAwayAtOnce()
    const result = await loadTest({
      url: server.url,
      http2: true,
      users: 1,
      requests: 3,
      method: 'POST',
      body: 'x',
    })
    expect(Object.keys(result.metrics.errorsByType)).toEqual(['stream_refused'])
    expect(result.metrics.errorsByType.stream_refused?.count).toBe(3)
    expect(server.received).toBe(6)
  })

  it("a server's own session.close() every 30 streams: no error, a GET lost with it goes out again", async () => {
    server = await closesAfter(30)
    const result = await loadTest({ url: server.url, http2: true, users: 3, pipelining: 8, requests: 300 })
    expect(result.metrics.errorsByType).toEqual({})
    expect(result.metrics.successfulRequests).toBe(300)
    expect(server.processed).toBeGreaterThanOrEqual(300)
  })

  it('a POST it may have run (at or below its last stream id) is counted, never sent twice', async () => {
    server = await announcesShutdownAt(5)
    const result = await loadTest({
      url: server.url,
      http2: true,
      users: 2,
      pipelining: 4,
      requests: 60,
      method: 'POST',
      body: 'x',
    })
    const reset = result.metrics.errorsByType.connection_reset?.count ?? 0
    expect(Object.keys(result.metrics.errorsByType).filter((type) => type !== 'connection_reset')).toEqual([])
    expect(reset).toBeGreaterThan(0)
    expect(result.metrics.successfulRequests + reset).toBe(60)
    expect(server.received).toBeLessThanOrEqual(60)
  })

  it('a GET it may have run goes out once more', async () => {
    server = await announcesShutdownAt(5)
    const result = await loadTest({ url: server.url, http2: true, users: 2, pipelining: 4, requests: 60 })
    expect(result.metrics.errorsByType).toEqual({})
    expect(result.metrics.successfulRequests).toBe(60)
    expect(server.received).toBeGreaterThan(60)
  })
})

describe('RST_STREAM', () => {
  it.each<HttpMethod>(['GET', 'POST'])(
    '%s: a stream refused (REFUSED_STREAM) goes out once more, counted as the server ran them',
    async (method) => {
      server = await resetsStreams(3, NGHTTP2_REFUSED_STREAM)
      const result = await loadTest({
        url: server.url,
        http2: true,
        users: 2,
        requests: 60,
        ...withBody(method),
      })
      expect(result.metrics.errorsByType).toEqual({})
      expect(result.metrics.successfulRequests).toBe(60)
      expect(server.processed).toBe(60)
      expect(server.received).toBeGreaterThan(60)
    },
  )

  it('a stream refused twice is `stream_refused`', async () => {
    server = await resetsStreams(1, NGHTTP2_REFUSED_STREAM)
    const result = await loadTest({ url: server.url, http2: true, users: 1, requests: 3 })
    expect(Object.keys(result.metrics.errorsByType)).toEqual(['stream_refused'])
    expect(result.metrics.errorsByType.stream_refused?.count).toBe(3)
    expect(server.received).toBe(6)
    expect(server.processed).toBe(0)
  })

  it.each([
    ['INTERNAL_ERROR', NGHTTP2_INTERNAL_ERROR],
    ['CANCEL', NGHTTP2_CANCEL],
  ])('a stream reset with %s is `stream_reset`, never sent again', async (_name, code) => {
    server = await resetsStreams(1, code)
    const result = await loadTest({ url: server.url, http2: true, users: 1, requests: 3 })
    expect(Object.keys(result.metrics.errorsByType)).toEqual(['stream_reset'])
    expect(result.metrics.errorsByType.stream_reset?.count).toBe(3)
    expect(server.received).toBe(3)
  })
})

describe('response heads over HTTP/2 limits', () => {
  it('four 60 KB response headers (CONTINUATION frames) fail each request at once, never hanging to the timeout', async () => {
    server = await bigHeaders(4, 60_000)
    const result = await loadTest({ url: server.url, http2: true, users: 2, duration: '1s', timeout: '5s' })
    expect(Object.keys(result.metrics.errorsByType)).toEqual(['invalid_response'])
    expect(result.metrics.errorsByType.invalid_response?.count).toBe(result.metrics.totalRequests)
    expect(result.metrics.errorsByType.invalid_response?.sampleMessages[0]).toMatch(/CONTINUATION/)
  })
})

describe('journeys over HTTP/2', () => {
  const steps = [{ path: '/a' }, { path: '/b', method: 'POST' as const, body: 'x' }]

  it('a graceful GOAWAY: the steps above its last stream id go out again', async () => {
    server = await goesAwayAfter(5)
    const result = await loadTest({ url: server.url, http2: true, users: 2, requests: 40, steps })
    expect(result.metrics.errorsByType).toEqual({})
    expect(result.metrics.successfulRequests).toBe(40)
    expect(server.processed).toBe(40)
    expect(server.received).toBeGreaterThan(40)
  })

  it('a response head in too many CONTINUATION frames fails each step at once, never hanging', async () => {
    server = await bigHeaders(4, 60_000)
    const result = await loadTest({
      url: server.url,
      http2: true,
      users: 2,
      duration: '1s',
      timeout: '5s',
      steps,
    })
    expect(Object.keys(result.metrics.errorsByType)).toEqual(['invalid_response'])
  })

  it('a refused stream goes out once more', async () => {
    server = await resetsStreams(3, NGHTTP2_REFUSED_STREAM)
    const result = await loadTest({ url: server.url, http2: true, users: 2, requests: 40, steps })
    expect(result.metrics.errorsByType).toEqual({})
    expect(result.metrics.successfulRequests).toBe(40)
    expect(server.processed).toBe(40)
    expect(server.received).toBeGreaterThan(40)
  })
})
