import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { decodeBody } from '../../../src/engine/decode-body.ts'
import type { NativeTransport } from '../../../src/foundation/types.ts'
import { loadTest } from '../../../src/orchestration/load-test.ts'
import { startServer, type TestServer } from '../../helpers/servers.ts'

// A check sees the decoded body of a compressed response; the bytes counted are the ones on the wire.

const TRANSPORTS: NativeTransport[] = ['undici', 'fast']
const TEXT = Buffer.from(`{"status":"healthy","padding":"${'x'.repeat(500)}"}`)
const ENCODED: [string, Buffer][] = [
  ['gzip', gzipSync(TEXT)],
  ['br', brotliCompressSync(TEXT)],
  ['deflate', deflateSync(TEXT)],
]

let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

describe.each(TRANSPORTS)('transport %s: compressed bodies', (transport) => {
  it.each(ENCODED)('hands a check the decoded body of a %s response', async (coding, encoded) => {
    server = await startServer((_request, response) => {
      response.setHeader('content-encoding', coding)
      response.end(encoded)
    })
    const result = await loadTest({
      url: server.url,
      transport,
      users: 2,
      requests: 20,
      headers: { 'accept-encoding': coding },
      check: ({ body }) => body.includes('"status":"healthy"'),
    })
    expect(result.metrics.errorsByType).toEqual({})
    expect(result.metrics.successfulRequests).toBe(20)
    expect(result.metrics.bytesReceived).toBe(20 * encoded.length)
  })

  it.each(ENCODED)(
    "hands a journey step's check and capture the decoded body of a %s response",
    async (coding, encoded) => {
      const token = 'healthy' // TEXT's "status"
      let authorized = 0
      server = await startServer((request, response) => {
        if (request.url === '/me') {
          if (request.headers.authorization === `Bearer ${token}`) authorized++
          return response.end('me')
        }
        response.setHeader('content-encoding', coding)
        response.end(encoded)
      })
      const result = await loadTest({
        url: server.url,
        transport,
        users: 2,
        requests: 20,
        steps: [
          {
            path: '/status',
            capture: { token: 'json:status' },
            check: ({ body }) => body.includes('"padding"'),
          },
          { path: '/me', headers: { authorization: 'Bearer {{token}}' } },
        ],
      })
      expect(result.metrics.errorsByType).toEqual({})
      expect(result.metrics.successfulRequests).toBe(20)
      expect(authorized).toBe(result.endpoints?.['GET /me']?.successfulRequests)
      expect(authorized).toBeGreaterThan(0)
    },
  )

  it('fails a capture, naming why, when a body is not what its coding says', async () => {
    server = await startServer((_request, response) => {
      response.setHeader('content-encoding', 'gzip')
      response.end('{"not":"gzip"}')
    })
    const result = await loadTest({
      url: server.url,
      transport,
      users: 1,
      requests: 3,
      steps: [{ path: '/', capture: { not: 'json:not' } }],
    })
    expect(result.metrics.errorsByType.capture_failed?.count).toBe(3)
    expect(result.metrics.errorsByType.capture_failed?.sampleMessages[0]).toMatch(/could not be decoded/)
  })

  it('fails the check, not the run, when a body is not what its coding says', async () => {
    server = await startServer((_request, response) => {
      response.setHeader('content-encoding', 'gzip')
      response.end('not gzip')
    })
    const result = await loadTest({
      url: server.url,
      transport,
      users: 1,
      requests: 5,
      check: ({ body }) => body.length > 0,
    })
    expect(result.metrics.errorsByType.check_failed?.count).toBe(5)
  })
})

describe('decodeBody', () => {
  it('undoes gzip, br, deflate (zlib or raw) and stacked codings, and leaves unknown ones', () => {
    for (const [coding, encoded] of ENCODED) expect(decodeBody(encoded, coding)).toEqual(TEXT)
    expect(decodeBody(deflateRawSync(TEXT), 'deflate')).toEqual(TEXT)
    expect(decodeBody(brotliCompressSync(gzipSync(TEXT)), 'gzip, br')).toEqual(TEXT)
    expect(decodeBody(TEXT, ['identity'])).toEqual(TEXT)
    expect(decodeBody(TEXT, 'zstd')).toEqual(TEXT)
    expect(decodeBody(TEXT, undefined)).toEqual(TEXT)
  })
})
