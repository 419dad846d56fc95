import type { Client } from 'undici'
import type { ResolvedRequest } from '../../options/request.ts'
import { KEEP_ALIVE_MS } from './framing.ts'
import { tlsConnectOptions } from './tls-options.ts'
import { undiciConnector } from './undici-connector.ts'

/** undici's client options, with `useH2c` (undici 7 takes it; its types do not declare it yet). */
export type ClientOptions = Client.Options & { useH2c?: boolean }

/** What bounds a client: requests in flight, the response head's size, the backstop timeout. */
export interface UndiciLimits {
  pipelining: number
  maxHeaderSize: number
  timeoutMs: number
}

/**
 * The options of undici clients, the same for a run's users and its journeys: `pipelining` requests in
 * flight, the run's TLS options and head limit, HTTP/1.1 on the engine's connector (it reads an unsolicited
 * 100 Continue; `noBody()` says the request a response answers is HEAD), HTTP/2 on undici's own when asked
 * (ALPN over TLS, prior knowledge over TCP). `headersTimeout` and `bodyTimeout` are only a backstop: the
 * run's sweep cuts a request at its timeout of total time.
 */
export function undiciClientOptions(
  request: Pick<ResolvedRequest, 'url' | 'tls' | 'http2'>,
  limits: UndiciLimits,
  noBody: () => boolean,
): ClientOptions {
  const { pipelining, maxHeaderSize, timeoutMs } = limits
  const connect = { timeout: timeoutMs, ...tlsConnectOptions(request.tls) }
  const clientOptions: ClientOptions = {
    pipelining,
    keepAliveTimeout: KEEP_ALIVE_MS,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    maxHeaderSize,
    connect: request.http2 ? connect : undiciConnector(connect, noBody, maxHeaderSize),
  }
  if (request.http2) {
    if (request.url.protocol === 'https:') clientOptions.allowH2 = true
    else clientOptions.useH2c = true
    // `pipelining` is then the streams kept open per connection.
    clientOptions.maxConcurrentStreams = Math.max(100, pipelining)
  }
  return clientOptions
}

/** True for clients that speak HTTP/2 (nothing is pipelined behind a response there). */
export function speaksHttp2(clientOptions: ClientOptions): boolean {
  return clientOptions.allowH2 === true || clientOptions.useH2c === true
}
