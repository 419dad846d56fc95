import type { Client } from 'undici'
import type { ResolvedLoadOptions } from '../../options.ts'
import { KEEP_ALIVE_MS } from './framing.ts'
import { tlsConnectOptions } from './tls-options.ts'

/** undici's client options, with `useH2c` (undici 7 takes it; its types do not declare it yet). */
export type ClientOptions = Client.Options & { useH2c?: boolean }

/**
 * The options of a run's undici clients, the same for the run's users and its journeys: `pipelining`
 * requests in flight, the run's TLS options and head limit, HTTP/2 when asked (ALPN over TLS, prior
 * knowledge over TCP). `headersTimeout` and `bodyTimeout` are only a backstop: the run's sweep cuts a request
 * at its timeout of total time.
 */
export function undiciClientOptions(options: ResolvedLoadOptions, timeoutMs: number): ClientOptions {
  const clientOptions: ClientOptions = {
    pipelining: options.pipelining,
    keepAliveTimeout: KEEP_ALIVE_MS,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    maxHeaderSize: options.maxHeaderSize,
    connect: { timeout: timeoutMs, ...tlsConnectOptions(options.tls) },
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
