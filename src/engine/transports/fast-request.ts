import { describeChar } from '../../options/http-fields.ts'
import type { ResolvedRequest } from '../../options/request.ts'
import { headersToSend, requestTarget } from './framing.ts'

/** Where a run's connections go. */
export interface Target {
  host: string
  port: number
  tls: boolean
  /** TLS server name (SNI); undefined for an IP address. */
  servername: string | undefined
}

/** Methods whose requests have a body by definition: they say `content-length: 0` when it is empty. */
const PAYLOAD_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH'])
/** What a request head's line may hold: Latin-1 text without controls but HTAB. */
const NOT_WIRE_TEXT = /[^\t\x20-\x7e\x80-\xff]/
/** Up to this size, pipelined copies of a request are prebuilt so that k requests go out in one write. */
const MAX_BATCH_BYTES = 256 * 1024

export function targetOf(url: URL): Target {
  const tls = url.protocol === 'https:'
  // WHATWG URLs keep an IPv6 literal in brackets; sockets want it bare.
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname
  const isIp = host.includes(':') || /^\d+\.\d+\.\d+\.\d+$/.test(host)
  return {
    host,
    port: url.port === '' ? (tls ? 443 : 80) : Number(url.port),
    tls,
    servername: tls && !isIp ? host : undefined,
  }
}

/**
 * The bytes of the run's request, built once: every request of a run is the same, so the hot path writes
 * this buffer as it is. Framing headers come from the body, never from `headers`.
 */
export function encodeRequest(request: Pick<ResolvedRequest, 'url' | 'method' | 'headers' | 'body'>): Buffer {
  const { url, method, headers, body } = request
  return encodeRequestTo(method, requestTarget(url), url.host, headers, body)
}

/** The bytes of one request to `target` (origin form) on `host`: a journey step's, or the run's. */
export function encodeRequestTo(
  method: string,
  target: string,
  host: string,
  headers: Readonly<Record<string, string>>,
  body: Buffer | undefined,
): Buffer {
  const lines = [`${method} ${target} HTTP/1.1`]
  if (headers['host'] === undefined) lines.push(`host: ${host}`)
  for (const [name, value] of headersToSend(headers)) lines.push(`${name}: ${value}`)
  if (body !== undefined || PAYLOAD_METHODS.has(method)) lines.push(`content-length: ${body?.length ?? 0}`)
  // Latin-1 keeps only a character's low byte (U+010D would be CR): the options were checked for this
  // (http-fields.ts); the encoder refuses anything else too, whoever built its options.
  for (const line of lines) {
    const bad = NOT_WIRE_TEXT.exec(line)
    if (bad !== null) throw new Error(`refusing to send ${describeChar(bad[0])} in a request head`)
  }
  const encoded = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1')
  return body === undefined ? encoded : Buffer.concat([encoded, body])
}

/**
 * `batches[k]` is `k` copies of the request back to back (k = 1 … depth), so a user refilling k pipeline
 * slots writes once. Larger requests get only `batches[1]`: copying them would cost more than the writes.
 */
export function requestBatches(request: Buffer, depth: number): Buffer[] {
  if (depth === 1 || request.length * depth > MAX_BATCH_BYTES) return [Buffer.alloc(0), request]
  const all = Buffer.allocUnsafe(request.length * depth)
  for (let copy = 0; copy < depth; copy++) request.copy(all, copy * request.length)
  return Array.from({ length: depth + 1 }, (_, count) => all.subarray(0, count * request.length))
}
