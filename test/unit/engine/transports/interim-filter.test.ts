import { describe, expect, it } from 'vitest'
import { InterimFilter } from '../../../../src/engine/transports/interim-filter.ts'

const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n'
const OK = 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok'

/** What undici's parser gets when the connection's bytes arrive in `pieces`. */
function filterPieces(pieces: string[], noBody = false): { out: string; passing: boolean } {
  const filter = new InterimFilter(() => noBody, 16 * 1024)
  const out = pieces.map((piece) => filter.filter(Buffer.from(piece, 'latin1')).toString('latin1')).join('')
  return { out, passing: filter.passing }
}

/** Every way to cut `wire` in two and in three reads gives the same bytes to undici. */
function expectEverySplit(wire: string, expected: string, noBody = false): void {
  expect(filterPieces([wire], noBody).out).toBe(expected)
  for (let a = 1; a < wire.length; a++) {
    expect(filterPieces([wire.slice(0, a), wire.slice(a)], noBody).out).toBe(expected)
    for (let b = a + 1; b < wire.length; b += 7) {
      expect(filterPieces([wire.slice(0, a), wire.slice(a, b), wire.slice(b)], noBody).out).toBe(expected)
    }
  }
}

describe('InterimFilter', () => {
  it('hands on a chunk without a 100 as it is (the same Buffer)', () => {
    const filter = new InterimFilter(() => false, 16 * 1024)
    const chunk = Buffer.from(OK + OK)
    expect(filter.filter(chunk)).toBe(chunk)
    expect(filter.passing).toBe(false)
  })

  it('removes a 100 Continue before the response, however the reads split it', () => {
    expectEverySplit(CONTINUE + OK, OK)
    expectEverySplit(`HTTP/1.1 100\r\nx-a: b\r\n\r\n${CONTINUE}${OK}`, OK)
  })

  it('removes 100s between pipelined responses and leaves other 1xx to undici', () => {
    const hints = 'HTTP/1.1 103 Early Hints\r\nlink: </a.css>\r\n\r\n'
    expectEverySplit(`${CONTINUE}${OK}${hints}${CONTINUE}${OK}${OK}${CONTINUE}`, `${OK}${hints}${OK}${OK}`)
  })

  it('never touches a body, even one that holds a 100 Continue', () => {
    const body = `${CONTINUE}HTTP/1.1 100 Continue\r\n`
    const sized = `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`
    const chunked = `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b\r\nHTTP/\r\n${(body.length - 5).toString(16)}\r\n${body.slice(5)}\r\n0\r\nx-t: 1\r\n\r\n`
    expectEverySplit(`${CONTINUE}${sized}${CONTINUE}${chunked}${CONTINUE}${OK}`, `${sized}${chunked}${OK}`)
  })

  it('frames HEAD, 204 and 304 responses without a body, whatever their headers say', () => {
    const head = 'HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n'
    expectEverySplit(`${head}${CONTINUE}${head}`, `${head}${head}`, true)
    const empty = 'HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\nHTTP/1.1 304 Not Modified\r\n\r\n'
    expectEverySplit(`${empty}${CONTINUE}${OK}`, `${empty}${OK}`)
  })

  it.each([
    ['a body to the end of the connection', 'HTTP/1.0 200 OK\r\n\r\n'],
    ['both framings', 'HTTP/1.1 200 OK\r\ncontent-length: 4\r\ntransfer-encoding: chunked\r\n\r\n'],
    ['chunked in HTTP/1.0', 'HTTP/1.0 200 OK\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n'],
    ['two lengths', 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 2\r\n\r\nok'],
    ['an unknown coding', 'HTTP/1.1 200 OK\r\ntransfer-encoding: gzip\r\n\r\n'],
    ['a folded line', 'HTTP/1.1 200 OK\r\nx-a: b\r\n c\r\ncontent-length: 2\r\n\r\nok'],
    ['a bare LF', 'HTTP/1.1 200 OK\ncontent-length: 2\r\n\r\nok'],
    ['a space before the colon', 'HTTP/1.1 200 OK\r\ncontent-length : 2\r\n\r\nok'],
    ['a bad length', 'HTTP/1.1 200 OK\r\ncontent-length: 2x\r\n\r\nok'],
    ['a bad chunk size', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n'],
    ['not HTTP/1.x', 'HTTP/2 200\r\n\r\n'],
    ['a switch of protocol', 'HTTP/1.1 101 Switching Protocols\r\nupgrade: x\r\n\r\n'],
    ['a body after a 204', 'HTTP/1.1 204 No Content\r\n\r\nstray'],
  ])('stops filtering at %s: what follows passes unchanged', (_name, response) => {
    const wire = response + CONTINUE + OK
    const { out, passing } = filterPieces([wire])
    expect(out).toBe(wire)
    expect(passing).toBe(true)
  })

  it('hands on a head too large to hold, and stops filtering', () => {
    const filter = new InterimFilter(() => false, 64)
    const start = Buffer.from(`HTTP/1.1 200 OK\r\nx-long: ${'a'.repeat(80)}`)
    expect(filter.filter(start)).toBe(start)
    expect(filter.passing).toBe(true)
  })

  it('holds back a head until it is complete', () => {
    const filter = new InterimFilter(() => false, 16 * 1024)
    expect(filter.filter(Buffer.from('HTTP/1.1 200 OK\r\ncontent-')).length).toBe(0)
    expect(filter.filter(Buffer.from('length: 2\r\n\r\nok')).toString()).toBe(OK)
  })
})
