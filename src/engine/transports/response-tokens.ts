import { InvalidResponseError } from '../classify-error.ts'

// The byte-level pieces of an HTTP/1.x response head and chunked framing that the ResponseParser reads.

/** True when `buf[start, start + name.length)` is `name` (lower case letters, digits and '-'), any case. */
export function isName(buf: Buffer, start: number, end: number, name: string): boolean {
  if (end - start !== name.length) return false
  for (let i = 0; i < name.length; i++) if ((buf[start + i]! | 0x20) !== name.charCodeAt(i)) return false
  return true
}

/** True when the comma-separated list in `buf[start, end)` has `token`, any case. */
export function hasToken(buf: Buffer, start: number, end: number, token: string): boolean {
  let from = start
  while (from < end) {
    let to = from
    while (to < end && buf[to] !== 0x2c) to++
    let first = from
    let last = to
    while (first < last && (buf[first] === 0x20 || buf[first] === 0x09)) first++
    while (last > first && (buf[last - 1] === 0x20 || buf[last - 1] === 0x09)) last--
    if (isName(buf, first, last, token)) return true
    from = to + 1
  }
  return false
}

/**
 * Where the `CR LF CR LF` that ends a head starts in `buf[start, end)`, or -1. Looks at every fourth byte
 * where no CR or LF is (a head's text), so a typical head costs a few dozen reads and no native call.
 */
export function findHeadEnd(buf: Buffer, start: number, end: number): number {
  let at = start + 3 // the last byte of a candidate match
  while (at < end) {
    const byte = buf[at]
    if (byte === 0x0a) {
      if (buf[at - 1] === 0x0d && buf[at - 2] === 0x0a && buf[at - 3] === 0x0d) return at - 3
      at += 2 // this LF may be the second byte of a match
    } else if (byte === 0x0d) {
      at += 1 // this CR may be the first or third byte of a match
    } else {
      at += 4
    }
  }
  return -1
}

export function digit(buf: Buffer, at: number): number {
  const value = buf[at]! - 0x30
  if (value < 0 || value > 9) throw new InvalidResponseError('invalid status line')
  return value
}

export function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30
  const lower = byte | 0x20
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1
}

export function parseLength(buf: Buffer, start: number, end: number): number {
  if (start === end || end - start > 15) throw new InvalidResponseError('invalid content-length')
  let length = 0
  for (let at = start; at < end; at++) {
    const value = buf[at]! - 0x30
    if (value < 0 || value > 9) throw new InvalidResponseError('invalid content-length')
    length = length * 10 + value
  }
  return length
}

export function headTooLarge(limit: number): InvalidResponseError {
  return new InvalidResponseError(`response head larger than ${limit} bytes (the \`maxHeaderSize\` option)`)
}

/** `timeout=N` (seconds) in a `keep-alive` header value, in ms; 0 when absent or unreadable. */
export function keepAliveTimeoutMs(value: string): number {
  const match = /(?:^|[,;\s])timeout\s*=\s*(\d+)/i.exec(value)
  return match === null ? 0 : Number(match[1]) * 1000
}
