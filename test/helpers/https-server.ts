import https from 'node:https'
import type { AddressInfo } from 'node:net'
import type { KeyPair } from './tls-certs.ts'

/** An HTTPS server on 127.0.0.1, port 0, answering `ok` with the given certificate, counting the requests it answered. */
export interface CountingHttpsServer {
  url: string
  readonly count: number
  close(): Promise<void>
}

export async function startCountingHttpsServer(certificate: KeyPair): Promise<CountingHttpsServer> {
  let count = 0
  const server = https.createServer(certificate, (_request, response) => {
    count++
    response.end('ok')
  })
  // A client that refuses the certificate ends the handshake: expected here, not an error of the test.
  server.on('tlsClientError', () => {})
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    get count() {
      return count
    },
    close: () => {
      server.closeAllConnections()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}
