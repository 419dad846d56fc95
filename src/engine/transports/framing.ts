/**
 * What both transports agree on about a connection and the head of a request: how long an idle connection
 * is trusted, and which of the user's `headers` go out as they are.
 */

import { FRAMING_HEADERS } from '../../options/http-fields.ts'

/**
 * An idle keep-alive connection is trusted this long (ms) when the server sends no `keep-alive: timeout=…`
 * hint: undici's default. Servers close idle connections (Node's after 5 s); a request sent into that race
 * would fail, so the fast transport replaces a connection idle longer than this before using it again.
 */
export const KEEP_ALIVE_MS = 4000

/**
 * The user's headers (lower-case names) as they go out on either transport: without the framing headers.
 * A user's `host` replaces the URL's, and `connection` goes out as given (`close`: a new connection per
 * request), on both transports.
 */
export function headersToSend(headers: Readonly<Record<string, string>>): [name: string, value: string][] {
  return Object.entries(headers).filter(([name]) => !FRAMING_HEADERS.has(name))
}

/** The request line's target (origin form): the URL's path and query, as WHATWG URL percent-encoded them. */
export function requestTarget(url: URL): string {
  return `${url.pathname}${url.search}`
}
