import { describe, expect, it } from 'vitest'
import {
  MAX_HEAD_BYTES,
  type ResponseHandler,
  ResponseParser,
  type ResponseParserOptions,
} from '../../../../src/engine/transports/response-parser.ts'

interface Seen {
  status: number
  headers: string[] | null
  body: string
  keepAlive?: boolean
}

/** A parser and what it reported, response by response. */
function parse(options: ResponseParserOptions = {}) {
  const responses: Seen[] = []
  const handler: ResponseHandler = {
    onResponseHead: (status, headers) => responses.push({ status, headers, body: '' }),
    onResponseBody: (chunk, start, end) => {
      responses.at(-1)!.body += chunk.toString('latin1', start, end)
    },
    onResponseEnd: (keepAlive) => {
      responses.at(-1)!.keepAlive = keepAlive
    },
  }
  const parser = new ResponseParser(handler, options)
  // Each piece lands in a reused buffer with stale bytes after it, as reads do.
  const buffer = Buffer.alloc(64 * 1024, 'Z')
  const feed = (...pieces: string[]): void => {
    for (const piece of pieces) {
      const length = buffer.write(piece, 0, 'latin1')
      parser.execute(buffer, 0, length)
    }
  }
  return { parser, responses, feed }
}

/** Every way to cut `text` in two. */
function splits(text: string): [string, string][] {
  return Array.from({ length: text.length - 1 }, (_, at) => [text.slice(0, at + 1), text.slice(at + 1)])
}

const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok'
const CHUNKED =
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n1\r\n!\r\n0\r\nx-trailer: 1\r\n\r\n'

describe('ResponseParser', () => {
  it('reads a Content-Length response in one piece', () => {
    const { responses, feed } = parse()
    feed(OK)
    expect(responses).toEqual([{ status: 200, headers: null, body: 'ok', keepAlive: true }])
  })

  it('reads the same response cut anywhere, head or body', () => {
    for (const [first, second] of splits(OK)) {
      const { responses, feed } = parse()
      feed(first, second)
      expect(responses, JSON.stringify(first)).toEqual([
        { status: 200, headers: null, body: 'ok', keepAlive: true },
      ])
    }
  })

  it('de-chunks a chunked body with extensions and trailers, cut anywhere', () => {
    const whole: [string, string] = [CHUNKED, '']
    for (const [first, second] of [whole, ...splits(CHUNKED)]) {
      const { responses, feed } = parse()
      feed(first, second)
      expect(responses, JSON.stringify(first)).toEqual([
        { status: 200, headers: null, body: 'hello!', keepAlive: true },
      ])
    }
  })

  it('reads pipelined responses from one read, in order', () => {
    const { responses, feed } = parse()
    feed(`${OK}${CHUNKED}HTTP/1.1 204 No Content\r\n\r\n${OK}`)
    expect(responses.map((response) => [response.status, response.body])).toEqual([
      [200, 'ok'],
      [200, 'hello!'],
      [204, ''],
      [200, 'ok'],
    ])
  })

  it('skips interim 1xx responses', () => {
    const { responses, feed } = parse()
    feed('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </a>\r\n\r\n', OK)
    expect(responses.map((response) => response.status)).toEqual([200])
  })

  it('reads no body for HEAD requests, 204 and 304 whatever the headers say', () => {
    const head = parse({ noBody: true })
    head.feed('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n', OK)
    expect(head.responses.map((response) => [response.status, response.body])).toEqual([
      [200, ''],
      [200, ''],
    ])
    const notModified = parse()
    notModified.feed('HTTP/1.1 304 Not Modified\r\ncontent-length: 5\r\n\r\n', OK)
    expect(notModified.responses.map((response) => response.body)).toEqual(['', 'ok'])
  })

  it('keeps the connection as HTTP/1.x and the Connection header say', () => {
    const cases: [string, boolean][] = [
      ['HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n', true],
      ['HTTP/1.1 200 OK\r\nConnection: close\r\ncontent-length: 0\r\n\r\n', false],
      ['HTTP/1.1 200 OK\r\nconnection: Upgrade, CLOSE\r\ncontent-length: 0\r\n\r\n', false],
      ['HTTP/1.0 200 OK\r\ncontent-length: 0\r\n\r\n', false],
      ['HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\ncontent-length: 0\r\n\r\n', true],
      // Chunked with a Content-Length too: read as chunked, then close (as request-smuggling defences do).
      ['HTTP/1.1 200 OK\r\ncontent-length: 3\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n', false],
    ]
    for (const [response, keepAlive] of cases) {
      const { responses, feed } = parse()
      feed(response)
      expect(responses[0]?.keepAlive, response).toBe(keepAlive)
    }
  })

  it('reads a body without length to the end of the connection', () => {
    const { parser, responses, feed } = parse()
    feed('HTTP/1.1 200 OK\r\n\r\nall ', 'of it')
    expect(responses[0]?.keepAlive).toBeUndefined()
    expect(parser.finish()).toBe('none')
    expect(responses).toEqual([{ status: 200, headers: null, body: 'all of it', keepAlive: false }])
  })

  it('tells where a response was cut short by the end of the connection', () => {
    const { parser, feed } = parse()
    feed('HTTP/1.1 200 OK\r\ncontent-length: 50\r\n\r\nshort')
    expect(parser.finish()).toBe('body')
    const headOnly = parse()
    headOnly.feed('HTTP/1.1 200 O')
    expect(headOnly.parser.finish()).toBe('head')
    const idle = parse()
    idle.feed(OK)
    expect(idle.parser.finish()).toBe('none')
  })

  it('takes a larger head when its limit is raised, and names the option when it is exceeded', () => {
    const head = `HTTP/1.1 200 OK\r\nx: ${'a'.repeat(64 * 1024)}\r\ncontent-length: 0\r\n\r\n`
    const raised = parse({ maxHeadBytes: 128 * 1024 })
    raised.feed(head.slice(0, 40_000), head.slice(40_000))
    expect(raised.responses).toHaveLength(1)
    expect(() => parse().feed(head.slice(0, 40_000), head.slice(40_000))).toThrow(
      /larger than 16384 bytes \(the `maxHeaderSize` option\)/,
    )
  })

  it("reads the server's keep-alive timeout hint", () => {
    const { parser, feed } = parse()
    feed('HTTP/1.1 200 OK\r\nKeep-Alive: timeout=2, max=100\r\ncontent-length: 0\r\n\r\n')
    expect(parser.keepAliveHintMs).toBe(2000)
  })

  it('keeps header names and values only when asked to', () => {
    const { responses, feed } = parse({ keepHeaders: true })
    feed('HTTP/1.1 200 OK\r\nX-One:  a b \r\nset-cookie: c=1\r\nContent-Length: 0\r\n\r\n')
    expect(responses[0]?.headers).toEqual(['X-One', 'a b', 'set-cookie', 'c=1', 'Content-Length', '0'])
  })

  it.each([
    ['a nonsense status line', 'HTTP/1.1 abc nonsense\r\n\r\n'],
    ['not HTTP', 'SSH-2.0-OpenSSH\r\n\r\n'],
    ['a header without a colon', 'HTTP/1.1 200 OK\r\nno colon here\r\n\r\n'],
    ['a space before the colon', 'HTTP/1.1 200 OK\r\nContent-Length : 1\r\n\r\n'],
    ['a folded header line', 'HTTP/1.1 200 OK\r\nx: a\r\n b\r\n\r\n'],
    ['a bare LF inside the head', 'HTTP/1.1 200 OK\r\nx: a\r\ny: b\rz\r\n\r\n'],
    ['a non-numeric Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n'],
    ['conflicting Content-Lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n'],
    ['a bad chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
    ['chunk data longer than its size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n'],
    ['an upgrade nobody asked for', 'HTTP/1.1 101 Switching Protocols\r\n\r\n'],
  ])('throws an InvalidResponseError for %s', (_name, response) => {
    const { feed } = parse()
    expect(() => feed(response)).toThrow(expect.objectContaining({ code: 'PERF_INVALID_RESPONSE' }))
  })

  it(`refuses a head larger than ${MAX_HEAD_BYTES} bytes, whole or in pieces`, () => {
    const big = `HTTP/1.1 200 OK\r\nx: ${'a'.repeat(MAX_HEAD_BYTES)}\r\n\r\n`
    expect(() => parse().feed(big)).toThrow(/larger than/)
    const pieces = parse()
    expect(() => pieces.feed(big.slice(0, 10_000), big.slice(10_000))).toThrow(/larger than/)
  })

  it('stops in the middle of a read when reset from a callback', () => {
    const responses: number[] = []
    const parser: ResponseParser = new ResponseParser({
      onResponseHead: (status) => responses.push(status),
      onResponseBody: () => {},
      onResponseEnd: () => parser.reset(),
    })
    const twice = Buffer.from(`${OK}${OK}`)
    parser.execute(twice, 0, twice.length)
    expect(responses).toEqual([200])
  })
})
