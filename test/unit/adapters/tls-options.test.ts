import { generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createAdapter } from '../../../src/adapters/index.ts'
import { assertK6Supports, buildK6Args } from '../../../src/adapters/k6.ts'
import { assertSupported } from '../../../src/adapters/run-adapter.ts'
import { k6Spec } from '../../../src/adapters/scripts/k6-script.ts'
import { isPerfError } from '../../../src/foundation/errors.ts'
import type { LoadTestOptions } from '../../../src/foundation/types.ts'
import { resolveLoadOptions } from '../../../src/options/resolve.ts'

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'
// A real key: option validation reads it (src/options/tls.ts).
const KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ format: 'pem', type: 'pkcs8' })
  .toString()
const resolve = (options: Partial<LoadTestOptions>) =>
  resolveLoadOptions({ url: 'https://api.example.invalid/health', duration: '1s', ...options })
const files = { script: 's.js', spec: 'spec.json', summary: 'summary.json' }

function refusal(assert: () => void): unknown {
  try {
    assert()
  } catch (error) {
    return error
  }
  return undefined
}

describe('tls on the external tools', () => {
  it('maps `rejectUnauthorized: false` to k6 --insecure-skip-tls-verify', () => {
    const options = resolve({ tool: 'k6', tls: { rejectUnauthorized: false } })
    assertK6Supports(options)
    expect(buildK6Args(options, files)).toContain('--insecure-skip-tls-verify')
    expect(buildK6Args(resolve({ tool: 'k6' }), files)).not.toContain('--insecure-skip-tls-verify')
  })

  it("maps a client certificate to k6's tlsAuth for the URL's host", () => {
    const options = resolve({ tool: 'k6', tls: { cert: PEM, key: KEY } })
    assertK6Supports(options)
    expect(k6Spec(options).options.tlsAuth).toEqual([
      { domains: ['api.example.invalid'], cert: PEM, key: KEY },
    ])
  })

  it.each([
    [{ ca: PEM }, 'tls.ca'],
    [{ servername: 'other.example' }, 'tls.servername'],
    [{ cert: PEM, key: KEY, passphrase: 'x' }, 'tls.passphrase'],
  ])('refuses what k6 cannot express: %o', (tls, option) => {
    const error = refusal(() => assertK6Supports(resolve({ tool: 'k6', tls })))
    expect(isPerfError(error, 'PERF_TOOL_UNSUPPORTED_OPTION')).toBe(true)
    expect(error).toMatchObject({ tool: 'k6', option })
  })

  it.each(['ab', 'locust'] as const)('refuses `tls` and `maxHeaderSize` on %s', (tool) => {
    for (const extra of [{ tls: { rejectUnauthorized: false } }, { maxHeaderSize: 65_536 }]) {
      const error = refusal(() => assertSupported(createAdapter(tool), resolve({ tool, ...extra })))
      expect(isPerfError(error, 'PERF_TOOL_UNSUPPORTED_OPTION')).toBe(true)
      expect(error).toMatchObject({ tool, option: Object.keys(extra)[0] })
    }
  })
})
