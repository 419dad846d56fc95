import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ApacheBenchAdapter } from '../../../src/adapters/ab.ts'
import { loadTest } from '../../../src/orchestration/load-test.ts'
import { type CountingHttpsServer, startCountingHttpsServer } from '../../helpers/https-server.ts'
import { hasOpenssl, makeCertificates, type TestCertificates } from '../../helpers/tls-certs.ts'
import { describeWithTool } from '../../helpers/tools.ts'

// ab verifies no certificate, and has no setting to. Rather than report an expired or untrusted
// certificate as a healthy run (where native, k6 and Locust fail every request), ab refuses https unless the
// run opts out of verification with `tls: { rejectUnauthorized: false }`, and then says so in a warning.

let certs: TestCertificates
let server: CountingHttpsServer | undefined

beforeAll(() => {
  if (hasOpenssl) certs = makeCertificates()
}, 30_000)

afterEach(async () => {
  await server?.close()
  server = undefined
})

await describeWithTool(new ApacheBenchAdapter(), 'ab over TLS', () => {
  describe.skipIf(!hasOpenssl)('certificates (skipped without /usr/bin/openssl)', () => {
    it('refuses an https target without `rejectUnauthorized: false`, before sending anything', async () => {
      server = await startCountingHttpsServer(certs.expired)
      const refused = loadTest({ url: server.url, tool: 'ab', users: 2, requests: 20 })
      await expect(refused).rejects.toMatchObject({
        code: 'PERF_TOOL_UNSUPPORTED_OPTION',
        tool: 'ab',
        option: 'tls',
      })
      await expect(refused).rejects.toThrow(/does not verify certificates.*rejectUnauthorized: false/)
      expect(server.count).toBe(0)
    })

    it('runs against https when the run opts out of verification, and warns that it did not verify', async () => {
      server = await startCountingHttpsServer(certs.expired)
      const result = await loadTest({
        url: server.url,
        tool: 'ab',
        users: 2,
        requests: 20,
        tls: { rejectUnauthorized: false },
      })
      expect(result.metrics.successfulRequests).toBe(20)
      expect(result.warnings.join('\n')).toMatch(/ab did not verify the server's certificate/)
    })
  })
})

it('refuses the `tls` settings ab cannot honour, naming each', async () => {
  const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'
  for (const [tls, option] of [
    [{ ca: pem }, 'tls.ca'],
    [{ servername: 'other.example', rejectUnauthorized: false }, 'tls.servername'],
  ] as const) {
    const refused = loadTest({ url: 'https://127.0.0.1:9/', tool: 'ab', requests: 1, users: 1, tls })
    await expect(refused).rejects.toMatchObject({ code: 'PERF_TOOL_UNSUPPORTED_OPTION', tool: 'ab', option })
  }
})
