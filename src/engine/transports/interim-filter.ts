import { hexValue, isName } from './response-tokens.ts'

// Framing states: where the next byte of the connection is.
const START = 0
const BODY = 1
const CHUNK_SIZE = 2
const CHUNK_EXTENSION = 3
const CHUNK_SIZE_LF = 4
const CHUNK_DATA = 5
const CHUNK_DATA_CR = 6
const CHUNK_DATA_LF = 7
const TRAILER_START = 8
const TRAILER_LINE = 9
const TRAILER_LINE_LF = 10
const TRAILER_END_LF = 11
/** Framing the filter cannot follow (or need not: a body to the end of the connection): bytes pass as they are. */
const PASS = 12

// What scanHead() returns when there is no head end to give.
const INCOMPLETE = -1
const UNFRAMED = -2

const CR = 13
const LF = 10
const COLON = 0x3a
const HTTP_1 = Buffer.from('HTTP/1.')
/** 12 hex digits: a chunk of 256 TiB; a longer size is left to undici. */
const MAX_SIZE_DIGITS = 12

/** "HTTP/1." at `at` (the caller has checked that the bytes are there). */
function startsWithHttp1(buf: Buffer, at: number): boolean {
  return (
    buf[at] === 0x48 &&
    buf[at + 1] === 0x54 &&
    buf[at + 2] === 0x54 &&
    buf[at + 3] === 0x50 &&
    buf[at + 4] === 0x2f &&
    buf[at + 5] === 0x31 &&
    buf[at + 6] === 0x2e
  )
}

function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 0x30 && byte <= 0x39
}

function isSpace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x09
}

/**
 * Removes interim `100 Continue` responses from a connection's bytes before undici's parser reads them
 * (undici 7 drops a connection on any 100; RFC 9110 §15.2 says a client must accept a 1xx it did not ask
 * for). It follows the responses' framing as llhttp does (Content-Length, chunked, no body for HEAD, 1xx,
 * 204 and 304), so a body is never touched, and holds back a head until it is complete. Anything it cannot
 * frame exactly as llhttp would (both framings, two lengths, an odd line, a body to the end of the
 * connection) ends the filtering: from there on the bytes pass unchanged and undici says what it says.
 */
export class InterimFilter {
  private state = START
  private remaining = 0
  private digits = 0
  /** A head's start that has not been handed on yet: it goes first into the next filter(). */
  private held: Buffer | null = null
  /** The status of the head scanHead() read last. */
  private status = 0
  private readonly noBody: () => boolean
  private readonly maxHeadBytes: number

  /** `noBody()`: the request the next response answers is HEAD (its response has no body). */
  constructor(noBody: () => boolean, maxHeadBytes: number) {
    this.noBody = noBody
    this.maxHeadBytes = maxHeadBytes
  }

  /** True once the filter has stopped: every byte from here on passes as it is. */
  get passing(): boolean {
    return this.state === PASS
  }

  /** The bytes undici's parser gets for `chunk`: `chunk` itself unless a 100 is removed or a head held back. */
  filter(chunk: Buffer): Buffer {
    if (this.state === PASS) return chunk
    let buf = chunk
    if (this.held !== null) {
      buf = Buffer.concat([this.held, chunk])
      this.held = null
    }
    const end = buf.length
    let at = 0
    // The bytes handed on are buf[keptFrom, keptTo) after the `kept` pieces (only when a 100 was cut).
    let kept: Buffer[] | null = null
    let keptFrom = 0
    let keptTo = end
    while (at < end && this.state !== PASS) {
      switch (this.state) {
        case START: {
          const headEnd = this.scanHead(buf, at, end)
          if (headEnd === UNFRAMED) {
            this.state = PASS
          } else if (headEnd === INCOMPLETE) {
            if (end - at > this.maxHeadBytes) {
              this.state = PASS // undici says the head is too large
            } else {
              this.held = buf.subarray(at, end)
              keptTo = at
              at = end
            }
          } else {
            if (this.status === 100) {
              kept ??= []
              if (at > keptFrom) kept.push(buf.subarray(keptFrom, at))
              keptFrom = headEnd
            }
            at = headEnd
          }
          break
        }
        case BODY:
        case CHUNK_DATA: {
          const to = Math.min(end, at + this.remaining)
          this.remaining -= to - at
          at = to
          if (this.remaining === 0) this.state = this.state === BODY ? START : CHUNK_DATA_CR
          break
        }
        default:
          this.readChunkFraming(buf[at]!)
          at++
      }
    }
    if (kept === null) return keptTo === end && buf === chunk ? chunk : buf.subarray(0, keptTo)
    if (keptTo > keptFrom) kept.push(buf.subarray(keptFrom, keptTo))
    return kept.length === 1 ? kept[0]! : Buffer.concat(kept)
  }

  /**
   * Reads the head at `buf[start, end)`: its end (after the blank line), having set `status` and the
   * framing of what follows; INCOMPLETE when the blank line has not come yet; UNFRAMED when it cannot be
   * framed exactly.
   */
  private scanHead(buf: Buffer, start: number, end: number): number {
    let lf = buf.indexOf(LF, start)
    if (lf === -1 || lf >= end) {
      const seen = Math.min(end - start, HTTP_1.length)
      return buf.compare(HTTP_1, 0, seen, start, start + seen) === 0 ? INCOMPLETE : UNFRAMED
    }
    // "HTTP/1.x SSS" then a space (and a reason) or the line's end.
    if (
      lf - start < 13 ||
      buf[lf - 1] !== CR ||
      !startsWithHttp1(buf, start) ||
      buf[start + 8] !== 0x20 ||
      (buf[start + 12] !== 0x20 && start + 12 !== lf - 1)
    ) {
      return UNFRAMED
    }
    if (
      !isDigit(buf[start + 7]) ||
      !isDigit(buf[start + 9]) ||
      !isDigit(buf[start + 10]) ||
      !isDigit(buf[start + 11])
    ) {
      return UNFRAMED
    }
    const status = (buf[start + 9]! - 48) * 100 + (buf[start + 10]! - 48) * 10 + (buf[start + 11]! - 48)
    if (status < 100) return UNFRAMED
    let length = -1
    let chunked = false
    let pos = lf + 1
    for (;;) {
      lf = buf.indexOf(LF, pos)
      if (lf === -1 || lf >= end) return INCOMPLETE
      const lineEnd = lf - 1
      if (lineEnd < pos || buf[lineEnd] !== CR) return UNFRAMED // a bare LF
      if (lineEnd === pos) break // the blank line
      const first = buf[pos]! | 0x20
      if (isSpace(buf[pos])) return UNFRAMED // a folded line
      if (first === 0x63 && lineEnd - pos > 14 && isName(buf, pos, pos + 14, 'content-length')) {
        const after = buf[pos + 14]!
        if (after === COLON) {
          if (length !== -1) return UNFRAMED
          length = readLength(buf, pos + 15, lineEnd)
          if (length < 0) return UNFRAMED
        } else if (isSpace(after)) {
          return UNFRAMED
        }
      } else if (first === 0x74 && lineEnd - pos > 17 && isName(buf, pos, pos + 17, 'transfer-encoding')) {
        const after = buf[pos + 17]!
        if (after === COLON) {
          if (chunked || !isChunked(buf, pos + 18, lineEnd)) return UNFRAMED
          chunked = true
        } else if (isSpace(after)) {
          return UNFRAMED
        }
      }
      pos = lf + 1
    }
    this.status = status
    if (status < 200) {
      if (status === 101) return UNFRAMED // another protocol follows
      this.state = START // interim responses have no body
    } else if (this.noBody() || status === 204 || status === 304) {
      this.state = START
    } else if (chunked) {
      // Both framings, or chunked in HTTP/1.0: left to undici.
      if (length !== -1 || buf[start + 7] !== 0x31) return UNFRAMED
      this.state = CHUNK_SIZE
      this.remaining = 0
      this.digits = 0
    } else if (length > 0) {
      this.state = BODY
      this.remaining = length
    } else if (length === 0) {
      this.state = START
    } else {
      return UNFRAMED // a body to the end of the connection: nothing follows it
    }
    return lf + 1
  }

  /** One byte of chunked framing: sizes, extensions, CRLFs and trailers (the data goes in bulk). */
  private readChunkFraming(byte: number): void {
    switch (this.state) {
      case CHUNK_SIZE: {
        const value = hexValue(byte)
        if (value !== -1 && this.digits < MAX_SIZE_DIGITS) {
          this.remaining = this.remaining * 16 + value
          this.digits++
        } else if (this.digits > 0 && byte === CR) {
          this.state = CHUNK_SIZE_LF
        } else if (this.digits > 0 && byte === 0x3b) {
          this.state = CHUNK_EXTENSION
        } else {
          this.state = PASS
        }
        return
      }
      case CHUNK_EXTENSION:
        if (byte === CR) this.state = CHUNK_SIZE_LF
        else if (byte === LF) this.state = PASS
        return
      case CHUNK_SIZE_LF:
        this.state = byte !== LF ? PASS : this.remaining === 0 ? TRAILER_START : CHUNK_DATA
        return
      case CHUNK_DATA_CR:
        this.state = byte === CR ? CHUNK_DATA_LF : PASS
        return
      case CHUNK_DATA_LF:
        if (byte !== LF) {
          this.state = PASS
          return
        }
        this.state = CHUNK_SIZE
        this.remaining = 0
        this.digits = 0
        return
      case TRAILER_START:
        this.state = byte === CR ? TRAILER_END_LF : byte === LF ? PASS : TRAILER_LINE
        return
      case TRAILER_LINE:
        if (byte === CR) this.state = TRAILER_LINE_LF
        else if (byte === LF) this.state = PASS
        return
      case TRAILER_LINE_LF:
        this.state = byte === LF ? TRAILER_START : PASS
        return
      case TRAILER_END_LF:
        this.state = byte === LF ? START : PASS
        return
    }
  }
}

/** A Content-Length value (digits between optional spaces), or -1. */
function readLength(buf: Buffer, start: number, end: number): number {
  let from = start
  let to = end
  while (from < to && isSpace(buf[from])) from++
  while (to > from && isSpace(buf[to - 1])) to--
  if (from === to || to - from > 15) return -1
  let length = 0
  for (let at = from; at < to; at++) {
    const value = buf[at]! - 48
    if (value < 0 || value > 9) return -1
    length = length * 10 + value
  }
  return length
}

/** True when a Transfer-Encoding value is exactly `chunked` (any case, between optional spaces). */
function isChunked(buf: Buffer, start: number, end: number): boolean {
  let from = start
  let to = end
  while (from < to && isSpace(buf[from])) from++
  while (to > from && isSpace(buf[to - 1])) to--
  return isName(buf, from, to, 'chunked')
}
