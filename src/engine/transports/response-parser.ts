import { InvalidResponseError } from '../classify-error.ts'
import {
  digit,
  findHeadEnd,
  hasToken,
  headTooLarge,
  hexValue,
  isName,
  keepAliveTimeoutMs,
  parseLength,
} from './response-tokens.ts'

/** What a ResponseParser reports, in order for each response: its head, its body bytes, its end. */
export interface ResponseHandler {
  /** `rawHeaders` is `[name, value, …]` when the parser keeps headers, else null. */
  onResponseHead(status: number, rawHeaders: string[] | null): void
  /** Body bytes (de-chunked) in `chunk[start, end)`; the chunk is reused after the call returns. */
  onResponseBody(chunk: Buffer, start: number, end: number): void
  onResponseEnd(keepAlive: boolean): void
}

export interface ResponseParserOptions {
  /** Collect header names and values as strings (for a `check`). @default false */
  keepHeaders?: boolean
  /** The requests are HEAD: responses have no body whatever their headers say. @default false */
  noBody?: boolean
  /** The largest response head accepted (status line and headers), in bytes. @default MAX_HEAD_BYTES */
  maxHeadBytes?: number
}

/** As undici's and Node's default `maxHeaderSize`. */
export const MAX_HEAD_BYTES = 16 * 1024
const MAX_CHUNK_SIZE = 2 ** 40

const CR = 13
const LF = 10
const END_OF_HEAD = Buffer.from('\r\n\r\n')

// Parser states (numbers rather than an enum: the tsconfig allows only erasable syntax).
const HEAD = 0
const BODY_LENGTH = 1
const BODY_UNTIL_CLOSE = 2
const CHUNK_SIZE = 3
const CHUNK_EXTENSION = 4
const CHUNK_SIZE_LF = 5
const CHUNK_DATA = 6
const CHUNK_DATA_CR = 7
const CHUNK_DATA_LF = 8
const TRAILER_START = 9
const TRAILER_LINE = 10
const TRAILER_END_LF = 11

/**
 * An incremental HTTP/1.x response parser for one connection: status line, headers, and the body framed
 * by Content-Length, chunked encoding or the end of the connection. Responses follow each other on the
 * connection (keep-alive, pipelining); 1xx responses are skipped. Works on byte ranges of a reused buffer,
 * so a response whose head arrives in one read allocates nothing (headers are read only when kept).
 * Malformed input throws an InvalidResponseError; the connection is then unusable.
 */
export class ResponseParser {
  private readonly handler: ResponseHandler
  private keepHeaders: boolean
  private noBody: boolean
  private readonly maxHeadBytes: number
  private state = HEAD
  /** The start of a head that did not arrive in one read (copied: the read buffer is reused). */
  private partialHead: Buffer | null = null
  private remaining = 0
  private keepAlive = true
  private sawSizeDigit = false
  private stopped = false

  constructor(handler: ResponseHandler, options: ResponseParserOptions = {}) {
    this.handler = handler
    this.keepHeaders = options.keepHeaders ?? false
    this.noBody = options.noBody ?? false
    this.maxHeadBytes = options.maxHeadBytes ?? MAX_HEAD_BYTES
  }

  /** Sets what the next response's parse keeps (a journey's steps differ); call between responses. */
  configure(keepHeaders: boolean, noBody: boolean): void {
    this.keepHeaders = keepHeaders
    this.noBody = noBody
  }

  /** True when the response that just ended had a body by its headers but none by definition (HEAD, 204, 304). */
  announcedBody = false
  /** The server's `keep-alive: timeout=N` hint of the last response, in ms; 0 when it gave none. */
  keepAliveHintMs = 0

  /** True between the first byte of a response and its end. */
  get inResponse(): boolean {
    return this.state !== HEAD || this.partialHead !== null
  }

  /** Parses `buf[start, end)`. Stops early when the handler calls `reset()` from a callback. */
  execute(buf: Buffer, start: number, end: number): void {
    this.stopped = false
    let at = start
    while (at < end && !this.stopped) {
      switch (this.state) {
        case HEAD:
          at = this.readHead(buf, at, end)
          break
        case BODY_LENGTH: {
          const to = Math.min(end, at + this.remaining)
          this.remaining -= to - at
          this.handler.onResponseBody(buf, at, to)
          at = to
          if (this.remaining === 0) this.complete()
          break
        }
        case BODY_UNTIL_CLOSE:
          this.handler.onResponseBody(buf, at, end)
          at = end
          break
        case CHUNK_DATA: {
          const to = Math.min(end, at + this.remaining)
          this.remaining -= to - at
          this.handler.onResponseBody(buf, at, to)
          at = to
          if (this.remaining === 0) this.state = CHUNK_DATA_CR
          break
        }
        default:
          this.readChunkFraming(buf[at]!)
          at++
      }
    }
  }

  /**
   * The connection ended. Completes a body that runs to the end of the connection; says where a response
   * was cut short: in its head, in its body (shorter than its framing said), or nowhere.
   */
  finish(): 'none' | 'head' | 'body' {
    if (this.state === BODY_UNTIL_CLOSE) {
      this.complete()
      return 'none'
    }
    const cut = this.state !== HEAD ? 'body' : this.partialHead !== null ? 'head' : 'none'
    this.reset()
    return cut
  }

  /** Forgets any response in progress (the connection was dropped); also stops a running `execute`. */
  reset(): void {
    this.state = HEAD
    this.partialHead = null
    this.stopped = true
  }

  private complete(): void {
    this.state = HEAD
    this.handler.onResponseEnd(this.keepAlive)
  }

  /** Reads a head when it is complete; returns where parsing goes on. */
  private readHead(buf: Buffer, start: number, end: number): number {
    if (this.partialHead === null) {
      const at = findHeadEnd(buf, start, end)
      if (at !== -1) {
        if (at - start > this.maxHeadBytes) throw headTooLarge(this.maxHeadBytes)
        this.parseHead(buf, start, at)
        return at + 4
      }
      if (end - start > this.maxHeadBytes) throw headTooLarge(this.maxHeadBytes)
      this.partialHead = Buffer.from(buf.subarray(start, end))
      return end
    }
    const before = this.partialHead.length
    const head = Buffer.concat([this.partialHead, buf.subarray(start, end)])
    const at = head.indexOf(END_OF_HEAD, Math.max(0, before - 3))
    if (at === -1) {
      if (head.length > this.maxHeadBytes) throw headTooLarge(this.maxHeadBytes)
      this.partialHead = head
      return end
    }
    if (at > this.maxHeadBytes) throw headTooLarge(this.maxHeadBytes)
    this.partialHead = null
    this.parseHead(head, 0, at)
    return start + at + 4 - before
  }

  /** Parses a head in `buf[start, end)` (without its final CRLF CRLF) and sets up its body. */
  private parseHead(buf: Buffer, start: number, end: number): void {
    // "HTTP/1.x SSS" then a space (and a reason) or the end of the line.
    if (
      end - start < 12 ||
      buf[start] !== 0x48 ||
      buf[start + 1] !== 0x54 ||
      buf[start + 2] !== 0x54 ||
      buf[start + 3] !== 0x50 ||
      buf[start + 4] !== 0x2f ||
      buf[start + 5] !== 0x31 ||
      buf[start + 6] !== 0x2e ||
      buf[start + 8] !== 0x20 ||
      (buf[start + 12] !== 0x20 && buf[start + 12] !== CR && start + 12 !== end)
    ) {
      throw new InvalidResponseError('invalid status line')
    }
    const status = digit(buf, start + 9) * 100 + digit(buf, start + 10) * 10 + digit(buf, start + 11)
    if (status < 100) throw new InvalidResponseError('invalid status line')
    let keepAlive = buf[start + 7] === 0x31
    let contentLength = -1
    let chunked = false
    let keepAliveHintMs = 0
    const rawHeaders = this.keepHeaders ? ([] as string[]) : null

    // Lines are found by scanning bytes here: a head's lines are short, and a native indexOf per line cost
    // more than the scan (measured: ~2x the parse time of a typical head).
    let lineEnd = start + 12
    while (lineEnd < end && buf[lineEnd] !== CR) lineEnd++
    while (lineEnd < end) {
      if (buf[lineEnd + 1] !== LF) throw new InvalidResponseError('invalid line ending')
      const lineStart = lineEnd + 2
      let colon = lineStart
      while (colon < end && buf[colon] !== 0x3a && buf[colon] !== CR) colon++
      if (
        colon === lineStart ||
        colon === end ||
        buf[colon] !== 0x3a ||
        buf[colon - 1] === 0x20 ||
        buf[lineStart] === 0x20
      ) {
        throw new InvalidResponseError('invalid header line')
      }
      lineEnd = colon + 1
      while (lineEnd < end && buf[lineEnd] !== CR) lineEnd++
      let valueStart = colon + 1
      let valueEnd = lineEnd
      while (valueStart < valueEnd && (buf[valueStart] === 0x20 || buf[valueStart] === 0x09)) valueStart++
      while (valueEnd > valueStart && (buf[valueEnd - 1] === 0x20 || buf[valueEnd - 1] === 0x09)) valueEnd--
      if (rawHeaders !== null) {
        rawHeaders.push(buf.toString('latin1', lineStart, colon), buf.toString('utf8', valueStart, valueEnd))
      }
      const nameLength = colon - lineStart
      if (nameLength === 14 && isName(buf, lineStart, colon, 'content-length')) {
        const length = parseLength(buf, valueStart, valueEnd)
        if (contentLength !== -1 && contentLength !== length) {
          throw new InvalidResponseError('conflicting content-length headers')
        }
        contentLength = length
      } else if (nameLength === 17 && isName(buf, lineStart, colon, 'transfer-encoding')) {
        chunked = valueEnd - valueStart >= 7 && hasToken(buf, valueEnd - 7, valueEnd, 'chunked')
        // A transfer coding other than chunked last: the body runs to the end of the connection.
        if (!chunked) contentLength = -2
      } else if (nameLength === 10 && isName(buf, lineStart, colon, 'connection')) {
        if (hasToken(buf, valueStart, valueEnd, 'close')) keepAlive = false
        else if (hasToken(buf, valueStart, valueEnd, 'keep-alive')) keepAlive = true
      } else if (nameLength === 10 && isName(buf, lineStart, colon, 'keep-alive')) {
        keepAliveHintMs = keepAliveTimeoutMs(buf.toString('latin1', valueStart, valueEnd))
      }
    }

    if (status < 200) {
      if (status === 101) throw new InvalidResponseError('unexpected 101 Switching Protocols')
      return // an interim response: the real one follows
    }
    this.keepAlive = keepAlive
    this.keepAliveHintMs = keepAliveHintMs
    this.announcedBody = false
    this.handler.onResponseHead(status, rawHeaders)
    // The handler dropped the connection (a response to nothing): nothing of this one is read.
    if (this.stopped) return
    if (this.noBody || status === 204 || status === 304) {
      // A body announced where there is none by definition: a server that sends it anyway would put it where
      // the next response's head belongs, so the connection is checked before it is used again.
      this.announcedBody = chunked || contentLength > 0 || contentLength === -2
      this.complete()
    } else if (chunked) {
      // With Content-Length too the message is suspect (request smuggling): use chunked, then close.
      if (contentLength !== -1) this.keepAlive = false
      this.startChunk()
    } else if (contentLength >= 0) {
      this.remaining = contentLength
      if (contentLength === 0) this.complete()
      else this.state = BODY_LENGTH
    } else {
      this.keepAlive = false
      this.state = BODY_UNTIL_CLOSE
    }
  }

  private startChunk(): void {
    this.state = CHUNK_SIZE
    this.remaining = 0
    this.sawSizeDigit = false
  }

  /** One byte of chunked framing: sizes, extensions, CRLFs and trailers (the data goes in bulk). */
  private readChunkFraming(byte: number): void {
    switch (this.state) {
      case CHUNK_SIZE: {
        const value = hexValue(byte)
        if (value !== -1) {
          this.remaining = this.remaining * 16 + value
          this.sawSizeDigit = true
          if (this.remaining > MAX_CHUNK_SIZE) throw new InvalidResponseError('chunk size too large')
          return
        }
        if (!this.sawSizeDigit) throw new InvalidResponseError('invalid chunk size')
        if (byte === CR) this.state = CHUNK_SIZE_LF
        else if (byte === 0x3b || byte === 0x20 || byte === 0x09) this.state = CHUNK_EXTENSION
        else throw new InvalidResponseError('invalid chunk size')
        return
      }
      case CHUNK_EXTENSION:
        if (byte === CR) this.state = CHUNK_SIZE_LF
        return
      case CHUNK_SIZE_LF:
        if (byte !== LF) throw new InvalidResponseError('invalid chunk size line')
        this.state = this.remaining === 0 ? TRAILER_START : CHUNK_DATA
        return
      case CHUNK_DATA_CR:
        if (byte !== CR) throw new InvalidResponseError('chunk data longer than its size')
        this.state = CHUNK_DATA_LF
        return
      case CHUNK_DATA_LF:
        if (byte !== LF) throw new InvalidResponseError('chunk data longer than its size')
        this.startChunk()
        return
      case TRAILER_START:
        this.state = byte === CR ? TRAILER_END_LF : TRAILER_LINE
        return
      case TRAILER_LINE:
        if (byte === LF) this.state = TRAILER_START
        return
      case TRAILER_END_LF:
        if (byte !== LF) throw new InvalidResponseError('invalid chunked trailer')
        this.complete()
        return
    }
  }
}
