import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib'

/**
 * A response body as its content codings (`content-encoding`: gzip, br, deflate; several applied in order)
 * undo it: what a `check` or a journey capture reads. Unknown codings (or `identity`) leave it as it is.
 * Throws when the body is not what its coding says (a check reading it then fails).
 */
export function decodeBody(body: Buffer, contentEncoding: string | string[] | undefined): Buffer {
  if (contentEncoding === undefined) return body
  const codings = (Array.isArray(contentEncoding) ? contentEncoding.join(',') : contentEncoding)
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter(Boolean)
  let decoded = body
  // Codings are listed in the order they were applied: undo the last first.
  for (let i = codings.length - 1; i >= 0; i--) decoded = undo(codings[i]!, decoded)
  return decoded
}

function undo(coding: string, body: Buffer): Buffer {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(body)
    case 'br':
      return brotliDecompressSync(body)
    case 'deflate':
      // RFC 9110 says zlib-wrapped; some servers send raw deflate, which browsers read too.
      try {
        return inflateSync(body)
      } catch {
        return inflateRawSync(body)
      }
    default:
      return body
  }
}
