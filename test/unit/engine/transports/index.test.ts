import { describe, expect, it } from 'vitest'
import { loadTransport, loadUserFactory, TRANSPORTS } from '../../../../src/engine/transports/index.ts'
import { resolveLoadOptions } from '../../../../src/options/resolve.ts'

describe('the transport registry', () => {
  it('loads a factory for every transport the options accept', async () => {
    expect(Object.keys(TRANSPORTS).sort()).toEqual(['fast', 'undici'])
    for (const transport of ['undici', 'fast'] as const) {
      const options = resolveLoadOptions({ url: 'http://127.0.0.1:1/', transport })
      expect(typeof (await loadUserFactory(options.request, options.native))).toBe('function')
    }
  })

  it('gives each transport its run users and its journey connections, from one entry', async () => {
    const handler = { onBytes: () => {}, onResponse: () => {}, onFailure: () => {} }
    for (const name of ['undici', 'fast'] as const) {
      const options = resolveLoadOptions({ url: 'http://127.0.0.1:1/', transport: name })
      const transport = await loadTransport(name)
      expect(typeof transport.users(options.request, options.native)).toBe('function')
      const journeys = transport.journeys(options.request, options.native, options.request.timeoutMs)
      const connection = journeys.connect(handler, () => 0)
      // Nothing is sent: a connection opens on its first request.
      connection.close()
    }
  })

  it('rejects a transport name it does not know before any run', () => {
    expect(() => resolveLoadOptions({ url: 'http://127.0.0.1:1/', transport: 'h2' as never })).toThrow(
      /`transport` option to be one of 'undici', 'fast', got 'h2' \(string\)/,
    )
  })
})
