import { describe, expect, it } from 'vitest'
import { classifyError, describeError, tlsReason } from '../../../src/engine/classify-error.ts'

const coded = (code: string, message = code) => Object.assign(new Error(message), { code })

describe('TLS failures', () => {
  it.each([
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'certificate untrusted'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'certificate untrusted'],
    ['CERT_HAS_EXPIRED', 'certificate expired'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'hostname mismatch'],
    ['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'handshake failure'],
  ])('classifies %s as tls: %s', (code, reason) => {
    expect(classifyError(coded(code))).toBe('tls')
    expect(tlsReason(new Error('wrapped', { cause: coded(code) }))).toBe(reason)
    expect(describeError(coded(code, 'details'))).toBe(`${reason}: ${code}: details`)
  })

  it("reads OpenSSL's own errors (the server does not speak TLS) as a handshake failure", () => {
    const error = coded(
      'EPROTO',
      'write EPROTO 80EC:error:0A00010B:SSL routines:ssl3_get_record:wrong version number',
    )
    expect(classifyError(error)).toBe('tls')
    expect(tlsReason(error)).toBe('handshake failure')
  })

  it('leaves other errors alone', () => {
    expect(tlsReason(coded('ECONNRESET'))).toBeUndefined()
    expect(classifyError(coded('ECONNRESET'))).toBe('connection_reset')
  })
})
