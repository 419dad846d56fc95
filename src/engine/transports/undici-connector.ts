import type { Socket } from 'node:net'
import { TLSSocket } from 'node:tls'
import { buildConnector } from 'undici'
import { InterimFilter } from './interim-filter.ts'

/**
 * The undici transport's connector over HTTP/1.1 (undici's own, with the run's connect and TLS options):
 * each socket it makes hands undici's parser its bytes without unsolicited `100 Continue` responses (see
 * InterimFilter), and a TLS socket that fails after its handshake keeps the TLS error as its reason.
 * `noBody()`: the request the next response answers is HEAD.
 */
export function undiciConnector(
  options: buildConnector.BuildOptions,
  noBody: () => boolean,
  maxHeadBytes: number,
): buildConnector.connector {
  const connect = buildConnector(options)
  return (target, callback) => {
    connect(target, (...args) => {
      if (args[0] === null) watchSocket(args[1], new InterimFilter(noBody, maxHeadBytes))
      callback(...args)
    })
  }
}

/**
 * undici reads a socket with `read()` (on 'readable') and gives back what its parser did not take with
 * `unshift()`: both go through the filter, and bytes given back are not filtered twice.
 */
function watchSocket(socket: Socket, filter: InterimFilter): void {
  const read = socket.read
  const unshift = socket.unshift
  let givenBack = 0
  socket.read = function filteredRead(this: Socket, size?: number) {
    const chunk: Buffer | null = read.call(this, size)
    if (chunk === null || filter.passing) return chunk
    if (givenBack === 0) return filter.filter(chunk)
    if (chunk.length <= givenBack) {
      givenBack -= chunk.length
      return chunk
    }
    const again = chunk.subarray(0, givenBack)
    givenBack = 0
    return Buffer.concat([again, filter.filter(chunk.subarray(again.length))])
  }
  socket.unshift = function filteredUnshift(this: Socket, chunk: Buffer, encoding?: BufferEncoding) {
    givenBack += chunk.length
    unshift.call(this, chunk, encoding)
  }
  if (socket instanceof TLSSocket) socket.on('error', closeAfterTlsError)
}

/**
 * node:tls emits an error after the handshake (TLS 1.3: the server's alert that it wanted a client
 * certificate) without closing the socket; the server's close then reaches undici as 'other side closed',
 * which replaces the error. Closed here, undici fails the request with the TLS error it has just read.
 */
function closeAfterTlsError(this: Socket): void {
  if (!this.destroyed) this.destroy()
}
