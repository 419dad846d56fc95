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
