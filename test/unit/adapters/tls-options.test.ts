import { generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { assertAbSupports } from '../../../src/adapters/ab.ts'
import { createAdapter } from '../../../src/adapters/index.ts'
import { assertK6Supports, buildK6Args } from '../../../src/adapters/k6.ts'
import { assertSupported } from '../../../src/adapters/run-adapter.ts'
import { k6Spec } from '../../../src/adapters/scripts/k6-script.ts'
import { locustJourneySpec } from '../../../src/adapters/scripts/locust-journey-script.ts'
import { locustRequestSpec } from '../../../src/adapters/scripts/locustfile.ts'
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

  it.each(['ab', 'locust'] as const)('refuses `maxHeaderSize` on %s', (tool) => {
    const error = refusal(() =>
      assertSupported(createAdapter(tool), resolve({ tool, maxHeaderSize: 65_536 })),
    )
    expect(isPerfError(error, 'PERF_TOOL_UNSUPPORTED_OPTION')).toBe(true)
    expect(error).toMatchObject({ tool, option: 'maxHeaderSize' })
  })

  it("gives Locust's generated locustfiles the run's CAs and verification (verified by default)", () => {
    const spec = (tls?: LoadTestOptions['tls']) =>
      locustRequestSpec(resolve({ tool: 'locust', ...(tls === undefined ? {} : { tls }) }).request).tls
    expect(spec()).toEqual({ verify: true, ca: null })
    expect(spec({ ca: [PEM, PEM] })).toEqual({ verify: true, ca: `${PEM}\n${PEM}` })
    expect(spec({ rejectUnauthorized: false })).toEqual({ verify: false, ca: null })
    const journey = resolve({ tool: 'locust', tls: { ca: PEM }, steps: [{ path: '/' }] })
    expect(
      locustJourneySpec(journey.request.url, journey.journey!, undefined, journey.request.tls).tls,
    ).toEqual({ verify: true, ca: PEM })
  })

  it('refuses https on ab unless verification is off (ab cannot verify)', () => {
    const ab = (options: Partial<LoadTestOptions>) => () => {
      const resolved = resolve({ tool: 'ab', ...options })
      assertAbSupports(resolved.request, resolved.shape)
    }
    expect(refusal(ab({}))).toMatchObject({ code: 'PERF_TOOL_UNSUPPORTED_OPTION', option: 'tls' })
    expect(refusal(ab({ tls: { rejectUnauthorized: false } }))).toBeUndefined()
    expect(refusal(ab({ url: 'http://127.0.0.1:9/' }))).toBeUndefined()
    expect(refusal(ab({ tls: { rejectUnauthorized: false, ca: PEM } }))).toMatchObject({ option: 'tls.ca' })
  })
})
