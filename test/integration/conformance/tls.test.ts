import http from 'node:http'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { isPerfError } from '../../../src/foundation/errors.ts'
import type { LoadTestOptions, NativeTransport, TlsOptions } from '../../../src/foundation/types.ts'
import { loadTest } from '../../../src/orchestration/load-test.ts'
import { hasOpenssl, makeCertificates, type TestCertificates } from '../../helpers/tls-certs.ts'

// TLS on both transports: trust, client certificates, and every handshake failure counted as `tls` with
// what went wrong in its sample message.

const TRANSPORTS: NativeTransport[] = ['undici', 'fast']

let certs: TestCertificates
let closeServer: (() => Promise<void>) | undefined
beforeAll(() => {
  if (hasOpenssl) certs = makeCertificates()
}, 30_000)
afterEach(async () => {
  await closeServer?.()
  closeServer = undefined
})
afterAll(() => {})

async function httpsServer(options: https.ServerOptions): Promise<{ url: string; count: () => number }> {
  let count = 0
  const server = https.createServer(options, (_request, response) => {
    count++
    response.end('ok')
  })
  server.on('tlsClientError', () => {})
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  closeServer = () => {
    server.closeAllConnections()
    return new Promise((resolve) => server.close(() => resolve()))
  }
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/`, count: () => count }
}

describe.skipIf(!hasOpenssl)('tls (skipped without /usr/bin/openssl)', () => {
  describe.each(TRANSPORTS)('transport %s', (transport) => {
    const load = (options: LoadTestOptions) => loadTest({ ...options, transport, users: 2, requests: 10 })

    it('counts a self-signed certificate as `tls`: certificate untrusted', async () => {
      const server = await httpsServer(certs.selfSigned)
      const result = await load({ url: server.url })
      expect(result.metrics.errorsByType.tls?.count).toBe(10)
      expect(result.metrics.errorsByType.tls?.sampleMessages[0]).toMatch(
        /^certificate untrusted: .*self[- ]signed/i,
      )
      expect(server.count()).toBe(0)
    })

    it('trusts the certificates in `tls.ca`', async () => {
      const server = await httpsServer(certs.server)
      const result = await load({ url: server.url, tls: { ca: certs.ca.cert } })
      expect(result.metrics.errorsByType).toEqual({})
      expect(result.metrics.successfulRequests).toBe(10)
      expect(server.count()).toBe(10)
    })

    it('skips verification with `rejectUnauthorized: false`', async () => {
      const server = await httpsServer(certs.selfSigned)
      const result = await load({ url: server.url, tls: { rejectUnauthorized: false } })
      expect(result.metrics.successfulRequests).toBe(10)
    })

    it('counts an expired certificate as `tls`: certificate expired', async () => {
      const server = await httpsServer(certs.expired)
      const result = await load({ url: server.url, tls: { ca: certs.ca.cert } })
      expect(result.metrics.errorsByType.tls?.count).toBe(10)
      expect(result.metrics.errorsByType.tls?.sampleMessages[0]).toMatch(
        /^certificate expired: CERT_HAS_EXPIRED/,
      )
    })

    it('counts a certificate for another host as `tls`: hostname mismatch; `servername` names the host', async () => {
      const server = await httpsServer(certs.otherHost)
      const mismatch = await load({ url: server.url, tls: { ca: certs.ca.cert } })
      expect(mismatch.metrics.errorsByType.tls?.count).toBe(10)
      expect(mismatch.metrics.errorsByType.tls?.sampleMessages[0]).toMatch(/^hostname mismatch: /)
      const named = await load({ url: server.url, tls: { ca: certs.ca.cert, servername: 'other.example' } })
      expect(named.metrics.errorsByType).toEqual({})
      expect(named.metrics.successfulRequests).toBe(10)
    })

    it('presents a client certificate (`cert`, `key`, `passphrase`) to a server that asks for one', async () => {
      const server = await httpsServer({
        ...certs.server,
        ca: certs.ca.cert,
        requestCert: true,
        rejectUnauthorized: true,
      })
      const tls = {
        ca: certs.ca.cert,
        cert: certs.client.cert,
        key: certs.client.key,
        passphrase: certs.clientPassphrase,
      }
      const result = await load({ url: server.url, tls })
      expect(result.metrics.errorsByType).toEqual({})
      expect(result.metrics.successfulRequests).toBe(10)
      const without = await load({ url: server.url, tls: { ca: certs.ca.cert } })
      expect(without.metrics.successfulRequests).toBe(0)
      // TLS 1.3 refuses a missing client certificate after the client's handshake, with an alert: the
      // request that went out on the connection counts as `tls`, with the alert as its reason.
      expect(Object.keys(without.metrics.errorsByType)).toEqual(['tls'])
      expect(without.metrics.errorsByType.tls?.count).toBe(10)
      expect(without.metrics.errorsByType.tls?.sampleMessages[0]).toMatch(
        /^handshake failure: ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: .*alert certificate required/i,
      )
    })

    it('reads the response after an unsolicited 100 Continue', async () => {
      let count = 0
      const server = https.createServer(certs.server, (_request, response) => {
        count++
        response.writeContinue()
        response.end('ok')
      })
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      closeServer = () => {
        server.closeAllConnections()
        return new Promise((resolve) => server.close(() => resolve()))
      }
      const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`
      const result = await load({ url, tls: { ca: certs.ca.cert }, check: ({ body }) => body === 'ok' })
      expect(result.metrics.errorsByType).toEqual({})
      expect(result.metrics.statusCodes).toEqual({ '200': 10 })
      expect(count).toBe(10)
    })

    it('counts https to a plain HTTP server as `tls`: handshake failure', async () => {
      const server = http.createServer((_request, response) => response.end('ok'))
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      closeServer = () => {
        server.closeAllConnections()
        return new Promise((resolve) => server.close(() => resolve()))
      }
      const result = await load({ url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/` })
      expect(result.metrics.errorsByType.tls?.count).toBe(10)
      expect(result.metrics.errorsByType.tls?.sampleMessages[0]).toMatch(
        /^handshake failure: .*wrong version number/i,
      )
    })
  })

  it.each(TRANSPORTS)(
    'transport %s: a client key it cannot read (wrong or missing passphrase) is refused before any load',
    async (transport) => {
      const server = await httpsServer({ ...certs.server, ca: certs.ca.cert, requestCert: true })
      const client = { ca: certs.ca.cert, cert: certs.client.cert, key: certs.client.key }
      const cases: [TlsOptions, string, RegExp][] = [
        [
          { ...client, passphrase: 'wrong' },
          'tls.passphrase',
          /`tls.passphrase` option given does not decrypt `tls.key`/,
        ],
        [client, 'tls.passphrase', /`tls.key` is encrypted: give its `tls.passphrase`/],
        [
          { ...client, key: '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n' },
          'tls.key',
          /tls.key/,
        ],
      ]
      for (const [tls, option, message] of cases) {
        const error = await loadTest({ url: server.url, transport, users: 2, duration: 1, tls }).catch(
          (caught: unknown) => caught,
        )
        expect(isPerfError(error, 'PERF_INVALID_OPTION'), option).toBe(true)
        expect(error).toMatchObject({ option })
        expect((error as Error).message).toMatch(message)
        // The passphrase is a secret: never in a message.
        expect((error as Error).message).not.toContain('wrong')
      }
      expect(server.count()).toBe(0)
    },
  )

  it.each([
    [{ ca: 'not a certificate' }, /`tls.ca` option to be PEM text/],
    [{ cert: '-----BEGIN CERTIFICATE-----' }, /both `tls.cert` and `tls.key`/],
    [{ rejectUnauthorized: 'no' }, /`tls.rejectUnauthorized` option to be true or false/],
    [{ verify: false }, /tls\.verify/],
  ])('refuses a bad `tls` option before any request: %o', async (tls, message) => {
    const error = await loadTest({ url: 'https://127.0.0.1:9/', requests: 1, tls: tls as never }).catch(
      (caught: unknown) => caught,
    )
    expect(isPerfError(error, 'PERF_INVALID_OPTION')).toBe(true)
    expect((error as Error).message).toMatch(message)
  })
})
