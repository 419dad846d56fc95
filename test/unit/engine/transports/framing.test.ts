import { describe, expect, it } from 'vitest'
import { headersToSend, KEEP_ALIVE_MS, requestTarget } from '../../../../src/engine/transports/framing.ts'

describe('headersToSend', () => {
  it('drops the framing headers and keeps every other header, host and connection included', () => {
    expect(
      headersToSend({
        'content-length': '5',
        'transfer-encoding': 'chunked',
        host: 'example.invalid',
        connection: 'close',
        'x-a': '1',
      }),
    ).toEqual([
      ['host', 'example.invalid'],
      ['connection', 'close'],
      ['x-a', '1'],
    ])
  })
})

describe('requestTarget', () => {
  it('is the path and query as WHATWG URL encoded them', () => {
    expect(requestTarget(new URL('http://h.invalid/a b/é?q=x y'))).toBe('/a%20b/%C3%A9?q=x%20y')
    expect(requestTarget(new URL('http://h.invalid'))).toBe('/')
  })
})

describe('KEEP_ALIVE_MS', () => {
  it("is below Node's default server keep-alive timeout, so an idle connection is replaced before it closes", () => {
    expect(KEEP_ALIVE_MS).toBeLessThan(5000)
  })
})
