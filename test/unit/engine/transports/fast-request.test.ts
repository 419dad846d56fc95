import { describe, expect, it } from 'vitest'
import { encodeRequest, requestBatches, targetOf } from '../../../../src/engine/transports/fast-request.ts'
import type { LoadTestOptions } from '../../../../src/foundation/types.ts'
import { resolveLoadOptions } from '../../../../src/options/resolve.ts'

function encode(options: Partial<LoadTestOptions> & { url: string }): string {
  return encodeRequest(resolveLoadOptions(options).request).toString('latin1')
}

describe('encodeRequest', () => {
  it('writes a GET with its host and nothing more', () => {
    expect(encode({ url: 'http://127.0.0.1:8080/a/b?c=1' })).toBe(
      'GET /a/b?c=1 HTTP/1.1\r\nhost: 127.0.0.1:8080\r\n\r\n',
    )
  })

  it('frames the body itself and ignores framing headers given as headers', () => {
    const text = encode({
      url: 'http://localhost/',
      method: 'POST',
      headers: { 'X-Token': 'a"b', 'Content-Length': '999', 'Transfer-Encoding': 'chunked' },
      body: { n: 1 },
    })
    expect(text).toBe(
      'POST / HTTP/1.1\r\nhost: localhost\r\nx-token: a"b\r\ncontent-type: application/json\r\n' +
        'content-length: 7\r\n\r\n{"n":1}',
    )
  })

  it('says content-length: 0 for an empty POST, and keeps a host header it was given', () => {
    expect(encode({ url: 'http://localhost/', method: 'POST', headers: { Host: 'example.invalid' } })).toBe(
      'POST / HTTP/1.1\r\nhost: example.invalid\r\ncontent-length: 0\r\n\r\n',
    )
  })
})

describe('requestBatches', () => {
  it('holds k copies of the request back to back for each k up to the depth', () => {
    const request = Buffer.from('GET / HTTP/1.1\r\n\r\n')
    const batches = requestBatches(request, 3)
    expect(batches.map((batch) => batch.length)).toEqual([0, 18, 36, 54])
    expect(batches[3]?.toString()).toBe(request.toString().repeat(3))
  })

  it('holds one copy only of a large request', () => {
    const batches = requestBatches(Buffer.alloc(100_000), 10)
    expect(batches).toHaveLength(2)
  })
})

describe('targetOf', () => {
  it('finds host, port, TLS and the server name', () => {
    expect(targetOf(new URL('https://example.invalid/'))).toEqual({
      host: 'example.invalid',
      port: 443,
      tls: true,
      servername: 'example.invalid',
    })
    expect(targetOf(new URL('http://[::1]:81/'))).toEqual({
      host: '::1',
      port: 81,
      tls: false,
      servername: undefined,
    })
    expect(targetOf(new URL('https://127.0.0.1:8443/')).servername).toBeUndefined()
  })
})

describe('encodeRequest refuses what Latin-1 would turn into other bytes', () => {
  it.each(['\u010d\u010aGET /smuggled', '\r\nx: 1', '\u20ac'])(
    'a header value %j, whoever built the options',
    (value) => {
      const url = new URL('http://127.0.0.1/')
      expect(() => encodeRequest({ url, method: 'GET', headers: { 'x-a': value }, body: undefined })).toThrow(
        /refusing to send/,
      )
    },
  )

  it('sends obs-text as its one Latin-1 byte', () => {
    const url = new URL('http://127.0.0.1/')
    const bytes = encodeRequest({ url, method: 'GET', headers: { 'x-a': 'caf\u00e9' }, body: undefined })
    expect(bytes.includes(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0d, 0x0a]))).toBe(true)
  })
})
