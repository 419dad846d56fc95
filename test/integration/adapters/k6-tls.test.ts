import https from 'node:https'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeAll, expect, it } from 'vitest'
import { K6Adapter } from '../../../src/adapters/k6.ts'
import { loadTest } from '../../../src/orchestration/load-test.ts'
import { hasOpenssl, type KeyPair, makeCertificates, type TestCertificates } from '../../helpers/tls-certs.ts'
import { describeWithTool } from '../../helpers/tools.ts'

// k6 files a TLS failure under error_code 1300–1399 (untrusted: 1310, another host: 1311, not TLS: 1301),
// or under 1000 with Go's `x509: …` text (an expired certificate): perfspec's `tls`, as on the native engine.

let certs: TestCertificates
let closeServer: (() => Promise<void>) | undefined

beforeAll(() => {
  if (hasOpenssl) certs = makeCertificates()
}, 30_000)

afterEach(async () => {
  await closeServer?.()
  closeServer = undefined
})

async function httpsServer(pair: KeyPair): Promise<string> {
  const server = https.createServer(pair, (_request, response) => response.end('ok'))
  server.on('tlsClientError', () => {})
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  closeServer = () => {
    server.closeAllConnections()
    return new Promise((resolve) => server.close(() => resolve()))
  }
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}/`
}

await describeWithTool(new K6Adapter(), 'k6 against servers whose certificate it refuses', () => {
  it.skipIf(!hasOpenssl)(
    'files self-signed, expired and other-host certificates as `tls`',
    async () => {
      for (const pair of [certs.selfSigned, certs.expired, certs.otherHost]) {
        const url = await httpsServer(pair)
        const result = await loadTest({ url, tool: 'k6', requests: 3, users: 1, errorBudget: false })
        expect(result.metrics.failedRequests).toBe(3)
        expect(Object.keys(result.metrics.errorsByType)).toEqual(['tls'])
        expect(result.metrics.errorsByType.tls?.count).toBe(3)
        await closeServer?.()
        closeServer = undefined
      }
    },
    60_000,
  )

  it.skipIf(!hasOpenssl)(
    'files a journey’s TLS failures as `tls` too (for the whole run)',
    async () => {
      const url = await httpsServer(certs.expired)
      const result = await loadTest({
        url,
        tool: 'k6',
        users: 1,
        duration: 1,
        errorBudget: false,
        steps: [{ name: 'home', path: '/' }],
      })
      expect(result.metrics.failedRequests).toBeGreaterThan(0)
      expect(Object.keys(result.metrics.errorsByType)).toEqual(['tls'])
      expect(result.metrics.errorsByType.tls?.count).toBe(result.metrics.failedRequests)
    },
    30_000,
  )
})
