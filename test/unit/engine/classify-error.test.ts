import vm from 'node:vm'
import { describe, expect, test } from 'vitest'
import { classifyError, describeError } from '../../../src/engine/classify-error.ts'

// An error made by another realm's Error, as Jest's sandbox hands the engine its sockets' errors.
function foreignError(message: string, code: string, cause?: unknown): Error {
  return vm.runInNewContext('Object.assign(new Error(message, { cause }), { code })', {
    message,
    code,
    cause,
  })
}

describe('classifyError', () => {
  test('reads the code of an error from another realm (Jest), not only of this realm’s Errors', () => {
    const refused = foreignError('connect ECONNREFUSED 127.0.0.1:4711', 'ECONNREFUSED')
    expect(refused instanceof Error).toBe(false)
    expect(classifyError(refused)).toBe('connection_refused')
    expect(describeError(refused)).toBe('ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:4711')
  })

  test('walks a foreign cause chain (undici wraps the socket error)', () => {
    const reset = foreignError(
      'other side closed',
      'UND_ERR_SOCKET',
      foreignError('read ECONNRESET', 'ECONNRESET'),
    )
    expect(classifyError(reset)).toBe(
      classifyError(Object.assign(new Error('x'), { code: 'UND_ERR_SOCKET' })),
    )
    expect(classifyError(foreignError('wrapped', 'X_UNKNOWN', foreignError('reset', 'ECONNRESET')))).toBe(
      'connection_reset',
    )
  })

  test('anything without a message stays other', () => {
    expect(classifyError('ECONNREFUSED')).toBe('other')
    expect(classifyError(undefined)).toBe('other')
  })
})

describe('classifyError over HTTP/2', () => {
  const streamError = (name: string) =>
    Object.assign(new Error(`Stream closed with error code ${name}`), { code: 'ERR_HTTP2_STREAM_ERROR' })

  test('a stream refused (REFUSED_STREAM) is stream_refused, any other RST_STREAM stream_reset', () => {
    expect(classifyError(streamError('NGHTTP2_REFUSED_STREAM'))).toBe('stream_refused')
    expect(classifyError(streamError('NGHTTP2_INTERNAL_ERROR'))).toBe('stream_reset')
    expect(classifyError(streamError('NGHTTP2_ENHANCE_YOUR_CALM'))).toBe('stream_reset')
  })

  test('a GOAWAY with an error code is connection_reset, framing nghttp2 refuses invalid_response', () => {
    const goaway = Object.assign(new Error('Session closed with error code 11'), {
      code: 'ERR_HTTP2_SESSION_ERROR',
    })
    expect(classifyError(goaway)).toBe('connection_reset')
    const framing = Object.assign(new Error('Too many CONTINUATION frames following a HEADER frame'), {
      code: 'ERR_HTTP2_ERROR',
    })
    expect(classifyError(framing)).toBe('invalid_response')
  })
})
