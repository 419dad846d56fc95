import { InvalidResponseError, SocketClosedError, StreamResetError } from '../classify-error.ts'

// What the undici transport reads of undici's responses and errors, apart from the user that runs it.

/** The value of header `name` (lower case) in raw headers (undici's Buffers), or undefined. */
export function headerValue(rawHeaders: Buffer[], name: string): string | undefined {
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const raw = rawHeaders[i]!
    if (raw.length === name.length && raw.toString('latin1').toLowerCase() === name) {
      return rawHeaders[i + 1]!.toString('latin1')
    }
  }
  return undefined
}

export function saysClose(rawHeaders: Buffer[]): boolean {
  return /(^|,)\s*close\s*(,|$)/i.test(headerValue(rawHeaders, 'connection') ?? '')
}

/** A 204 or 304 whose headers announce a body it must not have: a server may send it anyway. */
export function announcesBody(rawHeaders: Buffer[]): boolean {
  const length = headerValue(rawHeaders, 'content-length')
  return (
    (length !== undefined && length.trim() !== '0') ||
    headerValue(rawHeaders, 'transfer-encoding') !== undefined
  )
}

export const MISMATCH = 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH'

/** undici's errors of a kept-alive connection the server closed before it read the request. */
export function isClosedUnderUs(error: Error): boolean {
  const code = (error as { code?: unknown }).code
  return (
    (code === 'UND_ERR_SOCKET' && (error.message === 'other side closed' || error.message === 'closed')) ||
    code === 'ECONNRESET' ||
    code === 'EPIPE'
  )
}

const GRACEFUL_GOAWAY = 'HTTP/2: "GOAWAY" frame received with code 0'

/**
 * undici 7's error for every stream in flight when a GOAWAY comes, even a graceful one (NO_ERROR) that
 * lets the streams it names finish: what the server was sending is lost.
 */
export function isGracefulGoaway(error: Error): boolean {
  return (error as { code?: unknown }).code === 'UND_ERR_SOCKET' && error.message === GRACEFUL_GOAWAY
}

/**
 * undici's errors where the engine knows better words: an unsolicited `100 Continue` undici met (it drops
 * the connection; the engine's connector removes them, but not after a response it could not frame), a
 * head over `maxHeaderSize`, a connection closed mid-body, and HTTP/2 streams ended under a request.
 */
export function explain(error: Error, status: number, maxHeaderSize: number): Error {
  const code = (error as { code?: unknown }).code
  if (code === 'UND_ERR_SOCKET' && error.message === 'bad response') {
    return new InvalidResponseError(
      "an unsolicited 100 Continue after a response the engine could not frame, which undici refuses (transport 'fast' reads it)",
    )
  }
  if (code === 'UND_ERR_HEADERS_OVERFLOW') {
    return new InvalidResponseError(
      `response head larger than ${maxHeaderSize} bytes (the \`maxHeaderSize\` option)`,
    )
  }
  if (isGracefulGoaway(error)) {
    return new SocketClosedError(
      status !== 0,
      'a graceful HTTP/2 GOAWAY, on which undici 7 ends the streams in flight (not sent again: the server may have run it)',
    )
  }
  if (code === 'UND_ERR_INFO' && error.message === 'HTTP/2: stream closed before the response was complete') {
    return new StreamResetError('NO_ERROR or CANCEL')
  }
  if (code === 'UND_ERR_SOCKET' && status !== 0 && error.message === 'other side closed') {
    return new InvalidResponseError(
      'the server closed the connection mid-body (shorter than its content-length or chunks)',
    )
  }
  return error
}
