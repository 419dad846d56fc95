import type { Client } from 'undici'
import type { ResolvedLoadOptions } from '../../options/load-options.ts'
import { KEEP_ALIVE_MS } from './framing.ts'
import { tlsConnectOptions } from './tls-options.ts'
import { undiciConnector } from './undici-connector.ts'

/** undici's client options, with `useH2c` (undici 7 takes it; its types do not declare it yet). */
export type ClientOptions = Client.Options & { useH2c?: boolean }

/**
 * The options of undici clients, the same for a run's users and its journeys: `pipelining` requests in
 * flight, the run's TLS options and head limit, HTTP/1.1 on the engine's connector (it reads an unsolicited
 * 100 Continue; `noBody()` says the request a response answers is HEAD), HTTP/2 on undici's own when asked
 * (ALPN over TLS, prior knowledge over TCP). `headersTimeout` and `bodyTimeout` are only a backstop: the
 * run's sweep cuts a request at its timeout of total time.
 */
export function undiciClientOptions(
  options: ResolvedLoadOptions,
  timeoutMs: number,
  noBody: () => boolean,
): ClientOptions {
  const connect = { timeout: timeoutMs, ...tlsConnectOptions(options.tls) }
  const clientOptions: ClientOptions = {
    pipelining: options.pipelining,
    keepAliveTimeout: KEEP_ALIVE_MS,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    maxHeaderSize: options.maxHeaderSize,
    connect: options.http2 ? connect : undiciConnector(connect, noBody, options.maxHeaderSize),
  }
  if (options.http2) {
    if (options.url.protocol === 'https:') clientOptions.allowH2 = true
    else clientOptions.useH2c = true
    // `pipelining` is then the streams kept open per connection.
    clientOptions.maxConcurrentStreams = Math.max(100, options.pipelining)
  }
  return clientOptions
}

/** True for clients that speak HTTP/2 (nothing is pipelined behind a response there). */
export function speaksHttp2(clientOptions: ClientOptions): boolean {
  return clientOptions.allowH2 === true || clientOptions.useH2c === true
}
