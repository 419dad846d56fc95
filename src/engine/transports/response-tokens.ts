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
    let to = buf.indexOf(0x2c, from)
    if (to === -1 || to > end) to = end
    let first = from
    let last = to
    while (first < last && (buf[first] === 0x20 || buf[first] === 0x09)) first++
    while (last > first && (buf[last - 1] === 0x20 || buf[last - 1] === 0x09)) last--
    if (isName(buf, first, last, token)) return true
    from = to + 1
  }
  return false
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
