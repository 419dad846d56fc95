import { describe, expect, it } from 'vitest'
import { loadUserFactory, TRANSPORTS } from '../../../../src/engine/transports/index.ts'
import { resolveLoadOptions } from '../../../../src/options/resolve.ts'

describe('the transport registry', () => {
  it('loads a factory for every transport the options accept', async () => {
    expect(Object.keys(TRANSPORTS).sort()).toEqual(['fast', 'undici'])
    for (const transport of ['undici', 'fast'] as const) {
      const options = resolveLoadOptions({ url: 'http://127.0.0.1:1/', transport })
      expect(typeof (await loadUserFactory(options.request, options.native))).toBe('function')
    }
  })

  it('rejects a transport name it does not know before any run', () => {
    expect(() => resolveLoadOptions({ url: 'http://127.0.0.1:1/', transport: 'h2' as never })).toThrow(
      /`transport` option to be one of 'undici', 'fast', got 'h2' \(string\)/,
    )
  })
})
