import type { ErrorType } from '../foundation/model/index.ts'

/** Thrown into an in-flight request when it runs past the per-request `timeout`. */
export class RequestTimeoutError extends Error {
  readonly code = 'PERF_REQUEST_TIMEOUT'

  constructor(timeoutMs: number) {
    super(`request exceeded the ${timeoutMs} ms timeout`)
    this.name = 'RequestTimeoutError'
  }
}

/** The server sent something that is not HTTP/1.x, or broke its own framing. */
export class InvalidResponseError extends Error {
  readonly code = 'PERF_INVALID_RESPONSE'

  constructor(message: string) {
    super(`invalid response: ${message}`)
    this.name = 'InvalidResponseError'
  }
}

/** The server closed the connection before a response was complete (`how`, when there is more to say). */
export class SocketClosedError extends Error {
  readonly code = 'PERF_SOCKET_CLOSED'

  constructor(midResponse: boolean, how?: string) {
    super(
      `the server closed the connection ${midResponse ? 'mid-response' : 'before responding'}${how === undefined ? '' : `: ${how}`}`,
    )
    this.name = 'SocketClosedError'
  }
}

/** The server reset an HTTP/2 stream (RST_STREAM with the code `which`) before its response was complete. */
export class StreamResetError extends Error {
  readonly code = 'PERF_STREAM_RESET'

  constructor(which: string) {
    super(`the server reset the HTTP/2 stream before the response was complete (RST_STREAM ${which})`)
    this.name = 'StreamResetError'
  }
}

/** The server did not run an HTTP/2 stream (`why`), nor when it was sent once more. */
export class StreamRefusedError extends Error {
  readonly code = 'PERF_STREAM_REFUSED'

  constructor(why: string) {
    super(`the server did not run the HTTP/2 stream, nor when it was sent once more (${why})`)
    this.name = 'StreamRefusedError'
  }
}

// Both transports map to the same types: the engine's own errors (fast transport), undici's (default
// transport), and what node:net, node:tls and DNS raise under either.
const BY_CODE: Record<string, ErrorType> = {
  PERF_REQUEST_TIMEOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  ETIMEDOUT: 'timeout',
  ECONNREFUSED: 'connection_refused',
  ECONNRESET: 'connection_reset',
  EPIPE: 'connection_reset',
  ECONNABORTED: 'connection_reset',
  PERF_SOCKET_CLOSED: 'connection_reset',
  // undici: the server closed the connection before the response was complete.
  UND_ERR_SOCKET: 'connection_reset',
  // HTTP/2: a GOAWAY with an error code.
  ERR_HTTP2_SESSION_ERROR: 'connection_reset',
  PERF_STREAM_RESET: 'stream_reset',
  PERF_STREAM_REFUSED: 'stream_refused',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_NONAME: 'dns',
  EAI_FAIL: 'dns',
  // Out of file descriptors: the generator's own limit, not the server's fault.
  EMFILE: 'fd_exhausted',
  ENFILE: 'fd_exhausted',
  PERF_INVALID_RESPONSE: 'invalid_response',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'invalid_response',
  UND_ERR_HEADERS_OVERFLOW: 'invalid_response',
  UND_ERR_RES_EXCEEDED_MAX_SIZE: 'invalid_response',
  // HTTP/2 framing nghttp2 refused (e.g. a response head in too many CONTINUATION frames).
  ERR_HTTP2_ERROR: 'invalid_response',
}

// OpenSSL's verification codes, as node:tls reports them, by what they mean to a user.
const TLS_REASONS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'certificate untrusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'certificate untrusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'certificate untrusted',
  UNABLE_TO_GET_ISSUER_CERT: 'certificate untrusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'certificate untrusted',
  CERT_UNTRUSTED: 'certificate untrusted',
  CERT_SIGNATURE_FAILURE: 'certificate untrusted',
  CERT_REVOKED: 'certificate untrusted',
  CERT_HAS_EXPIRED: 'certificate expired',
  CERT_NOT_YET_VALID: 'certificate not yet valid',
  ERR_TLS_CERT_ALTNAME_INVALID: 'hostname mismatch',
  HOSTNAME_MISMATCH: 'hostname mismatch',
}

// Not `instanceof Error`: under Jest a socket's errors come from another realm's Error.
function isErrorLike(value: unknown): value is Error {
  return typeof value === 'object' && value !== null && typeof (value as Error).message === 'string'
}

/** What a TLS failure means ('certificate untrusted', 'handshake failure', …), or undefined when not TLS. */
export function tlsReason(error: unknown): string | undefined {
  let current: unknown = error
  for (let depth = 0; depth < 4 && isErrorLike(current); depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string') {
      const reason = TLS_REASONS[code]
      if (reason !== undefined) return reason
      if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) return 'handshake failure'
    }
    // OpenSSL's own errors (e.g. EPROTO on a write: the server does not speak TLS) name their library.
    if (current.message.includes(':SSL routines:')) return 'handshake failure'
    current = current.cause
  }
  return undefined
}

// node:http2 names the RST_STREAM code in its message: REFUSED_STREAM says the server never ran the request.
function streamErrorType(error: Error): ErrorType {
  return error.message.endsWith('NGHTTP2_REFUSED_STREAM') ? 'stream_refused' : 'stream_reset'
}

/** Maps a transport error (the engine's own, undici's, node:net, node:tls, DNS) to an ErrorType. */
export function classifyError(error: unknown): ErrorType {
  if (tlsReason(error) !== undefined) return 'tls'
  let current: unknown = error
  // Walk the cause chain: undici wraps socket errors, Node wraps DNS failures.
  for (let depth = 0; depth < 4 && isErrorLike(current); depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string') {
      const type = BY_CODE[code]
      if (type !== undefined) return type
      if (code === 'ERR_HTTP2_STREAM_ERROR') return streamErrorType(current)
      if (code.startsWith('HPE_')) return 'invalid_response'
    }
    // undici's HTTP parser (llhttp): a response that is not HTTP/1.x (its code is often unset).
    if (current.name === 'HTTPParserError') return 'invalid_response'
    current = current.cause
  }
  return 'other'
}

/** Maps an unexpected HTTP status to its ErrorType. */
export function classifyStatus(status: number): ErrorType {
  return status >= 500 ? 'http_5xx' : status >= 400 ? 'http_4xx' : 'unexpected_status'
}

/** A short message for an error, including its code when it has one (and what a TLS failure means). */
export function describeError(error: unknown): string {
  if (!isErrorLike(error)) return String(error)
  const code = (error as { code?: unknown }).code
  const cause = isErrorLike(error.cause) ? ` (${error.cause.message})` : ''
  const reason = tlsReason(error)
  return `${reason === undefined ? '' : `${reason}: `}${typeof code === 'string' ? `${code}: ` : ''}${error.message}${cause}`
}
