import { describe, expect, it } from 'vitest'
import { applyRequestRules } from '../../../src/adapters/request-rules.ts'
import type { LoadTestOptions } from '../../../src/foundation/types.ts'
import { DEFAULTS, resolveLoadOptions } from '../../../src/options/resolve.ts'

const resolve = (options: Partial<LoadTestOptions>) =>
  resolveLoadOptions({ url: 'http://127.0.0.1:9/', ...options } as LoadTestOptions, DEFAULTS).request

/** A loopback URL with `user:password@` in it (the parts as they appear in the URL, percent-encoded). */
function withCredentials(url: string, username: string, password: string): string {
  const withUser = new URL(url)
  withUser.username = username
  withUser.password = password
  return withUser.href
}

describe('applyRequestRules', () => {
  it('leaves a request without framing headers or credentials as it was', () => {
    const request = resolve({ headers: { accept: 'text/plain' } })
    expect(applyRequestRules(request)).toEqual({ request, warnings: [] })
  })

  it('drops content-length and transfer-encoding, one warning each', () => {
    const { request, warnings } = applyRequestRules(
      resolve({ headers: { 'content-length': '3', 'transfer-encoding': 'chunked', 'x-a': '1' } }),
    )
    expect(request.headers).toEqual({ 'x-a': '1' })
    expect(warnings).toHaveLength(2)
  })

  it('turns user:password@ into Basic auth and takes it out of the URL', () => {
    const { request, warnings } = applyRequestRules(
      resolve({ url: withCredentials('http://127.0.0.1:9/x', 'al%20ice', 'p%3Ass') }),
    )
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from('al ice:p:ss').toString('base64')}`)
    expect(request.url.href).toBe('http://127.0.0.1:9/x')
    expect(warnings).toEqual([])
  })

  it('keeps the user’s own authorization header over the URL’s credentials, with a warning', () => {
    const { request, warnings } = applyRequestRules(
      resolve({
        url: withCredentials('http://127.0.0.1:9/', 'alice', 'secret'),
        headers: { authorization: 'Bearer t' },
      }),
    )
    expect(request.headers.authorization).toBe('Bearer t')
    expect(request.url.password).toBe('')
    expect(warnings.join('\n')).toContain('`headers.authorization` is sent instead')
  })
})
