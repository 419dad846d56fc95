import { describe, expect, it } from 'vitest'
import { prepareRequest, type RequestDefaults } from '../../../../src/engine/journey/code-request.ts'
import { fastJourneyTransport } from '../../../../src/engine/journey/fast-journey-connection.ts'
import { WireCache } from '../../../../src/engine/journey/wire-cache.ts'
import type { HttpMethod, VuRequestOptions } from '../../../../src/foundation/types.ts'
import { resolveLoadOptions } from '../../../../src/options/resolve.ts'

const { request, native } = resolveLoadOptions({ url: 'http://127.0.0.1:9/api', headers: { 'x-run': 'r' } })
const defaults: RequestDefaults = {
  base: request.url,
  headers: request.headers,
  expectStatus: request.expectStatus,
  transport: fastJourneyTransport(request, native),
}

/** The bytes a request goes out as. */
function sent(wires: WireCache, method: HttpMethod, path: string, options?: VuRequestOptions): string {
  return (prepareRequest(method, path, options, defaults, wires).wire as { bytes: Buffer }).bytes.toString()
}

/** The same request built without a cache. */
function fresh(method: HttpMethod, path: string, options?: VuRequestOptions): string {
  return sent(new WireCache(), method, path, options)
}

describe('a code iteration’s built requests (WireCache)', () => {
  it('builds a request without a body once, and hands the same one back', () => {
    const wires = new WireCache()
    const first = prepareRequest('GET', '/a', { name: 'a' }, defaults, wires)
    const again = prepareRequest('GET', '/a', { name: 'other' }, defaults, wires)
    expect(again.wire).toBe(first.wire)
    // The endpoint is the call's own, not the cached one's.
    expect(again.name).toBe('other')
    expect(prepareRequest('GET', '/a', undefined, defaults, wires).name).toBe('GET /a')
    expect(prepareRequest('GET', '/a', { tags: { name: 'tagged' } }, defaults, wires).name).toBe('tagged')
    expect(wires.size).toBe(1)
  })

  it('never serves a stale request when the method, path, headers or body change', () => {
    const wires = new WireCache()
    const calls: [HttpMethod, string, VuRequestOptions?][] = [
      ['GET', '/a'],
      ['GET', '/a?x=1'],
      ['GET', '/b'],
      ['DELETE', '/a'],
      ['GET', '/a', { headers: { authorization: 'Bearer 1' } }],
      ['GET', '/a', { headers: { authorization: 'Bearer 2' } }],
      ['GET', '/a', { headers: { authorization: 'Bearer 2', 'x-more': '' } }],
      ['GET', '/a', { headers: { 'x-run': 'mine' } }],
      ['POST', '/a', { json: { n: 1 } }],
      ['POST', '/a', { json: { n: 2 } }],
      ['POST', '/a', { body: 'one' }],
      ['POST', '/a', { form: { q: 'two' } }],
      // Parts whose lengths would run together in a key without them.
      ['GET', '/a', { headers: { ab: 'c' } }],
      ['GET', '/a', { headers: { a: 'bc' } }],
    ]
    for (let round = 0; round < 3; round++)
      for (const [method, path, options] of calls)
        expect(sent(wires, method, path, options)).toBe(fresh(method, path, options))
    const headers: Record<string, string> = { authorization: 'Bearer 1' }
    expect(sent(wires, 'GET', '/a', { headers })).toContain('authorization: Bearer 1')
    // The same object, changed: its new value goes out.
    headers['authorization'] = 'Bearer 3'
    expect(sent(wires, 'GET', '/a', { headers })).toContain('authorization: Bearer 3')
  })

  it('still refuses a bad request after a good one of the same path was cached', () => {
    const wires = new WireCache()
    sent(wires, 'GET', '/a', { headers: { 'x-n': '1' } })
    expect(() => sent(wires, 'GET', '/a', { headers: { 'x-n': 1 as unknown as string } })).toThrow(
      /expected a string/,
    )
    expect(() => sent(wires, 'GET', '/a', { headers: { 'x-n': 'a\r\nb' } })).toThrow(/header x-n/)
    expect(() => sent(wires, 'GET', '/a', { nope: true } as VuRequestOptions)).toThrow(/unknown option/)
    expect(() => sent(wires, 'GET', '/a', { json: {}, body: 'x' })).toThrow(/one of/)
    expect(() => sent(wires, 'GET', 'a')).toThrow(/starting with/)
    expect(() => sent(wires, 'GET', '/a\nb')).toThrow(/path/)
  })

  it('starts over when full: paths that vary do not grow it without end', () => {
    const wires = new WireCache(3)
    for (let id = 0; id < 10; id++) sent(wires, 'GET', `/items/${id}`)
    expect(wires.size).toBeLessThanOrEqual(3)
    expect(sent(wires, 'GET', '/items/9')).toBe(fresh('GET', '/items/9'))
  })
})
