/**
 * A journey step's request target as every engine sends it: the path and query as rendered, with only what
 * a URI cannot carry percent-encoded. The generated k6 script and locustfile apply the same rule in their own
 * language (k6-journey-code.ts, locust-journey-code.ts); docs/journeys.md#what-goes-on-the-wire states it.
 */

/**
 * A valid escape (kept as written), or a character a request target cannot carry: anything but RFC 3986's
 * unreserved and sub-delims, `:`, `@`, `/`, `?`, and `[` `]` (which browsers and Go leave alone).
 */
const ESCAPE_OR_UNSAFE = /%[0-9A-Fa-f]{2}|[^A-Za-z0-9\-._~!$&'()*+,;=:@/?[\]]/gu

const HEX = Array.from({ length: 256 }, (_, byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)

/** A character as `%XX` escapes of its UTF-8 bytes (a lone surrogate as U+FFFD's, as Buffer encodes it). */
function percentEncode(match: string): string {
  if (match.length === 3 && match[0] === '%') return match
  let escaped = ''
  for (const byte of Buffer.from(match, 'utf8')) escaped += HEX[byte]
  return escaped
}

/**
 * Percent-encodes a rendered target (control characters are refused before): space, `"`, `#`, `<`, `>`,
 * `\`, `^`, `` ` ``, `{`, `|`, `}`, a `%` without two hex digits after it, and non-ASCII (as UTF-8). Nothing
 * else changes: `..` and `%2e%2e` go out as they are, escapes keep their case. An empty query (a target
 * ending in its only `?`) is dropped, as Locust's client cannot send one.
 */
export function encodeRequestTarget(target: string): string {
  const encoded = target.replace(ESCAPE_OR_UNSAFE, percentEncode)
  const query = encoded.indexOf('?')
  return query !== -1 && query === encoded.length - 1 ? encoded.slice(0, -1) : encoded
}
