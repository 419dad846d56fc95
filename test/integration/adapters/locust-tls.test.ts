import { generateKeyPairSync } from 'node:crypto'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { LocustAdapter } from '../../../src/adapters/locust.ts'
import type { LoadTestOptions, TlsOptions } from '../../../src/foundation/types.ts'
import { loadTest } from '../../../src/orchestration/load-test.ts'
import { type CountingHttpsServer, startCountingHttpsServer } from '../../helpers/https-server.ts'
import { hasOpenssl, type KeyPair, makeCertificates, type TestCertificates } from '../../helpers/tls-certs.ts'
import { childProcesses, describeWithTool } from '../../helpers/tools.ts'

// Locust's FastHttpUser verifies no certificate unless told: perfspec's locustfiles verify as the native
// engine and k6 do, with the run's `tls.ca` and `tls.rejectUnauthorized`, and count a refused certificate as
// `tls` on every request.

const USERS = 2
let certs: TestCertificates
let server: CountingHttpsServer | undefined

beforeAll(() => {
  if (hasOpenssl) certs = makeCertificates()
}, 30_000)

afterEach(async () => {
  await server?.close()
  server = undefined
  expect(childProcesses()).toEqual([])
})

async function run(certificate: KeyPair, options: Partial<LoadTestOptions> = {}) {
  server = await startCountingHttpsServer(certificate)
  return loadTest({ url: server.url, tool: 'locust', users: USERS, duration: 1, ...options })
}

await describeWithTool(new LocustAdapter(), 'Locust over TLS', () => {
  describe.skipIf(!hasOpenssl)('certificates (skipped without /usr/bin/openssl)', () => {
    it('fails every request on a self-signed certificate as `tls`; the server answers none', async () => {
      const result = await run(certs.selfSigned)
      const { metrics } = result
      expect(metrics.totalRequests).toBeGreaterThan(0)
      expect(metrics.errorsByType.tls?.count).toBe(metrics.totalRequests)
      expect(metrics.errorsByType.tls?.sampleMessages[0]).toMatch(/CERTIFICATE_VERIFY_FAILED.*self.signed/)
      expect(result.success).toBe(false)
      expect(server?.count).toBe(0)
    })

    it('fails every request on an expired certificate of a trusted CA as `tls`, in a journey too', async () => {
      for (const journey of [{}, { steps: [{ name: 'home', path: '/' }] }]) {
        const result = await run(certs.expired, { tls: { ca: certs.ca.cert }, ...journey })
        const { metrics } = result
        expect(metrics.totalRequests).toBeGreaterThan(0)
        expect(metrics.errorsByType.tls?.count).toBe(metrics.totalRequests)
        expect(metrics.errorsByType.tls?.sampleMessages[0]).toMatch(/certificate has expired/)
        expect(server?.count).toBe(0)
        await server?.close()
        server = undefined
      }
    })

    it('fails a certificate for another host as `tls`', async () => {
      const { metrics } = await run(certs.otherHost, { tls: { ca: certs.ca.cert } })
      expect(metrics.errorsByType.tls?.count).toBe(metrics.totalRequests)
      expect(server?.count).toBe(0)
    })

    it('trusts the CAs in `tls.ca`: every request succeeds, as many as the server answered', async () => {
      const { metrics } = await run(certs.server, { tls: { ca: certs.ca.cert } })
      expect(metrics.errorsByType).toEqual({})
      expect(metrics.successfulRequests).toBeGreaterThan(0)
      expect(server!.count - metrics.successfulRequests).toBeGreaterThanOrEqual(0)
      expect(server!.count - metrics.successfulRequests).toBeLessThanOrEqual(USERS)
    })

    it('skips verification with `rejectUnauthorized: false`', async () => {
      const { metrics } = await run(certs.expired, { tls: { rejectUnauthorized: false } })
      expect(metrics.errorsByType).toEqual({})
      expect(metrics.successfulRequests).toBeGreaterThan(0)
    })
  })
})

it('refuses the `tls` settings its locustfiles cannot carry, before spawning anything', async () => {
  const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'
  // A real key: perfspec reads the key (and its passphrase) before anything else.
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString()
  const cases: [TlsOptions, string][] = [
    [{ cert: pem, key }, 'tls.cert'],
    [{ servername: 'other.example' }, 'tls.servername'],
  ]
  for (const [tls, option] of cases) {
    const refused = loadTest({ url: 'https://127.0.0.1:9/', tool: 'locust', duration: 1, users: 1, tls })
    await expect(refused).rejects.toMatchObject({
      code: 'PERF_TOOL_UNSUPPORTED_OPTION',
      option,
      tool: 'locust',
    })
  }
  const ownFile = loadTest({
    url: 'https://127.0.0.1:9/',
    locustfile: 'x.py',
    duration: 1,
    tls: { rejectUnauthorized: false },
  })
  await expect(ownFile).rejects.toMatchObject({ code: 'PERF_TOOL_UNSUPPORTED_OPTION', option: 'tls' })
})
