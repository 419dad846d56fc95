/**
 * What ends requests a server will not answer on a connection: they were written behind a response that
 * closed it (`connection: close`, HTTP/1.0), and are counted, never sent again silently — the server may
 * have run them (Node's http server runs every pipelined request it has read).
 */
export class UnansweredRequestError extends Error {
  // Counted with the connections the server closed under a request.
  readonly code = 'PERF_SOCKET_CLOSED'

  constructor() {
    super('not answered: written behind a response that closed the connection (not sent again)')
    this.name = 'UnansweredRequestError'
  }
}

/** RFC 9110 §9.2.2: a request a client may send again when the connection failed before any answer. */
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set([
  'GET',
  'HEAD',
  'OPTIONS',
  'TRACE',
  'PUT',
  'DELETE',
])

/** Errors of a kept-alive connection that the server closed before reading what was written on it. */
export function isClosedUnderUs(error: Error | null): boolean {
  if (error === null) return true
  const code = (error as { code?: unknown }).code
  return code === 'ECONNRESET' || code === 'EPIPE'
}
